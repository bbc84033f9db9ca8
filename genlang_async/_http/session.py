"""The connection pool: one aiohttp session per event loop, its lifecycle, and the bounded
wait for a free connection.

The session is created lazily inside the running loop. When the pool is next used from
another loop (two ``asyncio.run`` calls) the old session is disposed of and a new one made.
A session is also closed by the loop's own shutdown (``asyncio.run`` finalises async
generators, and one is registered per session for this), so a client that was never closed
leaves no "Unclosed client session" warning behind.

Several pipelines (``client.with_options(...)``) may share one pool; only its owner closes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import warnings
from collections import deque
from collections.abc import AsyncGenerator

import aiohttp

from .._core.errors import PoolTimeoutError

__all__ = ["SessionPool"]

logger = logging.getLogger("genlang_async")


async def _close_at_loop_shutdown(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    # Registered with the loop on first iteration; ``asyncio.run`` (and anyio's runner) call
    # ``aclose()`` on it while the loop is still running, closing the session cleanly.
    try:
        yield
    finally:
        await session.close()


def _dispose_without_loop(session: aiohttp.ClientSession) -> None:
    """Forget a session whose loop is closed: nothing can close its sockets the polite way,
    so its objects are collected now, their sockets closed by their finalisers, and the
    warnings those finalisers give about it silenced (they are expected here)."""
    connector = session.connector
    session.detach()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if connector is not None:
            connector.close()  # marks it closed; on a dead loop that is all it can do
        del connector, session
        gc.collect()


class Gate:
    """At most ``size`` slots taken at once; waiters are served in order, and a slot given
    back goes straight to the first waiter. Belongs to one event loop."""

    def __init__(self, size: int) -> None:
        self.free = size
        self._waiters: deque[asyncio.Future[None]] = deque()

    def take(self) -> bool:
        """Take a slot if one is free now."""
        if self.free > 0 and not self._waiters:
            self.free -= 1
            return True
        return False

    async def wait(self, timeout: float | None) -> bool:
        """Wait for a slot at most ``timeout`` seconds; whether one was taken."""
        future = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        try:
            await asyncio.wait_for(asyncio.shield(future), timeout)
        except asyncio.TimeoutError:
            return self._withdraw(future)
        except BaseException:
            if self._withdraw(future):
                self.give()
            raise
        return True

    def _withdraw(self, future: asyncio.Future[None]) -> bool:
        """Leave the queue; whether the slot had been handed over already."""
        if future.done():
            return True
        future.cancel()
        with contextlib.suppress(ValueError):
            self._waiters.remove(future)
        return False

    def give(self) -> None:
        """Give a slot back (to the first waiter, if any)."""
        while self._waiters:
            future = self._waiters.popleft()
            if not future.done():
                future.set_result(None)
                return
        self.free += 1


#: The slot of a request on a caller-owned session (no gate applies).
UNGATED = Gate(0)


class SessionPool:
    """The aiohttp session (made here, or the caller's) and the gate on its connections.

    Args:
        max_connections: connections open at once in the session made here.
        http_session: a caller-owned session, used as is and never closed here (its own
            pool applies; the gate does not).
    """

    def __init__(
        self, *, max_connections: int = 100, http_session: aiohttp.ClientSession | None = None
    ) -> None:
        if max_connections < 1:
            raise ValueError("max_connections must be >= 1")
        self.max_connections = max_connections
        self._external = http_session
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._guard: AsyncGenerator[None, None] | None = None
        self._gate: Gate | None = None
        self.in_use = 0

    @property
    def external(self) -> aiohttp.ClientSession | None:
        """The caller-owned session, if the pool runs on one."""
        return self._external

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The current session (``None`` before first use or after :meth:`aclose`)."""
        return self._external if self._external is not None else self._session

    def ready(self) -> aiohttp.ClientSession | None:
        """The session, if one is usable from the running loop without waiting."""
        if self._external is not None:
            return self._external
        session = self._session
        if session is not None and self._loop is asyncio.get_running_loop() and not session.closed:
            return session
        return None

    async def get(self) -> aiohttp.ClientSession:
        """The session for the running loop (made on first use)."""
        return self.ready() or await self._renew()

    async def _renew(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        while (session := self._session) is not None:
            if self._loop is loop and not session.closed:
                return session
            await self._retire()  # another task may have made a new one meanwhile
        # No await from here until the session is stored: concurrent callers share it.
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self.max_connections, limit_per_host=0),
            auto_decompress=True,
        )
        self._session = session
        self._loop = loop
        self._gate = Gate(self.max_connections)
        self.in_use = 0
        guard = _close_at_loop_shutdown(session)
        await guard.asend(None)
        self._guard = guard
        return session

    # ----------------------------------------------------------------- the gate

    def take(self) -> Gate | None:
        """A connection slot if one is free now (pass it to :meth:`release`), else ``None``:
        then :meth:`acquire` waits for one. Call after :meth:`get` / :meth:`ready`."""
        gate = self._gate
        if gate is None or self._external is not None:
            self.in_use += 1
            return UNGATED
        if gate.take():
            self.in_use += 1
            return gate
        return None

    async def acquire(self, wait: float | None) -> Gate:
        """A connection slot, waiting at most ``wait`` seconds (``None``: no limit)."""
        slot = self.take()
        if slot is not None:
            return slot
        gate = self._gate
        assert gate is not None
        if not await gate.wait(wait):
            raise PoolTimeoutError(
                f"no free connection within {wait:g}s: all {self.max_connections} "
                "pooled connections are in use. Raise Client(max_connections=...) or "
                "Timeout(pool=...), or run fewer calls at once."
            )
        self.in_use += 1
        return gate

    def release(self, slot: Gate) -> None:
        """Give back a slot (of this session or of one retired meanwhile)."""
        if slot is self._gate or slot is UNGATED:
            self.in_use -= 1
        if slot is not UNGATED:
            slot.give()

    # ----------------------------------------------------------------- closing

    async def _retire(self) -> None:
        session, loop, guard = self._session, self._loop, self._guard
        self._session = self._loop = self._guard = self._gate = None
        self.in_use = 0
        if session is None or session.closed:
            return
        current = asyncio.get_running_loop()
        if loop is current:
            if guard is not None:
                await guard.aclose()
            else:
                await session.close()
        elif loop is not None and loop.is_running() and not loop.is_closed():
            # The session's loop runs in another thread: close it there.
            future = asyncio.run_coroutine_threadsafe(session.close(), loop)
            with contextlib.suppress(Exception):
                await asyncio.wrap_future(future)
        else:
            logger.debug("disposing of an HTTP session left open by a finished event loop")
            _dispose_without_loop(session)

    async def aclose(self) -> None:
        """Close the session made here (a caller-owned session is left open)."""
        await self._retire()
