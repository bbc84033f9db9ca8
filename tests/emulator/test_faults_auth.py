"""Auth errors, request validation, fault injection (Python and HTTP) and control endpoints."""

from __future__ import annotations

import json
import time
from typing import Any

import aiohttp
import pytest

from genlang_async.emulator import Fault

from .conftest import KEY, Api

GEN = "/v1beta/models/gemini-2.5-flash:generateContent"
STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
HELLO = {"contents": [{"role": "user", "parts": [{"text": "hello there"}]}]}


async def test_missing_key_is_403_and_wrong_key_is_400(api: Api, emulator: Any) -> None:
    body = await api.post(GEN, HELLO, key=None, expect=403)
    assert body["error"]["status"] == "PERMISSION_DENIED"
    assert "unregistered callers" in body["error"]["message"]
    emulator.settings.api_keys = frozenset({"good"})
    bad = await api.post(GEN, HELLO, key="wrong", expect=400)
    assert bad["error"]["details"][0]["reason"] == "API_KEY_INVALID"
    await api.post(GEN, HELLO, key="good")
    await api.post(GEN, HELLO, key=None, params={"key": "good"})


async def test_key_error_on_sse_stream_uses_event_stream_type(api: Api, emulator: Any) -> None:
    emulator.settings.api_keys = frozenset({"good"})
    async with api.session.post(
        api.base + STREAM, params={"alt": "sse"}, json=HELLO, headers={"x-goog-api-key": "bad"}
    ) as response:
        assert response.status == 400
        assert response.headers["Content-Type"] == "text/event-stream"
        assert json.loads(await response.read())["error"]["status"] == "INVALID_ARGUMENT"


async def test_bad_json_and_unknown_route(api: Api) -> None:
    async with api.session.post(
        api.base + GEN, data=b"{not json", headers={"x-goog-api-key": KEY}
    ) as response:
        assert response.status == 400
        body = await response.json()
        assert body["error"]["status"] == "INVALID_ARGUMENT"
        assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    await api.get("/v1beta/nothing/here", expect=404)
    await api.call("PUT", "/v1beta/models", expect=404)


async def test_fail_next_n_with_retry_after_and_retry_info(api: Api, emulator: Any) -> None:
    emulator.faults.fail(
        "/v1beta/models/*:generateContent", status=429, times=2, retry_after=2, retry_delay=1.5
    )
    for _ in range(2):
        async with api.session.post(
            api.base + GEN, json=HELLO, headers={"x-goog-api-key": KEY}
        ) as response:
            assert response.status == 429
            assert response.headers["Retry-After"] == "2"
            error = (await response.json())["error"]
            assert error["status"] == "RESOURCE_EXHAUSTED"
            assert error["details"] == [
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1.5s"}
            ]
    await api.post(GEN, HELLO)
    assert not emulator.faults.active


async def test_fault_method_regex_and_delay(api: Api, emulator: Any) -> None:
    emulator.faults.fail(r"^/v1beta/models$", regex=True, method="GET", status=500)
    await api.post(GEN, HELLO)
    await api.get("/v1beta/models", expect=500)
    emulator.faults.delay(GEN, 0.2)
    started = time.monotonic()
    await api.post(GEN, HELLO)
    assert time.monotonic() - started >= 0.2


async def test_drop_connection_mid_stream(api: Api, emulator: Any) -> None:
    emulator.settings.stream_chunks = 4
    emulator.faults.drop_stream(STREAM, after_chunks=2)
    received = b""
    async with api.session.post(
        api.base + STREAM, params={"alt": "sse"}, json=HELLO, headers={"x-goog-api-key": KEY}
    ) as response:
        assert response.status == 200
        with pytest.raises(aiohttp.ClientPayloadError):  # noqa: PT012 - read until the drop
            async for data in response.content.iter_any():
                received += data
    assert received.count(b"data: ") == 2
    async with api.session.post(
        api.base + STREAM, params={"alt": "sse"}, json=HELLO, headers={"x-goog-api-key": KEY}
    ) as response:
        assert (await response.read()).count(b"data: ") == 4


