"""An offline stand-in for the Gemini API (v1beta REST), built on ``aiohttp.web``.

Independent of the SDK: it works on plain JSON dicts. Names load lazily to keep import cheap::

    from genlang_async.emulator import Emulator

    async with Emulator(operation_delay=0) as emu:
        print(emu.url)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._app import create_app
    from ._cli import load_scripts
    from ._faults import Fault, FaultInjector
    from ._scripts import Reply, Script, ScriptBook
    from ._server import Emulator, EmulatorThread
    from ._settings import EmulatorSettings
    from ._state import State

__all__ = [
    "Emulator",
    "EmulatorSettings",
    "EmulatorThread",
    "Fault",
    "FaultInjector",
    "Reply",
    "Script",
    "ScriptBook",
    "State",
    "create_app",
    "load_scripts",
]

_WHERE = {
    "Emulator": "_server",
    "EmulatorThread": "_server",
    "EmulatorSettings": "_settings",
    "Fault": "_faults",
    "FaultInjector": "_faults",
    "Reply": "_scripts",
    "Script": "_scripts",
    "ScriptBook": "_scripts",
    "State": "_state",
    "create_app": "_app",
    "load_scripts": "_cli",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
