"""OpenTelemetry: a span per call (and per stream lifetime) and the GenAI client metrics.

Off unless :func:`instrument` is called or ``GENLANG_OTEL=1`` is set; ``opentelemetry-api``
(the ``otel`` extra) is imported only then. Spans and metrics follow the OpenTelemetry
semantic conventions for generative AI clients. Prompt and answer text is recorded only
with ``capture_content=True`` (or ``GENLANG_OTEL_CAPTURE_CONTENT=1``).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from time import perf_counter as _now
from typing import Any, TypeVar

from .calls import CallInfo
from .usage import TokenUsage

__all__ = ["CallSpan", "Telemetry", "active", "instrument", "uninstrument"]

PROVIDER = "gcp.gemini"
RETRY_EVENT = "genlang.retry"
CANCELLED = "cancelled"

#: Bucket boundaries advised by the semantic conventions.
_TOKEN_BUCKETS = [4.0**n for n in range(14)]
_DURATION_BUCKETS = [0.01 * 2**n for n in range(14)]

#: ``generationConfig`` field -> request attribute.
_REQUEST_PARAMS = (
    ("temperature", "gen_ai.request.temperature"),
    ("topP", "gen_ai.request.top_p"),
    ("topK", "gen_ai.request.top_k"),
    ("maxOutputTokens", "gen_ai.request.max_tokens"),
    ("stopSequences", "gen_ai.request.stop_sequences"),
    ("presencePenalty", "gen_ai.request.presence_penalty"),
    ("frequencyPenalty", "gen_ai.request.frequency_penalty"),
    ("seed", "gen_ai.request.seed"),
    ("candidateCount", "gen_ai.request.choice.count"),
)

_TRUE = ("1", "true", "yes", "on")


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


class Telemetry:
    """The tracer, the two histograms and the content setting, made once by :func:`instrument`.

    Attribute dicts that depend only on the call (its operation, model and server) and on
    the error type are built once and reused: recording the same dict again is cheaper for
    the SDK too.
    """

    def __init__(self, tracer: Any, meter: Any, *, capture_content: bool) -> None:
        from opentelemetry.trace import SpanKind, Status, StatusCode

        self.tracer = tracer
        self.client_kind = SpanKind.CLIENT
        self.error_status: Callable[[str], Any] = lambda description: Status(
            StatusCode.ERROR, description
        )
        self.capture_content = capture_content
        self.token_usage = _histogram(
            meter,
            "gen_ai.client.token.usage",
            unit="{token}",
            description="Tokens used per call, by type (input, output)",
            buckets=_TOKEN_BUCKETS,
        )
        self.duration = _histogram(
            meter,
            "gen_ai.client.operation.duration",
            unit="s",
            description="Duration of a call (a stream: until its end)",
            buckets=_DURATION_BUCKETS,
        )
        self._spans: dict[CallInfo, tuple[str, dict[str, Any]]] = {}
        self._metrics: dict[tuple[CallInfo, str | None], _MetricAttributes] = {}

    def start(self, call: CallInfo, body: Mapping[str, Any] | None = None) -> CallSpan:
        """Open the span of one call (its clock starts now)."""
        return CallSpan(self, call, body)

    def span_template(self, call: CallInfo) -> tuple[str, dict[str, Any]]:
        """The span name and the attributes every span of ``call`` starts with."""
        found = self._spans.get(call)
        if found is None:
            attributes = dict(self.metric_attributes(call, None)[0])
            attributes["http.request.method"] = call.method
            name = call.operation if call.model is None else f"{call.operation} {call.model}"
            found = self._spans[call] = _bounded(self._spans, (name, attributes))
        return found

    def metric_attributes(self, call: CallInfo, error_type: str | None) -> _MetricAttributes:
        """(duration, input tokens, output tokens) attribute dicts for ``call``."""
        key = (call, error_type)
        found = self._metrics.get(key)
        if found is None:
            common: dict[str, Any] = {
                "gen_ai.operation.name": call.operation,
                "gen_ai.provider.name": PROVIDER,
                "server.address": call.server_address,
            }
            if call.model is not None:
                common["gen_ai.request.model"] = call.model
            if call.server_port is not None:
                common["server.port"] = call.server_port
            if error_type is not None:
                common["error.type"] = error_type
            found = self._metrics[key] = _bounded(
                self._metrics,
                (
                    common,
                    {**common, "gen_ai.token.type": "input"},
                    {**common, "gen_ai.token.type": "output"},
                ),
            )
        return found


_MetricAttributes = tuple[dict[str, Any], dict[str, Any], dict[str, Any]]
_T = TypeVar("_T")


def _bounded(cache: dict[Any, Any], value: _T) -> _T:
    if len(cache) >= 1024:  # many distinct hosts or models: start over
        cache.clear()
    return value


def _histogram(meter: Any, name: str, *, unit: str, description: str, buckets: list[float]) -> Any:
    try:
        return meter.create_histogram(
            name, unit=unit, description=description, explicit_bucket_boundaries_advisory=buckets
        )
    except TypeError:  # opentelemetry-api < 1.23 has no bucket advice
        return meter.create_histogram(name, unit=unit, description=description)


class CallSpan:
    """The span of one call: retries become span events; :meth:`finish` ends it and
    records the metrics. Finishing twice does nothing."""

    __slots__ = ("_call", "_done", "_span", "_started", "_telemetry")

    def __init__(
        self, telemetry: Telemetry, call: CallInfo, body: Mapping[str, Any] | None
    ) -> None:
        self._telemetry = telemetry
        self._call = call
        self._done = False
        name, attributes = telemetry.span_template(call)
        if body:
            extra = request_attributes(body, telemetry.capture_content)
            if extra:
                attributes = {**attributes, **extra}
        self._span = telemetry.tracer.start_span(
            name, kind=telemetry.client_kind, attributes=attributes
        )
        self._started = _now()

    @property
    def span(self) -> Any:
        """The OpenTelemetry span (to add attributes of your own, say)."""
        return self._span

    def retry(self, attempt: int, delay: float, reason: str, status: int | None) -> None:
        """Record a retry as a span event."""
        attributes: dict[str, Any] = {
            "genlang.retry.attempt": attempt,
            "genlang.retry.delay": delay,
            "genlang.retry.reason": reason,
        }
        if status is not None:
            attributes["http.response.status_code"] = status
        self._span.add_event(RETRY_EVENT, attributes)

    def finish(
        self,
        *,
        status: int | None = None,
        response: Mapping[str, Any] | None = None,
        usage: TokenUsage | None = None,
        finish_reasons: Iterable[str] = (),
        output_text: str | None = None,
        error: BaseException | str | None = None,
    ) -> None:
        """End the span and record the metrics.

        ``response`` is a unary call's JSON; a stream passes what it gathered instead:
        ``usage``, ``finish_reasons`` and (only when content is captured) ``output_text``.
        ``error`` is the exception that ended the call, or :data:`CANCELLED`.
        """
        if self._done:
            return
        self._done = True
        elapsed = _now() - self._started
        span = self._span
        telemetry = self._telemetry
        if response:
            metadata = response.get("usageMetadata")
            usage = None if metadata is None else TokenUsage.from_metadata(metadata)
        error_type = None
        if error is not None:
            error_type = error if isinstance(error, str) else type(error).__name__
        if span.is_recording():
            attributes: dict[str, Any] = {}
            if status is not None:
                attributes["http.response.status_code"] = status
            if response:
                attributes.update(response_attributes(response, telemetry.capture_content))
            else:
                reasons = tuple(finish_reasons)
                if reasons:
                    attributes["gen_ai.response.finish_reasons"] = reasons
                if output_text is not None and telemetry.capture_content:
                    attributes["gen_ai.output.messages"] = _output_messages(output_text)
            if usage is not None:
                attributes.update(usage_attributes(usage))
            if error_type is not None:
                attributes["error.type"] = error_type
                span.set_status(telemetry.error_status(str(error)))
            span.set_attributes(attributes)
        span.end()
        duration, input_tokens, output_tokens = telemetry.metric_attributes(self._call, error_type)
        telemetry.duration.record(elapsed, duration)
        if usage is not None and error is None:
            telemetry.token_usage.record(usage.prompt_tokens, input_tokens)
            telemetry.token_usage.record(usage.output_tokens + usage.thoughts_tokens, output_tokens)


def request_attributes(body: Mapping[str, Any], capture_content: bool) -> dict[str, Any]:
    """Span attributes from a request body: generation parameters, and the prompt only when
    ``capture_content``."""
    attributes: dict[str, Any] = {}
    config = body.get("generationConfig")
    if isinstance(config, Mapping):
        for field, name in _REQUEST_PARAMS:
            value = config.get(field)
            if value is not None:
                attributes[name] = value
    if capture_content:
        contents = body.get("contents")
        if isinstance(contents, list):
            attributes["gen_ai.input.messages"] = json.dumps(
                [_message(turn) for turn in contents if isinstance(turn, Mapping)]
            )
        system = body.get("systemInstruction")
        if isinstance(system, Mapping):
            attributes["gen_ai.system_instructions"] = json.dumps(_parts(system))
    return attributes


def response_attributes(response: Mapping[str, Any], capture_content: bool) -> dict[str, Any]:
    """Span attributes from a unary response: model version, id and finish reasons, and the
    answers only when ``capture_content``."""
    attributes: dict[str, Any] = {}
    version = response.get("modelVersion")
    if isinstance(version, str):
        attributes["gen_ai.response.model"] = version
    response_id = response.get("responseId")
    if isinstance(response_id, str):
        attributes["gen_ai.response.id"] = response_id
    candidates = response.get("candidates")
    if isinstance(candidates, list):
        valid = [c for c in candidates if isinstance(c, Mapping)]
        reasons = finish_reasons_of(valid)
        if reasons:
            attributes["gen_ai.response.finish_reasons"] = reasons
        if capture_content:
            attributes["gen_ai.output.messages"] = json.dumps(
                [_candidate_message(candidate) for candidate in valid]
            )
    return attributes


def finish_reasons_of(candidates: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The ``finishReason`` of each candidate that has one."""
    return tuple(reason for c in candidates if isinstance(reason := c.get("finishReason"), str))


