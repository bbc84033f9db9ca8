"""RateLimiter: exact waits in booking order, cancellation, 429 learning, per-day stop, stats."""

from __future__ import annotations

import time

import anyio
import anyio.lowlevel
import pytest

from genlang_async._core.error_details import QuotaFailure, QuotaViolation, RetryInfo
from genlang_async._core.errors import APIError, RateLimitError
from genlang_async._core.rate_limit import margin
from genlang_async._rate_limiter import (
    MemoryStore,
    QuotaExhaustedError,
    RateLimit,
    RateLimiter,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def quota_429(quota_id: str, value: int | None = None) -> RateLimitError:
    violation = QuotaViolation(
        quota_id=quota_id,
        quota_metric="generativelanguage.googleapis.com/generate_content_free_tier_requests",
        quota_dimensions={"location": "global", "model": "m"},
        quota_value=value,
    )
    return RateLimitError(
        "quota",
        status_code=429,
        status="RESOURCE_EXHAUSTED",
        details=(QuotaFailure((violation,)), RetryInfo()),
    )


MINUTE = "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"
DAY_ID = "GenerateRequestsPerDayPerProjectPerModel-FreeTier"


def test_memory_store_books_exact_delays_per_model() -> None:
    clock = Clock()
    store = MemoryStore(clock)
    span = 1.0 + margin(1.0)
    specs = [(1.0, span, 2, None)]
    delays = [store.book_now("m", specs, 0)[0] for _ in range(5)]
    # Evenly spaced: two per window, half a window apart.
    assert delays == pytest.approx([0.0, 0.5 * span, span, 1.5 * span, 2 * span])
    assert store.book_now("other", specs, 0)[0] == 0.0
    clock.now += 10
    assert store.book_now("m", specs, 0)[0] == 0.0


async def test_waiters_are_served_in_order_each_at_its_own_time() -> None:
    limiter = RateLimiter({"m": RateLimit(requests=2, period=0.1)}, adaptive=False)
    start = time.monotonic()
    woke: list[tuple[int, float]] = []

    async def call(index: int) -> None:
        await limiter.acquire("models/m")
        woke.append((index, time.monotonic() - start))

    async with anyio.create_task_group() as group:
        for index in range(6):
            group.start_soon(call, index)
            await anyio.lowlevel.checkpoint()
    assert [i for i, _ in woke] == list(range(6))
    span = 0.1 + margin(0.1)
    slots = [k * span / 2 for k in range(6)]
    for (index, at), slot in zip(woke, slots, strict=True):
        assert slot - 0.001 <= at < slot + 0.05, (index, at)
    stats = limiter.stats()
    assert stats.waits == 5
    assert stats.waited_s == pytest.approx(sum(slots), rel=0.05)
    assert stats.limits == {"m": (RateLimit(requests=2, period=0.1),)}


async def test_a_cancelled_waiter_gives_its_slot_back() -> None:
    clock = Clock()
    limiter = RateLimiter({"m": RateLimit(requests=1, period=60.0)}, adaptive=False, clock=clock)
    assert await limiter.acquire("m") is not None
    with anyio.move_on_after(0.01):
        await limiter.acquire("m")  # booked the slot at t + 60 s, then cancelled
    store = limiter.store
    assert isinstance(store, MemoryStore)
    delay, _ = store.book_now("m", [(60.0, 60.0 + margin(60.0), 1, None)], 0)
    assert delay == pytest.approx(60.0 + margin(60.0))  # the same slot, not one after it


async def test_no_limits_and_not_adaptive_costs_nothing() -> None:
    limiter = RateLimiter(adaptive=False)
    assert await limiter.acquire("m", 10) is None
    await limiter.succeeded(None, 5)
    error = quota_429(DAY_ID)
    assert await limiter.failed(None, error) is error
    assert limiter.stats().limits == {}


async def test_token_estimates_are_corrected_from_usage() -> None:
    clock = Clock()
    limiter = RateLimiter({"*": RateLimit(tokens=100, period=86_400)}, clock=clock)
    permit = await limiter.acquire("m", 90)
    await limiter.succeeded(permit, 20)
    assert permit is not None
    assert permit.cost == 20
    store = limiter.store
    assert isinstance(store, MemoryStore)
    # 20 booked + 80 fits at once; 81 would not.
    assert store.book_now("m", limiter._specs_for("m"), 80)[0] == 0.0
    assert store.book_now("m", limiter._specs_for("m"), 1)[0] > 86_000


async def test_a_per_minute_429_teaches_a_limit_once_per_generation() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock, quota_periods={"minute": 1.0})
    permits = [await limiter.acquire("m") for _ in range(7)]
    error = quota_429(MINUTE)
    for permit in permits[-3:]:  # three 429s of calls booked under the same limits
        assert await limiter.failed(permit, error) is error
    stats = limiter.stats()
    assert stats.rate_limited == 3
    assert stats.limits == {"m": (RateLimit(requests=7, period=1.0),)}  # 7 observed, once
    permit = await limiter.acquire("m")  # learned limits apply to the next booking
    assert await limiter.failed(permit, quota_429(MINUTE, value=4)) is not None
    assert limiter.stats().limits["m"] == (RateLimit(requests=4, period=1.0),)


