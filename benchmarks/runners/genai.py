"""google-genai's async client (``genai.Client(...).aio``), for comparison."""

from __future__ import annotations

from collections.abc import Callable

from google import genai
from google.genai import types

from .base import Runner as _Base
from .base import UploadResult


class Runner(_Base):
    name = "genai"

    async def open(self) -> None:
        self._client = genai.Client(
            api_key="bench",
            http_options=types.HttpOptions(base_url=self.base_url, api_version="v1beta"),
        )
        self._aio = self._client.aio

    async def close(self) -> None:
        await self._aio.aclose()
        self._client.close()

    async def generate(self, model: str) -> str:
        response = await self._aio.models.generate_content(model=model, contents="Hi")
        return response.text or ""

    async def stream(self, model: str, on_first: Callable[[], None] | None = None) -> int:
        count = 0
        async for chunk in await self._aio.models.generate_content_stream(
            model=model, contents="Hi"
        ):
            chunk.text  # noqa: B018 - read the text like a chat frontend would
            count += 1
            if count == 1 and on_first is not None:
                on_first()
        return count

    async def upload(self, path: str, mime_type: str) -> UploadResult:
        file = await self._aio.files.upload(
            file=path, config=types.UploadFileConfig(mime_type=mime_type)
        )
        return UploadResult(int(file.size_bytes or 0), file.sha256_hash)
