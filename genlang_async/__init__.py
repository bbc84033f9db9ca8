"""genlang_async: an async-first SDK for the Gemini API.

Public names are loaded on first access, so ``import genlang_async`` stays cheap and does not
import aiohttp until :class:`Client` is used.
"""

from __future__ import annotations

from ._version import __version__

# Not ``typing.TYPE_CHECKING``: importing typing alone costs more than this package.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._batch import (
        BatchJob,
        BatchJobError,
        BatchOutputError,
        BatchRequestError,
        BatchTimeoutError,
    )
    from ._chats import Chat, Chats
    from ._client import Client
    from ._concurrency import map_concurrently
    from ._core.error_details import (
        BadRequest,
        DebugInfo,
        ErrorInfo,
        FieldViolation,
        Help,
        HelpLink,
        LocalizedMessage,
        PreconditionFailure,
        PreconditionViolation,
        QuotaFailure,
        QuotaViolation,
        RequestInfo,
        ResourceInfo,
        RetryInfo,
    )
    from ._core.errors import (
        APIConnectionError,
        APIError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConflictError,
        GatewayTimeoutError,
        GenlangError,
        InternalServerError,
        MalformedResponseError,
        MissingAPIKeyError,
        NotFoundError,
        PermissionDeniedError,
        PoolTimeoutError,
        RateLimitError,
        ResponseTooLargeError,
        ServiceUnavailableError,
    )
    from ._core.json_schema import json_schema
    from ._core.options import RequestOptions, Timeout
    from ._http.streaming import GenerateContentStream, StreamDecodeError
    from ._http.upload import (
        FileProcessingError,
        FileProcessingTimeoutError,
        ProgressCallback,
        UploadError,
        UploadIntegrityError,
    )
    from ._observe.hooks import (
        Hooks,
        RequestEvent,
        ResponseEvent,
        RetryEvent,
        StreamEndEvent,
    )
    from ._observe.otel import instrument, uninstrument
    from ._observe.raw import APIResponse
    from ._observe.usage import TokenUsage, Usage
    from ._operations import Operation, OperationFailedError, OperationTimeoutError
    from ._pagination import AsyncPager, Page, PaginationError
    from ._progress import ProgressBar
    from ._rate_limiter import (
        MemoryStore,
        QuotaExhaustedError,
        RateLimit,
        RateLimiter,
        RateLimiterStats,
    )
    from ._redis_store import RedisStore
    from ._structured import ParsedResponse, StructuredOutputError, StructuredStream
    from ._tools import (
        FunctionCallEvent,
        FunctionResultEvent,
        TextEvent,
        ToolLoopError,
        ToolStream,
        function_declaration,
    )
    from .live import (
        LiveError,
        LiveResumptionError,
        LiveSession,
        LiveSessionClosedError,
        LiveTurn,
        Resumed,
    )

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APITimeoutError",
    "AsyncPager",
    "AuthenticationError",
    "BadRequest",
    "BadRequestError",
    "BatchJob",
    "BatchJobError",
    "BatchOutputError",
    "BatchRequestError",
    "BatchTimeoutError",
    "Chat",
    "Chats",
    "Client",
    "ConflictError",
    "DebugInfo",
    "ErrorInfo",
    "FieldViolation",
    "FileProcessingError",
    "FileProcessingTimeoutError",
    "FunctionCallEvent",
    "FunctionResultEvent",
    "GatewayTimeoutError",
    "GenerateContentStream",
    "GenlangError",
    "Help",
    "HelpLink",
    "Hooks",
    "InternalServerError",
    "LiveError",
    "LiveResumptionError",
    "LiveSession",
    "LiveSessionClosedError",
    "LiveTurn",
    "LocalizedMessage",
    "MalformedResponseError",
    "MemoryStore",
    "MissingAPIKeyError",
    "NotFoundError",
    "Operation",
    "OperationFailedError",
    "OperationTimeoutError",
    "Page",
    "PaginationError",
    "ParsedResponse",
    "PermissionDeniedError",
    "PoolTimeoutError",
    "PreconditionFailure",
    "PreconditionViolation",
    "ProgressBar",
    "ProgressCallback",
    "QuotaExhaustedError",
    "QuotaFailure",
    "QuotaViolation",
    "RateLimit",
    "RateLimitError",
    "RateLimiter",
    "RateLimiterStats",
    "RedisStore",
    "RequestEvent",
    "RequestInfo",
    "RequestOptions",
    "ResourceInfo",
    "ResponseEvent",
    "ResponseTooLargeError",
    "Resumed",
    "RetryEvent",
    "RetryInfo",
    "ServiceUnavailableError",
    "StreamDecodeError",
    "StreamEndEvent",
    "StructuredOutputError",
    "StructuredStream",
    "TextEvent",
    "Timeout",
    "TokenUsage",
    "ToolLoopError",
    "ToolStream",
    "UploadError",
    "UploadIntegrityError",
    "Usage",
    "__version__",
    "function_declaration",
    "instrument",
    "json_schema",
    "map_concurrently",
    "uninstrument",
]

