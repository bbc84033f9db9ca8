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
    cancel: Callable[[], None] | None = None,
    delay: float | None = None,
) -> Operation:
    """A new operation finishing after ``delay`` seconds (default ``operation_delay``)."""
    data: dict[str, Any] = {"name": name}
    if metadata is not None:
        data["metadata"] = metadata
    data["done"] = False
    seconds = max(0.0, state.settings.operation_delay if delay is None else delay)
    op = Operation(data, now(), seconds, complete, progress, cancel)
    return state.add_operation(op)


def snapshot(op: Operation) -> JSON:
    """The wire form (``done`` is omitted while false, like the API)."""
    body = dict(op.data)
    if not body.get("done"):
        body.pop("done", None)
    return body
