"""``google.rpc.Code``: the canonical status codes, by number (a JSON error's ``status``)."""

from __future__ import annotations

__all__ = ["NAMES", "name_of"]

NAMES = (
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
)


def name_of(code: object) -> str:
    """The name of a code number; ``"UNKNOWN"`` for anything else."""
    if isinstance(code, int) and not isinstance(code, bool) and 0 <= code < len(NAMES):
        return NAMES[code]
    return "UNKNOWN"
