"""Scripted responses: ``emu.script(path_glob, responses)``, the control API and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from genlang_async import Client, GenlangError, RateLimitError, ServiceUnavailableError
from genlang_async.emulator import Emulator, Reply
from genlang_async.emulator.__main__ import parse_args

from .conftest import KEY, Api

MODEL = "gemini-2.5-flash"
GEN = f"/v1beta/models/{MODEL}:generateContent"
STREAM = f"/v1beta/models/{MODEL}:streamGenerateContent"
HELLO = {"contents": [{"role": "user", "parts": [{"text": "hello there"}]}]}


def answer(text: str, **extra: Any) -> dict[str, Any]:
    candidate = {"content": {"role": "model", "parts": [{"text": text}]}, **extra}
    return {"candidates": [candidate], "modelVersion": MODEL}


@pytest.fixture
async def client(emulator: Emulator) -> AsyncIterator[Client]:
    async with Client(api_key=KEY, base_url=emulator.url) as sdk_client:
        yield sdk_client


async def test_json_object_then_normal_behaviour(client: Client, emulator: Emulator) -> None:
    script = emulator.script("/v1beta/models/*:generateContent", [answer("A"), answer("B")])
    assert script.remaining == 2
    first = await client.models.generate_content(MODEL, contents="hi")
    second = await client.models.generate_content(MODEL, contents="hi")
    third = await client.models.generate_content(MODEL, contents="hi")
    assert (first.text, second.text) == ("A", "B")
    assert third.text.startswith('Emulated answer to "hi"')
    assert script.hits == 2
    assert not emulator.scripts.active
    assert [e.get("script") for e in emulator.request_log] == [script.id, script.id, None]


async def test_sse_chunks_then_a_json_array_stream(client: Client, emulator: Emulator) -> None:
    chunks = [answer("Hel"), answer("lo", finishReason="STOP")]
    emulator.script("*:streamGenerateContent", [chunks, chunks])
    texts = [c.text async for c in client.models.stream_generate_content(MODEL, contents="x")]
    assert texts == ["Hel", "lo"]
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            emulator.url + STREAM, json=HELLO, headers={"x-goog-api-key": KEY}
        ) as response,
    ):
        assert response.headers["Content-Type"].startswith("application/json")
        assert json.loads(await response.read()) == chunks


async def test_a_dict_on_a_streaming_method_is_one_event(
    client: Client, emulator: Emulator
) -> None:
    emulator.script(STREAM, [answer("all at once")])
    chunks = [c async for c in client.models.stream_generate_content(MODEL, contents="x")]
    assert [c.text for c in chunks] == ["all at once"]


async def test_error_object_gets_its_status(client: Client, emulator: Emulator) -> None:
    error = {"error": {"code": 429, "message": "Quota exceeded.", "status": "RESOURCE_EXHAUSTED"}}
    emulator.script(GEN, [error, (503, {"error": {"code": 503, "message": "Overloaded."}})])
    with pytest.raises(RateLimitError, match="Quota exceeded"):
        await client.models.generate_content(MODEL, contents="x", max_retries=0)
    with pytest.raises(ServiceUnavailableError, match="Overloaded"):
        await client.models.generate_content(MODEL, contents="x", max_retries=0)


async def test_error_event_mid_stream(client: Client, emulator: Emulator) -> None:
    error = {"error": {"code": 500, "message": "Broke.", "status": "INTERNAL"}}
    emulator.script(STREAM, [[answer("Hel"), error]])
    received: list[str] = []

    async def collect() -> None:
        async for chunk in client.models.stream_generate_content(MODEL, contents="x"):
            received.append(chunk.text)

    with pytest.raises(GenlangError, match="Broke"):
        await collect()
    assert received == ["Hel"]


async def test_raw_bytes_are_sent_as_they_are(api: Api, client: Client, emulator: Emulator) -> None:
    emulator.script(GEN, [b'{"candidates": [', "plain text"])
    with pytest.raises(GenlangError):
        await client.models.generate_content(MODEL, contents="x", max_retries=0)
    async with api.session.post(api.base + GEN, json=HELLO) as response:
        assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
        assert await response.read() == b"plain text"
    sse = b'data: {"candidates": [{"content": {"parts": [{"text": "raw"}]}}]}\n\n'
    emulator.script(STREAM, [sse])
    texts = [c.text async for c in client.models.stream_generate_content(MODEL, contents="x")]
    assert texts == ["raw"]


async def test_reply_headers_method_regex_and_order(api: Api, emulator: Emulator) -> None:
    only_list = Reply({"models": []}, headers={"X-Test": "1"})
    emulator.script(r"^/v1beta/models$", [only_list], regex=True)
    emulator.script("/v1beta/models*", [{"models": [{"name": "models/a"}]}], method="GET")
    emulator.script("/v1beta/models*", [{"second": True}])
    async with api.session.get(
        api.base + "/v1beta/models", headers={"x-goog-api-key": KEY}
    ) as response:
        assert response.headers["X-Test"] == "1"
        assert await response.json() == {"models": []}
    assert await api.post(GEN, HELLO) == {"second": True}  # POST skips the GET-only script
    assert await api.get("/v1beta/models") == {"models": [{"name": "models/a"}]}
    assert len((await api.get("/v1beta/models"))["models"]) > 10  # the catalogue again


async def test_unknown_paths_can_be_scripted(api: Api, emulator: Emulator) -> None:
    await api.post("/v1beta/models/x:newMethod", {}, expect=404)
    emulator.script("/v1beta/models/x:newMethod", [{"ok": 1}])
    assert await api.post("/v1beta/models/x:newMethod", {}) == {"ok": 1}
    await api.post("/v1beta/models/x:newMethod", {}, expect=404)


async def test_faults_come_first_then_the_script_serves_the_retry(
    client: Client, emulator: Emulator
) -> None:
    emulator.faults.fail(GEN, status=503, retry_after=0)
    emulator.script(GEN, [answer("after retry")])
    response = await client.models.generate_content(MODEL, contents="x")
    assert response.text == "after retry"
    assert [e["status"] for e in emulator.request_log] == [503, 200]


async def test_scripts_skip_auth_and_validation_and_reset_clears(
    api: Api, emulator: Emulator
) -> None:
    emulator.script(GEN, [{"a": 1}])
    assert await api.post(GEN, {"not": "valid"}, key=None) == {"a": 1}
    emulator.script(GEN, [{"a": 2}])
    emulator.reset()
    await api.post(GEN, {"not": "valid"}, expect=400)


@pytest.mark.parametrize(
    ("responses", "message"),
    [
        ({"a": 1}, "must be a list"),
        ([], "at least one"),
        ([{"a": 1}, 3], "response 1: a reply body must be"),
        ([[{"a": 1}, "x"]], "response 0: stream chunk 1 must be a dict"),
        ([(99, {})], "within 200..599"),
        ([(200,)], r"\(status, body\)"),
        ([None], "cannot be None"),
    ],
)
def test_bad_items_are_rejected_naming_the_item(responses: Any, message: str) -> None:
    emulator = Emulator()
    with pytest.raises((TypeError, ValueError), match=message):
        emulator.script(GEN, responses)
    assert not emulator.scripts.active


async def test_control_api(api: Api, emulator: Emulator) -> None:
    script = {
        "path": "/v1beta/models/*:generateContent",
        "responses": [
            {"body": answer("json")},
            {"status": 503, "body": {"error": {"code": 503, "message": "busy"}}},
            {"raw": "text", "headers": {"X-A": "b"}},
            {"rawBase64": "AAE="},
            {"body": {"error": {"code": 429, "message": "slow down"}}},
        ],
    }
    created = await api.post("/__emulator/scripts", script)
    assert created["remaining"] == 5
    assert (await api.get("/__emulator/scripts"))["scripts"][0]["id"] == created["id"]
    assert (await api.post(GEN, HELLO))["candidates"][0]["content"]["parts"][0]["text"] == "json"
    assert (await api.post(GEN, HELLO, expect=503))["error"]["message"] == "busy"
    async with api.session.post(api.base + GEN, json=HELLO) as response:
        assert response.headers["X-A"] == "b"
        assert await response.read() == b"text"
    async with api.session.post(api.base + GEN, json=HELLO) as response:
        assert await response.read() == b"\x00\x01"
    await api.post(GEN, HELLO, expect=429)
    stream = {"path": STREAM, "responses": [{"chunks": [answer("a"), answer("b")]}]}
    second = await api.post("/__emulator/scripts", stream)
    await api.delete(f"/__emulator/scripts/{second['id']}")
    await api.delete(f"/__emulator/scripts/{second['id']}", expect=404)
    await api.post("/__emulator/scripts", stream)
    await api.delete("/__emulator/scripts")
    assert (await api.get("/__emulator/scripts"))["scripts"] == []


@pytest.mark.parametrize(
    "bad",
    [
        {"path": GEN, "responses": [{"body": [1]}]},
        {"path": GEN, "responses": [{"body": {}, "raw": "x"}]},
        {"path": GEN, "responses": [{"bodyy": {}}]},
        {"path": GEN, "responses": [{"rawBase64": "!!"}]},
        {"path": GEN, "responses": {}},
        {"path": "(", "regex": True, "responses": [{"body": {}}]},
        {"responses": [{"body": {}}]},
        {"path": GEN, "responses": [{"body": {}}], "extra": 1},
    ],
)
async def test_control_api_rejects_bad_scripts(api: Api, bad: dict[str, Any]) -> None:
    body = await api.post("/__emulator/scripts", bad, expect=400)
    assert body["error"]["status"] == "INVALID_ARGUMENT"
    await api.delete("/__emulator/scripts/x", expect=400)


def test_cli_script_file_errors_name_the_file_and_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"path": GEN, "responses": [{"body": {}}, {"raw": 1}]}]))
    with pytest.raises(SystemExit):
        parse_args(["--script", str(bad)])
    assert "bad.json: script 0: response 1" in capsys.readouterr().err
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"path": GEN, "responses": [{"body": {}}]}))
    args = parse_args(["--script", str(good), "--script", str(good)])
    assert [s.path for s in args.scripts] == [GEN, GEN]


def test_cli_serves_a_script_file(tmp_path: Path) -> None:
    script_file = tmp_path / "script.json"
    script_file.write_text(json.dumps({"path": GEN, "responses": [{"body": {"scripted": 1}}]}))
    process = subprocess.Popen(
        [sys.executable, "-m", "genlang_async.emulator", "--port=0", f"--script={script_file}"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        request = urllib.request.Request(
            url + GEN, data=b"{}", headers={"x-goog-api-key": "k"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.loads(response.read()) == {"scripted": 1}
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
