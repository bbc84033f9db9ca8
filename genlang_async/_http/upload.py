"""The upload engine behind ``client.files.upload``, ``client.media.upload`` and
``client.media.upload_to_file_search_store``.

Google's upload protocols, as the API speaks them:

* **resumable**: ``start`` (metadata as JSON; the answer carries the session's
  ``X-Goog-Upload-URL`` and ``X-Goog-Upload-Chunk-Granularity``), then chunks sent with
  ``X-Goog-Upload-Command: upload`` (the last one ``upload, finalize``) and
  ``X-Goog-Upload-Offset``. After a failed or interrupted chunk the session is asked
  (``query``) how many bytes it holds (``X-Goog-Upload-Size-Received``) and the upload goes on
  from there. Only when the session itself is gone (404 / 410) does it start over.
* **multipart** (on request, ``resumable=False``): metadata and bytes in one
  ``multipart/related`` request; the whole file is held in memory, so for small files.

The pieces that decide (chunk sizes, headers, MIME types, the multipart body, the integrity
check) are plain functions; :func:`open_source` and :class:`ResumableUpload` do the I/O.
Memory stays flat in the file size: a file is read one chunk at a time (``anyio`` file I/O),
and only the chunk in flight is held. The sha256 of the data is computed once, piece by piece
as the bytes go out (no pass of its own).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import json
import logging
import mimetypes
import os
import secrets
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import urljoin

import anyio

from .._core.errors import APIError, GenlangError

if TYPE_CHECKING:
    from .._core.options import RequestOptions
    from ..types import File, Status
    from .transport import Transport

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "FileProcessingError",
    "FileProcessingTimeoutError",
    "ProgressCallback",
    "UploadError",
    "UploadIntegrityError",
    "UploadSource",
    "chunk_size_for",
    "guess_mime_type",
    "multipart_body",
    "open_source",
    "run_upload",
    "upload_url",
    "verify_file",
    "wait_until_active",
]

logger = logging.getLogger("genlang_async")

KIB = 1024
MIB = 1024 * KIB
DEFAULT_CHUNK_SIZE = 8 * MIB
"""Bytes per resumable chunk (rounded to the server's granularity)."""

_HASH_IN_THREAD = 1 * MIB  # hash larger pieces in a worker thread, off the event loop
_WRITE_BUFFER = 1 * MIB
_BODY_PIECE = 1 * MIB
_SESSION_GONE = frozenset({404, 410})

H_PROTOCOL = "X-Goog-Upload-Protocol"
H_COMMAND = "X-Goog-Upload-Command"
H_OFFSET = "X-Goog-Upload-Offset"
H_URL = "X-Goog-Upload-URL"
H_STATUS = "X-Goog-Upload-Status"
H_RECEIVED = "X-Goog-Upload-Size-Received"
H_GRANULARITY = "X-Goog-Upload-Chunk-Granularity"
H_LENGTH = "X-Goog-Upload-Header-Content-Length"
H_TYPE = "X-Goog-Upload-Header-Content-Type"

#: What can be uploaded: a path (``str`` is always a path), bytes, or an async iterable of
#: bytes (size unknown up front).
UploadSource: TypeAlias = (
    "str | os.PathLike[str] | bytes | bytearray | memoryview | AsyncIterable[bytes]"
)
#: ``progress(sent_bytes, total_bytes_or_None)``; may also be an ``async def``.
ProgressCallback: TypeAlias = "Callable[[int, int | None], object]"


# --------------------------------------------------------------------------- errors


class UploadError(GenlangError):
    """An upload could not be completed for a reason of its own (not a plain HTTP error):
    the session was lost and the source cannot be read again, a file changed while being
    read, or the server broke the upload protocol.

    HTTP failures that outlast the retries raise the usual :class:`APIError` /
    :class:`APIConnectionError` instead.
    """


class UploadIntegrityError(UploadError):
    """The server's ``sizeBytes`` or ``sha256Hash`` of the uploaded file differs from what
    was sent. The file exists on the server (``file_name``): delete it and upload again."""

    def __init__(
        self,
        message: str,
        *,
        file_name: str | None,
        sent_size: int,
        sent_sha256: str,
        received_size: int | None,
        received_sha256: str | None,
    ) -> None:
        super().__init__(message)
        self.file_name = file_name
        self.sent_size = sent_size
        self.sent_sha256 = sent_sha256
        self.received_size = received_size
        self.received_sha256 = received_sha256


class FileProcessingError(GenlangError):
    """:meth:`Files.wait_until_active`: the file's processing ended in state ``FAILED``."""

    def __init__(self, file: File) -> None:
        self.file = file
        self.error: Status | None = file.error
        text = f"processing of {file.name!r} failed"
        if file.error is not None and file.error.message:
            text += f": {file.error.message}"
        super().__init__(text)


class FileProcessingTimeoutError(GenlangError, TimeoutError):
    """:meth:`Files.wait_until_active` gave up: the file was not ``ACTIVE`` in time."""

    def __init__(self, name: str, timeout: float, state: object) -> None:
        self.name = name
        self.timeout = timeout
        self.state = state
        super().__init__(f"file {name!r} not ACTIVE after {timeout:g} s (state: {state})")


class _SessionGone(Exception):
    """Internal: the upload session answered 404 / 410."""

    def __init__(self, error: APIError) -> None:
        super().__init__(str(error))
        self.error = error


# --------------------------------------------------------------------------- pure pieces


def upload_url(transport: Transport, path: str) -> str:
    """The absolute URL of an upload method: ``{base_url}/upload/{version}/{path}``."""
    return f"{transport.base_url}/upload/{transport.api_version}/{path.lstrip('/')}"


def chunk_size_for(requested: int, granularity: int | None) -> int:
    """``requested`` rounded down to a multiple of ``granularity`` (at least one granule)."""
    if granularity is None or granularity <= 0:
        return requested
    return max(granularity, requested - requested % granularity)


def parse_granularity(headers: Mapping[str, str]) -> int | None:
    raw = headers.get(H_GRANULARITY)
    if raw is None or not raw.strip().isdigit():
        return None
    value = int(raw)
    return value if value > 0 else None


def parse_received(headers: Mapping[str, str]) -> int | None:
    raw = headers.get(H_RECEIVED)
    if raw is None or not raw.strip().isdigit():
        return None
    return int(raw)


def chunk_headers(offset: int, *, last: bool) -> dict[str, str]:
    return {H_COMMAND: "upload, finalize" if last else "upload", H_OFFSET: str(offset)}


def guess_mime_type(path: str | os.PathLike[str]) -> str | None:
    """The MIME type for a file name from its extension (``None`` when unknown)."""
    mime, _ = mimetypes.guess_type(os.fspath(path), strict=False)
    return mime


def check_mime_type(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"mime_type must be a str, not {type(value).__name__}")
    kind, slash, sub = value.partition(";")[0].strip().partition("/")
    if not (kind and slash and sub) or any(c in value for c in "\r\n\0"):
        raise ValueError(f"mime_type must look like 'type/subtype', not {value!r}")
    return value


def multipart_body(metadata: Mapping[str, Any], mime_type: str, data: bytes) -> tuple[bytes, str]:
    """A ``multipart/related`` body (JSON metadata part, then the media part) and its
    ``Content-Type``."""
    boundary = "genlang-" + secrets.token_hex(16)
    meta = json.dumps(metadata, ensure_ascii=False, separators=(",", ":")).encode()
    body = b"".join(
        (
            f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n".encode(),
            meta,
            f"\r\n--{boundary}\r\nContent-Type: {mime_type}\r\n\r\n".encode(),
            data,
            f"\r\n--{boundary}--\r\n".encode(),
        )
    )
    return body, f"multipart/related; boundary={boundary}"


def verify_file(file: File, *, size: int, sha256_hex: str) -> None:
    """Raise :class:`UploadIntegrityError` when the server's size or hash of ``file`` differs
    from what was sent (fields the server left out are not checked)."""
    got_size = file.size_bytes
    got_hash = file.sha256_hash
    hash_ok = (
        got_hash is None
        or got_hash == bytes.fromhex(sha256_hex)
        or got_hash.strip().lower() == sha256_hex.encode()
    )
    if (got_size is None or got_size == size) and hash_ok:
        return
    shown_hash: str | None = None
    if got_hash is not None:
        shown_hash = got_hash.decode("ascii", "replace") if len(got_hash) == 64 else got_hash.hex()
    problems = []
    if got_size is not None and got_size != size:
        problems.append(f"size {got_size} != {size} bytes sent")
    if not hash_ok:
        problems.append(f"sha256 {shown_hash} != {sha256_hex} sent")
    raise UploadIntegrityError(
        f"uploaded file {file.name!r} does not match what was sent: " + "; ".join(problems),
        file_name=file.name,
        sent_size=size,
        sent_sha256=sha256_hex,
        received_size=got_size,
        received_sha256=shown_hash,
    )


# --------------------------------------------------------------------------- sources


class Source:
    """Bytes to upload, read by offset. ``size`` is ``None`` until an iterable is drained."""

    size: int | None = None
    label: str = "<data>"
    mime_type: str = ""

    async def read(self, offset: int, limit: int) -> bytes:
        """Up to ``limit`` bytes from ``offset`` (``b""`` at the end)."""
        raise NotImplementedError

    def at_end(self, end: int) -> bool:
        """Whether ``end`` (just past the bytes last read) is the end of the data."""
        return self.size is not None and end >= self.size

    def can_read_from(self, offset: int) -> bool:
        return True

    async def aclose(self) -> None:
        return None

    async def __aenter__(self) -> Source:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class _BytesSource(Source):
    def __init__(self, data: bytes | bytearray | memoryview) -> None:
        self._view = memoryview(data).cast("B")
        self.size = self._view.nbytes
        self.label = f"<{self.size} bytes>"

    async def read(self, offset: int, limit: int) -> bytes:
        return bytes(self._view[offset : offset + limit])

    async def aclose(self) -> None:
        self._view.release()


class _PathSource(Source):
    def __init__(self, path: str, size: int, handle: anyio.AsyncFile[bytes]) -> None:
        self.label = path
        self.size = size
        self._handle = handle
        self._position = 0

    async def read(self, offset: int, limit: int) -> bytes:
        assert self.size is not None
        limit = max(0, min(limit, self.size - offset))
        if offset != self._position:
            await self._handle.seek(offset)
        data = await self._handle.read(limit) if limit else b""
        self._position = offset + len(data)
        return data

    async def aclose(self) -> None:
        await self._handle.aclose()


class _IterableSource(Source):
    """An async iterable: read forward only. The current chunk is kept so that a lost chunk
    can be sent again, from any offset inside it; anything before it is gone."""

    def __init__(self, iterable: AsyncIterable[bytes]) -> None:
        self._iterator: AsyncIterator[bytes] = aiter(iterable)
        self.label = f"<{type(iterable).__name__}>"
        self._start = 0
        self._chunk = b""
        self._carry = b""
        self._drained = False

    def can_read_from(self, offset: int) -> bool:
        return self._start <= offset <= self._start + len(self._chunk)

    async def read(self, offset: int, limit: int) -> bytes:
        end = self._start + len(self._chunk)
        if offset < self._start:
            raise UploadError(
                f"cannot resume the upload of {self.label} from byte {offset}: an async "
                f"iterable cannot be rewound and bytes before {self._start} are gone"
            )
        if offset > end:
            raise UploadError(f"read at byte {offset} beyond the {end} bytes read so far")
        # From ``offset``: what is left of the current chunk (sent again after a failure that
        # the server acknowledged only in part), then what follows it, up to ``limit``.
        buffer = bytearray(self._chunk[offset - self._start :])
        buffer += self._carry
        self._carry = b""
        while len(buffer) < limit and not self._drained:
            try:
                item = await anext(self._iterator)
            except StopAsyncIteration:
                self._drained = True
                break
            if not isinstance(item, (bytes, bytearray, memoryview)):
                raise TypeError(f"the upload iterable must yield bytes, not {type(item).__name__}")
            buffer += item
        self._start = offset
        self._chunk = bytes(buffer[:limit])
        self._carry = bytes(buffer[limit:])
        if self._drained and not self._carry:
            self.size = self._start + len(self._chunk)
        return self._chunk

    def at_end(self, end: int) -> bool:
        return self._drained and not self._carry and end == self._start + len(self._chunk)

    async def aclose(self) -> None:
        self._chunk = self._carry = b""
        close = getattr(self._iterator, "aclose", None)
        if close is not None:
            await close()


async def open_source(file: object, mime_type: str | None) -> Source:
    """Check ``file`` and ``mime_type`` and open the source (nothing is sent yet).

    Raises ``FileNotFoundError`` / ``IsADirectoryError`` for paths, ``ValueError`` when the
    MIME type is not given and cannot be guessed, ``TypeError`` for other kinds of ``file``.
    """
    if mime_type is not None:
        mime_type = check_mime_type(mime_type)
    source: Source
    if isinstance(file, (str, os.PathLike)):
        path = os.fspath(file)
        if not isinstance(path, str):
            raise TypeError("a path to upload must be a str or os.PathLike[str]")
        if mime_type is None:
            mime_type = guess_mime_type(path)
            if mime_type is None:
                raise ValueError(
                    f"cannot tell the MIME type of {path!r} from its name: pass mime_type="
                )
        apath = anyio.Path(path)
        try:
            info = await apath.stat()
        except FileNotFoundError:
            raise FileNotFoundError(f"no such file to upload: {path!r}") from None
        if not await apath.is_file():
            if await apath.is_dir():
                raise IsADirectoryError(f"cannot upload {path!r}: it is a directory")
            raise ValueError(f"cannot upload {path!r}: not a regular file")
        handle = await anyio.open_file(path, "rb")
        source = _PathSource(path, info.st_size, handle)
    elif isinstance(file, (bytes, bytearray, memoryview)):
        if mime_type is None:
            raise ValueError("uploading bytes needs mime_type= (there is no file name to go by)")
        source = _BytesSource(file)
    elif isinstance(file, AsyncIterable):
        if mime_type is None:
            raise ValueError("uploading an async iterable needs mime_type=")
        source = _IterableSource(file)
    else:
        raise TypeError(
            "file must be a path (str or os.PathLike), bytes, bytearray, memoryview or an "
            f"async iterable of bytes, not {type(file).__name__}"
        )
    source.mime_type = mime_type
    return source


# --------------------------------------------------------------------------- the engine


class _Digest:
    """sha256 of the data, fed with every byte exactly once even when chunks are re-read."""

    def __init__(self) -> None:
        self._hasher = hashlib.sha256()
        self.length = 0

    async def feed(self, offset: int, data: bytes | memoryview) -> None:
        if offset > self.length:
            raise UploadError(f"internal error: read at {offset} past {self.length} hashed bytes")
        skip = self.length - offset
        if skip >= len(data):
            return
        piece = memoryview(data)[skip:]
        if len(piece) >= _HASH_IN_THREAD:
            await anyio.to_thread.run_sync(self._hasher.update, piece)
        else:
            self._hasher.update(piece)
        self.length += len(piece)

    def hexdigest(self) -> str:
        return self._hasher.hexdigest()


def _body(
    data: bytes, headers: dict[str, str], digest: _Digest | None = None, offset: int = 0
) -> bytes | AsyncIterable[bytes | memoryview]:
    """``data`` as a request body. Over :data:`_BODY_PIECE` bytes it is handed to the HTTP
    client in pieces (with an explicit ``Content-Length``, so not chunked): one large write
    would hold up the event loop. With a ``digest``, each piece (at ``offset`` in the
    source) is hashed just before it is handed over, while the previous one is going out;
    a smaller body must be fed to the digest by the caller."""
    if len(data) <= _BODY_PIECE:
        return data
    headers["Content-Length"] = str(len(data))
    return _pieces(data, digest, offset)


async def _pieces(
    data: bytes, digest: _Digest | None, offset: int
) -> AsyncIterator[bytes | memoryview]:
    view = memoryview(data)
    for start in range(0, len(view), _BODY_PIECE):
        piece = view[start : start + _BODY_PIECE]
        if digest is not None:
            await digest.feed(offset + start, piece)
        yield piece


class UploadResult:
    """The final response of an upload, and the size and sha256 of what was sent."""

    __slots__ = ("response", "sha256", "size")

    def __init__(self, response: dict[str, Any], size: int, sha256: str) -> None:
        self.response = response
        self.size = size
        self.sha256 = sha256


def _max_retries(transport: Transport, options: RequestOptions | None) -> int:
    if options is not None and options.max_retries is not None:
        return options.max_retries
    return transport.max_retries


class _Reporter:
    def __init__(self, progress: ProgressCallback | None) -> None:
        self._progress = progress

    async def __call__(self, sent: int, total: int | None) -> None:
        if self._progress is not None:
            result = self._progress(sent, total)
            if inspect.isawaitable(result):
                await result


class ResumableUpload:
    """One upload over the resumable protocol, with resume-after-failure."""

    def __init__(
        self,
        transport: Transport,
        *,
        url: str,
        source: Source,
        metadata: Mapping[str, Any],
        chunk_size: int,
        progress: ProgressCallback | None,
        options: RequestOptions | None,
    ) -> None:
        self._transport = transport
        self._url = url
        self._source = source
        self._metadata = metadata
        self._chunk_size = chunk_size
        self._options = options
        self._max_retries = _max_retries(transport, options)
        self._digest = _Digest()
        self._report = _Reporter(progress)
        self._sent = 0  # bytes acknowledged by the server (for progress)
        self._sent_end = 0  # end of the furthest chunk sent in this session

    async def run(self) -> UploadResult:
        restarts = 0
        while True:
            session_url, granularity = await self._start()
            chunk = chunk_size_for(self._chunk_size, granularity)
            try:
                response, size = await self._transfer(session_url, chunk)
            except _SessionGone as gone:
                if restarts >= self._max_retries or not self._source.can_read_from(0):
                    raise UploadError(
                        f"the upload session for {self._source.label} is gone "
                        f"(HTTP {gone.error.status_code}) and the upload cannot start over"
                    ) from gone.error
                restarts += 1
                logger.info("upload session gone (%s); starting over", gone.error.status_code)
                continue
            if self._digest.length != size:
                raise UploadError(f"internal error: hashed {self._digest.length} of {size} bytes")
            await self._report(size, size)
            return UploadResult(response, size, self._digest.hexdigest())

    async def _start(self) -> tuple[str, int | None]:
        source = self._source
        headers = {
            H_PROTOCOL: "resumable",
            H_COMMAND: "start",
            H_TYPE: source.mime_type,
            "Content-Type": "application/json; charset=utf-8",
        }
        if source.size is not None:
            headers[H_LENGTH] = str(source.size)
        body = json.dumps(self._metadata, ensure_ascii=False, separators=(",", ":")).encode()
        response = await self._transport.send_raw(
            "POST", self._url, headers=headers, data=body, options=self._options, retry=True
        )
        session_url = response.headers.get(H_URL)
        if not session_url:
            raise UploadError(f"the server did not return an {H_URL} header to upload to")
        return urljoin(self._url, session_url), parse_granularity(response.headers)

    async def _read(self, offset: int, limit: int) -> bytes:
        source = self._source
        data = await source.read(offset, limit)
        if source.size is not None and not isinstance(source, _IterableSource):
            expected = max(0, min(limit, source.size - offset))
            if len(data) != expected:
                raise UploadError(
                    f"{source.label} changed while being uploaded: read {len(data)} bytes at "
                    f"offset {offset}, expected {expected}"
                )
        return data

    async def _transfer(self, url: str, chunk: int) -> tuple[dict[str, Any], int]:
        offset = 0
        self._sent_end = 0
        while True:
            final, offset = await self._transport.retrying(
                functools.partial(self._send_chunk, url, chunk, offset),
                method="POST",
                url=self._source.label,
                idempotent=True,
                max_retries=self._max_retries,
            )
            if final is not None:
                return final, offset
            await self._acknowledge(offset)

    async def _send_chunk(
        self, url: str, chunk: int, offset: int, attempt: int
    ) -> tuple[dict[str, Any] | None, int]:
        """Send the chunk at ``offset``: (the final response or ``None``, the offset to go on
        from). A retry first asks the session how much it holds and resumes from there."""
        if attempt > 1:
            status, received, body = await self._query(url)
            if status == "final":
                return self._final_json(body), self._sent_end if received is None else received
            if received is None:
                raise UploadError(
                    f"the upload session did not say how much it holds ({H_RECEIVED})"
                )
            offset = self._check_received(received, self._sent_end)
            await self._acknowledge(offset)
        data = await self._read(offset, chunk)
        end = offset + len(data)
        self._sent_end = max(self._sent_end, end)
        last = self._source.at_end(end)
        headers = chunk_headers(offset, last=last)
        if len(data) <= _BODY_PIECE:
            await self._digest.feed(offset, data)
        try:
            response = await self._transport.send_raw(
                "POST",
                url,
                headers=headers,
                data=_body(data, headers, self._digest, offset),
                options=self._options,
            )
        except APIError as exc:
            if exc.status_code in _SESSION_GONE:
                raise _SessionGone(exc) from exc
            raise
        if last:
            return self._final_json(response.body), end
        received = parse_received(response.headers)
        return None, end if received is None else self._check_received(received, end)

    async def _acknowledge(self, offset: int) -> None:
        if offset > self._sent:
            self._sent = offset
            await self._report(offset, self._source.size)

    def _check_received(self, received: int, end: int) -> int:
        if received > end:
            raise UploadError(
                f"the server reports {received} bytes received, but only {end} were sent"
            )
        if not self._source.can_read_from(received):
            # The source raises the detailed error when read; say it early and clearly.
            raise UploadError(
                f"cannot resume the upload of {self._source.label} at byte {received}: the "
                "source cannot go back that far (an async iterable cannot be rewound)"
            )
        return received

    async def _query(self, url: str) -> tuple[str, int | None, bytes]:
        try:
            response = await self._transport.send_raw(
                "POST",
                url,
                headers={H_COMMAND: "query"},
                data=b"",
                options=self._options,
                retry=True,
            )
        except APIError as exc:
            if exc.status_code in _SESSION_GONE:
                raise _SessionGone(exc) from exc
            raise
        status = (response.headers.get(H_STATUS) or "active").strip().lower()
        if status == "cancelled":
            raise UploadError("the upload session was cancelled")
        return status, parse_received(response.headers), response.body

    @staticmethod
    def _final_json(body: bytes) -> dict[str, Any]:
        try:
            value = json.loads(body) if body.strip() else None
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise UploadError(
                f"the finished upload did not answer with a JSON object: {body[:200]!r}"
            )
        return value


async def _multipart(
    transport: Transport,
    *,
    url: str,
    source: Source,
    metadata: Mapping[str, Any],
    progress: ProgressCallback | None,
    options: RequestOptions | None,
) -> UploadResult:
    size = source.size
    if size is None:
        raise ValueError("a multipart upload needs a known size: use resumable=True")
    digest = _Digest()
    data = await source.read(0, size)
    if len(data) != size:
        raise UploadError(f"{source.label} changed while being read: {len(data)} of {size} bytes")
    await digest.feed(0, data)
    body, content_type = multipart_body(metadata, source.mime_type, data)
    del data
    headers = {H_PROTOCOL: "multipart", "Content-Type": content_type}
    response = await transport.retrying(
        lambda _attempt: transport.send_raw(
            "POST", url, headers=headers, data=_body(body, headers), options=options
        ),
        method="POST",
        url=source.label,
        idempotent=False,
        max_retries=_max_retries(transport, options),
    )
    await _Reporter(progress)(size, size)
    return UploadResult(ResumableUpload._final_json(response.body), size, digest.hexdigest())


async def run_upload(
    transport: Transport,
    *,
    url: str,
    source: Source,
    metadata: Mapping[str, Any],
    resumable: bool,
    chunk_size: int,
    progress: ProgressCallback | None,
    options: RequestOptions | None,
) -> UploadResult:
    """Upload ``source`` to the upload method at ``url``; ``metadata`` is the JSON request
    body (sent with ``start``, or as the first part of a multipart upload when
    ``resumable`` is false)."""
    if not resumable:
        return await _multipart(
            transport,
            url=url,
            source=source,
            metadata=metadata,
            progress=progress,
            options=options,
        )
    return await ResumableUpload(
        transport,
        url=url,
        source=source,
        metadata=metadata,
        chunk_size=chunk_size,
        progress=progress,
        options=options,
    ).run()


def check_upload_arguments(
    *, chunk_size: object, resumable: object, progress: object, file: object
) -> None:
    """Reject bad arguments before anything is read or sent."""
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int):
        raise TypeError(f"chunk_size must be an int, not {type(chunk_size).__name__}")
    if chunk_size < 1:
        raise ValueError("chunk_size must be >= 1")
    if not isinstance(resumable, bool):
        raise TypeError(f"resumable must be a bool, not {type(resumable).__name__}")
    if progress is not None and not callable(progress):
        raise TypeError("progress must be callable: progress(sent_bytes, total_bytes_or_None)")
    if resumable is False and isinstance(file, AsyncIterable):
        raise ValueError("an async iterable has no known size: it is always sent resumable")


