"""The Live API's wire protocol, without I/O: the endpoint, client messages out, server
messages in."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .._core.errors import APIError, api_error_from_response
from .._core.lazy import LazyFields
from ..types import BidiGenerateContentServerMessage, Blob, FunctionResponse
from ._errors import LiveProtocolError

__all__ = [
    "DEFAULT_AUDIO_MIME_TYPE",
    "DEFAULT_VIDEO_MIME_TYPE",
    "decode",
    "encode",
    "endpoint",
    "media",
    "message",
    "realtime_input",
    "tool_response",
    "wire_of",
    "wire_text",
]

#: What ``send_realtime_input(audio=bytes)`` declares: 16-bit little-endian PCM at 16 kHz.
DEFAULT_AUDIO_MIME_TYPE = "audio/pcm;rate=16000"
#: What ``send_realtime_input(video=bytes)`` declares: one JPEG frame.
DEFAULT_VIDEO_MIME_TYPE = "image/jpeg"

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_decode = json.JSONDecoder().decode


def endpoint(api_version: str) -> str:
    """Path of the Live API's WebSocket on the API host."""
    return f"ws/google.ai.generativelanguage.{api_version}.GenerativeService.BidiGenerateContent"


def encode(message: Mapping[str, Any]) -> str:
    """One client message (wire JSON) as the text of a frame."""
    return _encode(message)


def decode(payload: str | bytes) -> dict[str, Any]:
    """One server frame (text or binary, holding JSON) as its wire dict.

    Raises :class:`LiveProtocolError` for a frame that is not a JSON object, and the typed
    :class:`APIError` for an ``{"error": ...}`` object.
    """
    try:
        data = _decode(payload if isinstance(payload, str) else payload.decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise LiveProtocolError(
            f"the server sent a frame that is not JSON: {payload[:200]!r}"
        ) from exc
    if not isinstance(data, dict):
        raise LiveProtocolError(f"the server sent {type(data).__name__} JSON, not an object")
    if "error" in data and isinstance(data["error"], dict):
        raise _api_error(data)
    return data


def wire_text(data: dict[str, Any]) -> str | None:
    """``BidiGenerateContentServerMessage.text`` read straight from wire JSON. Kept equal
    to the typed property by a property test."""
    content = data.get("serverContent")
    turn = content.get("modelTurn") if isinstance(content, dict) else None
    if not isinstance(turn, dict):
        return None
    return "".join(
        part["text"]
        for part in turn.get("parts") or ()
        if isinstance(part, dict) and isinstance(part.get("text"), str) and not part.get("thought")
    )


class _LazyServerMessage(LazyFields, BidiGenerateContentServerMessage):
    """A server message whose fields are built from ``_wire`` on first use."""

    __slots__ = ("_wire",)

    _eager = BidiGenerateContentServerMessage

    @property
    def text(self) -> str | None:
        wire = self._wire
        if wire is not None:
            return wire_text(wire)
        return super().text


def message(data: dict[str, Any]) -> BidiGenerateContentServerMessage:
    """The typed message for a decoded frame, built on demand (it keeps ``data``)."""
    lazy = object.__new__(_LazyServerMessage)
    lazy._wire = data
    return lazy


def wire_of(event: BidiGenerateContentServerMessage) -> dict[str, Any]:
    """The wire JSON of a message (free while it has not been built)."""
    wire: dict[str, Any] | None = getattr(event, "_wire", None)
    return wire if wire is not None else event.to_dict()


def _api_error(data: dict[str, Any]) -> APIError:
    code = data["error"].get("code")
    status = code if isinstance(code, int) and 400 <= code < 600 else 500
    return api_error_from_response(status, None, {}, _encode(data).encode())


def media(value: bytes | Blob | Mapping[str, Any], mime_type: str, argument: str) -> dict[str, Any]:
    """A ``Blob`` (wire JSON) from bytes and a MIME type, a ``Blob`` or its dict."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return Blob(mime_type=mime_type, data=bytes(value)).to_dict()
    if isinstance(value, Blob):
        return value.to_dict()
    if isinstance(value, Mapping):
        return Blob.from_dict(value).to_dict()
    raise TypeError(f"{argument} must be bytes, a Blob or a dict, not {type(value).__name__}")


def realtime_input(
    *,
    audio: bytes | Blob | Mapping[str, Any] | None,
    video: bytes | Blob | Mapping[str, Any] | None,
    text: str | None,
    activity_start: bool,
    activity_end: bool,
    audio_mime_type: str,
    video_mime_type: str,
) -> dict[str, Any]:
    """The ``realtimeInput`` message for exactly one kind of input."""
    body: dict[str, Any] = {}
    if audio is not None:
        body["audio"] = media(audio, audio_mime_type, "audio")
    if video is not None:
        body["video"] = media(video, video_mime_type, "video")
    if text is not None:
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, not {type(text).__name__}")
        body["text"] = text
    if activity_start:
        body["activityStart"] = {}
    if activity_end:
        body["activityEnd"] = {}
    if len(body) != 1:
        given = ", ".join(sorted(body)) or "nothing"
        raise ValueError(
            "send_realtime_input takes exactly one of audio, video, text, activity_start, "
            f"activity_end (got {given})"
        )
    return {"realtimeInput": body}


def tool_response(
    responses: FunctionResponse
    | Mapping[str, Any]
    | Sequence[FunctionResponse | Mapping[str, Any]],
) -> dict[str, Any]:
    """The ``toolResponse`` message; every response needs the ``id`` of its call."""
    items = [responses] if isinstance(responses, (FunctionResponse, Mapping)) else list(responses)
    if not items:
        raise ValueError("function_responses must not be empty")
    out = []
    for index, item in enumerate(items):
        if isinstance(item, Mapping):
            item = FunctionResponse.from_dict(item)
        if not isinstance(item, FunctionResponse):
            raise TypeError(
                f"function_responses[{index}] must be a FunctionResponse or a dict, "
                f"not {type(item).__name__}"
            )
        if not item.id:
            raise ValueError(
                f"function_responses[{index}] needs the id of the function call it answers"
            )
        out.append(item.to_dict())
    return {"toolResponse": {"functionResponses": out}}
