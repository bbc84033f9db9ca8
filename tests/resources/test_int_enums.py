"""A client asking for ``$alt=json;enum-encoding=int`` on every request (as Google's generated
clients do) works through every method: the emulator answers with integer enums and the SDK
reads them as its enum members."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
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


UNNUMBERED: dict[str, list[str]] = json.loads(
    (Path(__file__).parents[2] / "tools" / "codegen" / "api" / "enum_numbers.json").read_text()
)["unnumbered"]["enums"]


async def test_enums_without_published_numbers_travel_as_names(
    int_world: World, emulator: Emulator
) -> None:
    """The enums no published proto numbers (``unnumbered`` in enum_numbers.json) stay names
    under ``enum-encoding=int``, in requests and answers, and the SDK reads them."""
    assert set(UNNUMBERED) == {
        "BatchState",
        "CandidateFinishReason",  # only MISSING_THOUGHT_SIGNATURE
        "DocumentState",
        "GeneratedFileState",
        "MediaResolutionLevel",
        "ThinkingConfigThinkingLevel",
    }
    w = int_world
    # requests: thinking level and media resolution level, by name, accepted as such
    r = await w.client.models.generate_content(
        "gemini-3-flash-preview",
        contents=[
            {
                "role": "user",
                "parts": [
                    {"text": "Describe it"},
                    {
                        "inline_data": {"mime_type": "image/png", "data": b"\x89PNG"},
                        "media_resolution": {"level": "MEDIA_RESOLUTION_HIGH"},
                    },
                ],
            }
        ],
        generation_config={"thinking_config": {"thinking_level": "LOW"}},
    )
    assert r.candidates[0].finish_reason == T.CandidateFinishReason.STOP  # type: ignore[index]
    sent = [e for e in emulator.request_log if e.get("route") == "models.generateContent"][-1]
    assert sent["query"]["$alt"] == INT_ENUMS["$alt"]
    # answers: batch, document and generated-file states come back as names
    headers = {"x-goog-api-key": "k"}
    batch, (document, _), generated = (
        await w.batch(),
        await w.store_document(),
        await w.generated_file(),
    )
    async with aiohttp.ClientSession() as session:
        raw: dict[str, Any] = {}
        for name in (batch, document, generated):
            url = f"{emulator.url}/v1beta/{name}"
            async with session.get(url, params=INT_ENUMS, headers=headers) as response:
                assert response.status == 200
                raw[name] = await response.json()
    assert raw[batch]["metadata"]["state"] in UNNUMBERED["BatchState"]
    assert raw[document]["state"] == "STATE_ACTIVE"
    assert raw[generated]["state"] == "GENERATED"
    op = await w.client.batches.get(batch)
    metadata = T.GenerateContentBatch.from_dict(op.metadata or {})
    assert isinstance(metadata.state, T.BatchState)
    doc = await w.client.file_search_stores.documents.get(document)
    assert doc.state == T.DocumentState.STATE_ACTIVE
    file = await w.client.generated_files.get(generated)
    assert file.state == T.GeneratedFileState.GENERATED


async def test_an_integer_for_an_unnumbered_enum_is_refused(emulator: Emulator) -> None:
    """The emulator cannot know what number the live API gives a thinking level: it says so
    (a numbered enum's integer is read, see above)."""
    body = {
        "contents": [{"role": "user", "parts": [{"text": "x"}]}],
        "generationConfig": {"thinkingConfig": {"thinkingLevel": 2}},
    }
    url = emulator.url + "/v1beta/models/gemini-3-flash-preview:generateContent"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=body, params=INT_ENUMS, headers={"x-goog-api-key": "k"}) as r,
    ):
        assert r.status == 400
        message = (await r.json())["error"]["message"]
    assert message == (
        "Invalid value 2 for enum ThinkingConfigThinkingLevel: no published proto numbers its "
        "values, so the emulator reads them only by name."
    )
