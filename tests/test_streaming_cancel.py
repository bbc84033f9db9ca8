"""Acceptance: 200 streams abandoned at random points (break, cancel scope, task-group
cancel, timeout, exception, with and without ``async with``) leave no connection in use and
no "Unclosed ..." warning behind, without waiting for the garbage collector."""

from __future__ import annotations

import gc
import random
from collections.abc import AsyncIterator
from typing import Any

import anyio
import anyio.lowlevel
import pytest

from genlang_async import Client, GenerateContentStream
from genlang_async.emulator import Emulator
from genlang_async.emulator.pytest_plugin import client, emulator

__all__ = ["client", "emulator"]  # fixtures

MODEL = "gemini-2.5-flash"
MODES = ("break", "move_on_after", "task_cancel", "scope_cancel", "exception", "text_break")


class Boom(Exception):
    pass


async def abandon(
    client: Client, rng: random.Random, index: int, *, check_at_once: bool
) -> tuple[str, bool]:
    """Start one stream and leave it in a random way; return the mode used and whether the
    stream was left before its end.

    Three styles: ``async with``; a bare ``async for`` over the call (no variable); and the
    stream handed to another coroutine (``held``). With ``check_at_once``, assert that the
    connection is back right after the block or loop is left - for ``held`` streams after
    one checkpoint (asyncio keeps a cancellation's traceback, and so the frames holding the
    stream, until the task next yields).
    """
    mode = rng.choice(MODES)
    style = rng.choice(("with", "inline", "held"))
    after = rng.randint(0, 6)  # chunks to read first (the answer has 8)
    prompt = f"story number {index}"
    state = {"seen": 0, "ended": False}

    def start() -> GenerateContentStream[Any]:
        return client.models.stream_generate_content(MODEL, contents=prompt)

    async def step() -> bool:
        """The loop body: True to break."""
        state["seen"] += 1
        if state["seen"] <= after:
            return False
        if mode == "exception":
            raise Boom
        if mode == "scope_cancel":
            scope.cancel()
            await anyio.lowlevel.checkpoint()
        return mode in ("break", "text_break")

    async def consume(chunks: AsyncIterator[Any]) -> None:
        async for _ in chunks:
            if await step():
                return
        state["ended"] = True

    async def run() -> None:
        text = mode == "text_break"
        if style == "with":
            async with start() as stream:
                await consume(stream.text_stream if text else stream)
        elif style == "held":
            await consume(start().text_stream if text else start())
        elif text:
            async for _ in start().text_stream:
                if await step():
                    return
            state["ended"] = True
        else:
            async for _ in start():
                if await step():
                    return
            state["ended"] = True

    with anyio.CancelScope() as scope:
        try:
            if mode == "move_on_after":
                with anyio.move_on_after(rng.uniform(0, 0.03)):
                    await run()
            elif mode == "task_cancel":
                async with anyio.create_task_group() as group:
                    group.start_soon(run)
                    await anyio.sleep(rng.uniform(0, 0.03))
                    group.cancel_scope.cancel()
            else:
                await run()
        except Boom:
            pass
    if check_at_once:
        if style == "held":
            await anyio.lowlevel.checkpoint()
        assert client.connections_in_use == 0, (index, mode, style)
    return mode, not state["ended"]


@pytest.fixture
def emulator_settings() -> dict[str, object]:
    # 8 chunks, 2 ms apart: cancellation lands before, between and after chunks
    return {"operation_delay": 0.0, "stream_chunks": 8, "stream_chunk_delay": 0.002}


async def test_two_hundred_abandoned_streams_leave_nothing_open(
    client: Client, emulator: Emulator, leak_check: list[str]
) -> None:
    rng = random.Random(20251218)
    used: dict[str, int] = {}
    early = 0
    # first one at a time: the connection is back in the pool right after each one
    for index in range(100):
        mode, left_early = await abandon(client, rng, index, check_at_once=True)
        used[mode] = used.get(mode, 0) + 1
        early += left_early
    for group_start in range(100, 200, 8):
        # 8 at a time, so streams also overlap on the pool
        async with anyio.create_task_group() as group:
            for index in range(group_start, group_start + 8):

                async def one(index: int = index) -> None:
                    nonlocal early
                    mode, left_early = await abandon(client, rng, index, check_at_once=False)
                    used[mode] = used.get(mode, 0) + 1
                    early += left_early

                group.start_soon(one)
        assert client.connections_in_use == 0, f"after stream {group_start + 7}"
    assert sum(used.values()) == 204  # 100 + 13 groups of 8
    assert set(used) == set(MODES)
    assert early > 150, early  # most were left in the middle
    gc.collect()
    assert client.connections_in_use == 0
    # the client still works
    r = await client.models.generate_content(MODEL, contents="still there?")
    assert "still there?" in r.text
    assert client.connections_in_use == 0
