"""Importing what the first request needs in a worker thread, so that it does not block the
event loop (imports of the namespaces, the types and the converter take a few hundred ms)."""

from __future__ import annotations

import asyncio
import importlib

#: Modules a first ``generate_content`` (or stream, or upload) imports on first use.
MODULES = (
    "genlang_async._features.models",
    "genlang_async._features.files",
    "genlang_async._http.streaming",
    "genlang_async._core.chunks",
    "genlang_async.types._convert",
    # anyio's asyncio backend: the first shielded cancel scope (plug-in notices at the end
    # of a stream or a failed call) imports it.
    "anyio._backends._asyncio",
)

_done = False


def _import_all() -> None:
    for name in MODULES:
        importlib.import_module(name)


async def warm_up() -> None:
    """Import :data:`MODULES` in a worker thread, once per process."""
    global _done
    if not _done:
        # The loop's default executor: cheaper to start than anyio's worker threads, whose
        # own first use would block the loop for a while too.
        await asyncio.get_running_loop().run_in_executor(None, _import_all)
        _done = True
