"""The span and metrics of one call, from the pure mapping (no HTTP)."""

from __future__ import annotations

import json

import pytest

from genlang_async._observe import otel
from genlang_async._observe.calls import call_info
from genlang_async._observe.usage import TokenUsage

from .conftest import Otel

CALL = call_info("POST", "/v1beta/models/gemini-2.5-flash:generateContent", "api.test", 443)
BODY = {
    "contents": [{"role": "user", "parts": [{"text": "secret prompt"}]}],
    "generationConfig": {"temperature": 0.5, "maxOutputTokens": 64},
}
RESPONSE = {
    "candidates": [
        {"content": {"role": "model", "parts": [{"text": "secret answer"}]}, "finishReason": "STOP"}
    ],
    "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 7, "thoughtsTokenCount": 2},
    "modelVersion": "gemini-2.5-flash-001",
    "responseId": "r1",
}


def test_unary_span_follows_the_genai_conventions(otel_on: Otel) -> None:
    telemetry = otel.active()
    assert telemetry is not None
    span = telemetry.start(CALL, BODY)
    span.retry(1, 0.25, "429 RESOURCE_EXHAUSTED", 429)
    span.finish(status=200, response=RESPONSE)
    span.finish(status=500, error=RuntimeError("ignored: already finished"))
    (finished,) = otel_on.spans()
    assert finished.name == "generate_content gemini-2.5-flash"
    attributes = dict(finished.attributes or {})
    assert attributes == {
        "gen_ai.operation.name": "generate_content",
        "gen_ai.provider.name": "gcp.gemini",
        "gen_ai.request.model": "gemini-2.5-flash",
        "server.address": "api.test",
        "server.port": 443,
        "http.request.method": "POST",
        "gen_ai.request.temperature": 0.5,
        "gen_ai.request.max_tokens": 64,
        "http.response.status_code": 200,
        "gen_ai.response.model": "gemini-2.5-flash-001",
        "gen_ai.response.id": "r1",
        "gen_ai.response.finish_reasons": ("STOP",),
        "gen_ai.usage.input_tokens": 3,
        "gen_ai.usage.output_tokens": 9,
    }
    (event,) = finished.events
    assert event.name == "genlang.retry"
    assert dict(event.attributes or {}) == {
        "genlang.retry.attempt": 1,
        "genlang.retry.delay": 0.25,
        "genlang.retry.reason": "429 RESOURCE_EXHAUSTED",
        "http.response.status_code": 429,
    }
    assert finished.status.status_code.name == "UNSET"
    tokens = {
        p.attributes["gen_ai.token.type"]: p.sum
        for p in otel_on.points("gen_ai.client.token.usage")
    }
    assert tokens == {"input": 3, "output": 9}
    (duration,) = otel_on.points("gen_ai.client.operation.duration")
    assert duration.count == 1
    assert duration.attributes["gen_ai.request.model"] == "gemini-2.5-flash"
    assert "error.type" not in duration.attributes


def test_content_only_on_opt_in(otel_on: Otel) -> None:
    telemetry = otel.active()
    assert telemetry is not None
    telemetry.start(CALL, BODY).finish(status=200, response=RESPONSE)
    (finished,) = otel_on.spans()
    assert "secret" not in repr(dict(finished.attributes or {}))


def test_content_recorded_when_asked(otel_content: Otel) -> None:
    telemetry = otel.active()
    assert telemetry is not None
    body = {**BODY, "systemInstruction": {"parts": [{"text": "be brief"}, {"inlineData": {}}]}}
    telemetry.start(CALL, body).finish(status=200, response=RESPONSE)
    (finished,) = otel_content.spans()
    attributes = finished.attributes or {}
    assert json.loads(str(attributes["gen_ai.input.messages"])) == [
        {"role": "user", "parts": [{"type": "text", "content": "secret prompt"}]}
    ]
    assert json.loads(str(attributes["gen_ai.system_instructions"])) == [
        {"type": "text", "content": "be brief"},
        {"type": "inlineData"},
    ]
    assert json.loads(str(attributes["gen_ai.output.messages"])) == [
        {
            "role": "assistant",
            "parts": [{"type": "text", "content": "secret answer"}],
            "finish_reason": "STOP",
        }
    ]


def test_cancelled_stream_sets_error_type(otel_content: Otel) -> None:
    telemetry = otel.active()
    assert telemetry is not None
    stream_call = call_info("POST", "/v1beta/models/m:streamGenerateContent")
    span = telemetry.start(stream_call, BODY)
    span.finish(
        status=200,
        usage=TokenUsage.from_metadata({"promptTokenCount": 3, "candidatesTokenCount": 1}),
        finish_reasons=(),
        output_text="half an ans",
        error=otel.CANCELLED,
    )
    (finished,) = otel_content.spans()
    attributes = finished.attributes or {}
    assert attributes["error.type"] == "cancelled"
    assert finished.status.status_code.name == "ERROR"
    assert "half an ans" in str(attributes["gen_ai.output.messages"])
    (duration,) = otel_content.points("gen_ai.client.operation.duration")
    assert duration.attributes["error.type"] == "cancelled"
    assert otel_content.points("gen_ai.client.token.usage") == []


def test_error_type_is_the_exception_class(otel_on: Otel) -> None:
    telemetry = otel.active()
    assert telemetry is not None

    class RateLimitError(Exception):
        pass

    telemetry.start(CALL).finish(status=429, error=RateLimitError("quota"))
    (finished,) = otel_on.spans()
    assert finished.attributes is not None
    assert finished.attributes["error.type"] == "RateLimitError"
    assert finished.status.description == "quota"


def test_off_unless_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GENLANG_OTEL", raising=False)
    monkeypatch.setattr(otel, "_env_checked", False)
    assert otel.active() is None


def test_genlang_otel_env_turns_it_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENLANG_OTEL", "1")
    monkeypatch.setattr(otel, "_env_checked", False)
    try:
        telemetry = otel.active()
        assert telemetry is not None
        assert not telemetry.capture_content
    finally:
        otel.uninstrument()
    assert otel.active() is None