_LAZY = {
    "Chat": "_chats",
    "Chats": "_chats",
    "Client": "_client",
    **{
        name: "_batch"
        for name in (
            "BatchJob",
            "BatchJobError",
            "BatchOutputError",
            "BatchRequestError",
            "BatchTimeoutError",
        )
    },
    "ProgressBar": "_progress",
    "ProgressCallback": "_http.upload",
    "RequestOptions": "_core.options",
    "Timeout": "_core.options",
    "AsyncPager": "_pagination",
    "Page": "_pagination",
    "PaginationError": "_pagination",
    "Operation": "_operations",
    "OperationFailedError": "_operations",
    "OperationTimeoutError": "_operations",
    "GenerateContentStream": "_http.streaming",
    "StreamDecodeError": "_http.streaming",
    "map_concurrently": "_concurrency",
    "ParsedResponse": "_structured",
    "StructuredOutputError": "_structured",
    "StructuredStream": "_structured",
    "FunctionCallEvent": "_tools",
    "FunctionResultEvent": "_tools",
    "TextEvent": "_tools",
    "ToolLoopError": "_tools",
    "ToolStream": "_tools",
    "function_declaration": "_tools",
    "json_schema": "_core.json_schema",
    "MemoryStore": "_rate_limiter",
    "QuotaExhaustedError": "_rate_limiter",
    "RateLimit": "_rate_limiter",
    "RateLimiter": "_rate_limiter",
    "RateLimiterStats": "_rate_limiter",
    "RedisStore": "_redis_store",
    "Hooks": "_observe.hooks",
    "RequestEvent": "_observe.hooks",
    "ResponseEvent": "_observe.hooks",
    "RetryEvent": "_observe.hooks",
    "StreamEndEvent": "_observe.hooks",
    "instrument": "_observe.otel",
    "uninstrument": "_observe.otel",
    "APIResponse": "_observe.raw",
    "TokenUsage": "_observe.usage",
    "Usage": "_observe.usage",
    "FileProcessingError": "_http.upload",
    "FileProcessingTimeoutError": "_http.upload",
    "UploadError": "_http.upload",
    "UploadIntegrityError": "_http.upload",
    **dict.fromkeys(
        (
            "LiveError",
            "LiveResumptionError",
            "LiveSession",
            "LiveSessionClosedError",
            "LiveTurn",
            "Resumed",
        ),
        "live",
    ),
    **{
        name: "_core.error_details"
        for name in (
            "BadRequest",
            "DebugInfo",
            "ErrorInfo",
            "FieldViolation",
            "Help",
            "HelpLink",
            "LocalizedMessage",
            "PreconditionFailure",
            "PreconditionViolation",
            "QuotaFailure",
            "QuotaViolation",
            "RequestInfo",
            "ResourceInfo",
            "RetryInfo",
        )
    },
    **{
        name: "_core.errors"
        for name in (
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
        )
    },
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module_name}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
