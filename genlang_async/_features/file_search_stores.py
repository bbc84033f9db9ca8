"""``client.file_search_stores``: the generated methods (``resources/file_search_stores.py``)
plus uploading into a store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from genlang_async._http.upload import DEFAULT_CHUNK_SIZE

from ..resources import file_search_stores as generated
from .media import Media

if TYPE_CHECKING:
    from genlang_async._core.options import TimeoutLike
    from genlang_async._http.upload import ProgressCallback, UploadSource
    from genlang_async._operations import Operation
    from genlang_async.types import ChunkingConfig, CustomMetadata, UploadToFileSearchStoreResponse

__all__ = ["FileSearchStoreUpload", "FileSearchStores"]


class FileSearchStoreUpload(generated.FileSearchStoresUpload):
    """``client.file_search_stores.upload``: call it to upload a file into a store
    (``await client.file_search_stores.upload(store, file)``); its ``operations`` are the
    ``fileSearchStores.upload.operations`` methods."""

    async def __call__(
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
        """Same as :meth:`Media.upload_to_file_search_store`."""
        return await Media(self._transport).upload_to_file_search_store(
            file_search_store_name,
            file,
            mime_type=mime_type,
            display_name=display_name,
            custom_metadata=custom_metadata,
            chunking_config=chunking_config,
            resumable=resumable,
            chunk_size=chunk_size,
            progress=progress,
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )


class FileSearchStores(generated.FileSearchStores):
    """The ``fileSearchStores`` methods of the API, plus ``upload(store, file)``."""

    @cached_property
    def upload(self) -> FileSearchStoreUpload:
        """Upload a file into a store: ``await client.file_search_stores.upload(store,
        file, ...)`` (see :meth:`Media.upload_to_file_search_store`); also the
        ``fileSearchStores.upload.operations`` methods."""
        return FileSearchStoreUpload(self._transport)
