"""``map_concurrently`` driving real calls: order, progress, bounded concurrency, retries."""

from __future__ import annotations

import pytest

from genlang_async import Client, RateLimitError, map_concurrently
from genlang_async.emulator import Emulator

from .conftest import MODEL

GENERATE = f"/v1beta/models/{MODEL}:generateContent"


async def test_two_hundred_calls_in_order_with_progress_and_retries(
    client: Client, emulator: Emulator
) -> None:
    # the first 8 requests (one per worker) are refused, then retried after Retry-After: 0
    emulator.faults.fail(GENERATE, status=429, times=8, retry_after=0)
    progress: list[tuple[int, int | None]] = []
    in_flight = peak = 0

    async def ask(number: int) -> str:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            r = await client.models.generate_content(MODEL, contents=f"question {number}")
        finally:
            in_flight -= 1
        return r.text

    answers = await map_concurrently(
        ask, range(200), concurrency=8, progress=lambda done, total: progress.append((done, total))
    )
    assert len(answers) == 200
    for number, answer in enumerate(answers):
        assert f'"question {number}"' in answer
    assert progress == [(done, 200) for done in range(1, 201)]
    assert peak == 8
    statuses = [e["status"] for e in emulator.request_log]
    assert statuses.count(429) == 8  # each retried ...
    assert statuses.count(200) == 200  # ... and every call succeeded
    assert client.connections_in_use == 0


async def test_a_call_out_of_retries_stops_the_map(client: Client, emulator: Emulator) -> None:
    emulator.faults.fail(GENERATE, status=429, times=3, retry_after=0)

    async def ask(number: int) -> str:
        r = await client.models.generate_content(MODEL, contents=f"q{number}", max_retries=2)
        return r.text

    with pytest.raises(RateLimitError):
        await map_concurrently(ask, range(20), concurrency=1)
    results = await map_concurrently(ask, range(5), concurrency=2, return_exceptions=True)
    assert all(isinstance(r, str) for r in results)
