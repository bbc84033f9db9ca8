"""Shared test configuration. Async tests are plain ``async def`` functions: anyio's pytest
plugin runs them (``anyio_mode = "auto"`` in pyproject.toml) on asyncio, which aiohttp needs."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
