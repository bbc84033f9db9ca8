"""API errors in the ``google.rpc.Status`` JSON shape."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from genlang_async._core import protobuf, rpc_code

STATUS_NAMES: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

#: ``google.rpc.Code`` numbers of those statuses.
RPC_CODES: dict[int, int] = {
    400: 3,
    401: 16,
    403: 7,
    404: 5,
    409: 6,
    412: 9,
    429: 8,
    499: 1,
    500: 13,
    501: 12,
    503: 14,
    504: 4,
}

JSON_CONTENT_TYPE = "application/json; charset=UTF-8"
#: What answers asked for with ``alt=proto`` carry (errors as a binary ``google.rpc.Status``).
PROTO_CONTENT_TYPE = protobuf.CONTENT_TYPE


class ApiError(Exception):
    """Raised by handlers; rendered as ``{"error": {code, message, status, details}}``."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        status: str | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_NAMES.get(code, "UNKNOWN")
        self.details = details or []
        self.headers = headers or {}

    def rpc_status(self) -> dict[str, Any]:
        """The error as a ``google.rpc.Status`` (as operations and batch results carry it)."""
        return {"code": RPC_CODES.get(self.code, 2), "message": self.message}

    def binary_status(self) -> dict[str, Any]:
        """The error as the ``google.rpc.Status`` fields of a binary answer: its code from its
        status name, or from its HTTP status when the name is not a ``google.rpc.Code``."""
        code = rpc_code.NAMES.index(self.status) if self.status in rpc_code.NAMES else None
        status: dict[str, Any] = {
            "code": RPC_CODES.get(self.code, 2) if code is None else code,
            "message": self.message,
        }
        if self.details:
            status["details"] = self.details
        return status

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}


def invalid(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


def failed_precondition(message: str) -> ApiError:
    return ApiError(400, message, status="FAILED_PRECONDITION")


def error_response(error: ApiError, *, content_type: str = JSON_CONTENT_TYPE) -> web.Response:
    if content_type == PROTO_CONTENT_TYPE:
        try:
            body = protobuf.encode(error.binary_status(), protobuf.STATUS)
        except protobuf.ProtobufError:  # a detail the binary format cannot carry: JSON
            return error_response(error)
        response = web.Response(status=error.code, body=body, headers=error.headers)
        response.headers["Content-Type"] = content_type
        return response
    text = json.dumps(error.body(), indent=2) + "\n"
    response = web.Response(status=error.code, text=text, headers=error.headers)
    response.headers["Content-Type"] = content_type
    return response


def retry_info(seconds: float) -> dict[str, Any]:
    text = f"{seconds:.3f}".rstrip("0").rstrip(".")
    return {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{text}s"}
