"""aiohttp's exceptions and error responses as the SDK's typed errors (key-free messages)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy

from .._core.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    api_error_from_response,
    readable_error_body,
)
from .._core.retry import Failure

__all__ = ["TRANSPORT_ERRORS", "api_error", "connection_error", "frozen_headers"]

#: What aiohttp (and the sockets under it) raise for a failed exchange.
TRANSPORT_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError, OSError)


# aiohttp >= 3.10 tells connect timeouts apart from read timeouts.
class _Never(Exception):
    pass


_ConnectTimeout: type[BaseException] = getattr(aiohttp, "ConnectionTimeoutError", _Never)
_SocketTimeout: type[BaseException] = getattr(aiohttp, "SocketTimeoutError", _Never)


def connection_error(
    exc: BaseException, method: str, url: str, redact: Callable[[str], str], *, stream: bool
) -> APIConnectionError:
    """The typed error for ``exc`` (one of :data:`TRANSPORT_ERRORS`), tagged with the
    :class:`Failure` the retry policy needs; ``url`` is already key-free."""
    where = f"{method} {url}"
    detail = redact(str(exc)) or type(exc).__name__
    error: APIConnectionError
    if isinstance(exc, _ConnectTimeout):
        error = APITimeoutError(f"Connect timeout: {where}", method=method, url=url)
        error._failure = Failure.CONNECT
    elif isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        what = (
            "Read timeout (no data)"
            if isinstance(exc, _SocketTimeout) or stream
            else "Request timed out"
        )
        error = APITimeoutError(f"{what}: {where}", method=method, url=url)
        error._failure = Failure.TIMEOUT
    elif isinstance(exc, (aiohttp.ClientSSLError, aiohttp.InvalidURL)):
        error = APIConnectionError(f"{detail}: {where}", method=method, url=url)
        error._failure = Failure.FATAL
    elif isinstance(exc, aiohttp.ClientConnectorError):
        error = APIConnectionError(f"Cannot connect: {where}: {detail}", method=method, url=url)
        error._failure = Failure.CONNECT
    elif isinstance(exc, aiohttp.ClientPayloadError):
        error = APIConnectionError(
            f"Connection lost while reading the body: {where}: {detail}", method=method, url=url
        )
        error._failure = Failure.LOST
    else:
        error = APIConnectionError(f"Connection error: {where}: {detail}", method=method, url=url)
        error._failure = Failure.LOST
    return error


def frozen_headers(headers: Mapping[str, str]) -> CIMultiDictProxy[str]:
    """Response headers, read-only and case-insensitive: aiohttp's own read-only view as it
    is (nothing changes a received response's headers), anything else copied."""
    if isinstance(headers, CIMultiDictProxy):
        return headers
    return CIMultiDictProxy(CIMultiDict(headers))


def redact_bytes(body: bytes, redact: Callable[[str], str]) -> bytes:
    """``body`` with known secrets replaced (unchanged, not re-encoded, when it has none)."""
    text = body.decode("utf-8", "replace")
    safe = redact(text)
    return body if safe == text else safe.encode()


def api_error(
    status: int,
    reason: str | None,
    headers: Mapping[str, str],
    body: bytes,
    redact: Callable[[str], str],
) -> APIError:
    """The typed error of an error response; its message, ``body`` and ``details`` free of
    known secrets (a server may echo the key it was sent)."""
    # A binary error is read before secrets are taken out (which would break its lengths).
    content_type = headers.get("Content-Type") or headers.get("content-type") or ""
    body = readable_error_body(body, content_type, status)
    body = redact_bytes(body, redact)
    error = api_error_from_response(status, reason, frozen_headers(headers), body)
    safe = redact(error.message)
    if safe != error.message:
        error = type(error)(
            safe,
            status_code=error.status_code,
            status=error.status,
            reason=reason,
            details=error.details,
            body=error.body,
            headers=error.headers,
            retry_after=error.retry_after,
        )
    return error
