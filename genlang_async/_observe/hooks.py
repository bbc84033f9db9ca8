"""Event hooks: :class:`Hooks` and the events its callbacks receive.

Every event carries the call's HTTP method, URL path (never the query string or any
header, so never the API key), API operation and model. Callbacks may be plain functions or
coroutine functions; they run in the calling task, in the order given, and an exception a
callback raises propagates to the caller of the API method.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Literal, TypeAlias

import attrs

from .calls import CallInfo
from .usage import TokenUsage

__all__ = [
    "CallEvent",
    "Hooks",
    "RequestEvent",
    "ResponseEvent",
    "RetryEvent",
    "StreamEndEvent",
    "emit",
]


@attrs.frozen(kw_only=True)
class CallEvent:
    """What every event says about its call (see :class:`~genlang_async.Hooks`).

    Attributes:
        call: method, URL path, operation and model of the call.
    """

    call: CallInfo

    @property
    def method(self) -> str:
        """The HTTP method (``"POST"``)."""
        return self.call.method

    @property
    def path(self) -> str:
        """The URL path, without the query string."""
        return self.call.path

    @property
    def operation(self) -> str:
        """The API operation (``"generate_content"``, ``"list"``, ...)."""
        return self.call.operation

    @property
    def model(self) -> str | None:
        """The model the call is about, or ``None``."""
        return self.call.model


@attrs.frozen(kw_only=True)
class RequestEvent(CallEvent):
    """A request is about to be sent.

    Attributes:
        attempt: 1 for the first attempt, 2 for the first retry, ...
    """

    attempt: int


@attrs.frozen(kw_only=True)
class ResponseEvent(CallEvent):
    """An attempt ended: a response arrived (any status), or the connection failed.

    Attributes:
        attempt: the attempt's number, from 1.
        status: the HTTP status, or ``None`` when no response arrived.
        headers: the response headers (empty when no response arrived).
        elapsed: seconds from sending the request to the end of the body (for a stream,
            to its headers).
        error: the error this attempt raises (an :class:`APIError` for an error status, an
            :class:`APIConnectionError` for a failed connection), else ``None``.
    """

    attempt: int
    status: int | None
    headers: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    elapsed: float
    error: BaseException | None = None


@attrs.frozen(kw_only=True)
class RetryEvent(CallEvent):
    """A failed attempt will be retried.

    Attributes:
        attempt: the attempt that failed, from 1 (the retry is attempt ``attempt + 1``).
        delay: seconds until the retry.
        reason: why it is retried (``"429 RESOURCE_EXHAUSTED"``, ``"connection lost"``).
        status: the failed attempt's HTTP status, or ``None`` when no response arrived.
        error: the failed attempt's error.
    """

    attempt: int
    delay: float
    reason: str
    status: int | None
    error: BaseException


StreamOutcome: TypeAlias = Literal["completed", "error", "cancelled"]


@attrs.frozen(kw_only=True)
class StreamEndEvent(CallEvent):
    """A stream is over: read to its end, failed, or closed before its end.

    Attributes:
        status: the HTTP status of the stream's response.
        headers: its response headers.
        elapsed: seconds from sending the request to the end of the stream.
        chunks: how many chunks arrived.
        outcome: ``"completed"``, ``"error"`` (``error`` says which) or ``"cancelled"``
            (closed, left or cancelled before the last chunk).
        usage: the token counts of the last chunk's ``usageMetadata``, or ``None``.
        finish_reasons: each candidate's ``finishReason``, as they arrived.
        error: the error that ended the stream, or ``None``.
    """

    status: int
    headers: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    elapsed: float
    chunks: int
    outcome: StreamOutcome
    usage: TokenUsage | None = None
    finish_reasons: tuple[str, ...] = ()
    error: BaseException | None = None


#: A hook callback: takes the event; may return an awaitable (an ``async def`` function).
Callback: TypeAlias = Callable[[Any], "Awaitable[None] | None"]


def _callbacks(value: Any) -> tuple[Callable[[Any], Any], ...]:
    if value is None:
        return ()
    if callable(value):
        return (value,)
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"a hook must be a callable or a list of callables, not {value!r}")
    for item in value:
        if not callable(item):
            raise TypeError(f"a hook must be a callable or a list of callables, not {item!r}")
    return tuple(value)


@attrs.frozen
class Hooks:
    """Callbacks for what happens on the wire: ``Client(hooks=Hooks(on_retry=log_retry))``.

    Each argument is one callable or a list of them, sync or async; each receives one event.

    Attributes:
        on_request: before each attempt is sent (:class:`RequestEvent`).
        on_response: when each attempt ends, with its status and timing
            (:class:`ResponseEvent`), also for error statuses and failed connections.
        on_retry: when a failed attempt is to be retried, with the attempt number, the
            reason and the delay (:class:`RetryEvent`).
        on_stream_end: when a stream is over (:class:`StreamEndEvent`).
    """

    on_request: tuple[Callback, ...] = attrs.field(default=None, converter=_callbacks)
    on_response: tuple[Callback, ...] = attrs.field(default=None, converter=_callbacks)
    on_retry: tuple[Callback, ...] = attrs.field(default=None, converter=_callbacks)
    on_stream_end: tuple[Callback, ...] = attrs.field(default=None, converter=_callbacks)

    def __bool__(self) -> bool:
        return bool(self.on_request or self.on_response or self.on_retry or self.on_stream_end)


async def emit(callbacks: tuple[Callback, ...], event: CallEvent) -> None:
    """Call each callback with ``event`` in order, awaiting those that return an awaitable."""
    for callback in callbacks:
        result = callback(event)
        if result is not None and hasattr(result, "__await__"):
            await result
