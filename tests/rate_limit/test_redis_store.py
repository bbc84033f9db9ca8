"""RedisStore against a real Redis server: the same bookings as in memory, shared and atomic."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import anyio
import pytest

from genlang_async._core.rate_limit import margin
from genlang_async._rate_limiter import RateLimit, RateLimiter
from genlang_async._redis_store import RedisStore


@pytest.fixture
async def store(redis_url: str) -> AsyncIterator[RedisStore]:
    store = RedisStore(redis_url, prefix=f"test:{uuid.uuid4().hex}:")
    yield store
    await store.aclose()


async def test_bookings_wait_for_the_window_like_the_memory_store(store: RedisStore) -> None:
    span = 60.0 + margin(60.0)
    delays = [(await store.book("m", [(60.0, span, 2, None)], 0))[0] for _ in range(4)]
    # Evenly spaced, half a window apart, as in memory.
    assert delays == pytest.approx([0.0, 0.5 * span, span, 1.5 * span], abs=0.05)
    assert (
        await store.observed("m", (60.0, span, None, None)) == 4
    )  # booked in the window (waiting ones too)
    assert (await store.book("other", [(60.0, span, 2, None)], 0))[0] == 0.0


async def test_tokens_adjust_and_cancel(store: RedisStore) -> None:
    specs = [(86_400.0, 86_400.0, None, 100)]
    _, first = await store.book("m", specs, 90)
    await store.adjust(first, 20)
    delay, second = await store.book("m", specs, 80)
    assert delay == pytest.approx(0.0, abs=0.05)  # 20 + 80 fits
    delay, third = await store.book("m", specs, 1)
    assert delay == pytest.approx(86_400.0, abs=0.05)  # the first must leave
    await store.cancel(third)
    await store.cancel(second)
    delay, _ = await store.book("m", specs, 80)
    assert delay == pytest.approx(0.0, abs=0.05)


async def test_concurrent_bookers_on_two_connections_never_overbook(
    store: RedisStore, redis_url: str
) -> None:
    other = RedisStore(redis_url, prefix=store.prefix)
    span = 5.0
    delays: list[float] = []

    async def take(on: RedisStore) -> None:
        delays.append((await on.book("m", [(5.0, span, 3, None)], 0))[0])

    try:
        async with anyio.create_task_group() as group:
            for index in range(12):
                group.start_soon(take, store if index % 2 else other)
    finally:
        await other.aclose()
    # One every third of a window, whoever books.
    expected = [k * span / 3 for k in range(12)]
    assert sorted(delays) == pytest.approx(expected, abs=0.05)


async def test_limiter_over_redis_paces_and_reports(store: RedisStore) -> None:
    limiter = RateLimiter({"m": RateLimit(requests=2, period=0.2)}, store=store)
    start = anyio.current_time()
    for _ in range(4):
        permit = await limiter.acquire("m", 3)
        await limiter.succeeded(permit, 5)
    elapsed = anyio.current_time() - start
    assert 0.3 < elapsed < 0.6  # half a window apart
    assert limiter.stats().waits == 3
    with anyio.move_on_after(0.01):
        await limiter.acquire("m")  # cancelled while waiting: the slot is given back
    assert "RedisStore" in repr(limiter)


def test_repr_hides_the_password() -> None:
    store = RedisStore("redis://user:s3cret@example:6379/0")
    assert "s3cret" not in repr(store)
    assert "user:***@example" in repr(store)
    with pytest.raises(ValueError, match="url"):
        RedisStore("")
