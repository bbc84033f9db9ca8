"""Errors of Live sessions, and the typed API error for a WebSocket close code."""

from __future__ import annotations

import json

from .._core.errors import APIError, GenlangError, api_error_from_response

__all__ = [
    "LiveError",
    "LiveProtocolError",
    "LiveResumptionError",
    "LiveSessionClosedError",
    "close_error",
]


class LiveError(GenlangError):
    """Base class of the errors that only Live sessions raise."""


class LiveResumptionError(LiveError):
    """The connection ended and the session could not be resumed on a new one.

    ``reason`` is ``"no_handle"`` (the server had sent no resumable handle yet, or
    resumption is off), ``"rejected"`` (the server refused the handle: expired or unknown;
    the server's error is the ``__cause__``) or ``"unreachable"`` (no new connection could
    be made in time; the last connection error is the ``__cause__``).
    """

    def __init__(self, message: str, *, reason: str, handle: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.handle = handle


class LiveSessionClosedError(LiveError):
    """The session is closed: nothing more can be sent."""


class LiveProtocolError(LiveError):
    """The server sent something that is not a Live API message."""


# WebSocket close code -> (HTTP status, google.rpc code name) of the equivalent REST error.
_BY_CODE: dict[int, tuple[int, str]] = {
    1003: (400, "INVALID_ARGUMENT"),
    1007: (400, "INVALID_ARGUMENT"),
    1009: (400, "INVALID_ARGUMENT"),
    1011: (500, "INTERNAL"),
    1013: (503, "UNAVAILABLE"),
}
#: Close codes that end a connection without an error (the session may be resumed).
NOT_ERRORS = frozenset({1000, 1001, 1005, 1006, 1012})


def _policy_status(reason: str) -> tuple[int, str]:
    """1008 (policy violation) covers several REST errors; the reason text tells which."""
    text = reason.lower()
    if "not found" in text:
        return 404, "NOT_FOUND"
    if "api key not valid" in text:
        return 400, "INVALID_ARGUMENT"
    if "quota" in text or "exceeded" in text or "rate limit" in text:
        return 429, "RESOURCE_EXHAUSTED"
    return 403, "PERMISSION_DENIED"


def close_error(code: int, reason: str) -> APIError | None:
    """The typed error for a connection the server closed with ``code``; ``None`` when the
    close is not an error (normal closure, going away, connection lost).

    The error has a ``close_code`` attribute; its message is the server's close reason.
    """
    if code in NOT_ERRORS:
        return None
    if code == 1008:
        status_code, status = _policy_status(reason)
    else:
        status_code, status = _BY_CODE.get(code, (500, "UNKNOWN"))
    message = reason or f"the server closed the Live session (WebSocket close code {code})"
    body = json.dumps({"error": {"code": status_code, "message": message, "status": status}})
    error = api_error_from_response(status_code, None, {}, body.encode())
    error.close_code = code  # type: ignore[attr-defined]
    return error
