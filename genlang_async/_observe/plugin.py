"""The pipeline plug-in that feeds a client's hooks, usage totals, raw-response captures,
OpenTelemetry spans and log lines from each request's attempts."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from time import perf_counter
from typing import Any
from urllib.parse import urlsplit

from .._core.errors import APIError
from .._core.plugins import Plugin, Request, Response, Retry, StreamEnd
from . import log, otel
from .calls import MODEL_OPERATIONS, CallInfo, call_info
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


class _Call:
    """What the observer keeps about one request across its attempts."""

    __slots__ = ("call", "capture", "sent", "span", "status")

    def __init__(self, call: CallInfo, span: otel.CallSpan | None, capture: RawCapture | None):
        self.call = call
        self.span = span
        self.capture = capture
        self.sent = perf_counter()
        self.status: int | None = None


def _describe(request: Request) -> CallInfo:
    url = request.url.split("?", 1)[0]
    parts = urlsplit(url)
    return call_info(request.method, parts.path, parts.hostname or "", parts.port)


def _status_of(error: BaseException) -> int | None:
    return error.status_code if isinstance(error, APIError) else None


class Observer(Plugin):
    """One client's observability plug-in (shared by its ``with_options`` copies).

    Args:
        hooks: the user's callbacks.
        usage: where token usage is summed (``client.usage``).
        redact: removes secrets from text bound for logs.
    """

    def __init__(self, hooks: Hooks, usage: Usage) -> None:
        self.hooks = hooks
        self.usage = usage

    def _state(self, request: Request) -> _Call:
        state: _Call | None = request.state.get(_KEY)
        if state is None:
            call = _describe(request)
            telemetry = otel.active()
            span = telemetry.start(call, request.json) if telemetry is not None else None
            state = request.state[_KEY] = _Call(call, span, current_capture())
        return state

    async def on_request(self, request: Request) -> None:
        state = self._state(request)
        state.sent = perf_counter()
        if log.logger.isEnabledFor(_DEBUG):
            log.logger.debug("send %s %s attempt=%d", state.call.method, state.call.path,
                             request.attempt)
            if request.json is not None and log.log_bodies():
                log.logger.debug("request body %s", log.body_text(request.json))
        if self.hooks.on_request:
            await emit(self.hooks.on_request, RequestEvent(call=state.call, attempt=request.attempt))

    async def on_response(self, request: Request, response: Response) -> None:
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
            await emit(
                self.hooks.on_response,
                ResponseEvent(
                    call=call,
                    attempt=request.attempt,
                    status=response.status,
                    headers=response.headers,
                    elapsed=response.elapsed,
                    error=response.error,
                ),
            )
        if response.error is not None:
            return  # the retry or the failure says more
        if request.stream:
            if log.logger.isEnabledFor(_INFO):
                log.logger.info(
                    log.request_line(call, attempt=request.attempt, status=response.status,
                                     elapsed=response.elapsed)
                )
            return
        body = response.body if isinstance(response.body, Mapping) else None
        metadata = body.get("usageMetadata") if body is not None else None
        if call.model is not None and call.operation in MODEL_OPERATIONS:
            self.usage.record(call.model, metadata)
        if state.span is not None:
            state.span.finish(status=response.status, response=body)
        if log.logger.isEnabledFor(_INFO):
            usage = TokenUsage.from_metadata(metadata) if metadata is not None else None
            log.logger.info(
                log.request_line(call, attempt=request.attempt, status=response.status,
                                 elapsed=response.elapsed, usage=usage)
            )
            if body is not None and log.log_bodies():
                log.logger.debug("response body %s", log.body_text(body))

    async def on_retry(self, request: Request, retry: Retry) -> None:
        state = self._state(request)
        status = _status_of(retry.error)
        if state.span is not None:
            state.span.retry(retry.attempt, retry.delay, retry.reason, status)
        if log.logger.isEnabledFor(_INFO):
            log.logger.info(
                log.retry_line(state.call, attempt=retry.attempt, status=status,
                               elapsed=perf_counter() - state.sent, delay=retry.delay,
                               reason=retry.reason)
            )
        if self.hooks.on_retry:
            await emit(
                self.hooks.on_retry,
                RetryEvent(call=state.call, attempt=retry.attempt, delay=retry.delay,
                           reason=retry.reason, status=status, error=retry.error),
            )

    async def on_failure(self, request: Request, error: BaseException) -> None:
        state = self._state(request)
        cancelled = not isinstance(error, Exception)
        status = _status_of(error)
        if state.span is not None:
            state.span.finish(status=status, error=otel.CANCELLED if cancelled else error)
        if log.logger.isEnabledFor(_INFO):
            log.logger.info(
                log.request_line(state.call, attempt=request.attempt, status=status,
                                 elapsed=perf_counter() - state.sent,
                                 error="cancelled" if cancelled else type(error).__name__)
            )

    async def on_stream_end(self, request: Request, end: StreamEnd) -> None:
        state = self._state(request)
        call = state.call
        outcome: StreamOutcome
        if end.completed:
            outcome = "completed"
        elif end.error is not None and isinstance(end.error, Exception):
            outcome = "error"
        else:
            outcome = "cancelled"
        usage = TokenUsage.from_metadata(end.usage) if end.usage is not None else None
        if usage is not None and call.model is not None:
            self.usage.record(call.model, end.usage)
        if state.span is not None:
            state.span.finish(
                status=state.status,
                usage=usage,
                finish_reasons=end.finish_reasons,
                error=None if outcome == "completed" else end.error or otel.CANCELLED
                if outcome == "error" else otel.CANCELLED,
            )
        status = state.status or 0
        if log.logger.isEnabledFor(_INFO):
            log.logger.info(
                log.stream_end_line(call, status=status, elapsed=end.elapsed, chunks=end.chunks,
                                    outcome=outcome, usage=usage)
            )
        if self.hooks.on_stream_end:
            await emit(
                self.hooks.on_stream_end,
                StreamEndEvent(call=call, status=status, headers=end.headers,
                               elapsed=end.elapsed, chunks=end.chunks, outcome=outcome,
                               usage=usage, finish_reasons=tuple(end.finish_reasons),
                               error=end.error),
            )


def _unused(_: Any) -> None: ...
