"""Conveniences on GenerateContentResponse, Content and Part."""

from __future__ import annotations

import genlang_async.types as T


def response(parts: list[dict[str, object]]) -> T.GenerateContentResponse:
    return T.GenerateContentResponse.from_dict(
        {"candidates": [{"content": {"role": "model", "parts": parts}}]}
    )


def test_text_skips_thoughts_and_joins() -> None:
    r = response([{"text": "thinking...", "thought": True}, {"text": "Hello"}, {"text": ", world"}])
    assert r.text == "Hello, world"
    assert [p.text for p in r.parts] == ["thinking...", "Hello", ", world"]
    assert r.function_calls == []


def test_text_of_blocked_and_empty_responses() -> None:
    blocked = T.GenerateContentResponse.from_dict(
        {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}}
    )
    assert blocked.text is None
    assert blocked.parts == []
    assert blocked.function_calls == []
    assert (
        T.GenerateContentResponse.from_dict({"candidates": [{"finishReason": "STOP"}]}).text == ""
    )


def test_function_calls() -> None:
    r = response(
        [
            {"functionCall": {"name": "add", "args": {"a": 1}}, "thoughtSignature": "AAE="},
            {"functionCall": {"name": "mul", "args": {}}},
        ]
    )
    assert [c.name for c in r.function_calls] == ["add", "mul"]
    assert r.text == ""
    assert r.parts[0].thought_signature == b"\x00\x01"


def test_constructors() -> None:
    c = T.Content.from_text("hi")
    assert c.to_dict() == {"parts": [{"text": "hi"}], "role": "user"}
    assert T.Content.from_text("yo", role="model").role == "model"
    assert T.Content.from_text("x", role=None).to_dict() == {"parts": [{"text": "x"}]}
    mixed = T.Content.from_parts("a", T.Part.from_uri("files/abc", "image/png"), role="user")
    assert mixed.to_dict() == {
        "parts": [{"text": "a"}, {"fileData": {"fileUri": "files/abc", "mimeType": "image/png"}}],
        "role": "user",
    }
    assert mixed.text == "a"
    assert T.Part.from_text("t").to_dict() == {"text": "t"}
    assert T.Part.from_bytes(b"\x89PNG", "image/png").to_dict() == {
        "inlineData": {"data": "iVBORw==", "mimeType": "image/png"}
    }
    assert T.Part.from_uri("gs://b/o").to_dict() == {"fileData": {"fileUri": "gs://b/o"}}
    assert T.Part.from_function_response("f", {"ok": True}).to_dict() == {
        "functionResponse": {"name": "f", "response": {"ok": True}}
    }
