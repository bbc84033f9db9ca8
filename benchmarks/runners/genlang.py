"""genlang_async through its public Contract API (``Client``, ``client.models``, ``client.files``).

Until the resource layer lands, ``from genlang_async import Client`` or ``client.models``
fails with ``ImportError`` / ``AttributeError`` and the harness reports ``n/a``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from genlang_async import Client

from .base import Runner as _Base
from .base import UploadResult


class Runner(_Base):
    name = "genlang"

    async def open(self) -> None:
        # A pool large enough for the 1,000-open-streams measurement (default is 100).
        self._client: Any = Client(api_key="bench", base_url=self.base_url, max_connections=4096)
        await self._client.__aenter__()

    async def close(self) -> None:
        await self._client.__aexit__(None, None, None)

    async def generate(self, model: str) -> str:
        response = await self._client.models.generate_content(model, contents="Hi")
        text: str = response.text
        return text

    async def stream(self, model: str, on_first: Callable[[], None] | None = None) -> int:
        count = 0
        stream = self._client.models.stream_generate_content(model, contents="Hi")
        async with stream:
            async for chunk in stream:
                chunk.text  # noqa: B018 - read the text like a chat frontend would
                count += 1
                if count == 1 and on_first is not None:
                    on_first()
        return count

    async def stream_text(self, model: str) -> int:
        count = 0
        async with self._client.models.stream_generate_content(model, contents="Hi") as stream:
            async for _text in stream.text_stream:
                count += 1
        return count

    async def list_models(self, page_size: int) -> int:
        page = await self._client.models.list(page_size=page_size)
        return len(page.items)

    async def embed_batch(self, model: str, n: int) -> int:
        requests = [{"content": {"parts": [{"text": f"text {i}"}]}} for i in range(n)]
        response = await self._client.models.batch_embed_contents(model, requests=requests)
        return sum(len(e.values) for e in response.embeddings)

    async def upload(self, path: str, mime_type: str) -> UploadResult:
        file = await self._client.files.upload(path, mime_type=mime_type)
        return UploadResult(int(file.size_bytes), file.sha256_hash)
