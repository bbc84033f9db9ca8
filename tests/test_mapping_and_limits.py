"""Checks that once let planted bugs through: every status's error class (over HTTP), the
larger of ``Retry-After`` and ``RetryInfo``, and a numeric per-call timeout that keeps the
client's read limit (a plain number is the total only)."""

from __future__ import annotations

import asyncio
import json

import anyio
import pytest
from aiohttp import web
from conftest import TEST_KEY, LoopbackServer

from genlang_async import (
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    Client,
    ConflictError,
    GatewayTimeoutError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    Timeout,
)
from genlang_async._core.errors import api_error_from_response

STATUSES = {
    400: (BadRequestError, "INVALID_ARGUMENT"),
    401: (AuthenticationError, "UNAUTHENTICATED"),
    403: (PermissionDeniedError, "PERMISSION_DENIED"),
    404: (NotFoundError, "NOT_FOUND"),
    409: (ConflictError, "ALREADY_EXISTS"),
    429: (RateLimitError, "RESOURCE_EXHAUSTED"),
    500: (InternalServerError, "INTERNAL"),
    503: (ServiceUnavailableError, "UNAVAILABLE"),
    504: (GatewayTimeoutError, "DEADLINE_EXCEEDED"),
    418: (APIError, "UNKNOWN"),
}


@pytest.mark.parametrize("code", sorted(STATUSES))
async def test_every_status_maps_to_its_class_over_http(code: int, server: LoopbackServer) -> None:
    cls, status = STATUSES[code]
    body = {"error": {"code": code, "message": f"failed with {code}", "status": status}}
    server.reply("GET", "/v1beta/models/m", (code, body))
    async with Client(api_key=TEST_KEY, base_url=server.url, max_retries=0) as client:
        with pytest.raises(APIError) as caught:
            await client.models.get("m")
    assert type(caught.value) is cls
    assert caught.value.status_code == code
    assert caught.value.status == status
    assert str(caught.value) == f"{code} {status}: failed with {code}"


def retry_info(seconds: float) -> dict[str, str]:
    return {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{seconds}s"}


@pytest.mark.parametrize(("header", "detail", "expected"), [(5, 2, 5.0), (2, 7, 7.0), (3, 3, 3.0)])
def test_retry_after_is_the_larger_of_header_and_retry_info(
    header: int, detail: int, expected: float
) -> None:
    body = {"error": {"code": 429, "message": "slow down", "details": [retry_info(detail)]}}
    error = api_error_from_response(
        429, None, {"Retry-After": str(header)}, json.dumps(body).encode(), now=0.0
    )
    assert error.retry_after == expected


def stalls(seconds: float) -> object:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        await response.write(b'{"name": ')
        await asyncio.sleep(seconds)
        await response.write(b'"models/m"}')
        await response.write_eof()
        return response

    return handler


async def test_a_numeric_call_timeout_keeps_the_clients_read_limit(server: LoopbackServer) -> None:
    server.on("GET", "/v1beta/models/m", stalls(2.0))  # type: ignore[arg-type]
    client = Client(api_key=TEST_KEY, base_url=server.url, timeout=Timeout(read=0.2))
    async with client:
        with anyio.fail_after(1.5), pytest.raises(APITimeoutError):
            await client.models.get("m", timeout=30, max_retries=0)
