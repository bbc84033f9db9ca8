"""models.list/get and the deterministic generation engine, over plain HTTP."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from ._schema import check
from .conftest import KEY, Api

GEN = "/v1beta/models/gemini-2.5-flash:generateContent"


def user(text: str) -> dict[str, Any]:
    return {"contents": [{"role": "user", "parts": [{"text": text}]}]}


async def test_models_list_paginates_with_default_page_size(api: Api) -> None:
    first = await api.get("/v1beta/models")
    check(first, "ListModelsResponse")
    assert len(first["models"]) == 50
    assert first["nextPageToken"]
    names = [m["name"] for m in first["models"]]
    token = first["nextPageToken"]
    while token:
        page = await api.get("/v1beta/models", params={"pageSize": 7, "pageToken": token})
        check(page, "ListModelsResponse")
        names += [m["name"] for m in page["models"]]
        token = page.get("nextPageToken")
    assert len(names) == len(set(names)) > 50
    for wanted in (
        "gemini-2.5-flash",
        "gemini-2.5-pro",
        "gemini-2.0-flash",
        "gemini-embedding-001",
        "text-embedding-004",
        "aqa",
        "text-bison-001",
        "chat-bison-001",
        "embedding-gecko-001",
        "imagen-4.0-generate-001",
        "veo-3.1-generate-preview",
    ):
        assert f"models/{wanted}" in names


async def test_models_list_bad_page_token_and_size(api: Api) -> None:
    await api.get("/v1beta/models", params={"pageToken": "garbage!"}, expect=400)
    await api.get("/v1beta/models", params={"pageSize": "-1"}, expect=400)
    big = await api.get("/v1beta/models", params={"pageSize": 5000})
    assert "nextPageToken" not in big


async def test_models_get(api: Api) -> None:
    model = await api.get("/v1beta/models/gemini-2.5-flash")
    check(model, "Model")
    assert "baseModelId" not in model  # base models do not report it (recorded models.list)
    assert model["thinking"] is True
    assert "generateContent" in model["supportedGenerationMethods"]
    body = await api.get("/v1beta/models/nope", expect=404)
    assert body["error"]["status"] == "NOT_FOUND"


async def test_generate_is_deterministic_and_consistent_with_count_tokens(api: Api) -> None:
    request = user("Tell me about rivers")
    first = await api.post(GEN, request)
    second = await api.post(GEN, request)
    check(first, "GenerateContentResponse")
    assert first == second
    text = first["candidates"][0]["content"]["parts"][0]["text"]
    assert "Tell me about rivers" in text
    assert first["candidates"][0]["finishReason"] == "STOP"
    assert first["modelVersion"] == "gemini-2.5-flash"
    assert first["responseId"]
    count = await api.post("/v1beta/models/gemini-2.5-flash:countTokens", request)
    check(count, "CountTokensResponse")
    usage = first["usageMetadata"]
    assert usage["promptTokenCount"] == count["totalTokens"]
    thoughts = usage["thoughtsTokenCount"]  # gemini-2.5-flash thinks, as live, unasked
    assert thoughts > 0
    assert usage["totalTokenCount"] == (
        usage["promptTokenCount"] + usage["candidatesTokenCount"] + thoughts
    )
    wrapped = await api.post(
        "/v1beta/models/gemini-2.5-flash:countTokens",
        {"generateContentRequest": {"model": "models/gemini-2.5-flash", **request}},
    )
    assert wrapped["totalTokens"] == count["totalTokens"]
    other = await api.post(GEN, user("Tell me about mountains"))
    assert other["candidates"][0]["content"] != first["candidates"][0]["content"]


async def test_max_tokens_stop_sequences_and_candidate_count(api: Api) -> None:
    short = await api.post(
        GEN, {**user("one two three four"), "generationConfig": {"maxOutputTokens": 3}}
    )
    cand = short["candidates"][0]
    assert cand["finishReason"] == "MAX_TOKENS"
    assert short["usageMetadata"]["candidatesTokenCount"] == 3
    stopped = await api.post(
        GEN,
        {**user("alpha beta STOPHERE gamma"), "generationConfig": {"stopSequences": ["STOPHERE"]}},
    )
    text = stopped["candidates"][0]["content"]["parts"][0]["text"]
    assert "STOPHERE" not in text
    assert text.endswith("alpha beta ")
    many = await api.post(GEN, {**user("hi"), "generationConfig": {"candidateCount": 3}})
    assert [c["index"] for c in many["candidates"]] == [0, 1, 2]
    texts = {c["content"]["parts"][0]["text"] for c in many["candidates"]}
    assert len(texts) == 3
    await api.post(GEN, {**user("hi"), "generationConfig": {"candidateCount": 0}}, expect=400)


async def test_json_mode_with_schemas(api: Api) -> None:
    schema = {
        "type": "OBJECT",
        "properties": {
            "name": {"type": "STRING"},
            "age": {"type": "INTEGER", "minimum": 1, "maximum": 9},
            "mood": {"type": "STRING", "enum": ["happy", "sad"]},
            "tags": {"type": "ARRAY", "items": {"type": "STRING"}, "minItems": 3},
            "score": {"type": "NUMBER"},
            "ok": {"type": "BOOLEAN"},
        },
        "required": ["name", "age"],
    }
    body = await api.post(
        GEN,
        {
            **user("describe a cat"),
            "generationConfig": {"responseMimeType": "application/json", "responseSchema": schema},
        },
    )
    value = json.loads(body["candidates"][0]["content"]["parts"][0]["text"])
    assert isinstance(value["name"], str)
    assert 1 <= value["age"] <= 9
    assert value["mood"] in ("happy", "sad")
    assert len(value["tags"]) >= 3
    assert isinstance(value["score"], float)
    assert isinstance(value["ok"], bool)
    json_schema = {
        "type": "array",
        "items": {"$ref": "#/$defs/item"},
        "minItems": 1,
        "$defs": {
            "item": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "integer"}},
            }
        },
    }
    body = await api.post(
        GEN,
        {
            **user("list"),
            "generationConfig": {
                "responseMimeType": "application/json",
                "responseJsonSchema": json_schema,
            },
        },
    )
    items = json.loads(body["candidates"][0]["content"]["parts"][0]["text"])
    assert all(isinstance(i["id"], int) for i in items)
    plain = await api.post(
        GEN, {**user("x"), "generationConfig": {"responseMimeType": "application/json"}}
    )
    assert json.loads(plain["candidates"][0]["content"]["parts"][0]["text"])
    await api.post(GEN, {**user("x"), "generationConfig": {"responseSchema": schema}}, expect=400)


async def test_function_calling_rules(api: Api) -> None:
    tools = [
        {
            "functionDeclarations": [
                {
                    "name": "get_weather",
                    "description": "weather",
                    "parameters": {
                        "type": "OBJECT",
                        "properties": {"city": {"type": "STRING"}},
                        "required": ["city"],
                    },
                },
                {"name": "get_time", "description": "time"},
            ]
        }
    ]
    named = await api.post(GEN, {**user("call get_weather please"), "tools": tools})
    parts = named["candidates"][0]["content"]["parts"]
    assert parts[0]["functionCall"]["name"] == "get_weather"
    assert isinstance(parts[0]["functionCall"]["args"]["city"], str)
    check(named, "GenerateContentResponse")
    unnamed = await api.post(GEN, {**user("hello"), "tools": tools})
    assert "text" in unnamed["candidates"][0]["content"]["parts"][0]
    forced = await api.post(
        GEN,
        {
            **user("hello"),
            "tools": tools,
            "toolConfig": {
                "functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["get_time"]}
            },
        },
    )
    assert forced["candidates"][0]["content"]["parts"][0]["functionCall"]["name"] == "get_time"
    none = await api.post(
        GEN,
        {
            **user("call get_weather"),
            "tools": tools,
            "toolConfig": {"functionCallingConfig": {"mode": "NONE"}},
        },
    )
    assert "text" in none["candidates"][0]["content"]["parts"][0]
    both = await api.post(GEN, {**user("use get_weather and get_time"), "tools": tools})
    assert len(both["candidates"][0]["content"]["parts"]) == 2
    after = await api.post(
        GEN,
        {
            "tools": tools,
            "contents": [
                {"role": "user", "parts": [{"text": "call get_weather"}]},
                {"role": "model", "parts": [{"functionCall": {"name": "get_weather", "args": {}}}]},
                {
                    "role": "user",
                    "parts": [
                        {"functionResponse": {"name": "get_weather", "response": {"temp": 21}}}
                    ],
                },
            ],
        },
    )
    assert "21" in after["candidates"][0]["content"]["parts"][0]["text"]


async def test_block_trigger_and_safety_finish(api: Api) -> None:
    blocked = await api.post(GEN, user("please EMULATOR_BLOCK_PROMPT now"))
    check(blocked, "GenerateContentResponse")
    assert blocked["promptFeedback"]["blockReason"] == "SAFETY"
    assert "candidates" not in blocked
    unsafe = await api.post(GEN, user("EMULATOR_SAFETY_STOP"))
    assert unsafe["candidates"][0]["finishReason"] == "SAFETY"


async def test_thoughts_when_requested(api: Api) -> None:
    body = await api.post(
        GEN, {**user("think"), "generationConfig": {"thinkingConfig": {"includeThoughts": True}}}
    )
    parts = body["candidates"][0]["content"]["parts"]
    assert parts[0]["thought"] is True
    assert "thought" not in parts[1]
    assert body["usageMetadata"]["thoughtsTokenCount"] > 0


async def test_request_validation(api: Api) -> None:
    body = await api.post(GEN, {}, expect=400)
    assert body["error"]["status"] == "INVALID_ARGUMENT"
    await api.post(GEN, {"contents": [{"role": "robot", "parts": [{"text": "x"}]}]}, expect=400)
    missing = await api.post(
        "/v1beta/models/this-model-does-not-exist-12345:generateContent", user("x"), expect=404
    )
    assert "is not found for API version v1beta" in missing["error"]["message"]
    unsupported = await api.post(
        "/v1beta/models/text-embedding-004:generateContent", user("x"), expect=404
    )
    assert "not supported for generateContent" in unsupported["error"]["message"]


async def test_sse_stream_framing(api: Api, emulator: Any) -> None:
    request = user("stream me a story about the sea")
    full = await api.post(GEN, request)
    url = emulator.url + "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
    async with api.session.post(
        url, params={"alt": "sse"}, json=request, headers={"x-goog-api-key": KEY}
    ) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/event-stream"
        raw = await response.read()
    frames = raw.decode().split("\r\n\r\n")
    assert frames[-1] == ""
    events = [json.loads(f.removeprefix("data: ")) for f in frames[:-1]]
    assert all(f.startswith("data: ") for f in frames[:-1])
    assert len(events) == 3
    for event in events:
        check(event, "GenerateContentResponse")
    text = "".join(e["candidates"][0]["content"]["parts"][0]["text"] for e in events)
    assert text == full["candidates"][0]["content"]["parts"][0]["text"]
    assert "finishReason" not in events[0]["candidates"][0]
    assert events[-1]["candidates"][0]["finishReason"] == "STOP"
    assert events[-1]["usageMetadata"] == full["usageMetadata"]


async def test_json_array_stream(api: Api, emulator: Any) -> None:
    emulator.settings.stream_chunks = 2
    url = emulator.url + "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
    async with api.session.post(
        url, json=user("array please"), headers={"x-goog-api-key": KEY}
    ) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("application/json")
        raw = (await response.read()).decode()
    assert raw.startswith("[{")
    assert raw.endswith("}\n]")
    assert "\n,\r\n" in raw
    chunks = json.loads(raw)
    assert len(chunks) == 2
    assert chunks[-1]["candidates"][0]["finishReason"] == "STOP"


async def test_stream_errors_before_streaming(api: Api, emulator: Any) -> None:
    url = emulator.url + "/v1beta/models/nope:streamGenerateContent"
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url, params={"alt": "sse"}, json=user("x"), headers={"x-goog-api-key": KEY}
        ) as response,
    ):
        assert response.status == 404
        assert response.headers["Content-Type"] == "text/event-stream"
        body = json.loads(await response.read())
        assert body["error"]["code"] == 404


async def test_stream_blocked_prompt_is_single_event(api: Api, emulator: Any) -> None:
    url = emulator.url + "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
    async with api.session.post(
        url,
        params={"alt": "sse"},
        json=user("EMULATOR_BLOCK_PROMPT"),
        headers={"x-goog-api-key": KEY},
    ) as response:
        raw = (await response.read()).decode()
    frames = [f for f in raw.split("\r\n\r\n") if f]
    assert len(frames) == 1
    assert json.loads(frames[0][6:])["promptFeedback"]["blockReason"] == "SAFETY"


async def test_proto_field_names_are_accepted(api: Api) -> None:
    body = await api.post(
        GEN,
        {
            "contents": [{"role": "user", "parts": [{"text": "one two three four five"}]}],
            "generation_config": {"max_output_tokens": 2, "response_schema": None},
        },
    )
    assert body["candidates"][0]["finishReason"] == "MAX_TOKENS"
