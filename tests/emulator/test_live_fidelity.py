"""The emulator answers like the live API: thinking, signatures, validation messages, shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import Api

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
FLASH = "/v1beta/models/gemini-2.5-flash:generateContent"
PRO3 = "/v1beta/models/gemini-3-pro-preview:generateContent"
FLASH3 = "/v1beta/models/gemini-3-flash-preview:generateContent"
ADD = {
    "functionDeclarations": [
        {"name": "add", "parameters": {"type": "OBJECT", "properties": {"a": {"type": "INTEGER"}}}},
        {"name": "multiply", "parameters": {"type": "OBJECT"}},
    ]
}


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "parts": [{"text": text}]}


async def test_thinking_models_report_thought_tokens_unasked(api: Api) -> None:
    body = await api.post(FLASH, {"contents": [user("What is 4200 + 42?")]})
    usage = body["usageMetadata"]
    assert usage["thoughtsTokenCount"] > 0
    assert usage["totalTokenCount"] == (
        usage["promptTokenCount"] + usage["candidatesTokenCount"] + usage["thoughtsTokenCount"]
    )
    assert not any(p.get("thought") for p in body["candidates"][0]["content"]["parts"])
    off = {"generationConfig": {"thinkingConfig": {"thinkingBudget": 0}}}
    quiet = await api.post(FLASH, {"contents": [user("What is 4200 + 42?")], **off})
    assert "thoughtsTokenCount" not in quiet["usageMetadata"]
    capped = {"generationConfig": {"thinkingConfig": {"thinkingBudget": 3}}}
    small = await api.post(FLASH, {"contents": [user("What is 4200 + 42?")], **capped})
    assert small["usageMetadata"]["thoughtsTokenCount"] == 3
    old = await api.post(
        "/v1beta/models/gemini-2.0-flash:generateContent", {"contents": [user("x")]}
    )
    assert "thoughtsTokenCount" not in old["usageMetadata"]


async def test_signatures_on_the_first_call_and_finish_message(api: Api) -> None:
    request = {"contents": [user("Use add and multiply.")], "tools": [ADD]}
    body = await api.post(FLASH, request)
    candidate = body["candidates"][0]
    calls = candidate["content"]["parts"]
    assert [("functionCall" in p, "thoughtSignature" in p) for p in calls] == [
        (True, True),
        (True, False),
    ]
    assert candidate["finishMessage"] == "Model generated function call(s)."
    text = await api.post(FLASH, {"contents": [user("hello")]})
    assert "thoughtSignature" not in text["candidates"][0]["content"]["parts"][-1]
    gemini3 = await api.post(PRO3, {"contents": [user("hello")]})
    assert gemini3["candidates"][0]["content"]["parts"][-1]["thoughtSignature"]


async def test_streamed_gemini3_text_ends_with_a_signed_empty_part(api: Api) -> None:
    stream = "/v1beta/models/gemini-3-pro-preview:streamGenerateContent"
    chunks = await api.post(stream, {"contents": [user("Say hi in Portuguese")]})
    last_parts = chunks[-1]["candidates"][0]["content"]["parts"]
    assert last_parts[-1]["text"] == ""
    assert last_parts[-1]["thoughtSignature"]
    assert all(
        "thoughtSignature" not in p
        for c in chunks[:-1]
        for p in c["candidates"][0]["content"]["parts"]
    )


async def test_gemini3_rejects_a_follow_up_without_the_signature(api: Api) -> None:
    first = await api.post(PRO3, {"contents": [user("Use add.")], "tools": [ADD]})
    model_turn = first["candidates"][0]["content"]
    reply = {"role": "user", "parts": [{"functionResponse": {"name": "add", "response": {}}}]}
    history = [user("Use add."), model_turn, reply]
    await api.post(PRO3, {"contents": history, "tools": [ADD]})
    stripped = {
        "role": "model",
        "parts": [
            {k: v for k, v in p.items() if k != "thoughtSignature"} for p in model_turn["parts"]
        ],
    }
    body = await api.post(
        PRO3, {"contents": [user("Use add."), stripped, reply], "tools": [ADD]}, expect=400
    )
    message = body["error"]["message"]
    assert message.startswith("Function call is missing a thought_signature in functionCall parts.")
    assert "function call `default_api:add` , position 2." in message
    skip = {
        "role": "model",
        "parts": [{**stripped["parts"][0], "thoughtSignature": "skip_thought_signature_validator"}],
    }
    await api.post(PRO3, {"contents": [user("Use add."), skip, reply], "tools": [ADD]})
    # an earlier turn (before the last user message) is not checked; gemini 2.5 never checks
    later = [
        user("Use add."),
        stripped,
        reply,
        {"role": "model", "parts": [{"text": "3"}]},
        user("ok"),
    ]
    await api.post(PRO3, {"contents": later, "tools": [ADD]})
    await api.post(FLASH, {"contents": [user("Use add."), stripped, reply], "tools": [ADD]})


@pytest.mark.parametrize(
    ("path", "config", "message"),
    [
        (
            PRO3,
            {"thinkingConfig": {"thinkingBudget": 10, "thinkingLevel": "LOW"}},
            "You can only set only one of thinking budget and thinking level.",
        ),
        (
            "/v1beta/models/gemini-3.1-pro-preview:generateContent",
            {"thinkingConfig": {"thinkingLevel": "MINIMAL"}},
            "Thinking level MINIMAL is not supported for this model. "
            "Please retry with other thinking level.",
        ),
        (FLASH, {"presencePenalty": 0.5}, "Penalty is not enabled for models/gemini-2.5-flash"),
        (FLASH, {"frequencyPenalty": 1}, "Penalty is not enabled for models/gemini-2.5-flash"),
        (
            FLASH,
            {"maxOutputTokens": 65537},
            "Unable to submit request because it has a maxOutputTokens value of 65537 but the "
            "supported range is from 1 (inclusive) to 65537 (exclusive). "
            "Update the value and try again.",
        ),
    ],
)
async def test_live_validation_messages(
    api: Api, path: str, config: dict[str, Any], message: str
) -> None:
    body = await api.post(path, {"contents": [user("x")], "generationConfig": config}, expect=400)
    assert body["error"] == {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}


async def test_valid_thinking_levels_and_penalties_pass(api: Api) -> None:
    await api.post(
        FLASH3,
        {
            "contents": [user("x")],
            "generationConfig": {"thinkingConfig": {"thinkingLevel": "MINIMAL"}},
        },
    )
    await api.post(
        PRO3,
        {
            "contents": [user("x")],
            "generationConfig": {"thinkingConfig": {"thinkingLevel": "HIGH"}},
        },
    )
    old = "/v1beta/models/gemini-2.0-flash:generateContent"
    await api.post(old, {"contents": [user("x")], "generationConfig": {"presencePenalty": 0.5}})
    await api.post(FLASH, {"contents": [user("x")], "generationConfig": {"presencePenalty": 0}})


async def test_input_over_the_model_limit(api: Api, emulator: Any) -> None:
    emulator.state.models["models/gemini-2.0-flash"]["inputTokenLimit"] = 8
    path = "/v1beta/models/gemini-2.0-flash:generateContent"
    await api.post(path, {"contents": [user("one two three four five six seven")]})
    body = await api.post(
        path, {"contents": [user("one two three four five six seven eight")]}, expect=400
    )
    recorded = json.loads((REAL / "errors" / "400_input_token_count_exceeded.json").read_text())
    expected = (
        recorded["response"]["body_json"]["error"]["message"]
        .replace("1100010", "8")
        .replace("1048575", "7")
    )
    assert body["error"]["message"] == expected


async def test_catalogue_page_one_is_the_recorded_page(api: Api) -> None:
    recorded = json.loads((REAL / "models" / "list_page1_next_page_token.json").read_text())
    page = await api.get("/v1beta/models")
    assert page["models"] == recorded["response"]["body_json"]["models"]
    assert page["nextPageToken"]


async def test_timestamps_have_the_live_precision(api: Api) -> None:
    created = await api.post(
        "/v1beta/cachedContents",
        {"model": "models/gemini-2.5-flash", "contents": [user("cache me")], "ttl": "300s"},
    )
    assert len(created["expireTime"].split(".")[1]) == len("123456789Z")
    assert len(created["createTime"].split(".")[1]) == len("123456Z")
