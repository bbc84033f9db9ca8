"""Fixtures for Live API tests: an emulator with fast, paced answers and a client on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import pytest

from genlang_async import Client
from genlang_async.emulator import Emulator

MODEL = "gemini-live-2.5-flash-preview"


@pytest.fixture
async def emu(anyio_backend: Any) -> AsyncIterator[Emulator]:
    async with Emulator(stream_chunks=3) as emulator:
        yield emulator


@pytest.fixture
async def live_client(emu: Emulator) -> AsyncIterator[Client]:
    async with Client(api_key="test-key", base_url=emu.url) as client:
        yield client


async def wait_until(condition: Callable[[], object], seconds: float = 5.0) -> None:
    """Poll ``condition`` until it is true; fail after ``seconds``."""
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await anyio.sleep(0.01)
    raise AssertionError("condition not met in time")
