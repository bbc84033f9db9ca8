"""Every answer the emulator gives while every method runs validates against the API
description (``tools/codegen/api/v1beta.json``): known fields only, wire types, enum values,
int64 as strings, RFC 3339 timestamps, durations."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from genlang_async import Client
from genlang_async.emulator import Emulator
from genlang_async.emulator._app import all_routes
from genlang_async.emulator._int_enums import messages
from genlang_async.emulator._routing import find_route

from .conftest import API, GENERATED, World
from .test_every_method import CASES

SCHEMAS: dict[str, Any] = API["schemas"]
ENUMS: dict[str, Any] = API["enums"]
_RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)")
_DURATION = re.compile(r"-?\d+(\.\d{1,9})?s")
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]*=*")

Handler = Callable[[aiohttp.ClientRequest], Awaitable[aiohttp.ClientResponse]]


def check(value: Any, spec: dict[str, Any], where: str) -> None:
    kind = spec["type"]
    if kind in ("string", "fieldmask"):
        assert isinstance(value, str), f"{where}: string expected, got {value!r:.60}"
    elif kind == "int32":
        assert isinstance(value, int), f"{where}: int32"
        assert not isinstance(value, bool), f"{where}: int32"
    elif kind == "int64":
        assert isinstance(value, str), f"{where}: int64 text"
        assert re.fullmatch(r"-?\d+", value), f"{where}: int64 text"
    elif kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        assert ok or value in ("NaN", "Infinity", "-Infinity"), f"{where}: number"
    elif kind == "bool":
        assert isinstance(value, bool), f"{where}: bool"
    elif kind == "bytes":
        assert isinstance(value, str), f"{where}: base64"
        assert _BASE64.fullmatch(value), f"{where}: base64"
    elif kind == "timestamp":
        assert isinstance(value, str), f"{where}: {value!r}"
        assert _RFC3339.fullmatch(value), f"{where}: {value!r}"
    elif kind == "duration":
        assert isinstance(value, str), f"{where}: {value!r}"
        assert _DURATION.fullmatch(value), f"{where}: {value!r}"
    elif kind == "struct":
        assert isinstance(value, dict), f"{where}: object"
        typed(value, where)
    elif kind == "enum":
        assert value in ENUMS[spec["enum"]]["values"], f"{where}: {value!r} not in {spec['enum']}"
    elif kind == "ref":
        message(value, spec["ref"], where)
    elif kind == "array":
        assert isinstance(value, list), f"{where}: array"
        for i, item in enumerate(value):
            check(item, spec["items"], f"{where}[{i}]")
    elif kind == "map":
        assert isinstance(value, dict), f"{where}: map"
        for key, item in value.items():
            check(item, spec["values"], f"{where}[{key!r}]")


def typed(value: dict[str, Any], where: str) -> None:
    """A ``google.protobuf.Any``: checked against the message its ``@type`` names."""
    type_url = value.get("@type")
    if isinstance(type_url, str) and type_url.rsplit(".", 1)[-1] in SCHEMAS:
        message(value, type_url.rsplit(".", 1)[-1], where)


def message(value: Any, name: str, where: str) -> None:
    assert isinstance(value, dict), f"{where}: {name} object expected, got {value!r:.60}"
    fields = {f["name"]: f for f in SCHEMAS[name]["fields"]}
    for key, item in value.items():
        if key == "@type":
            continue
        assert key in fields, f"{where}: {name} has no field {key!r}"
        check(item, fields[key], f"{where}.{key}")


def check_answer(method: str, path: str, status: int, body: Any) -> None:
    found = find_route(all_routes(), method, path)
    assert found is not None, path
    name = messages(found[0].name)[1]
    where = f"{method} {path}"
    if status >= 400:
        message(body["error"], "Status", where)
    elif name is not None and name != "Empty":
        message(body, name, where)
    else:
        assert body in ({}, None) or name is None, f"{where}: {body!r:.80}"


@pytest.fixture
async def checked_world(emulator: Emulator) -> AsyncIterator[tuple[World, list[str]]]:
    seen: list[str] = []

    async def validate(request: aiohttp.ClientRequest, handler: Handler) -> Any:
        response = await handler(request)
        if "json" in response.content_type and request.url.query.get("alt") != "sse":
            raw = await response.read()
            body = json.loads(raw) if raw.strip() else None
            check_answer(request.method, request.url.path, response.status, body)
            seen.append(request.url.path)
        return response

    async with (
        aiohttp.ClientSession(middlewares=(validate,)) as session,
        Client(api_key="test-key", base_url=emulator.url, http_session=session) as client,
    ):
        yield World(client, emulator), seen


@pytest.mark.parametrize("method_id", sorted(GENERATED))
async def test_every_answer_fits_the_api_description(
    method_id: str, checked_world: tuple[World, list[str]]
) -> None:
    world, seen = checked_world
    await CASES[method_id](world)
    assert seen or "stream" in method_id.lower()


@pytest.mark.parametrize("model", ["gemini-2.5-flash", "gemini-3-pro-preview", "gemini-2.0-flash"])
@pytest.mark.parametrize("alt", ["sse", None])
async def test_stream_chunks_fit_the_api_description(
    emulator: Emulator, model: str, alt: str | None
) -> None:
    path = f"/v1beta/models/{model}:streamGenerateContent"
    tools = [{"functionDeclarations": [{"name": "lookup", "parameters": {"type": "OBJECT"}}]}]
    texts = (
        "Tell me a story",
        "Please lookup the weather",
        "EMULATOR_BLOCK_PROMPT",
        "EMULATOR_PROHIBITED_PROMPT",
        "Tell me a story EMULATOR_SAFETY_STOP",
    )
    for text in texts:
        request = {
            "contents": [{"role": "user", "parts": [{"text": text}]}],
            "tools": tools,
            "generationConfig": {"thinkingConfig": {"includeThoughts": True}},
        }
        params = {"alt": alt} if alt else {}
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                emulator.url + path, json=request, params=params, headers={"x-goog-api-key": "k"}
            ) as response,
        ):
            raw = (await response.read()).decode()
        if alt:
            chunks = [json.loads(b.strip()[5:]) for b in raw.split("\r\n\r\n") if b.strip()]
        else:
            chunks = json.loads(raw)
        assert chunks
        for chunk in chunks:
            message(chunk, "GenerateContentResponse", f"{model} {text!r}")


async def test_the_check_catches_a_stray_field(
    checked_world: tuple[World, list[str]], emulator: Emulator
) -> None:
    world, _ = checked_world
    emulator.script("/v1beta/models/*", [{"name": "models/x", "madeUp": 1}], method="GET")
    with pytest.raises(AssertionError, match="Model has no field 'madeUp'"):
        await world.client.models.get("gemini-2.5-flash")
