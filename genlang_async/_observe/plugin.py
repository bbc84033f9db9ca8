"""The pipeline plug-in that feeds a client's hooks, usage totals, raw-response captures,
OpenTelemetry spans and log lines from each request's attempts."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import lru_cache
from time import perf_counter
from typing import Any

from .._core.errors import APIError
from .._core.plugins import Plugin, Request, Response, Retry, StreamEnd
from . import log, otel
from .calls import CallInfo, describe_url, usage_model
from .hooks import (
    Hooks,
    RequestEvent,
    ResponseEvent,
    RetryEvent,
    StreamEndEvent,
    StreamOutcome,
    emit,
)
from .raw import RawCapture, current_capture
from .usage import TokenUsage, Usage

__all__ = ["Observer"]

_KEY = "genlang_async.observe"
_INFO = logging.INFO
_DEBUG = logging.DEBUG
_logger = log.logger


class _Call:
    """What the observer keeps about one request across its attempts."""

    __slots__ = ("call", "capture", "sent", "span", "status")

    def __init__(
        self, call: CallInfo, span: otel.CallSpan | None, capture: RawCapture | None
    ) -> None:
        self.call = call
        self.span = span
        self.capture = capture
        self.sent = perf_counter()
        self.status: int | None = None


@lru_cache(maxsize=512)
def _usage_model(resource: str | None, path: str) -> str | None:
    return usage_model(resource, path.rpartition(":")[2])


def _status_of(error: BaseException) -> int | None:
    return error.status_code if isinstance(error, APIError) else None


def _finish_reasons(chunk: Mapping[str, Any] | None) -> tuple[str, ...]:
    candidates = chunk.get("candidates") if chunk is not None else None
    if not isinstance(candidates, list):
        return ()
    return otel.finish_reasons_of(c for c in candidates if isinstance(c, Mapping))


def _outcome(end: StreamEnd) -> StreamOutcome:
    if end.completed:
        return "completed"
    if isinstance(end.error, Exception):
        return "error"
    return "cancelled"  # closed early, or a cancellation


class Observer(Plugin):
    """One client's observability plug-in.

    Args:
        hooks: the user's callbacks.
        usage: where token usage is summed (``client.usage``).
        redact: removes the client's secrets from text bound for logs.
    """

    def __init__(self, hooks: Hooks, usage: Usage, redact: Callable[[str], str]) -> None:
        self.hooks = hooks
        self._hooked = bool(hooks)
        self.usage = usage
        self.redact = redact

    def _state(self, request: Request) -> _Call:
        state: _Call | None = request.state.get(_KEY)
        if state is None:
            call = describe_url(request.method, request.url)
            telemetry = otel.active()
            span = None
            if telemetry is not None:
                span = telemetry.start(call, request.json)
                request.collect_text = telemetry.capture_content
            state = request.state[_KEY] = _Call(call, span, current_capture())
        return state

    def _watching(self) -> bool:
        """Whether anything besides the usage totals wants to see this request."""
        return (
            self._hooked
            or otel.active() is not None
            or current_capture() is not None
            or _logger.isEnabledFor(_INFO)
        )

    async def on_request(self, request: Request) -> None:
        if not self._watching():
            return
        state = self._state(request)
        state.sent = perf_counter()
        if _logger.isEnabledFor(_DEBUG):
            call = state.call
            _logger.debug("send %s %s attempt=%d", call.method, call.path, request.attempt)
            if request.json is not None and log.log_bodies():
                _logger.debug("request body %s", log.body_text(request.json, self.redact))
        if self.hooks.on_request:
            await emit(
                self.hooks.on_request, RequestEvent(call=state.call, attempt=request.attempt)
            )

    async def on_response(self, request: Request, response: Response) -> None:
        if _KEY not in request.state:
            # The common case: nobody watched when it was sent (``on_request`` keeps state
            # only then); only a successful model call is counted.
            if response.error is None and not request.stream:
                model = _usage_model(request.model, request.path)
                if model is not None:
                    body = response.body
                    metadata = body.get("usageMetadata") if isinstance(body, dict) else None
                    self.usage.record(model, metadata)
            return
        state = self._state(request)
        call = state.call
        state.status = response.status
        capture = state.capture
        if capture is not None:
            capture.call = call
            capture.status = response.status
            capture.headers = response.headers
            capture.retries = request.attempt - 1
        if self.hooks.on_response:
            event = ResponseEvent(
                call=call,
                attempt=request.attempt,
                status=response.status,
                headers=response.headers,
                elapsed=response.elapsed,
                error=response.error,
            )
            await emit(self.hooks.on_response, event)
        if response.error is not None:
            return  # the retry or the failure that follows tells the rest
        if request.stream:  # the end comes with on_stream_end
            if _logger.isEnabledFor(_INFO):
                line = log.request_line(
                    call, attempt=request.attempt, status=response.status, elapsed=response.elapsed
                )
                _logger.info(line)
            return
        body = response.body if isinstance(response.body, Mapping) else None
        metadata = body.get("usageMetadata") if body is not None else None
        if call.usage_model is not None:
            self.usage.record(call.usage_model, metadata)
        if state.span is not None:
            state.span.finish(status=response.status, response=body)
        if _logger.isEnabledFor(_INFO):
            usage = TokenUsage.from_metadata(metadata) if metadata is not None else None
            line = log.request_line(
                call,
                attempt=request.attempt,
                status=response.status,
                elapsed=response.elapsed,
                usage=usage,
            )
            _logger.info(line)
            if body is not None and log.log_bodies():
                _logger.debug("response body %s", log.body_text(body, self.redact))

    async def on_retry(self, request: Request, retry: Retry) -> None:
        state = self._state(request)
        status = _status_of(retry.error)
        if state.span is not None:
            state.span.retry(retry.attempt, retry.delay, retry.reason, status)
        if _logger.isEnabledFor(_INFO):
            line = log.retry_line(
                state.call,
                attempt=retry.attempt,
                status=status,
                elapsed=perf_counter() - state.sent,
                delay=retry.delay,
                reason=retry.reason,
            )
            _logger.info(line)
        if self.hooks.on_retry:
            event = RetryEvent(
                call=state.call,
                attempt=retry.attempt,
                delay=retry.delay,
                reason=retry.reason,
                status=status,
                error=retry.error,
            )
            await emit(self.hooks.on_retry, event)

    async def on_failure(self, request: Request, error: BaseException) -> None:
        state = self._state(request)
        status = _status_of(error)
        failure: BaseException | str = error if isinstance(error, Exception) else otel.CANCELLED
        if state.span is not None:
            state.span.finish(status=status, error=failure)
        if _logger.isEnabledFor(_INFO):
            line = log.request_line(
                state.call,
                attempt=request.attempt,
                status=status,
                elapsed=perf_counter() - state.sent,
                error=failure if isinstance(failure, str) else type(failure).__name__,
            )
            _logger.info(line)

    async def on_stream_end(self, request: Request, end: StreamEnd) -> None:
        state = self._state(request)
        call = state.call
        outcome = _outcome(end)
        usage = TokenUsage.from_metadata(end.usage) if end.usage is not None else None
        if usage is not None and call.usage_model is not None:
            self.usage.record(call.usage_model, end.usage)
        reasons = _finish_reasons(end.last)
        if state.span is not None:
            failure: BaseException | str | None = None
            if outcome == "error" and end.error is not None:
                failure = end.error
            elif outcome == "cancelled":
                failure = otel.CANCELLED
            state.span.finish(
                status=end.status,
                usage=usage,
                finish_reasons=reasons,
                output_text=end.text,
                error=failure,
            )
        logging_on = _logger.isEnabledFor(_INFO)
        if logging_on or self.hooks.on_stream_end:
            event = StreamEndEvent(
                call=call,
                status=end.status,
                headers=end.headers,
                elapsed=end.elapsed,
                chunks=end.chunks,
                outcome=outcome,
                usage=usage,
                finish_reasons=reasons,
                error=end.error,
            )
            if logging_on:
                _logger.info(log.stream_end_line(event))
            if self.hooks.on_stream_end:
                await emit(self.hooks.on_stream_end, event)
