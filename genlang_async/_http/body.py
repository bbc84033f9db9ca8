"""A streamed response body as raw byte chunks, with its per-chunk read limit and its
release: the connection goes back to the pool (or is closed) exactly once, and the
pipeline's plug-ins hear of the end exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from types import TracebackType
from typing import Any

import aiohttp
import anyio

from .failures import TRANSPORT_ERRORS, connection_error, frozen_headers

__all__ = ["ByteStream", "StreamContext"]

#: Called once when the stream is over: (completed, error, elapsed, the stream).
OnEnd = Callable[[bool, "BaseException | None", float, "ByteStream"], Coroutine[Any, Any, None]]

_pending: set[asyncio.Task[None]] = set()  # end notices sent from synchronous closes


class _ReadWatchdog:
    """Fails a response body that receives no bytes for ``limit`` seconds.

    Each chunk only stamps the time; the one timer is re-armed when it fires early, so a
    stream of many small chunks costs no timer work per chunk.
    """

    __slots__ = ("_content", "_handle", "_last", "_limit", "_loop")

    def __init__(self, limit: float, content: aiohttp.StreamReader) -> None:
        self._loop = asyncio.get_running_loop()
        self._limit = limit
        self._content = content
        self._last = self._loop.time()
        self._handle = self._loop.call_at(self._last + limit, self._check)

    def progress(self) -> None:
        self._last = self._loop.time()

    def stop(self) -> None:
        self._handle.cancel()

    def _check(self) -> None:
        due = self._last + self._limit
        if self._loop.time() < due:
            self._handle = self._loop.call_at(due, self._check)
        else:
            self._content.set_exception(
                aiohttp.ServerTimeoutError(f"no data for {self._limit:g}s while reading the body")
            )


class ByteStream:
    """The body of a streaming response, as raw ``bytes`` chunks in arrival order.

    Iterate with ``async for chunk in stream``. ``status`` and ``headers`` are the response's.
    A reader that understands the payload keeps ``usage`` (the last ``usageMetadata``),
    ``chunks`` (a count), ``last`` (the last chunk) and, when ``texts`` is a list, each
    chunk's text; the end notice passes them on.
    """

    __slots__ = (
        "_done",
        "_headers",
        "_on_end",
        "_redact",
        "_release_slot",
        "_response",
        "_started",
        "_url",
        "_watchdog",
        "chunks",
        "last",
        "status",
        "texts",
        "usage",
    )

    def __init__(
        self,
        response: aiohttp.ClientResponse,
        *,
        url: str,
        read_timeout: float | None,
        redact: Callable[[str], str],
        release: Callable[[], None],
        on_end: OnEnd | None,
        started: float,
    ) -> None:
        self._response = response
        self._url = url
        self._redact = redact
        self._release_slot: Callable[[], None] | None = release
        self._on_end = on_end
        self._started = started
        self._done = False
        self.usage: Mapping[str, Any] | None = None
        self.chunks = 0
        self.last: Mapping[str, Any] | None = None
        self.texts: list[str] | None = None
        self.status: int = response.status
        self._headers: Mapping[str, str] | None = None
        self._watchdog: _ReadWatchdog | None = None
        connection = response.connection
        if read_timeout is not None and connection is not None and connection.protocol:
            # The body's read limit moves from aiohttp (which re-arms a timer for every
            # packet) to a watchdog that re-arms only when its timer fires.
            connection.protocol.read_timeout = None
            self._watchdog = _ReadWatchdog(read_timeout, response.content)

    @property
    def headers(self) -> Mapping[str, str]:
        """The response headers (case-insensitive, read-only)."""
        if self._headers is None:
            self._headers = frozen_headers(self._response.headers)
        return self._headers

    def __aiter__(self) -> ByteStream:
        return self

    async def __anext__(self) -> bytes:
        if self._done:
            raise StopAsyncIteration
        try:
            chunk = await self._response.content.readany()
        except TRANSPORT_ERRORS as exc:
            error = connection_error(
                exc, self._response.method, self._url, self._redact, stream=True
            )
            self._response.close()
            await self._end(False, error)
            raise error from exc
        if not chunk:
            self._response.release()
            await self._end(True, None)
            raise StopAsyncIteration
        if self._watchdog is not None:
            self._watchdog.progress()
        return chunk

    def _finish(
        self, completed: bool, error: BaseException | None
    ) -> Callable[[], Coroutine[Any, Any, None]] | None:
        """Mark the stream over and give back its pool slot (once); the end notice to send,
        if plug-ins want one."""
        self._done = True
        if self._watchdog is not None:
            self._watchdog.stop()
        release, self._release_slot = self._release_slot, None
        if release is None:
            return None
        release()
        on_end = self._on_end
        if on_end is None:
            return None
        elapsed = time.monotonic() - self._started
        return lambda: on_end(completed, error, elapsed, self)

    async def _end(self, completed: bool, error: BaseException | None) -> None:
        notice = self._finish(completed, error)
        if notice is not None:
            with anyio.CancelScope(shield=True):
                await notice()

    def close(self, error: BaseException | None = None) -> None:
        """Release the connection: back to the pool if the body was read to the end, else
        closed (an unread stream is never drained). Synchronous, so it is safe anywhere;
        the end notice, if plug-ins want one, is sent from a task."""
        self._close_response()
        notice = self._finish(False, error)
        if notice is not None:
            with contextlib.suppress(RuntimeError):  # no running loop: nobody to tell
                task = asyncio.get_running_loop().create_task(notice())
                _pending.add(task)
                task.add_done_callback(_pending.discard)

    async def aclose(self, error: BaseException | None = None) -> None:
        """Same as :meth:`close`, sending the end notice before returning."""
        self._close_response()
        await self._end(False, error)

    def _close_response(self) -> None:
        if self._done:
            self._response.release()
        else:
            self._response.close()

    def __del__(self) -> None:
        # A stream dropped unclosed still gives its pool slot back.
        if getattr(self, "_release_slot", None) is not None:
            self.close()


class StreamContext:
    """``async with transport.stream(...) as body:`` opens the stream (with retries) and
    always releases the connection on exit, also on cancellation or error."""

    def __init__(self, opener: Callable[[], Awaitable[ByteStream]]) -> None:
        self._opener: Callable[[], Awaitable[ByteStream]] | None = opener
        self._stream: ByteStream | None = None

    async def __aenter__(self) -> ByteStream:
        opener, self._opener = self._opener, None  # the request it holds is sent: let it go
        if opener is None:
            raise RuntimeError("this stream was already opened; start a new call")
        self._stream = await opener()
        return self._stream

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            await self._stream.aclose(exc)
