"""A Live session: one logical conversation over a succession of WebSocket connections.

One reader task per session reads the current connection, tracks the latest resumable
handle and moves to a new connection when the server says ``goAway`` or the connection
breaks. Sends are serialised by a lock; while the session moves to a new connection they
wait (at most ``max_send_wait`` seconds), then go out on the new connection.

Exactly-once delivery of client messages rests on the resumption handle: a handle the
server sends covers every client message sent before it arrived. Messages sent since the
latest handle are kept; when a connection breaks they are sent again on the new one (the
resumed session does not have them). After ``goAway`` no new message goes out on the old
connection: the session waits until the server has confirmed what it got (a new handle),
then moves.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import anyio
from anyio.abc import TaskGroup

from .._core.coerce import as_contents
from .._core.errors import APIConnectionError, APIError
from .._http.websocket import WebSocket, open_websocket
from ..types import BidiGenerateContentServerMessage, Blob, Content, FunctionResponse, Part
from . import _protocol
from ._errors import (
    LiveProtocolError,
    LiveResumptionError,
    LiveSessionClosedError,
    close_error,
)
from ._turns import LiveEvent, LiveTurn, Resumed, TurnBuilder

if TYPE_CHECKING:
    from .._http.transport import Transport

__all__ = ["LiveSession"]

logger = logging.getLogger("genlang_async.live")

#: Messages kept for a replay after a lost connection (older ones are dropped).
_MAX_REPLAY = 1024
_END = object()  # marks the end of the event stream


def _rejected(error: APIError, handle: str) -> LiveResumptionError:
    return LiveResumptionError(
        f"the server refused to resume the Live session: {error.message}",
        reason="rejected",
        handle=handle,
    )


def _try_acquire(lock: anyio.Lock) -> bool:
    try:
        lock.acquire_nowait()
    except anyio.WouldBlock:
        return False
    return True


class LiveSession:
    """An open Live API session (made by ``client.live.connect(...)``).

    Send with the ``send_*`` methods (safe from several tasks); read with
    ``async for event in session`` (typed server messages, plus :class:`Resumed` when the
    session moved to a new connection), or one model turn at a time with :meth:`turns`
    and :meth:`text_stream`. Use one reader at a time.
    """

    def __init__(
        self,
        transport: Transport,
        setup: dict[str, Any],
        *,
        resumption: bool,
        handle: str | None,
        max_send_wait: float,
        max_resume_wait: float,
        on_tool_call: Callable[[LiveSession, BidiGenerateContentServerMessage], None] | None,
    ) -> None:
        self._transport = transport
        self._setup = setup
        self._resumption = resumption
        self._handle = handle
        self._max_send_wait = max_send_wait
        self._max_resume_wait = max_resume_wait
        self._on_tool_call = on_tool_call
        self._ws: WebSocket | None = None
        self._send_lock = anyio.Lock()
        self._ready = anyio.Event()
        self._unconfirmed: list[str] = []
        self._answered = 0  # how many of them the server had answered at the last turn end
        self._going_away = False
        self._closing = False
        self._failure: BaseException | None = None
        self._events: collections.deque[Any] = collections.deque()
        self._arrived: anyio.Event | None = None  # set when an event arrives for a waiter
        self._task_group: TaskGroup | None = None
        self._reader_scope = anyio.CancelScope()
        self.resumptions = 0

    def __repr__(self) -> str:
        state = "closed" if self._closing else "open"
        return f"<LiveSession {self._setup['model']} {state} resumptions={self.resumptions}>"

    # ----------------------------------------------------------------- state

    @property
    def handle(self) -> str | None:
        """The latest resumable handle from the server (``None`` before the first one).
        Pass it as ``handle=`` to ``client.live.connect`` to resume this session later."""
        return self._handle

    @property
    def closed(self) -> bool:
        return self._closing or self._failure is not None

    # ----------------------------------------------------------------- lifecycle

    async def _open(self) -> None:
        handle = self._handle
        try:
            self._ws = await self._connect(handle)
        except APIError as exc:
            if handle is None:
                raise
            raise _rejected(exc, handle) from exc
        self._ready.set()

    def _start(self, task_group: TaskGroup) -> None:
        self._task_group = task_group
        task_group.start_soon(self._run)

    async def _connect(self, handle: str | None) -> WebSocket:
        """A new connection with the setup sent and ``setupComplete`` received."""
        setup = dict(self._setup)
        if self._resumption:
            setup["sessionResumption"] = {"handle": handle} if handle else {}
        ws = await open_websocket(self._transport, _protocol.endpoint(self._transport.api_version))
        try:
            await ws.send_text(_protocol.encode({"setup": setup}))
            limit = self._transport.timeout.connect
            with anyio.fail_after(limit):
                payload = await ws.receive()
            if payload is None:
                error = close_error(ws.close_code or 1006, ws.close_reason)
                raise error or APIConnectionError(
                    "the server closed the Live session during setup", method="GET"
                )
            message = _protocol.decode(payload)
            if "setupComplete" not in message:
                raise LiveProtocolError(f"expected setupComplete, the server sent {message!r}")
        except TimeoutError:
            await ws.close()
            raise APIConnectionError("no setupComplete from the server in time") from None
        except BaseException:
            await ws.close()
            raise
        return ws

    async def aclose(self) -> None:
        """Close the session and its connection now (also done by leaving the block)."""
        self._closing = True
        self._ready.set()
        self._reader_scope.cancel()
        if self._ws is not None:
            await self._ws.close()
        self._push(_END)

    # ----------------------------------------------------------------- reader

    async def _run(self) -> None:
        with self._reader_scope:
            await self._read_and_resume()

    async def _read_and_resume(self) -> None:
        try:
            while True:
                ws = self._ws
                assert ws is not None
                await self._read(ws)
                if self._closing:
                    return
                reason = "go_away" if self._going_away else "connection_lost"
                error = close_error(ws.close_code or 1006, ws.close_reason)
                if error is not None and not self._going_away:
                    raise error
                await self._resume(reason)
        except Exception as exc:
            if not self._closing:
                self._fail(exc)

    async def _read(self, ws: WebSocket) -> None:
        """Read ``ws`` until it ends, or until it should be left after ``goAway``."""
        push = self._push
        while True:
            payload = await ws.receive()
            if payload is None:
                return
            data = _protocol.decode(payload)
            message = _protocol.message(data)
            content = data.get("serverContent")
            if content is None or len(data) > 1:
                self._note(data, message)
            elif content.get("turnComplete") or content.get("interrupted"):
                self._answered = len(self._unconfirmed)
            push(message)
            if self._going_away and not self._unconfirmed and self._handle is not None:
                return  # the server has everything: move now

    def _note(self, data: dict[str, Any], message: BidiGenerateContentServerMessage) -> None:
        """Track turn ends, handles, ``goAway`` and tool calls."""
        content = data.get("serverContent")
        if isinstance(content, dict) and (
            content.get("turnComplete") or content.get("interrupted")
        ):
            self._answered = len(self._unconfirmed)
        update = data.get("sessionResumptionUpdate")
        if isinstance(update, dict) and update.get("resumable") and update.get("newHandle"):
            self._handle = str(update["newHandle"])
            # The handle covers what the server had answered before it: the messages sent
            # before the last turn ended. Later ones may still be in flight.
            del self._unconfirmed[: self._answered]
            self._answered = 0
        if "goAway" in data and self._resumption:
            self._going_away = True
            if self._ready.is_set():
                self._ready = anyio.Event()  # hold new sends until the next connection
        if "toolCall" in data and self._on_tool_call is not None:
            self._on_tool_call(self, message)

    async def _resume(self, reason: str) -> None:
        old = self._ws
        if self._ready.is_set():
            self._ready = anyio.Event()  # hold new sends until the next connection
        if old is not None:
            await old.close()
        handle = self._handle
        if not self._resumption or handle is None:
            raise LiveResumptionError(
                "the Live connection ended before the server sent a resumable handle"
                if self._resumption
                else "the Live connection ended and resumption is off",
                reason="no_handle",
            )
        logger.debug("resuming Live session (%s)", reason)
        ws: WebSocket | None = None
        last_error: BaseException | None = None
        with anyio.move_on_after(self._max_resume_wait):
            delay = 0.05
            while ws is None:
                try:
                    ws = await self._connect(handle)
                except APIError as exc:
                    raise _rejected(exc, handle) from exc
                except APIConnectionError as exc:
                    last_error = exc
                    await anyio.sleep(delay)
                    delay = min(delay * 2, 2.0)
        if ws is None:
            raise LiveResumptionError(
                f"no new Live connection within {self._max_resume_wait:g}s",
                reason="unreachable",
                handle=handle,
            ) from last_error
        async with self._send_lock:
            replay = list(self._unconfirmed) if reason == "connection_lost" else []
            for text in replay:
                await ws.send_text(text)
            self._ws = ws
            self._answered = 0
            self._going_away = False
            self.resumptions += 1
            self._ready.set()
        self._push(Resumed(reason, handle, len(replay)))  # type: ignore[arg-type]

    def _fail(self, exc: BaseException) -> None:
        logger.debug("Live session failed: %r", exc)
        self._failure = exc
        self._ready.set()
        self._push(_END)

    def _push(self, event: Any) -> None:
        self._events.append(event)
        arrived = self._arrived
        if arrived is not None:
            self._arrived = None
            arrived.set()

    # ----------------------------------------------------------------- sending

    async def _send(self, message: dict[str, Any]) -> None:
        text = _protocol.encode(message)
        lock = self._send_lock
        if not (self._ready.is_set() and _try_acquire(lock)):
            await self._acquire_when_ready()
        try:
            self._raise_if_closed()
            unconfirmed = self._unconfirmed
            unconfirmed.append(text)
            if len(unconfirmed) > _MAX_REPLAY:
                del unconfirmed[0]
                self._answered = max(0, self._answered - 1)
            ws = self._ws
            assert ws is not None
            try:
                await ws.send_text(text)
            except APIConnectionError:
                if not self._resumption:
                    raise
                # The reader sees the broken connection and sends this message again.
        finally:
            lock.release()

    async def _acquire_when_ready(self) -> None:
        """Take the send lock once the session can send (at most ``max_send_wait`` s)."""
        with anyio.move_on_after(self._max_send_wait) as scope:
            while True:
                while not (ready := self._ready).is_set():
                    await ready.wait()
                await self._send_lock.acquire()
                if self._ready.is_set():
                    return  # still ready with the lock held
                self._send_lock.release()
        if scope.cancelled_caught:
            raise LiveResumptionError(
                f"the session was not ready to send within {self._max_send_wait:g}s",
                reason="unreachable",
                handle=self._handle,
            )

    def _raise_if_closed(self) -> None:
        if self._failure is not None:
            raise self._failure
        if self._closing:
            raise LiveSessionClosedError("the Live session is closed")

    async def send_text(self, text: str, *, turn_complete: bool = True) -> None:
        """Send ``text`` as a user turn; ``turn_complete=False`` lets more turns follow
        before the model answers."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, not {type(text).__name__}")
        turn = {"role": "user", "parts": [{"text": text}]}
        await self._send({"clientContent": {"turns": [turn], "turnComplete": bool(turn_complete)}})

    async def send_client_content(
        self,
        turns: str | Part | Content | Mapping[str, Any] | Sequence[Any] | None = None,
        *,
        turn_complete: bool = True,
    ) -> None:
        """Append ``turns`` to the conversation, in order (what ``contents`` accepts
        elsewhere: text, parts, ``Content`` turns or their dicts); ``turn_complete`` tells
        the model to answer now."""
        body: dict[str, Any] = {"turnComplete": bool(turn_complete)}
        if turns is not None:
            body["turns"] = [c.to_dict() for c in as_contents(turns, "turns")]
        await self._send({"clientContent": body})

    async def send_realtime_input(
        self,
        *,
        audio: bytes | Blob | Mapping[str, Any] | None = None,
        video: bytes | Blob | Mapping[str, Any] | None = None,
        text: str | None = None,
        activity_start: bool = False,
        activity_end: bool = False,
        audio_mime_type: str = _protocol.DEFAULT_AUDIO_MIME_TYPE,
        video_mime_type: str = _protocol.DEFAULT_VIDEO_MIME_TYPE,
    ) -> None:
        """Stream one piece of realtime input: an audio chunk (bytes, by default 16 kHz
        16-bit PCM), a video frame (by default JPEG), text, or an activity marker."""
        await self._send(
            _protocol.realtime_input(
                audio=audio,
                video=video,
                text=text,
                activity_start=activity_start,
                activity_end=activity_end,
                audio_mime_type=audio_mime_type,
                video_mime_type=video_mime_type,
            )
        )

    async def send_audio_stream_end(self) -> None:
        """Tell the server the audio stream has ended (the microphone was turned off)."""
        await self._send({"realtimeInput": {"audioStreamEnd": True}})

    async def send_tool_response(
        self,
        function_responses: FunctionResponse
        | Mapping[str, Any]
        | Sequence[FunctionResponse | Mapping[str, Any]],
    ) -> None:
        """Answer function calls of a ``toolCall``; each response carries its call's ``id``."""
        await self._send(_protocol.tool_response(function_responses))

    # ----------------------------------------------------------------- receiving

    def __aiter__(self) -> LiveSession:
        return self

    async def __anext__(self) -> LiveEvent:
        events = self._events
        while not events:  # no checkpoint while events are queued
            arrived = self._arrived
            if arrived is None:
                arrived = self._arrived = anyio.Event()
            await arrived.wait()
        event = events[0]
        if event is _END:  # stays queued: every later call ends too
            if self._failure is not None:
                raise self._failure
            raise StopAsyncIteration
        events.popleft()
        result: LiveEvent = event
        return result

    async def turns(self) -> AsyncIterator[LiveTurn]:
        """Each model turn once it ends (``turnComplete`` or ``interrupted``)."""
        builder = TurnBuilder()
        async for event in self:
            turn = builder.feed(event)
            if turn is not None:
                yield turn

    async def text_stream(self) -> AsyncIterator[str]:
        """The text of the next model turn as it arrives; ends with the turn. For audio
        answers it gives the output transcription."""
        events = self._events
        while True:
            if events and events[0] is not _END:
                event = events.popleft()  # the common case, without a coroutine per message
            else:
                event = await self.__anext__()
            if isinstance(event, Resumed):
                continue
            wire = getattr(event, "_wire", None)
            content = (wire if wire is not None else event.to_dict()).get("serverContent")
            if not isinstance(content, dict):
                continue
            turn = content.get("modelTurn")
            for part in turn.get("parts") or () if isinstance(turn, dict) else ():
                text = part.get("text")
                if text and isinstance(text, str) and not part.get("thought"):
                    yield text
            transcription = content.get("outputTranscription")
            if isinstance(transcription, dict) and transcription.get("text") and not turn:
                yield str(transcription["text"])
            if content.get("turnComplete") or content.get("interrupted"):
                return
