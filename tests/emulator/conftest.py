"""Fixtures for the emulator tests: a running emulator and a plain aiohttp session on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from genlang_async.emulator.pytest_plugin import emulator, emulator_settings

__all__ = ["emulator", "emulator_settings"]

KEY = "test-key"


class Api:
    """Thin JSON helper over an aiohttp session pointed at the emulator."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        expect: int = 200,
        key: str | None = KEY,
    ) -> Any:
        all_headers = {"x-goog-api-key": key} if key else {}
        all_headers.update(headers or {})
        async with self.session.request(
            method, self.base + path, json=body, params=params, headers=all_headers
        ) as response:
            text = await response.text()
            assert response.status == expect, f"{method} {path}: {response.status} {text}"
            if response.content_type == "application/json" and text:
                return await response.json()
            return text

    async def get(self, path: str, **kw: Any) -> Any:
        return await self.call("GET", path, **kw)

    async def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return await self.call("POST", path, {} if body is None else body, **kw)

    async def patch(self, path: str, body: Any, **kw: Any) -> Any:
        return await self.call("PATCH", path, body, **kw)

    async def delete(self, path: str, **kw: Any) -> Any:
        return await self.call("DELETE", path, **kw)

    async def download(self, name: str, *, host_prefix: str = "") -> bytes:
        """The content of file ``name`` (``host_prefix="/download"``: the live API's URL)."""
        async with self.session.get(
            f"{self.base}{host_prefix}/v1beta/{name}:download",
            params={"alt": "media"},
            headers={"x-goog-api-key": KEY},
        ) as response:
            assert response.status == 200, await response.text()
            return await response.read()


@pytest.fixture
async def api(emulator: Any) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(session, emulator.url)
