"""Hooks, usage totals, spans, metrics and log lines of real calls against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from genlang_async import Client, Hooks, RateLimitError
from genlang_async.emulator import Emulator

KEY = "AIzaObserveSecret-7f3c9a1b2d"
MODEL = "gemini-2.5-flash"
GENERATE = "/v1beta/models/*:generateContent"
STREAM = "/v1beta/models/*:streamGenerateContent"


def recorder(seen: list[tuple[Any, ...]], kind: str) -> Any:
    def record(event: Any) -> None:
        seen.append((kind, event.attempt, getattr(event, "status", None)))

    return record


async def test_hooks_fire_in_order_with_attempt_numbers_under_429s(emulator: Emulator) -> None:
    seen: list[tuple[Any, ...]] = []
    retries: list[Any] = []

    async def on_retry(event: Any) -> None:
        seen.append(("retry", event.attempt, event.status))
        retries.append(event)

    hooks = Hooks(
        on_request=recorder(seen, "request"),
        on_response=[recorder(seen, "response")],
        on_retry=on_retry,
    )
    emulator.faults.fail(GENERATE, status=429, times=2, retry_after=0)
    async with Client(api_key=KEY, base_url=emulator.url, hooks=hooks) as client:
        await client.models.generate_content(MODEL, contents="Hi")
    assert seen == [
        ("request", 1, None),
        ("response", 1, 429),
        ("retry", 1, 429),
        ("request", 2, None),
        ("response", 2, 429),
        ("retry", 2, 429),
        ("request", 3, None),
        ("response", 3, 200),
    ]
    assert [r.delay for r in retries] == [0, 0]
    assert all("429" in r.reason for r in retries)
    assert all(isinstance(r.error, RateLimitError) for r in retries)
    assert {(r.method, r.path, r.operation, r.model) for r in retries} == {
        ("POST", f"/v1beta/models/{MODEL}:generateContent", "generate_content", MODEL)
    }


async def test_give_up_after_retries_fires_no_retry_for_the_last(emulator: Emulator) -> None:
    seen: list[tuple[Any, ...]] = []
    hooks = Hooks(on_response=recorder(seen, "response"), on_retry=recorder(seen, "retry"))
    emulator.faults.fail(GENERATE, status=429, times=5, retry_after=0)
    async with Client(api_key=KEY, base_url=emulator.url, hooks=hooks, max_retries=1) as client:
        with pytest.raises(RateLimitError):
            await client.models.generate_content(MODEL, contents="Hi")
        assert len(client.usage) == 0
    assert seen == [("response", 1, 429), ("retry", 1, 429), ("response", 2, 429)]


async def test_stream_end_hook_and_usage(emulator: Emulator) -> None:
    ends: list[Any] = []
    hooks = Hooks(on_stream_end=ends.append)
    async with Client(api_key=KEY, base_url=emulator.url, hooks=hooks) as client:
        async with client.models.stream_generate_content(MODEL, contents="Hi there") as stream:
            chunks = [chunk async for chunk in stream]
            assert stream.status == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
        response = await client.models.generate_content(MODEL, contents="Hi")
        (end,) = ends
        assert end.outcome == "completed"
        assert end.chunks == len(chunks) > 1
        assert end.status == 200
        assert end.headers["content-type"].startswith("text/event-stream")
        assert end.finish_reasons == ("STOP",)
        assert end.error is None
        assert end.usage is not None
        assert end.usage.prompt_tokens > 0
        assert response.usage_metadata is not None
        usage = client.usage[MODEL]
        assert usage.requests == 2
        assert usage.prompt_tokens == (
            end.usage.prompt_tokens + (response.usage_metadata.prompt_token_count or 0)
        )
        assert client.usage.total == usage


async def test_stream_left_early_ends_as_cancelled(emulator: Emulator) -> None:
    ends: list[Any] = []
    async with Client(
        api_key=KEY, base_url=emulator.url, hooks=Hooks(on_stream_end=ends.append)
    ) as client:
        async with client.models.stream_generate_content(MODEL, contents="one two three") as s:
            async for _ in s:
                break
        assert client.connections_in_use == 0
    (end,) = ends
    assert end.outcome == "cancelled"
    assert end.chunks == 1
    assert end.error is None


async def test_usage_counts_model_calls_only(emulator: Emulator) -> None:
    async with Client(api_key=KEY, base_url=emulator.url) as client:
        await client.models.get(MODEL)
        await client.models.count_tokens(MODEL, contents="Hi")
        assert len(client.usage) == 0
        await client.models.embed_content("gemini-embedding-001", content="Hi")
        await client.models.generate_content(MODEL, contents="Hi")
        assert set(client.usage) == {"gemini-embedding-001", MODEL}
        assert client.usage["gemini-embedding-001"].requests == 1
        assert client.usage.total.requests == 2
