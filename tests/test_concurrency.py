"""Tests of the bounded-concurrency map."""

from __future__ import annotations

import random
from collections.abc import Iterator

import anyio
import anyio.lowlevel
import pytest

from genlang_async._concurrency import map_concurrently

pytestmark = pytest.mark.anyio  # see tests/test_pagination.py


class RateLimitError(Exception):
    pass


async def double(x: int) -> int:
    await anyio.sleep(random.random() / 1000)  # finish out of order
    return 2 * x


async def test_results_in_input_order() -> None:
    assert await map_concurrently(double, range(100), concurrency=7) == [2 * i for i in range(100)]


async def test_empty_input() -> None:
    assert await map_concurrently(double, []) == []
    assert await map_concurrently(double, iter([])) == []


@pytest.mark.parametrize("concurrency", [1, 3, 16])
async def test_never_more_than_concurrency_in_flight(concurrency: int) -> None:
    in_flight = peak = 0

    async def work(x: int) -> int:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await anyio.sleep(0.001 * (x % 3))
        in_flight -= 1
        return x

    assert await map_concurrently(work, range(50), concurrency=concurrency) == list(range(50))
    assert peak == concurrency


async def test_progress_called_after_each_completion() -> None:
    calls: list[tuple[int, int | None]] = []
    await map_concurrently(double, [1, 2, 3, 4], concurrency=2, progress=lambda *a: calls.append(a))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


async def test_progress_total_unknown_for_iterators() -> None:
    calls: list[tuple[int, int | None]] = []
    await map_concurrently(double, iter([1, 2]), progress=lambda *a: calls.append(a))
    assert calls == [(1, None), (2, None)]


async def test_items_pulled_lazily() -> None:
    pulled = 0
    in_flight = peak_pulled_ahead = 0

    def generate() -> Iterator[int]:
        nonlocal pulled
        for i in range(1000):
            pulled += 1
            yield i

    async def work(x: int) -> int:
        nonlocal in_flight, peak_pulled_ahead
        in_flight += 1
        # Items pulled but not yet finished never exceed the number of workers.
        peak_pulled_ahead = max(peak_pulled_ahead, pulled - x)
        await anyio.lowlevel.checkpoint()
        in_flight -= 1
        return x

    result = await map_concurrently(work, generate(), concurrency=4)
    assert result == list(range(1000))
    assert peak_pulled_ahead <= 4


async def test_first_exception_cancels_others_and_is_unwrapped() -> None:
    started: list[int] = []
    finished: list[int] = []
    cancelled: list[int] = []

    async def work(x: int) -> int:
        started.append(x)
        try:
            if x == 3:
                await anyio.sleep(0.01)
                raise RateLimitError("429")
            await anyio.sleep(10)
        except anyio.get_cancelled_exc_class():
            cancelled.append(x)
            raise
        finished.append(x)
        return x

    with anyio.fail_after(5), pytest.raises(RateLimitError, match="429"):
        await map_concurrently(work, range(100), concurrency=5)
    assert started == [0, 1, 2, 3, 4]  # nothing more was started after the failure
    assert finished == []
    assert sorted(cancelled) == [0, 1, 2, 4]


async def test_exception_from_iterable_propagates() -> None:
    def generate() -> Iterator[int]:
        yield 1
        raise KeyError("bad input")

    with pytest.raises(KeyError, match="bad input"):
        await map_concurrently(double, generate())


async def test_exception_from_progress_propagates() -> None:
    def progress(done: int, total: int | None) -> None:
        raise RuntimeError("progress bar broke")

    with pytest.raises(RuntimeError, match="progress bar broke"):
        await map_concurrently(double, [1, 2], progress=progress)


async def test_return_exceptions() -> None:
    async def work(x: int) -> int:
        await anyio.lowlevel.checkpoint()
        if x % 3 == 0:
            raise RateLimitError(f"no {x}")
        return x

    calls: list[int] = []
    results = await map_concurrently(
        work, range(7), concurrency=2, return_exceptions=True, progress=lambda d, t: calls.append(d)
    )
    assert [r if isinstance(r, int) else str(r) for r in results] == [
        "no 0", 1, 2, "no 3", 4, 5, "no 6"
    ]  # fmt: skip
    assert all(isinstance(results[i], RateLimitError) for i in (0, 3, 6))
    assert calls == list(range(1, 8))


async def test_return_exceptions_does_not_swallow_base_exceptions() -> None:
    class Stop(BaseException):
        pass

    async def work(x: int) -> int:
        if x == 1:
            raise Stop
        return x

    with pytest.raises(Stop):
        await map_concurrently(work, range(3), return_exceptions=True)


async def test_outer_cancellation_propagates() -> None:
    started = 0

    async def work(x: int) -> int:
        nonlocal started
        started += 1
        await anyio.sleep(10)
        return x

    with anyio.move_on_after(0.05) as scope:
        await map_concurrently(work, range(10), concurrency=3)
    assert scope.cancelled_caught
    assert started == 3


@pytest.mark.parametrize("concurrency", [0, -1, 1.5, True])
async def test_invalid_concurrency(concurrency: int) -> None:
    with pytest.raises(ValueError, match="concurrency"):
        await map_concurrently(double, [1], concurrency=concurrency)


async def test_many_items_finish_quickly() -> None:
    async def identity(x: int) -> int:
        await anyio.lowlevel.checkpoint()
        return x

    with anyio.fail_after(10):
        assert await map_concurrently(identity, range(20_000), concurrency=64) == list(
            range(20_000)
        )
