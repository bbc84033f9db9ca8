"""pytest fixtures: enable with ``pytest_plugins = ["genlang_async.emulator.pytest_plugin"]``.

* ``emulator_settings`` -- dict of ``EmulatorSettings`` overrides (override the fixture to
  change them); defaults make operations and file processing instant.
* ``emulator`` -- a running :class:`~genlang_async.emulator.Emulator` (fresh per test).
* ``client`` -- ``genlang_async.Client(api_key="test-key", base_url=emulator.url)``, entered.

Marker ``@pytest.mark.emulator_script(path_glob, responses, method=None, regex=False)``
queues scripted responses (see ``Emulator.script``) before the test runs. Several markers
queue closest first: the test's own (stacked ones from the ``def`` upwards), then its class's
and module's.

The async fixtures run on anyio's pytest plugin (they request ``anyio_backend``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from ._server import Emulator


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "emulator_script(path_glob, responses, method=None, regex=False): "
        "scripted responses for the emulator fixture (see Emulator.script)",
    )


@pytest.fixture
def emulator_settings() -> dict[str, Any]:
    return {"operation_delay": 0.0, "file_processing_delay": 0.0}


@pytest.fixture
async def emulator(
    anyio_backend: Any, emulator_settings: dict[str, Any], request: pytest.FixtureRequest
) -> AsyncIterator[Emulator]:
    async with Emulator(**emulator_settings) as emu:
        for marker in request.node.iter_markers("emulator_script"):
            emu.script(*marker.args, **marker.kwargs)
        yield emu


@pytest.fixture
async def client(anyio_backend: Any, emulator: Emulator) -> AsyncIterator[Any]:
    from genlang_async import Client  # type: ignore[attr-defined,unused-ignore]

    async with Client(api_key="test-key", base_url=emulator.url) as sdk_client:
        yield sdk_client