async def with_progress(
    chunks: AsyncIterable[bytes], progress: ProgressCallback | None, total: int | None
) -> AsyncIterator[bytes]:
    """``chunks`` unchanged, calling ``progress(received_bytes, total)`` after each one (and
    once before the first, with 0), as a download's progress callback."""
    report = _Reporter(progress)
    received = 0
    await report(received, total)
    async for chunk in chunks:
        yield chunk
        received += len(chunk)
        await report(received, total)


def content_length(headers: Mapping[str, str]) -> int | None:
    """The ``Content-Length`` of a response as an ``int``; ``None`` when absent or invalid."""
    value = headers.get("Content-Length", "")
    return int(value) if value.isdigit() else None


async def write_stream(chunks: AsyncIterable[bytes], destination: object) -> int:
    """Write ``chunks`` to a path (via a temporary name in the same folder, then renamed) or
    to an object with a ``write(bytes)`` method (awaited if it is async); return the count."""
    if isinstance(destination, (str, os.PathLike)):
        return await _write_to_path(chunks, os.fspath(destination))
    write = getattr(destination, "write", None)
    if not callable(write):
        raise TypeError("destination must be a path or an object with a write(bytes) method")
    written = 0
    async for chunk in chunks:
        result = write(chunk)
        if inspect.isawaitable(result):
            await result
        written += len(chunk)
    return written


