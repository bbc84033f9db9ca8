"""Client runners: one module per client, each defining ``Runner`` (see ``base.Runner``)."""

from __future__ import annotations

import importlib

from .base import Runner, UploadResult

#: Runner names, in table order. ``raw`` is the floor every ratio is taken against.
RUNNERS = ("raw", "genlang", "genai")

__all__ = ["RUNNERS", "Runner", "UploadResult", "load"]


def load(name: str) -> type[Runner]:
    """Import ``benchmarks.runners.<name>`` and return its ``Runner`` class.

    Raises ``ImportError`` when the client library behind the runner is not installed.
    """
    if name not in RUNNERS:
        raise ValueError(f"unknown runner {name!r}; choose from {', '.join(RUNNERS)}")
    module = importlib.import_module(f"{__name__}.{name}")
    cls: type[Runner] = module.Runner
    return cls