def usage_attributes(usage: TokenUsage) -> dict[str, Any]:
    """``gen_ai.usage.*``: output tokens include thinking tokens (both are billed as output)."""
    attributes = {
        "gen_ai.usage.input_tokens": usage.prompt_tokens,
        "gen_ai.usage.output_tokens": usage.output_tokens + usage.thoughts_tokens,
    }
    if usage.cached_tokens:
        attributes["gen_ai.usage.cache_read.input_tokens"] = usage.cached_tokens
    return attributes


def _parts(content: Mapping[str, Any]) -> list[dict[str, Any]]:
    parts = content.get("parts")
    if not isinstance(parts, list):
        return []
    shown: list[dict[str, Any]] = []
    for part in parts:
        if not isinstance(part, Mapping):
            continue
        text = part.get("text")
        if isinstance(text, str):
            shown.append({"type": "text", "content": text})
        else:
            shown.append({"type": next(iter(part), "unknown")})
    return shown


def _message(turn: Mapping[str, Any]) -> dict[str, Any]:
    return {"role": turn.get("role") or "user", "parts": _parts(turn)}


def _candidate_message(candidate: Mapping[str, Any]) -> dict[str, Any]:
    content = candidate.get("content")
    message = _message(content if isinstance(content, Mapping) else {})
    message["role"] = "assistant"
    reason = candidate.get("finishReason")
    if isinstance(reason, str):
        message["finish_reason"] = reason
    return message


