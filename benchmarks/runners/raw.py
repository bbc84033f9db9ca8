"""The floor: one ``aiohttp.ClientSession``, ``await resp.read()``, ``json.loads``."""

from __future__ import annotations

import json
from collections.abc import Callable

import aiohttp

from .base import Runner as _Base
from .base import UploadResult

_UPLOAD_CHUNK = 8 * 1024 * 1024


class Runner(_Base):
    name = "raw"

    async def open(self) -> None:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0),
            headers={"x-goog-api-key": "bench"},
        )
        self._models = f"{self.base_url}/v1beta/models/"

    async def close(self) -> None:
        await self._session.close()

    def _body(self) -> bytes:
        return json.dumps({"contents": [{"role": "user", "parts": [{"text": "Hi"}]}]}).encode()

    async def generate(self, model: str) -> str:
        async with self._session.post(
            f"{self._models}{model}:generateContent",
            data=self._body(),
            headers={"Content-Type": "application/json"},
        ) as resp:
            body = await resp.read()
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}: {body[:200]!r}")
        data = json.loads(body)
        text: str = data["candidates"][0]["content"]["parts"][0]["text"]
        return text

    async def stream(self, model: str, on_first: Callable[[], None] | None = None) -> int:
        count = 0
        buffer = b""
        async with self._session.post(
            f"{self._models}{model}:streamGenerateContent?alt=sse",
            data=self._body(),
            headers={"Content-Type": "application/json"},
        ) as resp:
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}")
            async for data in resp.content.iter_any():
                lines = (buffer + data).split(b"\n")
                buffer = lines.pop()
                for line in lines:
                    if line.startswith(b"data:"):
                        chunk = json.loads(line[5:])
                        _text = chunk["candidates"][0]["content"]["parts"][0]["text"]
                        count += 1
                        if count == 1 and on_first is not None:
                            on_first()
        return count

    async def list_models(self, page_size: int) -> int:
        async with self._session.get(
            f"{self.base_url}/v1beta/models", params={"pageSize": str(page_size)}
        ) as resp:
            body = await resp.read()
        return len(json.loads(body)["models"])

    async def embed_batch(self, model: str, n: int) -> int:
        requests = [
            {"model": f"models/{model}", "content": {"parts": [{"text": f"text {i}"}]}}
            for i in range(n)
        ]
        async with self._session.post(
            f"{self._models}{model}:batchEmbedContents",
            data=json.dumps({"requests": requests}).encode(),
            headers={"Content-Type": "application/json"},
        ) as resp:
            body = await resp.read()
        return sum(len(e["values"]) for e in json.loads(body)["embeddings"])

    async def upload(self, path: str, mime_type: str) -> UploadResult:
        # The floor reads with plain blocking calls: 8 MiB from the page cache is ~1 ms.
        with open(path, "rb") as f:  # noqa: ASYNC230
            size = f.seek(0, 2)
            f.seek(0)
            async with self._session.post(
                f"{self.base_url}/upload/v1beta/files",
                data=json.dumps({"file": {"displayName": "bench"}}).encode(),
                headers={
                    "Content-Type": "application/json",
                    "X-Goog-Upload-Protocol": "resumable",
                    "X-Goog-Upload-Command": "start",
                    "X-Goog-Upload-Header-Content-Length": str(size),
                    "X-Goog-Upload-Header-Content-Type": mime_type,
                },
            ) as resp:
                await resp.read()
                url = resp.headers["X-Goog-Upload-URL"]
                granularity = int(resp.headers.get("X-Goog-Upload-Chunk-Granularity", "1"))
            chunk_size = max(granularity, _UPLOAD_CHUNK // granularity * granularity)
            offset = 0
            while True:
                data = f.read(chunk_size)
                last = offset + len(data) >= size
                async with self._session.post(
                    url,
                    data=data,
                    headers={
                        "X-Goog-Upload-Command": "upload, finalize" if last else "upload",
                        "X-Goog-Upload-Offset": str(offset),
                    },
                ) as resp:
                    body = await resp.read()
                    if resp.status != 200:
                        raise RuntimeError(f"HTTP {resp.status}: {body[:200]!r}")
                offset += len(data)
                if last:
                    break
        file = json.loads(body)["file"]
        return UploadResult(int(file["sizeBytes"]), file.get("sha256Hash"))
