"""The pool's gate: slots handed over in order, bounded waits, no slot lost to a timeout or
a cancellation."""

from __future__ import annotations

import asyncio

import pytest

from genlang_async._http.session import Gate


async def test_slots_are_handed_to_waiters_in_order() -> None:
    gate = Gate(1)
    assert gate.take()
    assert not gate.take()
    order: list[int] = []

    async def waiter(n: int) -> None:
        assert await gate.wait(None)
        order.append(n)

    tasks = [asyncio.ensure_future(waiter(n)) for n in range(3)]
    await asyncio.sleep(0)
    for _ in range(3):
        gate.give()
        await asyncio.sleep(0)
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2]
    gate.give()
    assert gate.free == 1


async def test_timeout_and_cancellation_keep_the_count() -> None:
    gate = Gate(1)
    assert gate.take()
    assert not await gate.wait(0.01)
    task = asyncio.ensure_future(gate.wait(None))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    gate.give()
    assert gate.free == 1
    assert gate.take()


async def test_a_slot_handed_over_as_the_wait_is_cancelled_is_given_back() -> None:
    gate = Gate(1)
    assert gate.take()
    task = asyncio.ensure_future(gate.wait(None))
    await asyncio.sleep(0)
    gate.give()  # handed to the waiter...
    task.cancel()  # ...which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await task
    assert gate.free == 1