def check_destination(destination: object) -> None:
    """Fail early (before the request) on a destination that cannot work."""
    if isinstance(destination, (str, os.PathLike)):
        path = os.fspath(destination)
        if not isinstance(path, str):
            raise TypeError("a destination path must be a str or os.PathLike[str]")
        if os.path.isdir(path):
            raise IsADirectoryError(f"cannot download to {path!r}: it is a directory")
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise FileNotFoundError(f"cannot download to {path!r}: no folder {folder!r}")
    elif not callable(getattr(destination, "write", None)):
        raise TypeError(
            "destination must be a path or an object with a write(bytes) method, "
            f"not {type(destination).__name__}"
        )


async def _write_to_path(chunks: AsyncIterable[bytes], path: str) -> int:
    target = await anyio.Path(path).absolute()
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    written = 0
    try:
        async with await anyio.open_file(temp, "wb") as handle:
            pending = bytearray()
            async for chunk in chunks:
                pending += chunk
                written += len(chunk)
                if len(pending) >= _WRITE_BUFFER:
                    await handle.write(bytes(pending))
                    pending.clear()
            if pending:
                await handle.write(bytes(pending))
        await temp.replace(target)
    except BaseException:
        with anyio.CancelScope(shield=True), contextlib.suppress(OSError):
            await temp.unlink(missing_ok=True)
        raise
    return written


