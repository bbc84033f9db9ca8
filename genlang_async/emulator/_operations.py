"""Creating long-running operations that finish after ``settings.operation_delay``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._state import Operation, State
from ._wire import JSON, now

TYPE_PREFIX = "type.googleapis.com/google.ai.generativelanguage.v1beta."


def start(
    state: State,
    name: str,
    *,
    metadata: JSON | None = None,
    complete: Callable[[], JSON | None] | None = None,
    progress: Callable[[float], None] | None = None,
) -> Operation:
    data: dict[str, Any] = {"name": name}
    if metadata is not None:
        data["metadata"] = metadata
    data["done"] = False
    op = Operation(data, now(), max(0.0, state.settings.operation_delay), complete, progress)
    return state.add_operation(op)


def snapshot(op: Operation) -> JSON:
    """The wire form (``done`` is omitted while false, like the API)."""
    body = dict(op.data)
    if not body.get("done"):
        body.pop("done", None)
    return body
