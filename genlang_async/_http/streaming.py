"""``streamGenerateContent`` as an async iterator of typed chunks.

:class:`GenerateContentStream` sits on top of the transport's byte stream and the sans-I/O
SSE decoder. It is both an async iterator and an async context manager:

.. code-block:: python

    async with client.models.stream_generate_content(model, contents="Hi") as stream:
        async for chunk in stream:
            print(chunk.text, end="")

The connection is released as soon as the stream ends, fails, is cancelled while waiting
for data, or the ``async with`` block is left (by any route). Without ``async with`` it is
released when the stream object is dropped: for ``async for chunk in
client.models.stream_generate_content(...)`` that is the moment the loop is left (``break``,
an exception, a cancellation). A stream kept in a variable lives as long as the variable -
use ``async with`` (or ``await stream.aclose()``) then; after a cancellation, asyncio keeps
the frames of the cancelled code (and what they hold) until the task next yields.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar

from .._core import json_decode
from .._core.chunks import ChunkMerger, wire_text
from .._core.errors import APIConnectionError, ResponseTooLargeError, api_error_from_response
from .._core.sse import DEFAULT_MAX_LINE, Event, LineTooLongError, SSEDecoder

if TYPE_CHECKING:
    from typing_extensions import Self

    from .body import ByteStream

ChunkT = TypeVar("ChunkT")
_V = TypeVar("_V")

BodyOpener = Callable[[], AbstractAsyncContextManager["ByteStream"]]


class StreamDecodeError(APIConnectionError):
    """The stream carried something that is not a valid event (malformed JSON, say)."""


class GenerateContentStream(Generic[ChunkT]):
    """The chunks of one streamed generation, in arrival order.

    Besides iterating it, ``stream.text_stream`` yields only the text deltas and
    ``await stream.get_final_response()`` reads the rest and returns every chunk merged into
    one response (text joined per candidate, the last ``usageMetadata``).

    Once open (on entering ``async with`` or at the first chunk), ``stream.status`` and
    ``stream.headers`` are those of the HTTP response; before, ``None`` and empty.
    """

    __slots__ = (
        "__weakref__",
        "_body",
        "_context",
        "_cursor",
        "_decoder",
        "_ended_normally",
        "_events",
        "_finished",
        "_merger",
        "_on_complete",
        "_open_body",
        "_opened",
        "_parse",
        "_started",
        "_unmerged",
    )

    def __init__(
        self,
        open_body: BodyOpener,
        parse: Callable[[dict[str, Any]], ChunkT],
        *,
        on_complete: Callable[[dict[str, Any]], None] | None = None,
        max_event_bytes: int | None = DEFAULT_MAX_LINE,
    ) -> None:
        self._open_body: BodyOpener | None = open_body
        self._parse = parse
        self._on_complete = on_complete
        self._context: AbstractAsyncContextManager[ByteStream] | None = None
        self._body: ByteStream | None = None
        self._decoder = SSEDecoder(max_line=max_event_bytes)
        self._events: list[Event] = []  # decoded, not yet read from _cursor on
        self._cursor = 0
        # Chunks are merged only once asked (get_final_response, a chat). Until then each is
        # kept as its event text: a string, which the garbage collector never scans.
        self._unmerged: list[str] = []
        self._merger: ChunkMerger | None = None if on_complete is None else ChunkMerger()
        self._started = False
        self._finished = False
        self._ended_normally = False
        self._opened: ByteStream | None = None

    @property
    def status(self) -> int | None:
        """The HTTP status of the stream's response (``None`` until it is open)."""
        return None if self._opened is None else self._opened.status

    @property
    def headers(self) -> Mapping[str, str]:
        """The stream's response headers (empty until it is open)."""
        return {} if self._opened is None else self._opened.headers

    # -- context manager ------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self._open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Release the connection now; later iteration ends at once."""
        await self._close(None)

    async def _close(self, error: BaseException | None) -> None:
        self._finished = True
        self._events.clear()
        context, self._context, self._body = self._context, None, None
        if context is not None:
            await context.__aexit__(None if error is None else type(error), error, None)

    def __del__(self) -> None:
        # Reached when a caller breaks out of ``async for`` without ``async with``: drop the
        # connection synchronously instead of leaving it checked out until the loop closes.
        if getattr(self, "_body", None) is not None:
            self._release()

    # -- iteration ------------------------------------------------------------------------

    def __aiter__(self) -> Self:
        return self

    def __await__(self) -> NoReturn:
        """``await stream`` is a mistake from other SDKs: say what to do instead."""
        raise TypeError(
            "a stream is not awaited: open it with `async with client.models."
            "stream_generate_content(...) as stream:` and read it with `async for chunk in "
            "stream` (or `await stream.get_final_response()` for the whole answer)"
        )

    def __anext__(self) -> Coroutine[Any, Any, ChunkT]:
        # A plain method returning the one coroutine that does the work: a stream held open
        # keeps one suspended frame, not a chain of them.
        return self._next(self._parse)

    @property
    def text_stream(self) -> AsyncIterator[str]:
        """The text of each chunk as it arrives (chunks without text are skipped).

        A plain iterator object, not an async generator: leaving a loop over it early drops
        the connection at once, like leaving a loop over the stream itself."""
        return _TextStream(self)

    async def get_final_response(self) -> ChunkT:
        """Read the stream to its end and return all chunks merged into one response."""
        self._merger_now()
        with contextlib.suppress(StopAsyncIteration):
            await self._next(_skip)  # to the end: no chunk object is made
        return self._parse(self._merged())

    # -- internals ------------------------------------------------------------------------

    def _add_done_callback(self, callback: Callable[[dict[str, Any]], None]) -> None:
        """Call ``callback(merged wire response)`` once the stream has been read to its end
        without error (not when it is left early, cancelled or fails)."""
        self._merger_now()
        previous = self._on_complete
        if previous is None:
            self._on_complete = callback
            return

        def both(merged: dict[str, Any]) -> None:
            previous(merged)
            callback(merged)

        self._on_complete = both

    async def _open(self) -> ByteStream:
        if self._body is not None:
            return self._body
        if self._started:
            raise RuntimeError("this stream was already consumed; start a new call")
        self._started = True
        open_body, self._open_body = self._open_body, None  # what it holds is not needed now
        assert open_body is not None
        context = open_body()
        try:
            body = await context.__aenter__()
        except BaseException:
            self._finished = True
            raise
        self._context, self._body = context, body
        self._opened = body
        return body

    async def _finish(self) -> None:
        final_events = self._decoder.close()
        await self.aclose()
        if self._decoder.truncated:
            raise APIConnectionError("the stream ended in the middle of an event")
        self._ended_normally = True
        self._events, self._cursor = final_events, 0

    def _complete(self) -> None:
        if self._ended_normally and self._on_complete is not None:
            callback, self._on_complete = self._on_complete, None
            callback(self._merged())

    def _decode(self, event: Event) -> dict[str, Any] | None:
        if not event.data:
            return None
        try:
            payload = json_decode.loads(event.data)
        except ValueError as exc:
            raise StreamDecodeError(f"malformed JSON in stream event: {exc}") from exc
        if not isinstance(payload, dict):
            raise StreamDecodeError("stream event is not a JSON object")
        error = payload.get("error")
        if isinstance(error, dict):
            code = error.get("code")
            raise api_error_from_response(
                code if isinstance(code, int) else 500, None, {}, event.data.encode()
            )
        return payload

    async def _next(self, convert: Callable[[dict[str, Any]], _V | None]) -> _V:
        """``convert`` of the next chunk (its wire JSON, already counted for the merged
        response) that it does not turn into ``None``."""
        while True:
            events = self._events
            while self._cursor < len(events):
                event = events[self._cursor]
                self._cursor += 1
                payload = self._accept(event)
                if payload is not None:
                    value = convert(payload)
                    if value is not None:
                        return value
            if self._finished:
                self._complete()
                raise StopAsyncIteration
            body = self._body or await self._open()
            try:
                data = await body.__anext__()
            except StopAsyncIteration:
                await self._finish()
                continue
            except BaseException as exc:
                await self._close(exc)
                raise
            try:
                self._events, self._cursor = self._decoder.feed(data), 0
            except LineTooLongError as exc:
                await self.aclose()
                raise ResponseTooLargeError(f"{exc} (max_event_bytes)") from None

    def _accept(self, event: Event) -> dict[str, Any] | None:
        try:
            payload = self._decode(event)
        except BaseException as exc:
            self._release(exc)
            raise
        if payload is not None:
            merger = self._merger
            if merger is not None:
                merger.add(payload)
            else:
                self._unmerged.append(event.data)
            body = self._body
            if body is not None:
                body.chunks += 1
                body.last = payload
                usage = payload.get("usageMetadata")
                if usage is not None:
                    body.usage = usage
                if body.texts is not None:
                    body.texts.append(wire_text(payload) or "")
        return payload

    def _merger_now(self) -> ChunkMerger:
        """The merger, holding every chunk so far; from now on chunks are merged as they
        arrive."""
        merger = self._merger
        if merger is None:
            merger = self._merger = ChunkMerger()
            for data in self._unmerged:
                merger.add(json_decode.loads(data))
            self._unmerged = []
        return merger

    def _merged(self) -> dict[str, Any]:
        """Every chunk so far merged into one response (wire JSON)."""
        return self._merger_now().result()

    def _release(self, error: BaseException | None = None) -> None:
        """Drop the connection synchronously (usable where awaiting is not possible)."""
        self._finished = True
        self._events.clear()
        body, self._body = self._body, None
        if body is not None:
            body.close(error)


class _TextStream(AsyncIterator[str]):
    __slots__ = ("_stream",)

    def __init__(self, stream: GenerateContentStream[Any]) -> None:
        self._stream = stream

    def __aiter__(self) -> _TextStream:
        return self

    def __anext__(self) -> Coroutine[Any, Any, str]:
        return self._stream._next(_text_or_none)


def _skip(chunk: dict[str, Any]) -> None:
    """Nothing: every chunk is passed over."""


def _text_or_none(chunk: dict[str, Any]) -> str | None:
    """A chunk's text; ``None`` (skipped) when it has none."""
    return wire_text(chunk) or None


__all__ = ["GenerateContentStream", "StreamDecodeError"]
