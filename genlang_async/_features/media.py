"""``client.media``: uploads (resumable or multipart) into the Files API and into file search
stores. The protocol work is in :mod:`genlang_async._http.upload`; this module builds the request
metadata and picks the result type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from genlang_async._core.names import resolve_name
from genlang_async._http.upload import (
    DEFAULT_CHUNK_SIZE,
    UploadError,
    check_upload_arguments,
    open_source,
    run_upload,
    upload_url,
    verify_file,
)
from genlang_async.types import (
    ChunkingConfig,
    CreateFileRequest,
    CreateFileResponse,
    CustomMetadata,
    File,
    UploadToFileSearchStoreRequest,
    UploadToFileSearchStoreResponse,
)

from .._core.coerce import as_model, as_model_list, check_scalar, request_options
from .._observe.raw import RawResponses, raw
from ..resources._base import Resource

if TYPE_CHECKING:
    from genlang_async._core.options import RequestOptions, TimeoutLike
    from genlang_async._http.transport import Transport
    from genlang_async._http.upload import ProgressCallback, UploadSource
    from genlang_async._operations import Operation

__all__ = ["Media", "MediaRaw", "upload_file"]


async def upload_file(
    transport: Transport,
    file: UploadSource,
    *,
    mime_type: str | None,
    display_name: str | None,
    name: str | None,
    resumable: bool,
    chunk_size: int,
    progress: ProgressCallback | None,
    options: RequestOptions | None,
) -> CreateFileResponse:
    """Upload ``file`` into the Files API and check the new ``File`` against what was sent."""
    check_upload_arguments(chunk_size=chunk_size, resumable=resumable, progress=progress, file=file)
    display_name = check_scalar(display_name, str, "display_name")
    if name is not None:
        name = resolve_name(name, "files/*", argument="name")
    async with await open_source(file, mime_type) as source:
        # ``File.mimeType`` is output-only: the type travels in the upload's Content-Type;
        # an empty ``name`` (its default) is not sent: the API picks one
        file_metadata = File(name=name or "", display_name=display_name)
        metadata = CreateFileRequest(file=file_metadata).to_dict()
        result = await run_upload(
            transport,
            url=upload_url(transport, "files"),
            source=source,
            metadata=metadata,
            resumable=resumable,
            chunk_size=chunk_size,
            progress=progress,
            options=options,
        )
    response = CreateFileResponse.from_dict(result.response)
    if response.file is None:
        raise UploadError(f"the upload finished without a file in its answer: {result.response}")
    verify_file(response.file, size=result.size, sha256_hex=result.sha256)
    return response


class Media(Resource):
    """The ``media`` methods of the API: uploads."""

    async def upload(
        self,
        file: UploadSource | None = None,
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
    ) -> CreateFileResponse:
        """Create a file, with content (``POST /upload/v1beta/files``) or, when ``file`` is
        ``None``, metadata only (``POST /v1beta/files``). Returns the REST response, whose
        ``file`` is the new ``File``; :meth:`Files.upload` returns the ``File`` itself.

        See :meth:`Files.upload` for the arguments.
        """
        options = request_options(timeout, max_retries, extra_headers, extra_query)
        if file is not None:
            return await upload_file(
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
        if mime_type is not None:
            check_scalar(mime_type, str, "mime_type")
        body = CreateFileRequest(
            file=File(
                name="" if name is None else resolve_name(name, "files/*", argument="name"),
                display_name=check_scalar(display_name, str, "display_name"),
                mime_type=mime_type or "",
            )
        ).to_dict()
        data = await self._call("POST", "files", body=body, options=options, idempotent=False)
        return CreateFileResponse.from_dict(data)

    async def upload_to_file_search_store(
        self,
        file_search_store_name: str,
        file: UploadSource,
        *,
        mime_type: str | None = None,
        display_name: str | None = None,
        custom_metadata: Sequence[CustomMetadata | Mapping[str, Any]] | None = None,
        chunking_config: ChunkingConfig | Mapping[str, Any] | None = None,
        resumable: bool = True,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        progress: ProgressCallback | None = None,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Operation[UploadToFileSearchStoreResponse]:
        """Upload ``file`` into a file search store, where it is chunked and indexed;
        ``await op.wait()`` gives the new document's name.

        ``POST /upload/v1beta/{fileSearchStoreName=fileSearchStores/*}:uploadToFileSearchStore``

        ``file``, ``mime_type``, ``resumable``, ``chunk_size`` and ``progress`` work as in
        :meth:`Files.upload`.
        """
        store = resolve_name(
            file_search_store_name, "fileSearchStores/*", argument="file_search_store_name"
        )
        check_upload_arguments(
            chunk_size=chunk_size, resumable=resumable, progress=progress, file=file
        )
        display_name = check_scalar(display_name, str, "display_name")
        custom = as_model_list(custom_metadata, CustomMetadata, "custom_metadata")
        chunking = as_model(chunking_config, ChunkingConfig, "chunking_config")
        options = request_options(timeout, max_retries, extra_headers, extra_query)
        async with await open_source(file, mime_type) as source:
            metadata = UploadToFileSearchStoreRequest(
                display_name=display_name,
                custom_metadata=custom,
                chunking_config=chunking,
                mime_type=source.mime_type,
            ).to_dict()
            result = await run_upload(
                self._transport,
                url=upload_url(self._transport, f"{store}:uploadToFileSearchStore"),
                source=source,
                metadata=metadata,
                resumable=resumable,
                chunk_size=chunk_size,
                progress=progress,
                options=options,
            )
        return self._operation(result.response, UploadToFileSearchStoreResponse.from_dict, options)

    @property
    def with_raw_response(self) -> MediaRaw:
        """These methods, each returning an ``APIResponse``."""
        return MediaRaw(self)


class MediaRaw(RawResponses):
    """``client.media.with_raw_response``: the uploads, each returning an ``APIResponse``."""

    __slots__ = ()

    upload = raw(Media.upload)
    upload_to_file_search_store = raw(Media.upload_to_file_search_store)
