"""Exception hierarchy.

::

    GenlangError
    +-- MissingAPIKeyError          (also a ValueError) no key given and none in the environment
    +-- APIError                    the server answered with an error status
    |   +-- BadRequestError             400
    |   +-- AuthenticationError         401
    |   +-- PermissionDeniedError       403
    |   +-- NotFoundError               404
    |   +-- ConflictError               409
    |   +-- RateLimitError              429
    |   +-- InternalServerError         500
    |   +-- ServiceUnavailableError     503
    |   +-- GatewayTimeoutError         504
    +-- APIConnectionError          no usable HTTP response (refused, reset, cut mid-body, ...)
        +-- APITimeoutError             a connect, read or total timeout
            +-- PoolTimeoutError            no free pooled connection within Timeout.pool
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .retry import Failure, parse_retry_after
from .secrets import hide_password

if TYPE_CHECKING:
    from .error_details import ErrorDetail, ErrorInfo

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "GatewayTimeoutError",
    "GenlangError",
    "InternalServerError",
    "MalformedResponseError",
    "MissingAPIKeyError",
    "NotFoundError",
    "PermissionDeniedError",
    "PoolTimeoutError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ServiceUnavailableError",
    "api_error_from_response",
    "readable_error_body",
]

_MAX_TEXT = 300
#: The live API's origin: a key is needed there, any key works elsewhere (an emulator).
GOOGLE_API_ORIGIN = "https://generativelanguage.googleapis.com"


class GenlangError(Exception):
    """Base class of every exception raised by genlang_async."""


class MissingAPIKeyError(GenlangError, ValueError):
    """No API key: pass ``api_key=`` or set ``GEMINI_API_KEY`` (or ``GOOGLE_API_KEY``).

    Raised by the first request that needs the key, not when the client is built.
    """

    def __init__(self, message: str | None = None, *, base_url: str | None = None) -> None:
        text = message or (
            "No API key: pass Client(api_key=...) or set the GEMINI_API_KEY "
            "(or GOOGLE_API_KEY) environment variable."
        )
        if base_url is not None and not base_url.startswith(GOOGLE_API_ORIGIN):
            shown = hide_password(base_url)
            text += (
                f" The base URL {shown} is not Google's: against the emulator (or another"
                " stand-in) any non-empty key works, e.g. GEMINI_API_KEY=test."
            )
        super().__init__(text)


class MalformedResponseError(GenlangError):
    """The server answered with a success status, but the body is not what the method
    returns (not a JSON object, or a field of the wrong shape): a broken proxy, a server
    bug, or an API change the SDK does not know."""


class ResponseTooLargeError(GenlangError):
    """A response body (or one line of an event stream) is larger than the client's limit:
    ``Client(max_response_bytes=..., max_event_bytes=...)``. Nothing more is read."""


class APIConnectionError(GenlangError):
    """The request got no usable HTTP response (connection refused, reset, cut mid-body)."""

    _failure: Failure | None = None  # set by the transport for the retry policy

    def __init__(
        self,
        message: str = "Connection error",
        *,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url


class APITimeoutError(APIConnectionError):
    """A connect, read (between bytes) or total timeout expired."""


class PoolTimeoutError(APITimeoutError):
    """Every pooled connection stayed in use for longer than ``Timeout.pool``: nothing was
    sent. Not retried (the pool is as full on the next attempt); raise
    ``Client(max_connections=...)`` or ``Timeout(pool=...)``, or run fewer calls at once."""

    _failure = Failure.FATAL


class APIError(GenlangError):
    """The API answered with an error status.

    Attributes:
        status_code: the HTTP status (``429``).
        status: the ``google.rpc.Code`` name from the body (``"RESOURCE_EXHAUSTED"``), or
            ``None`` when the body was not an API error (a proxy's HTML page, say).
        message: the server's message.
        details: typed ``google.rpc`` details (see ``genlang_async._core.error_details``);
            unknown ones are plain dicts.
        body: the raw response body.
        headers: the response headers.
        retry_after: seconds the server asked to wait (``Retry-After`` or ``RetryInfo``).
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        status: str | None = None,
        reason: str | None = None,
        details: tuple[ErrorDetail, ...] = (),
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
        retry_after: float | None = None,
    ) -> None:
        label = status or reason or ""
        head = f"{status_code} {label}".rstrip()
        super().__init__(f"{head}: {message}" if message else head)
        self.status_code = status_code
        self.status = status
        self.message = message
        self.details = details
        self.body = body
        self.headers: Mapping[str, str] = headers if headers is not None else {}
        self.retry_after = retry_after

    @property
    def error_info(self) -> ErrorInfo | None:
        """The first ``google.rpc.ErrorInfo`` detail, if any."""
        from .error_details import ErrorInfo

        for detail in self.details:
            if isinstance(detail, ErrorInfo):
                return detail
        return None

    @property
    def reason(self) -> str | None:
        """``ErrorInfo.reason`` (``"API_KEY_INVALID"``, ``"SERVICE_DISABLED"``), if given."""
        info = self.error_info
        return info.reason if info is not None else None


