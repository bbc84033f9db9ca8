"""Opening a client for a command: the real API when a key is configured, else the emulator."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .. import Client

OFFLINE_KEY = "offline-demo-key"


def _configured_key() -> str | None:
    return os.environ.get("GEMINI_API_KEY") or os.environ.get("GOOGLE_API_KEY") or None


@asynccontextmanager
async def open_client(base_url: str | None, *, report_usage: bool = False) -> AsyncIterator[Client]:
    """Yield a ready client; without an API key or base URL, run the embedded emulator.

    ``report_usage``: print the client's token usage to stderr at the end (long commands).
    """
    async with _client(base_url) as client:
        try:
            yield client
        finally:
            if report_usage and len(client.usage):
                print(client.usage, file=sys.stderr)


@asynccontextmanager
async def _client(base_url: str | None) -> AsyncIterator[Client]:
    from .. import Client

    if _configured_key() is not None or base_url is not None:
        async with Client(api_key=_configured_key() or OFFLINE_KEY, base_url=base_url) as client:
            yield client
        return

    from ..emulator import Emulator

    async with Emulator() as emulator:
        print(
            f"No GEMINI_API_KEY set: using the embedded emulator at {emulator.url}",
            file=sys.stderr,
        )
        async with Client(api_key=OFFLINE_KEY, base_url=emulator.url) as client:
            yield client
