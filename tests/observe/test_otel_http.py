"""Spans and metrics of real calls against the emulator (OpenTelemetry SDK in-memory)."""

from __future__ import annotations

import json

import anyio
import anyio.lowlevel
import pytest

from genlang_async import APIConnectionError, Client, NotFoundError
from genlang_async.emulator import Emulator

from .conftest import Otel

MODEL = "gemini-2.5-flash"
GENERATE = "/v1beta/models/*:generateContent"


async def test_a_call_with_a_retry_is_one_span_with_a_retry_event(
    otel_on: Otel, client: Client, emulator: Emulator
) -> None:
    emulator.faults.fail(GENERATE, status=429, times=1, retry_after=0)
    response = await client.models.generate_content(
        MODEL, contents="Hi", generation_config={"temperature": 0.2}
    )
    (span,) = otel_on.spans()
    assert span.name == f"generate_content {MODEL}"
    assert span.kind.name == "CLIENT"
    attributes = dict(span.attributes or {})
    usage = response.usage_metadata
    assert usage is not None
    assert attributes["gen_ai.operation.name"] == "generate_content"
    assert attributes["gen_ai.request.model"] == MODEL
    assert attributes["gen_ai.request.temperature"] == 0.2
    assert attributes["gen_ai.usage.input_tokens"] == usage.prompt_token_count
    assert attributes["gen_ai.usage.output_tokens"] == (usage.candidates_token_count or 0) + (
        usage.thoughts_token_count or 0
    )
    assert attributes["gen_ai.response.finish_reasons"] == ("STOP",)
    assert attributes["server.address"] == "127.0.0.1"
    assert attributes["http.response.status_code"] == 200
    assert "error.type" not in attributes
    (retry,) = span.events
    assert retry.name == "genlang.retry"
    assert retry.attributes is not None
    assert retry.attributes["genlang.retry.attempt"] == 1
    assert retry.attributes["http.response.status_code"] == 429
    (duration,) = otel_on.points("gen_ai.client.operation.duration")
    assert duration.count == 1
    tokens = {
        p.attributes["gen_ai.token.type"]: p.sum
        for p in otel_on.points("gen_ai.client.token.usage")
    }
    assert tokens["input"] == usage.prompt_token_count


async def test_failed_calls_end_their_span_with_the_error_type(
    otel_on: Otel, client: Client, refused_url: str
) -> None:
    with pytest.raises(NotFoundError):
        await client.models.get("no-such-model")
    async with Client(api_key="k", base_url=refused_url, max_retries=0) as dead:
        with pytest.raises(APIConnectionError):
            await dead.models.generate_content(MODEL, contents="Hi")
    not_found, refused = otel_on.spans()
    assert not_found.attributes is not None
    assert not_found.attributes["error.type"] == "NotFoundError"
    assert not_found.attributes["http.response.status_code"] == 404
    assert not_found.status.status_code.name == "ERROR"
    assert refused.attributes is not None
    assert refused.attributes["error.type"] == "APIConnectionError"
    errors = sorted(
        p.attributes["error.type"] for p in otel_on.points("gen_ai.client.operation.duration")
    )
    assert errors == ["APIConnectionError", "NotFoundError"]
    assert otel_on.points("gen_ai.client.token.usage") == []


async def test_a_stream_span_lasts_until_its_end(otel_content: Otel, client: Client) -> None:
    texts = []
    async with client.models.stream_generate_content(MODEL, contents="Tell me") as stream:
        async for chunk in stream:
            if not texts:
                assert otel_content.spans() == []  # open while the stream is
            texts.append(chunk.text)
    text = "".join(texts)
    (span,) = otel_content.spans()
    attributes = dict(span.attributes or {})
    assert span.name == f"generate_content {MODEL}"
    assert attributes["gen_ai.response.finish_reasons"] == ("STOP",)
    assert int(str(attributes["gen_ai.usage.input_tokens"])) > 0
    assert "error.type" not in attributes
    (output,) = json.loads(str(attributes["gen_ai.output.messages"]))
    assert output["parts"][0]["content"] == text
    assert "Tell me" in str(attributes["gen_ai.input.messages"])


async def test_a_stream_cancelled_half_way(otel_on: Otel, client: Client) -> None:
    got = 0
    with anyio.CancelScope() as scope:
        async with client.models.stream_generate_content(MODEL, contents="a b c d e f") as stream:
            async for _chunk in stream:
                got += 1
                scope.cancel()
                await anyio.lowlevel.checkpoint()  # the cancellation lands here, half way
    assert got == 1
    assert client.connections_in_use == 0
    await anyio.lowlevel.checkpoint()
    (span,) = otel_on.spans()
    assert span.end_time is not None
    assert span.attributes is not None
    assert span.attributes["error.type"] == "cancelled"
    assert span.status.status_code.name == "ERROR"
    (duration,) = otel_on.points("gen_ai.client.operation.duration")
    assert duration.attributes["error.type"] == "cancelled"


async def test_a_unary_call_cancelled_in_flight(
    otel_on: Otel, client: Client, emulator: Emulator
) -> None:
    emulator.faults.delay(GENERATE, seconds=5)
    with anyio.move_on_after(0.2):
        await client.models.generate_content(MODEL, contents="Hi")
    (span,) = otel_on.spans()
    assert span.attributes is not None
    assert span.attributes["error.type"] == "cancelled"