class BadRequestError(APIError):
    """HTTP 400 (INVALID_ARGUMENT, FAILED_PRECONDITION, an invalid API key, ...)."""


class AuthenticationError(APIError):
    """HTTP 401 (UNAUTHENTICATED)."""


class PermissionDeniedError(APIError):
    """HTTP 403 (PERMISSION_DENIED)."""


class NotFoundError(APIError):
    """HTTP 404 (NOT_FOUND)."""


class ConflictError(APIError):
    """HTTP 409 (ALREADY_EXISTS, ABORTED)."""


class RateLimitError(APIError):
    """HTTP 429 (RESOURCE_EXHAUSTED)."""


class InternalServerError(APIError):
    """HTTP 500 (INTERNAL)."""


class ServiceUnavailableError(APIError):
    """HTTP 503 (UNAVAILABLE)."""


class GatewayTimeoutError(APIError):
    """HTTP 504 (DEADLINE_EXCEEDED)."""


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
    500: InternalServerError,
    503: ServiceUnavailableError,
    504: GatewayTimeoutError,
}

_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)
_SPACE = re.compile(r"\s+")


def _short_text(body: bytes) -> str:
    text = body[:20_000].decode("utf-8", "replace")
    if "<" in text and ">" in text:
        text = _TAG.sub(" ", text)
    text = _SPACE.sub(" ", text).strip()
    if len(text) > _MAX_TEXT:
        text = text[: _MAX_TEXT - 3].rstrip() + "..."
    return text


def readable_error_body(body: bytes, content_type: str, status_code: int) -> bytes:
    """An error body as JSON text: a binary ``google.rpc.Status`` (the error of a call that
    asked for ``alt=proto``) as the JSON error object it stands for; any other body (JSON
    whatever its label, or a Status that does not read) as it is."""
    if body[:1] == b"{" or not content_type.startswith("application/x-protobuf"):
        return body
    from .protobuf import ProtobufError, error_json

    try:
        error = error_json(body, status_code)
    except ProtobufError:
        return body
    return json.dumps({"error": error}, ensure_ascii=False).encode()


def _error_object(body: bytes) -> dict[str, Any] | None:
    if not body:
        return None
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(data, list) and len(data) == 1:  # JSON-array stream form
        data = data[0]
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict):
            return error
    return None


def api_error_from_response(
    status_code: int,
    reason: str | None,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float | None = None,
) -> APIError:
    """Build the typed :class:`APIError` for an error response (pure; no I/O)."""
    from .error_details import RetryInfo, parse_error_details

    error = _error_object(body)
    status: str | None = None
    details: tuple[ErrorDetail, ...] = ()
    if error is not None:
        raw_message = error.get("message")
        message = raw_message if isinstance(raw_message, str) else ""
        raw_status = error.get("status")
        status = raw_status if isinstance(raw_status, str) and raw_status else None
        details = parse_error_details(error.get("details"))
    else:
        message = _short_text(body)
    message = message.strip()

    delays: list[float] = []
    header_delay = parse_retry_after(
        headers.get("retry-after") or headers.get("Retry-After"),
        now=time.time() if now is None else now,
    )
    if header_delay is not None:
        delays.append(header_delay)
    for detail in details:
        if isinstance(detail, RetryInfo) and detail.retry_delay is not None:
            delays.append(max(0.0, detail.retry_delay.total_seconds()))
    cls = _BY_STATUS.get(status_code, APIError)
    return cls(
        message,
        status_code=status_code,
        status=status,
        reason=reason,
        details=details,
        body=body,
        headers=headers,
        retry_after=max(delays) if delays else None,
    )