def _output_messages(text: str) -> str:
    return json.dumps([{"role": "assistant", "parts": [{"type": "text", "content": text}]}])


# -- switching it on -------------------------------------------------------------------------

_active: Telemetry | None = None
_env_checked = False


def instrument(
    *,
    tracer_provider: Any = None,
    meter_provider: Any = None,
    capture_content: bool | None = None,
) -> None:
    """Turn on OpenTelemetry spans and metrics for every client (also ones made earlier).

    Args:
        tracer_provider: default: the global tracer provider.
        meter_provider: default: the global meter provider.
        capture_content: record prompts and answers on spans (``gen_ai.input.messages``,
            ``gen_ai.output.messages``); default ``GENLANG_OTEL_CAPTURE_CONTENT`` (off).

    Raises:
        ImportError: ``opentelemetry-api`` is not installed (``pip install
            'genlang-async[otel]'``).
    """
    global _active, _env_checked
    try:
        from opentelemetry import metrics, trace
    except ImportError as exc:
        raise ImportError(
            "OpenTelemetry is not installed: pip install 'genlang-async[otel]'"
        ) from exc
    from .._version import __version__

    if capture_content is None:
        capture_content = _env_flag("GENLANG_OTEL_CAPTURE_CONTENT")
    tracer = trace.get_tracer("genlang_async", __version__, tracer_provider=tracer_provider)
    meter = metrics.get_meter("genlang_async", __version__, meter_provider=meter_provider)
    _active = Telemetry(tracer, meter, capture_content=capture_content)
    _env_checked = True


def uninstrument() -> None:
    """Turn OpenTelemetry off again (``GENLANG_OTEL`` is not read again)."""
    global _active, _env_checked
    _active = None
    _env_checked = True


def active() -> Telemetry | None:
    """The telemetry in force, or ``None`` (the first call reads ``GENLANG_OTEL``)."""
    if _active is None and not _env_checked:
        _from_env()
    return _active


def _from_env() -> None:
    global _env_checked
    _env_checked = True
    if _env_flag("GENLANG_OTEL"):
        try:
            instrument()
        except ImportError as exc:
            logging.getLogger("genlang_async").warning("GENLANG_OTEL is set, but %s", exc)
