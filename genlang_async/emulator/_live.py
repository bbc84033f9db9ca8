"""The Live API's WebSocket endpoint (``BidiGenerateContent``).

One connection: the client's ``setup`` (answered by ``setupComplete``, or a close with the
API's error code), then client messages in and server messages out. Answers come from the
same engine as ``generateContent``, streamed in ``stream_chunks`` parts (text, or PCM audio
chunks of a tone with ``AUDIO`` output), ending with ``generationComplete`` and
``turnComplete`` (+ ``usageMetadata``). New input during an answer interrupts it. Declared
functions named in the prompt become ``toolCall`` messages; the answer waits for the
``toolResponse``. Audio input has a simple voice activity detector: samples above a
threshold are speech; ``silenceDurationMs`` of quiet after speech (or ``audioStreamEnd`` /
``activityEnd``) ends the user's turn.

With ``sessionResumption`` in the setup, the server sends a resumable handle after setup
and after every turn; a later connection may resume from it (until ``live_handle_ttl``
runs out). Faults: ``emu.faults.live_go_away(...)`` and ``emu.faults.drop_live(...)``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import itertools
import json
import math
import re
import struct
import time
from typing import Any

from aiohttp import WSMsgType, web

from . import _auth, _tokens
from ._errors import ApiError
from ._faults import Fault, FaultInjector
from ._generation import generate
from ._lookup import resolve
from ._settings import EmulatorSettings
from ._state import State

#: ``/ws/google.ai.generativelanguage.{version}.GenerativeService.BidiGenerateContent``
LIVE_PATH = re.compile(
    r"^/ws/google\.ai\.generativelanguage\.(v1alpha|v1beta)\.GenerativeService\.BidiGenerateContent$"
)
INVALID_ARGUMENT = 1007
POLICY_VIOLATION = 1008
INTERNAL_ERROR = 1011
_INVALID = "Request contains an invalid argument."
_BAD_HANDLE = "Session resumption handle is invalid or has expired."
OUTPUT_RATE = 24000  # Hz, 16-bit mono PCM, like the API's audio output
_SPEECH_LEVEL = 500  # |sample| above this counts as speech
_SETUP_WAIT = 10.0
_ids = itertools.count(1)


def is_live_path(path: str) -> bool:
    return LIVE_PATH.match(path) is not None


def _close_code(error: ApiError) -> int:
    if error.code in (401, 403, 404, 429):
        return POLICY_VIOLATION
    return INVALID_ARGUMENT if error.code < 500 else INTERNAL_ERROR


class _Close(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def tone(seconds: float, rate: int = OUTPUT_RATE, hz: float = 440.0) -> bytes:
    """``seconds`` of a quiet sine tone as 16-bit little-endian mono PCM."""
    count = max(1, int(seconds * rate))
    step = 2 * math.pi * hz / rate
    return struct.pack(f"<{count}h", *(int(3000 * math.sin(i * step)) for i in range(count)))


def _loudest(pcm: bytes) -> int:
    count = len(pcm) // 2
    if not count:
        return 0
    samples: tuple[int, ...] = struct.unpack(f"<{count}h", pcm[: count * 2])
    return max(abs(v) for v in samples)


def _rate_of(mime_type: str) -> int:
    match = re.search(r"rate=(\d+)", mime_type)
    return int(match.group(1)) if match else 16000


class LiveConnection:
    """One WebSocket connection of the Live endpoint."""

    def __init__(
        self,
        ws: web.WebSocketResponse,
        request: web.Request,
        state: State,
        settings: EmulatorSettings,
        faults: list[Fault],
    ) -> None:
        self.ws = ws
        self.request = request
        self.state = state
        self.settings = settings
        self.faults = faults
        self.setup: dict[str, Any] = {}
        self.model: dict[str, Any] = {}
        self.history: list[dict[str, Any]] = []
        self.session_id = ""
        self.resumable = False
        self.sent = 0
        self.drop_after: int | None = None
        self.answer: asyncio.Task[None] | None = None
        self.pending_calls: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.audio = bytearray()
        self.voiced = 0
        self.audio_rate = 16000
        self.speech = False
        self.quiet_ms = 0.0
        self.closing = False

    # -- sending -------------------------------------------------------------------------

    async def send(self, message: dict[str, Any]) -> None:
        if self.closing or self.ws.closed:
            raise asyncio.CancelledError
        text = json.dumps(message, separators=(",", ":"))
        if self.settings.live_binary_frames:
            await self.ws.send_bytes(text.encode())
        else:
            await self.ws.send_str(text)
        self.sent += 1
        if self.drop_after is not None and self.sent >= self.drop_after:
            self.drop()

    def drop(self) -> None:
        """Cut the connection without a close frame."""
        self.closing = True
        if self.request.transport is not None:
            self.request.transport.close()

    async def close(self, code: int, reason: str) -> None:
        self.closing = True
        await self.ws.close(code=code, message=reason.encode()[:123])

    # -- setup ---------------------------------------------------------------------------

    async def run(self) -> None:
        try:
            first = await asyncio.wait_for(self.ws.receive(), _SETUP_WAIT)
            await self.start(self.parse(first, setup=True))
            async for raw in self.ws:
                if raw.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    break
                await self.handle(self.parse(raw))
        except _Close as close:
            await self.close(close.code, close.reason)
        except (asyncio.TimeoutError, asyncio.CancelledError, ConnectionError):
            pass
        finally:
            self.closing = True
            if self.answer is not None:
                self.answer.cancel()
                with contextlib.suppress(BaseException):
                    await self.answer

    def parse(self, raw: Any, *, setup: bool = False) -> dict[str, Any]:
        if raw.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
            raise _Close(INVALID_ARGUMENT, _INVALID)
        try:
            message = json.loads(raw.data)
        except (ValueError, UnicodeDecodeError):
            raise _Close(INVALID_ARGUMENT, _INVALID) from None
        if not isinstance(message, dict) or len(message) != 1:
            raise _Close(INVALID_ARGUMENT, _INVALID)
        kind = next(iter(message))
        if (kind == "setup") != setup or not isinstance(message[kind], dict):
            raise _Close(INVALID_ARGUMENT, _INVALID)
        self.state.live_log.append(
            {"session": self.session_id, "kind": kind, "body": message[kind]}
        )
        return message

    async def start(self, message: dict[str, Any]) -> None:
        setup = message["setup"]
        try:
            _auth.check(self.request, self.settings)
        except ApiError as error:
            raise _Close(POLICY_VIOLATION, error.message) from None
        name = setup.get("model")
        if not isinstance(name, str) or not name:
            raise _Close(INVALID_ARGUMENT, _INVALID)
        try:
            self.model, _ = resolve(self.state, name, "bidiGenerateContent")
        except ApiError as error:
            raise _Close(_close_code(error), error.message) from None
        config = setup.get("generationConfig") or {}
        modalities = config.get("responseModalities") or ["AUDIO"]
        if (
            not isinstance(modalities, list)
            or len(modalities) != 1
            or modalities[0]
            not in (
                "TEXT",
                "AUDIO",
            )
        ):
            raise _Close(INVALID_ARGUMENT, _INVALID)
        for key in ("tools", "systemInstruction", "realtimeInputConfig"):
            if key in setup and not isinstance(setup[key], (list if key == "tools" else dict)):
                raise _Close(INVALID_ARGUMENT, _INVALID)
        self.setup = setup
        resumption = setup.get("sessionResumption")
        self.resumable = isinstance(resumption, dict)
        handle = resumption.get("handle") if self.resumable else None
        if handle:
            saved = self.state.live_handles.get(handle)
            if saved is None or time.monotonic() - saved["time"] > self.settings.live_handle_ttl:
                raise _Close(POLICY_VIOLATION, _BAD_HANDLE)
            self.session_id = saved["session"]
            self.history = copy.deepcopy(saved["history"])
        else:
            self.session_id = f"session-{next(_ids)}"
        self.state.live_log[-1]["session"] = self.session_id
        await self.send({"setupComplete": {}})
        self.sent = 0
        for fault in self.faults:
            self.arm(fault)
        await self.new_handle()

    def arm(self, fault: Fault) -> None:
        if fault.action == "drop_live":
            if fault.delay:
                asyncio.get_running_loop().call_later(fault.delay, self.drop)
            else:
                self.drop_after = max(1, fault.after_chunks)
        elif fault.action == "live_go_away":
            asyncio.get_running_loop().call_later(
                fault.delay, lambda: asyncio.ensure_future(self.go_away(fault.time_left))
            )

    async def go_away(self, time_left: float) -> None:
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await self.send({"goAway": {"timeLeft": f"{time_left:g}s"}})
            await asyncio.sleep(time_left)
            await self.close(1000, "")

    async def new_handle(self) -> None:
        if not self.resumable:
            return
        handle = f"emu-{self.session_id}-{next(_ids)}"
        self.state.live_handles[handle] = {
            "session": self.session_id,
            "history": copy.deepcopy(self.history),
            "time": time.monotonic(),
        }
        await self.send({"sessionResumptionUpdate": {"newHandle": handle, "resumable": True}})

    # -- client messages -----------------------------------------------------------------

    async def handle(self, message: dict[str, Any]) -> None:
        kind, body = next(iter(message.items()))
        if kind == "clientContent":
            turns = body.get("turns") or []
            if not isinstance(turns, list):
                raise _Close(INVALID_ARGUMENT, _INVALID)
            if turns or body.get("turnComplete"):
                await self.interrupt()
            self.history.extend(copy.deepcopy(turns))
            if body.get("turnComplete"):
                self.respond()
        elif kind == "realtimeInput":
            await self.realtime(body)
        elif kind == "toolResponse":
            for response in body.get("functionResponses") or []:
                future = self.pending_calls.pop(str(response.get("id")), None)
                if future is None:
                    raise _Close(INVALID_ARGUMENT, _INVALID)
                if not future.done():
                    future.set_result(response)
        else:  # a second setup, or an unknown message
            raise _Close(INVALID_ARGUMENT, _INVALID)

    async def realtime(self, body: dict[str, Any]) -> None:
        if isinstance(body.get("text"), str):
            await self.interrupt()
            self.history.append({"role": "user", "parts": [{"text": body["text"]}]})
            self.respond()
        audio = body.get("audio")
        for chunk in ([audio] if isinstance(audio, dict) else []) + (body.get("mediaChunks") or []):
            if str(chunk.get("mimeType", "")).startswith("audio/"):
                await self.hear(base64.b64decode(chunk.get("data") or ""), chunk["mimeType"])
        if "activityStart" in body:
            await self.interrupt()
            self.speech = True
        if body.get("audioStreamEnd") or "activityEnd" in body:
            await self.end_of_speech()

    async def hear(self, pcm: bytes, mime_type: str) -> None:
        self.audio_rate = _rate_of(mime_type)
        ms = 1000 * len(pcm) / 2 / self.audio_rate
        detection = (self.setup.get("realtimeInputConfig") or {}).get(
            "automaticActivityDetection"
        ) or {}
        if _loudest(pcm) > _SPEECH_LEVEL:
            if not self.speech:
                self.speech = True
                await self.interrupt()
            self.quiet_ms = 0.0
        elif self.speech:
            self.quiet_ms += ms
        if self.speech:
            self.audio += pcm
            if not self.quiet_ms:
                self.voiced = len(self.audio)  # trailing silence is not transcribed
        silence = detection.get("silenceDurationMs") or 500
        if not detection.get("disabled") and self.speech and self.quiet_ms >= silence:
            await self.end_of_speech()

    async def end_of_speech(self) -> None:
        if not self.audio:
            self.speech = False
            return
        seconds = (self.voiced or len(self.audio)) / 2 / self.audio_rate
        self.audio.clear()
        self.voiced = 0
        self.speech, self.quiet_ms = False, 0.0
        heard = f"Emulated transcription of {seconds:.2f} seconds of audio."
        if "inputAudioTranscription" in self.setup:
            await self.send({"serverContent": {"inputTranscription": {"text": heard}}})
        self.history.append({"role": "user", "parts": [{"text": heard}]})
        self.respond()

    # -- answers -------------------------------------------------------------------------

    async def interrupt(self) -> None:
        task = self.answer
        if task is None or task.done():
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if self.pending_calls:
            ids = list(self.pending_calls)
            self.pending_calls.clear()
            await self.send({"toolCallCancellation": {"ids": ids}})
        await self.send({"serverContent": {"interrupted": True}})

    def respond(self) -> None:
        self.answer = asyncio.ensure_future(self.answer_turn())

    def body(self) -> dict[str, Any]:
        config = dict(self.setup.get("generationConfig") or {})
        for key in ("responseModalities", "speechConfig", "mediaResolution"):
            config.pop(key, None)
        body: dict[str, Any] = {"contents": self.history, "generationConfig": config}
        for key in ("systemInstruction", "tools"):
            if key in self.setup:
                body[key] = self.setup[key]
        return body

    async def answer_turn(self) -> None:
        spoken: list[str] = []
        try:
            while True:
                response = generate(self.model, self.body())
                content = response["candidates"][0]["content"]
                calls = [p["functionCall"] for p in content["parts"] if "functionCall" in p]
                if not calls:
                    break
                for call in calls:
                    call["id"] = f"call-{next(_ids)}"
                self.history.append(content)
                futures = {c["id"]: asyncio.get_running_loop().create_future() for c in calls}
                self.pending_calls.update(futures)
                await self.send({"toolCall": {"functionCalls": calls}})
                results = [await future for future in futures.values()]
                self.history.append(
                    {"role": "user", "parts": [{"functionResponse": r} for r in results]}
                )
            text = content["parts"][0].get("text", "")
            audio = (self.setup.get("generationConfig") or {}).get("responseModalities") != ["TEXT"]
            for piece in _tokens.split_pieces(text, max(1, self.settings.stream_chunks)):
                if self.settings.stream_chunk_delay:
                    await asyncio.sleep(self.settings.stream_chunk_delay)
                spoken.append(piece)
                await self.send({"serverContent": self.piece(piece, audio)})
            await self.send({"serverContent": {"generationComplete": True}})
            usage = response.get("usageMetadata") or {}
            await self.send(
                {
                    "serverContent": {"turnComplete": True},
                    "usageMetadata": {
                        "promptTokenCount": usage.get("promptTokenCount", 0),
                        "responseTokenCount": usage.get("candidatesTokenCount", 0),
                        "totalTokenCount": usage.get("totalTokenCount", 0),
                    },
                }
            )
        finally:
            if spoken:
                self.history.append({"role": "model", "parts": [{"text": "".join(spoken)}]})
        await self.new_handle()

    def piece(self, text: str, audio: bool) -> dict[str, Any]:
        if not audio:
            return {"modelTurn": {"role": "model", "parts": [{"text": text}]}}
        pcm = tone(0.02 * max(1, _tokens.count_text(text)))
        data = base64.b64encode(pcm).decode()
        out: dict[str, Any] = {
            "modelTurn": {
                "role": "model",
                "parts": [
                    {"inlineData": {"mimeType": f"audio/pcm;rate={OUTPUT_RATE}", "data": data}}
                ],
            }
        }
        if "outputAudioTranscription" in self.setup:
            out["outputTranscription"] = {"text": text}
        return out


async def handle(
    request: web.Request, state: State, settings: EmulatorSettings, faults: FaultInjector
) -> web.StreamResponse:
    """Serve one WebSocket connection of the Live endpoint."""
    ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
    await ws.prepare(request)
    state.live_connections += 1
    try:
        connection = LiveConnection(ws, request, state, settings, faults.take_live())
        await connection.run()
    finally:
        state.live_connections -= 1
        if not ws.closed:
            with contextlib.suppress(Exception):
                await ws.close()
    return ws


__all__ = ["LIVE_PATH", "LiveConnection", "handle", "is_live_path", "tone"]