async def test_a_per_day_429_stops_the_model_until_reset() -> None:
    limiter = RateLimiter(adaptive=False)
    permit = await limiter.acquire("m")
    assert permit is None  # nothing limits "m", yet per-day stops apply
    limiter = RateLimiter({"m": RateLimit(requests=100)}, adaptive=False)
    permit = await limiter.acquire("m")
    cause = quota_429(DAY_ID, value=20)
    error = await limiter.failed(permit, cause)
    assert isinstance(error, QuotaExhaustedError)
    assert isinstance(error, RateLimitError)
    assert (error.model, error.quota_id, error.status_code) == ("m", DAY_ID, 429)
    assert error.details == cause.details
    assert 0 < error.resets_at - time.time() <= 86_400
    assert "per-day quota" in str(error)
    with pytest.raises(QuotaExhaustedError) as again:
        await limiter.acquire("models/m")
    assert again.value.resets_at == error.resets_at
    assert await limiter.acquire("other") is None
    assert set(limiter.stats().exhausted) == {"m"}
    limiter.reset("m")
    assert await limiter.acquire("m") is not None
    limiter.reset()


async def test_other_errors_pass_through() -> None:
    limiter = RateLimiter({"m": RateLimit(requests=1)})
    permit = await limiter.acquire("m")
    other = APIError("boom", status_code=500)
    assert await limiter.failed(permit, other) is other
    bare = RateLimitError("slow down", status_code=429)
    assert await limiter.failed(permit, bare) is bare
    assert limiter.stats().rate_limited == 1
    assert limiter.stats().limits == {"m": (RateLimit(requests=1),)}


@pytest.mark.parametrize(
    ("limits", "kwargs", "error"),
    [
        ({"m": 5}, {}, TypeError),
        ({"m": []}, {}, TypeError),
        ({3: RateLimit(requests=1)}, {}, TypeError),
        ({"m": [RateLimit(requests=1), RateLimit(tokens=5)]}, {}, ValueError),
        (None, {"quota_periods": {"hour": 5.0}}, ValueError),
        (None, {"quota_periods": {"minute": 0}}, ValueError),
    ],
)
def test_bad_configuration_is_refused(
    limits: object, kwargs: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        RateLimiter(limits, **kwargs)  # type: ignore[arg-type]


def test_repr_names_the_limits_and_store() -> None:
    limiter = RateLimiter(
        {"models/m": [RateLimit(requests=1), RateLimit(requests=9, period=86_400)]}
    )
    assert "'m'" in repr(limiter)
    assert "MemoryStore" in repr(limiter)


def test_stats_summary_says_how_pacing_slowed_calls() -> None:
    from genlang_async._rate_limiter import RateLimiterStats

    assert RateLimiterStats(0, 0.0, 0, {}, {}).summary() == ""
    stats = RateLimiterStats(12, 3.44, 2, {}, {"m": 1.0})
    assert stats.summary() == (
        "paced: 12 calls waited 3.4 s for capacity; 2 rate-limited (429); daily quota used up: m"
    )


def test_the_cli_paces_and_says_so() -> None:
    import subprocess
    import sys

    from genlang_async.emulator import EmulatorThread

    with EmulatorThread() as emulator:
        emulator.quotas.set("gemini-2.5-flash", requests=0, period=86_400)
        command = ["generate", "gemini-2.5-flash", "hi"]
        result = subprocess.run(
            [sys.executable, "-m", "genlang_async", "--base-url", emulator.url, *command],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        generate_calls = [e for e in emulator.request_log if "generateContent" in e["path"]]
    assert result.returncode != 0
    assert "QuotaExhaustedError" in result.stderr or "per-day quota" in result.stderr
    assert "paced: 1 rate-limited (429); daily quota used up: gemini-2.5-flash" in result.stderr
    assert len(generate_calls) == 1  # stopped, not retried
