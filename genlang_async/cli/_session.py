"""Opening a client for a command: the real API when a key is configured, else the emulator."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .. import Client, RateLimiter

OFFLINE_KEY = "offline-demo-key"


def _configured_key() -> str | None:
    return os.environ.get("GEMINI_API_KEY") or os.environ.get("GOOGLE_API_KEY") or None


@asynccontextmanager
async def open_client(base_url: str | None, *, report_usage: bool = False) -> AsyncIterator[Client]:
    """Yield a ready client; without an API key or base URL, run the embedded emulator.

    Its calls are paced by an adaptive :class:`~genlang_async.RateLimiter` (it learns the
    quotas from 429s, and stops a model whose daily quota is used up); when pacing slowed
    the command down, a line on stderr says so at the end. ``report_usage``: print the
    client's token usage to stderr at the end too (long commands).
    """
    from .. import Client, RateLimiter

    limiter = RateLimiter()
    try:
        if _configured_key() is not None or base_url is not None:
            key = _configured_key() or OFFLINE_KEY
            async with Client(api_key=key, base_url=base_url, rate_limiter=limiter) as client:
                yield client
                used = client.usage
        else:
            async with _offline_client(limiter) as client:
                yield client
                used = client.usage
    finally:
        summary = limiter.stats().summary()
        if summary:
            print(summary, file=sys.stderr)
    if report_usage and len(used):
        print(used, file=sys.stderr)


@asynccontextmanager
async def _offline_client(limiter: RateLimiter) -> AsyncIterator[Client]:
    from .. import Client
    from ..emulator import Emulator

    async with Emulator() as emulator:
        print(
            f"No GEMINI_API_KEY set: using the embedded emulator at {emulator.url}",
            file=sys.stderr,
        )
        async with Client(
            api_key=OFFLINE_KEY, base_url=emulator.url, rate_limiter=limiter
        ) as client:
            yield client
