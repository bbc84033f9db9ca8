"""pytest fixtures: enable with ``pytest_plugins = ["genlang_async.emulator.pytest_plugin"]``.

* ``emulator_settings`` -- dict of ``EmulatorSettings`` overrides (override the fixture to
  change them); defaults make operations and file processing instant.
* ``emulator`` -- a running :class:`~genlang_async.emulator.Emulator` (fresh per test).
* ``client`` -- ``genlang_async.Client(api_key="test-key", base_url=emulator.url)``, entered.

The async fixtures run on anyio's pytest plugin (they request ``anyio_backend``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from ._server import Emulator


@pytest.fixture
def emulator_settings() -> dict[str, Any]:
    return {"operation_delay": 0.0, "file_processing_delay": 0.0}


@pytest.fixture
async def emulator(
    anyio_backend: Any, emulator_settings: dict[str, Any]
) -> AsyncIterator[Emulator]:
    async with Emulator(**emulator_settings) as emu:
        yield emu


@pytest.fixture
async def client(anyio_backend: Any, emulator: Emulator) -> AsyncIterator[Any]:
    from genlang_async import Client  # type: ignore[attr-defined,unused-ignore]

    async with Client(api_key="test-key", base_url=emulator.url) as sdk_client:
        yield sdk_client
