"""A client asking for ``$alt=json;enum-encoding=int`` on every request (as Google's generated
clients do) works through every method: the emulator answers with integer enums and the SDK
reads them as its enum members."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from genlang_async import Client
from genlang_async import types as T
from genlang_async.emulator import Emulator

from .conftest import GENERATED, World, routes
from .test_every_method import CASES

INT_ENUMS = {"$alt": "json;enum-encoding=int"}

Handler = Callable[[aiohttp.ClientRequest], Awaitable[aiohttp.ClientResponse]]


async def ask_for_int_enums(request: aiohttp.ClientRequest, handler: Handler) -> Any:
    request.url = request.url.update_query(INT_ENUMS)
    return await handler(request)


@pytest.fixture
async def int_world(emulator: Emulator) -> AsyncIterator[World]:
    async with (
        aiohttp.ClientSession(middlewares=(ask_for_int_enums,)) as session,
        Client(api_key="test-key", base_url=emulator.url, http_session=session) as client,
    ):
        yield World(client, emulator)


@pytest.mark.parametrize("method_id", sorted(GENERATED))
async def test_every_method_with_int_enums(
    method_id: str, int_world: World, emulator: Emulator
) -> None:
    await CASES[method_id](int_world)
    assert method_id in routes(emulator)
    sdk_requests = [e for e in emulator.request_log if e.get("route") == method_id]
    assert all(e["query"].get("$alt") == INT_ENUMS["$alt"] for e in sdk_requests)
    failed = [e for e in emulator.request_log if (e["status"] or 500) >= 400]
    assert not failed, failed


async def test_answers_carry_numbers_and_requests_may(emulator: Emulator) -> None:
    """The recorded Go-client request (integer enums in the body) and the numbers back."""
    request = {
        "model": "models/gemini-2.0-flash",
        "contents": [{"parts": [{"text": "Tell me a short story about a cat"}], "role": "user"}],
        "safetySettings": [{"category": 10, "threshold": 3}, {"category": 7, "threshold": 3}],
        "generationConfig": {"candidateCount": 1, "maxOutputTokens": 2048, "temperature": 0.5},
    }
    url = emulator.url + "/v1beta/models/gemini-2.0-flash:generateContent"
    headers = {"x-goog-api-key": "k"}
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=request, params=INT_ENUMS, headers=headers) as r:
            assert r.status == 200
            body = await r.json()
        assert body["candidates"][0]["finishReason"] == 1  # STOP
        assert body["usageMetadata"]["promptTokensDetails"][0]["modality"] == 1  # TEXT
        async with session.post(url, json=request, headers=headers) as r:
            named = await r.json()
        assert named["candidates"][0]["finishReason"] == "STOP"
        stream = url.replace(":generateContent", ":streamGenerateContent")
        async with session.post(stream, json=request, params=INT_ENUMS, headers=headers) as r:
            chunks = json.loads(await r.read())
        assert chunks[-1]["candidates"][0]["finishReason"] == 1
        assert T.GenerateContentResponse.from_dict(chunks[-1]).candidates[0].finish_reason == (  # type: ignore[index]
            T.CandidateFinishReason.STOP
        )
        files = emulator.url + "/v1beta/files"
        async with session.post(
            files, json={"file": {"displayName": "x"}}, params=INT_ENUMS, headers=headers
        ) as r:
            file = (await r.json())["file"]
        assert file["state"] in (1, 2)  # PROCESSING / ACTIVE as numbers
        assert file["source"] == 1  # UPLOADED
