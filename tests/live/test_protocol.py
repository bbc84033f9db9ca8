"""Pure pieces of the Live API client: wire decoding, lazy messages, turns, close codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genlang_async import (
    APIError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
)
from genlang_async.live import LiveProtocolError, Resumed
from genlang_async.live._errors import close_error
from genlang_async.live._protocol import decode, message, realtime_input, tool_response
from genlang_async.live._turns import TurnBuilder
from genlang_async.types import BidiGenerateContentServerMessage

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "types"))
from wire_strategies import schema_strategy

messages = schema_strategy("BidiGenerateContentServerMessage")
checks = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@checks
@given(messages, st.booleans())
def test_lazy_message_is_the_eager_one(wire: dict[str, Any], binary: bool) -> None:
    text = json.dumps(wire)
    data = decode(text.encode() if binary else text)
    eager = BidiGenerateContentServerMessage.from_dict(wire)
    lazy = message(data)
    assert lazy.text == eager.text  # read from the wire, nothing built
    assert lazy._wire is data  # type: ignore[attr-defined]
    assert lazy == eager
    assert repr(lazy) == repr(eager)
    assert lazy.data == eager.data
    assert lazy.to_dict() == wire


def model_turn(*texts: str) -> dict[str, Any]:
    return {"serverContent": {"modelTurn": {"parts": [{"text": t} for t in texts]}}}


@given(st.lists(st.lists(st.text(max_size=5), min_size=1, max_size=3), max_size=6))
def test_turn_builder_joins_a_turn_and_drops_one_cut_by_a_lost_connection(
    pieces: list[list[str]],
) -> None:
    builder = TurnBuilder()
    events: list[Any] = [message(model_turn(*p)) for p in pieces]
    assert all(builder.feed(e) is None for e in events)
    assert builder.feed(Resumed("connection_lost", "h")) is None
    assert builder.feed(message(model_turn("fresh"))) is None
    done = builder.feed(message({"serverContent": {"turnComplete": True}}))
    assert done is not None
    assert done.text == "fresh"
    assert len(done.messages) == 2


@pytest.mark.parametrize(
    ("code", "reason", "error"),
    [
        (1007, "Request contains an invalid argument.", BadRequestError),
        (1008, "models/x is not found for API version v1beta", NotFoundError),
        (1008, "API key not valid. Please pass a valid API key.", BadRequestError),
        (1008, "You exceeded your current quota", RateLimitError),
        (1008, "Method doesn't allow unregistered callers", PermissionDeniedError),
        (1011, "Internal error encountered.", InternalServerError),
        (1013, "", ServiceUnavailableError),
        (4000, "odd", InternalServerError),
    ],
)
def test_close_codes_map_to_typed_errors(code: int, reason: str, error: type[APIError]) -> None:
    found = close_error(code, reason)
    assert type(found) is error
    assert found.close_code == code  # type: ignore[attr-defined]
    assert found.message == (
        reason or f"the server closed the Live session (WebSocket close code {code})"
    )


@pytest.mark.parametrize("code", [1000, 1001, 1006])
def test_ends_that_are_not_errors(code: int) -> None:
    assert close_error(code, "") is None


@pytest.mark.parametrize("payload", [b"\xff", "not json", "[1]", '"text"'])
def test_frames_that_are_not_messages(payload: str | bytes) -> None:
    with pytest.raises(LiveProtocolError):
        decode(payload)


def test_error_objects_raise_the_api_error() -> None:
    with pytest.raises(NotFoundError, match="gone"):
        decode('{"error": {"code": 404, "message": "gone", "status": "NOT_FOUND"}}')


def test_client_messages_are_checked_before_sending() -> None:
    audio = realtime_input(
        audio=b"\x01\x00",
        video=None,
        text=None,
        activity_start=False,
        activity_end=False,
        audio_mime_type="audio/pcm;rate=16000",
        video_mime_type="image/jpeg",
    )
    assert audio == {
        "realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": "AQA="}}
    }
    with pytest.raises(TypeError, match="audio must be bytes"):
        realtime_input(
            audio="text",  # type: ignore[arg-type]
            video=None,
            text=None,
            activity_start=False,
            activity_end=False,
            audio_mime_type="",
            video_mime_type="",
        )
    assert tool_response([{"id": "1", "name": "f", "response": {"x": 1}}]) == {
        "toolResponse": {"functionResponses": [{"id": "1", "name": "f", "response": {"x": 1}}]}
    }
    with pytest.raises(ValueError, match="must not be empty"):
        tool_response([])