async def test_drop_request_and_drop_response_bytes(api: Api, emulator: Any) -> None:
    emulator.faults.drop_request(GEN)
    with pytest.raises(aiohttp.ClientError):
        await api.post(GEN, HELLO)
    emulator.faults.drop_response(GEN, after_bytes=10)
    async with api.session.post(
        api.base + GEN, json=HELLO, headers={"x-goog-api-key": KEY}
    ) as response:
        assert response.status == 200
        with pytest.raises(aiohttp.ClientPayloadError):
            await response.read()


async def test_malformed_sse_and_json(api: Api, emulator: Any) -> None:
    emulator.faults.malformed(STREAM, after_chunks=1)
    async with api.session.post(
        api.base + STREAM, params={"alt": "sse"}, json=HELLO, headers={"x-goog-api-key": KEY}
    ) as response:
        frames = [f for f in (await response.read()).decode().split("\r\n\r\n") if f]
    json.loads(frames[0][6:])
    with pytest.raises(json.JSONDecodeError):
        json.loads(frames[1][6:])
    emulator.faults.malformed(GEN)
    async with api.session.post(
        api.base + GEN, json=HELLO, headers={"x-goog-api-key": KEY}
    ) as response:
        assert response.status == 200
        with pytest.raises(json.JSONDecodeError):
            json.loads(await response.text())


async def test_stream_error_event_mid_stream(api: Api, emulator: Any) -> None:
    emulator.faults.stream_error(STREAM, after_chunks=1, status=503, message="overloaded")
    async with api.session.post(
        api.base + STREAM, params={"alt": "sse"}, json=HELLO, headers={"x-goog-api-key": KEY}
    ) as response:
        assert response.status == 200
        frames = [f for f in (await response.read()).decode().split("\r\n\r\n") if f]
    assert len(frames) == 2
    assert "candidates" in json.loads(frames[0][6:])
    assert json.loads(frames[1][6:]) == {
        "error": {"code": 503, "message": "overloaded", "status": "UNAVAILABLE"}
    }
    created = await api.post(
        "/__emulator/faults",
        {"action": "stream_error", "path": STREAM, "afterChunks": 0, "status": 500},
        key=None,
    )
    assert created["action"] == "stream_error"
    async with api.session.post(
        api.base + STREAM, json=HELLO, headers={"x-goog-api-key": KEY}
    ) as response:
        events = json.loads(await response.read())  # the JSON-array form stays valid JSON
    assert events == [
        {"error": {"code": 500, "message": "Injected fault (HTTP 500).", "status": "INTERNAL"}}
    ]


async def test_control_endpoints(api: Api, emulator: Any) -> None:
    created = await api.post(
        "/__emulator/faults",
        {"action": "error", "path": GEN, "status": 503, "times": 1, "retryAfter": 1},
        key=None,
    )
    assert created["status"] == 503
    assert created["id"]
    listed = await api.get("/__emulator/faults", key=None)
    assert [f["id"] for f in listed["faults"]] == [created["id"]]
    async with api.session.post(
        api.base + GEN, json=HELLO, headers={"x-goog-api-key": KEY}
    ) as response:
        assert response.status == 503
        assert response.headers["Retry-After"] == "1"
    await api.post("/__emulator/faults", {"action": "explode"}, key=None, expect=400)
    other = emulator.faults.add(Fault("delay", GEN, delay=0.01))
    await api.delete(f"/__emulator/faults/{other.id}", key=None)
    await api.delete("/__emulator/faults/999999", key=None, expect=404)
    log = await api.get("/__emulator/log", key=None)
    assert any(e["path"] == GEN and e["status"] == 503 for e in log["requests"])
    assert "uploads" in log
    settings = await api.post("/__emulator/settings", {"streamChunks": 5}, key=None)
    assert settings["stream_chunks"] == 5
    assert emulator.settings.stream_chunks == 5
    await api.post("/__emulator/settings", {"nope": 1}, key=None, expect=400)
    await api.post("/v1beta/corpora", {"displayName": "c"})
    await api.post("/__emulator/reset", key=None)
    assert await api.get("/v1beta/corpora") == {}
    assert (await api.get("/__emulator/health", key=None)) == {"ok": True}
    await api.delete("/__emulator/log", key=None)
    await api.get("/__emulator/unknown", key=None, expect=404)