async def wait_until_active(
    get: Callable[[], Awaitable[File]],
    name: str,
    *,
    timeout: float | None,  # noqa: ASYNC109 (the wait's own deadline)
    poll_interval: float,
    max_poll_interval: float = 10.0,
) -> File:
    """Call ``get()`` until the file is ``ACTIVE`` (polling interval growing by half each
    time, up to ``max_poll_interval``); ``FAILED`` raises :class:`FileProcessingError`, and
    running out of ``timeout`` seconds :class:`FileProcessingTimeoutError`."""
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
    ):
        raise ValueError("timeout must be a positive number of seconds or None")
    if isinstance(poll_interval, bool) or not isinstance(poll_interval, (int, float)):
        raise TypeError("poll_interval must be a number of seconds")
    if poll_interval <= 0:
        raise ValueError("poll_interval must be > 0")
    state = "STATE_UNSPECIFIED"
    interval = float(poll_interval)
    ceiling = max(interval, max_poll_interval)
    with anyio.move_on_after(timeout):
        while True:
            file = await get()
            raw = getattr(file.state, "value", file.state)
            state = str(raw) if raw is not None else "STATE_UNSPECIFIED"
            if state == "ACTIVE":
                return file
            if state == "FAILED":
                raise FileProcessingError(file)
            await anyio.sleep(interval)
            interval = min(ceiling, interval * 1.5)
    raise FileProcessingTimeoutError(name, float(timeout or 0.0), state)
