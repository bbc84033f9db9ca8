"""``client.files``: the generated methods plus uploads, downloads and waiting for ACTIVE."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from genlang_async._core.names import resolve_name
from genlang_async._http.upload import (
    DEFAULT_CHUNK_SIZE,
    check_destination,
    content_length,
    wait_until_active,
    with_progress,
    write_stream,
)
from genlang_async.types import File

from .._core.coerce import request_options
from .._observe.raw import raw
from ..resources import files as generated
from .media import upload_file

if TYPE_CHECKING:
    from genlang_async._core.options import TimeoutLike
    from genlang_async._http.upload import ProgressCallback, UploadSource

__all__ = ["Files", "FilesRaw"]

_MAX_POLL_INTERVAL = 10.0


class Files(generated.Files):
    """The ``files`` methods of the API, plus :meth:`upload`, :meth:`download` and
    :meth:`wait_until_active`."""

    @property
    def with_raw_response(self) -> FilesRaw:
        """These methods, each returning an ``APIResponse``."""
        return FilesRaw(self)

    async def upload(
        self,
        file: UploadSource,
        *,
        mime_type: str | None = None,
        display_name: str | None = None,
        name: str | None = None,
        resumable: bool = True,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        progress: ProgressCallback | None = None,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> File:
        """Upload a file and return the new ``File`` (often ``PROCESSING`` for video: see
        :meth:`wait_until_active`).

        Args:
            file: a path (``str`` or ``os.PathLike``; a ``str`` is always a path), ``bytes``
                / ``bytearray`` / ``memoryview``, or an async iterable of ``bytes`` (size
                unknown up front: sent without a declared length, finalized with the last
                chunk).
            mime_type: guessed from a path's extension when not given; required for bytes
                and iterables (``ValueError`` otherwise, before anything is sent).
            display_name: a human-readable name, up to 512 characters.
            name: the resource name to ask for (``"files/abc"`` or ``"abc"``); the server
                picks one when not given.
            resumable: ``True`` (default): the resumable protocol, in chunks. ``False``: one
                multipart request (metadata and bytes), which saves a round trip for small
                files but holds the whole file in memory and is not resumed after a failure;
                not for async iterables.
            chunk_size: bytes per resumable chunk, rounded down to a multiple of the
                server's ``X-Goog-Upload-Chunk-Granularity`` (at least one granule). Memory
                use is about one chunk, whatever the file size.
            progress: ``progress(sent_bytes, total_bytes_or_None)`` after each chunk the
                server acknowledged, and once at the end with the total (``total`` is
                ``None`` until an async iterable is drained). May be ``async``.

        The per-call options (``timeout``, ``max_retries``, ``extra_headers``,
        ``extra_query``) apply to each HTTP request of the upload; ``max_retries`` also bounds
        the attempts to resume after one chunk failed (reset by every chunk that gets through).

        A failed or interrupted chunk is not simply sent again: the session is asked how
        many bytes it holds and the upload resumes from there. Only when the session is gone
        (HTTP 404 / 410) does the upload start over (not possible for an async iterable past
        its first chunk: :class:`UploadError`). At the end the server's ``sizeBytes`` and
        ``sha256Hash`` are checked against what was sent (:class:`UploadIntegrityError`).

        Raises:
            FileNotFoundError, IsADirectoryError: for a bad path, before anything is sent.
            ValueError, TypeError: invalid arguments, before anything is sent.
            UploadError, UploadIntegrityError: see above.
            APIError, APIConnectionError: HTTP failures that outlast the retries.
        """
        options = request_options(timeout, max_retries, extra_headers, extra_query)
        response = await upload_file(
            self._transport,
            file,
            mime_type=mime_type,
            display_name=display_name,
            name=name,
            resumable=resumable,
            chunk_size=chunk_size,
            progress=progress,
            options=options,
        )
        assert response.file is not None
        return response.file

    async def download(
        self,
        name: str,
        destination: Any,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        progress: ProgressCallback | None = None,
    ) -> int:
        """Download a file's content (``GET /v1beta/{name=files/*}:download?alt=media``) and
        return the number of bytes written.

        ``destination`` is a path (written to a temporary name in the same folder, renamed
        when complete; no partial file is left behind on failure) or an object with a
        ``write(bytes)`` method (awaited when it is async). The body is streamed, never held
        whole in memory. Retries cover opening the download, not a connection lost midway.
        Only generated files (a Veo video, a batch's results) can be downloaded: the API
        refuses uploaded ones.

        ``progress(received_bytes, total_bytes_or_None)`` (sync or async; a
        :class:`~genlang_async.ProgressBar` for instance) is called as the bytes arrive.
        """
        name = resolve_name(name, "files/*", argument="name")
        check_destination(destination)
        options = request_options(timeout, max_retries, extra_headers, extra_query)
        async with self._transport.stream(
            "GET", f"{name}:download", query={"alt": "media"}, options=options
        ) as body:
            chunks = with_progress(body, progress, content_length(body.headers))
            return await write_stream(chunks, destination)

    async def wait_until_active(
        self,
        name: str | File,
        *,
        timeout: float | None = 600.0,
        poll_interval: float = 1.0,
    ) -> File:
        """Poll the file until its state is ``ACTIVE`` and return it.

        Polls every ``poll_interval`` seconds at first, growing by half each time up to
        10 s (or ``poll_interval`` if larger). Raises :class:`FileProcessingError` (with the
        file's ``error`` status) when the state becomes ``FAILED``, and
        :class:`FileProcessingTimeoutError` (a ``TimeoutError``) after ``timeout`` seconds
        (``None``: wait for ever).
        """
        if isinstance(name, File):
            if not name.name:
                raise ValueError("the File has no name")
            name = name.name
        full_name = resolve_name(name, "files/*", argument="name")
        return await wait_until_active(
            lambda: self.get(full_name),
            full_name,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=_MAX_POLL_INTERVAL,
        )


class FilesRaw(generated.FilesRaw):
    """``client.files.with_raw_response``: the generated methods and the transfers."""

    __slots__ = ()

    download = raw(Files.download)
    upload = raw(Files.upload)
    wait_until_active = raw(Files.wait_until_active)
