"""The HTTP calls of batch jobs, in one place: create, get, cancel, delete, and the input
file's upload and the output file's download (both streamed)."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from .._core.names import resolve_name
from .._features.media import upload_file
from .._http.prepare import JSONBytes
from .._http.upload import DEFAULT_CHUNK_SIZE
from .errors import BatchOutputError

if TYPE_CHECKING:
    from .._http.transport import Transport

__all__ = ["BatchApi"]

JSONL = "application/jsonl"


class BatchApi:
    """Batch calls over a client's transport."""

    __slots__ = ("_transport",)

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    async def create(self, model: str, method: str, body: bytes) -> dict[str, Any]:
        """``POST {model}:{method}`` with a ready JSON body; the new job's operation."""
        data = await self._transport.request(
            "POST", f"{model}:{method}", json=JSONBytes(body), idempotent=False
        )
        return _operation(data)

    async def get(self, name: str) -> dict[str, Any]:
        return _operation(await self._transport.request("GET", name))

    async def cancel(self, name: str) -> None:
        await self._transport.request("POST", f"{name}:cancel")

    async def delete(self, name: str) -> None:
        await self._transport.request("DELETE", name)

    async def upload_jsonl(self, chunks: AsyncIterable[bytes], display_name: str) -> str:
        """Upload a JSONL input file (resumable, one chunk in memory); its name."""
        response = await upload_file(
            self._transport,
            chunks,
            mime_type=JSONL,
            display_name=display_name,
            name=None,
            resumable=True,
            chunk_size=DEFAULT_CHUNK_SIZE,
            progress=None,
            options=None,
        )
        assert response.file is not None
        return response.file.name

    @asynccontextmanager
    async def download(self, file_name: str) -> AsyncIterator[AsyncIterable[bytes]]:
        """The content of a file as it arrives, from the live API's download URL
        (``/download/v1beta/files/...:download?alt=media``)."""
        name = resolve_name(file_name, "files/*", argument="responsesFile")
        transport = self._transport
        url = f"{transport.base_url}/download/{transport.api_version}/{name}:download"
        async with transport.stream("GET", url, query={"alt": "media"}) as body:
            yield body


def _operation(data: object) -> dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise BatchOutputError(f"the server's answer is not a batch operation: {data!r:.200}")
    return data
