"""The emulator under hostile or careless clients: bad control input and request bodies get
a 400 (never a 500 with a traceback), clients that leave early leave no noise, and a cut
upload keeps only whole granules."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from .conftest import KEY, Api

GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent"
GRANULARITY = 256 * 1024


def text_body(text: Any) -> dict[str, Any]:
    return {"contents": [{"parts": [{"text": text}]}]}


async def test_deeply_nested_json_is_a_400(api: Api) -> None:
    deep = "[" * 5000 + "]" * 5000
    async with api.session.post(
        api.base + GENERATE,
        data=f'{{"contents": {deep}}}',
        headers={"x-goog-api-key": KEY, "Content-Type": "application/json"},
    ) as response:
        assert response.status == 400
        assert "Nesting deeper than 100" in (await response.json())["error"]["message"]
    nested: Any = {"text": "hi"}
    for _ in range(120):  # within Python's recursion limit, over the API's
        nested = {"functionCall": {"args": nested}}
    refused = await api.post(GENERATE, {"contents": [{"parts": [nested]}]}, expect=400)
    assert "Nesting deeper" in refused["error"]["message"]
    control = await api.post("/__emulator/settings", {"a": deep and [[[]]]}, expect=400)
    assert "Unknown setting" in control["error"]["message"]


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"path": "([", "regex": True}, "invalid path regex"),
        ({"status": "abc"}, "status must be int"),
        ({"status": 200}, "HTTP error status"),
        ({"times": 1.5}, "times must be int"),
        ({"retryAfter": "soon"}, "retry_after must be float | None"),
        ({"headers": {"x": 1}}, "headers must be dict"),
        ({"delay": -1}, "must not be negative"),
        ({"regex": "yes"}, "regex must be bool"),
    ],
)
async def test_bad_faults_are_a_400(api: Api, fault: dict[str, Any], message: str) -> None:
    refused = await api.post("/__emulator/faults", fault, expect=400)
    assert message in refused["error"]["message"]
    assert (await api.get("/__emulator/faults"))["faults"] == []
    await api.post(GENERATE, text_body("still fine"))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"streamChunks": "three"}, "stream_chunks must be int"),
        ({"stream_chunks": 0}, "stream_chunks must be >= 1"),
        ({"latency": "slow"}, "latency must be float"),
        ({"latency": -1}, "latency must be >= 0"),
        ({"storeUploadContent": 1}, "store_upload_content must be bool"),
        ({"apiKeys": [1, 2]}, "api_keys must be"),
        ({"apiKeys": "k"}, "api_keys must be"),
    ],
)
async def test_bad_settings_are_a_400(api: Api, settings: dict[str, Any], message: str) -> None:
    before = await api.get("/__emulator/settings")
    refused = await api.post("/__emulator/settings", settings, expect=400)
    assert message in refused["error"]["message"]
    assert await api.get("/__emulator/settings") == before
    await api.post(GENERATE, text_body("still fine"))


async def test_good_settings_are_taken(api: Api) -> None:
    after = await api.post("/__emulator/settings", {"latency": 0, "apiKeys": ["a", "b"]})
    assert after["latency"] == 0
    assert after["api_keys"] == ["a", "b"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (text_body(5), "Invalid value at 'contents[0].parts[0].text' (TYPE_STRING), 5"),
        (
            {**text_body("x"), "generationConfig": {"temperature": "hot"}},
            "Invalid value at 'generation_config.temperature' (TYPE_FLOAT), \"hot\"",
        ),
        (
            {**text_body("x"), "generationConfig": {"responseSchema": "garbage"}},
            "Invalid value at 'generation_config.response_schema'",
        ),
        (
            {**text_body("x"), "generationConfig": {"responseSchema": {"type": "WIDGET"}}},
            "Invalid value at 'generation_config.response_schema.type'",
        ),
        (
            {
                **text_body("x"),
                "generationConfig": {
                    "responseMimeType": "application/json",
                    "responseSchema": {"type": "OBJECT", "properties": {"a": {"type": 3}}},
                },
            },
            'response_schema.properties["a"].type',
        ),
        (
            {
                **text_body("x"),
                "generationConfig": {
                    "responseMimeType": "application/json",
                    "responseJsonSchema": {"$ref": "#"},
                },
            },
            "refers to itself",
        ),
        (
            {
                **text_body("x"),
                "generationConfig": {
                    "responseMimeType": "application/json",
                    "responseJsonSchema": {
                        "$ref": "#/$defs/a",
                        "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}},
                    },
                },
            },
            "refers to itself",
        ),
        (
            {
                **text_body("x"),
                "generationConfig": {
                    "responseMimeType": "application/json",
                    "responseJsonSchema": {"$ref": "#/$defs/missing"},
                },
            },
            "does not resolve",
        ),
        (
            {**text_body("x"), "tools": [{"functionDeclarations": [{"name": 123}]}]},
            "Invalid value at 'tools[0].function_declarations[0].name' (TYPE_STRING), 123",
        ),
        (
            {**text_body("x"), "tools": [{"functionDeclarations": [{"name": "1st"}]}]},
            "Invalid function name",
        ),
    ],
)
async def test_rejects_what_the_live_api_rejects(
    api: Api, body: dict[str, Any], message: str
) -> None:
    refused = await api.post(GENERATE, body, expect=400)
    assert refused["error"]["status"] == "INVALID_ARGUMENT"
    assert message in refused["error"]["message"]


async def test_accepts_what_the_live_api_accepts(api: Api) -> None:
    tree = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "children": {"items": {"$ref": "#"}}},
    }
    config = {"responseMimeType": "application/json", "responseJsonSchema": tree}
    await api.post(GENERATE, {**text_body("x"), "generationConfig": config})
    schema = {"type": "object", "properties": {"name": {"type": "string"}}}
    config = {"responseMimeType": "application/json", "responseSchema": schema}
    await api.post(GENERATE, {**text_body("x"), "generationConfig": config, "seed": "7"})
    tool = {"functionDeclarations": [{"name": "get_weather.v2", "parameters": schema}]}
    await api.post(GENERATE, {**text_body("x"), "tools": [tool]})


async def test_object_as_display_name_is_rejected(api: Api) -> None:
    refused = await api.post("/v1beta/corpora", {"displayName": {"a": 1}}, expect=400)
    assert "Invalid value at 'display_name' (TYPE_STRING)" in refused["error"]["message"]
    assert (await api.get("/v1beta/corpora")) == {}


async def test_page_size_beyond_int32_is_rejected(api: Api) -> None:
    refused = await api.get("/v1beta/models", params={"pageSize": "9" * 24}, expect=400)
    assert "(TYPE_INT32)" in refused["error"]["message"]
    await api.get("/v1beta/models", params={"pageSize": str(2**31 - 1)})


async def test_clients_leaving_streams_early_leave_no_traceback(
    api: Api, emulator: Any, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.settings.stream_chunks = 30
    emulator.settings.stream_chunk_delay = 0.01
    caplog.set_level(logging.DEBUG)
    for query in ("?alt=sse", ""):
        async with api.session.post(
            api.base + "/v1beta/models/gemini-2.5-flash:streamGenerateContent" + query,
            json=text_body("a long answer"),
            headers={"x-goog-api-key": KEY},
        ) as response:
            assert await response.content.readany()
    await asyncio.sleep(0.3)  # the emulator notices while writing the next chunks
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert [e["status"] for e in emulator.request_log][-2:] == [499, 499]


async def test_a_cut_inside_a_chunk_keeps_only_whole_granules(
    api: Api, emulator: Any, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.settings.upload_chunk_granularity = GRANULARITY
    async with api.session.post(
        api.base + "/upload/v1beta/files",
        json={"file": {}},
        headers={
            "x-goog-api-key": KEY,
            "X-Goog-Upload-Protocol": "resumable",
            "X-Goog-Upload-Command": "start",
            "X-Goog-Upload-Header-Content-Length": str(4 * GRANULARITY),
        },
    ) as started:
        url = started.headers["X-Goog-Upload-URL"]
    path = url.split(str(emulator.port), 1)[1]
    caplog.set_level(logging.DEBUG)
    for sent in (GRANULARITY + 1000, 3 * GRANULARITY - 1):
        offset = (await query_received(api, url)) if sent > GRANULARITY + 1000 else 0
        _, writer = await asyncio.open_connection(emulator.host, emulator.port)
        head = (
            f"POST {path} HTTP/1.1\r\nHost: emulator\r\nX-Goog-Upload-Command: upload\r\n"
            f"X-Goog-Upload-Offset: {offset}\r\nContent-Length: {4 * GRANULARITY}\r\n\r\n"
        )
        writer.write(head.encode() + b"a" * (sent - offset))
        await writer.drain()
        await asyncio.sleep(0.1)
        writer.close()
        await asyncio.sleep(0.2)
    assert await query_received(api, url) == 2 * GRANULARITY
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def query_received(api: Api, url: str) -> int:
    async with api.session.post(url, headers={"X-Goog-Upload-Command": "query"}) as response:
        assert response.status == 200
        return int(response.headers["X-Goog-Upload-Size-Received"])
