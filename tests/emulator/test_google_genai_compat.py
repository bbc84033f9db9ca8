"""The official google-genai client, pointed at the emulator, works end to end."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

genai = pytest.importorskip("google.genai")
types = pytest.importorskip("google.genai.types")

MODEL = "gemini-2.5-flash"

# google-genai subclasses aiohttp.ClientSession, which aiohttp flags; not our concern here.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Inheritance class .* from ClientSession is discouraged:DeprecationWarning"
)


@pytest.fixture
async def aio(emulator: Any) -> AsyncIterator[Any]:
    client = genai.Client(
        api_key="x",
        http_options=types.HttpOptions(base_url=emulator.url, api_version="v1beta"),
    )
    async with client.aio as aclient:
        yield aclient


async def test_generate_stream_and_count(aio: Any) -> None:
    response = await aio.models.generate_content(model=MODEL, contents="Hello emulator")
    assert "Hello emulator" in response.text
    assert response.usage_metadata.prompt_token_count > 0
    chunks = [
        c
        async for c in await aio.models.generate_content_stream(
            model=MODEL, contents="Hello emulator"
        )
    ]
    assert len(chunks) == 3
    assert "".join(c.text for c in chunks) == response.text
    counted = await aio.models.count_tokens(model=MODEL, contents="Hello emulator")
    assert counted.total_tokens == response.usage_metadata.prompt_token_count


async def test_structured_output_and_function_call(aio: Any) -> None:
    config = types.GenerateContentConfig(
        response_mime_type="application/json",
        response_schema={
            "type": "OBJECT",
            "properties": {"n": {"type": "INTEGER"}},
            "required": ["n"],
        },
    )
    response = await aio.models.generate_content(model=MODEL, contents="num", config=config)
    assert isinstance(response.parsed["n"], int)

    def get_weather(city: str) -> str:
        """Weather for a city."""
        return "sunny"

    tool_config = types.GenerateContentConfig(
        tools=[
            types.Tool(
                function_declarations=[
                    types.FunctionDeclaration(
                        name="get_weather",
                        description="Weather",
                        parameters=types.Schema(
                            type="OBJECT", properties={"city": types.Schema(type="STRING")}
                        ),
                    )
                ]
            )
        ],
    )
    call = await aio.models.generate_content(
        model=MODEL, contents="use get_weather", config=tool_config
    )
    assert call.function_calls[0].name == "get_weather"


async def test_embed_and_models(aio: Any) -> None:
    result = await aio.models.embed_content(
        model="gemini-embedding-001", contents=["a cat", "a dog"]
    )
    assert len(result.embeddings) == 2
    assert len(result.embeddings[0].values) == 768
    model = await aio.models.get(model=MODEL)
    assert model.name == f"models/{MODEL}"
    assert model.input_token_limit
    names = [m.name async for m in await aio.models.list()]
    assert len(names) > 50
    assert "models/aqa" in names


async def test_files(aio: Any) -> None:
    uploaded = await aio.files.upload(
        file=io.BytesIO(b"hello files"), config={"mime_type": "text/plain", "display_name": "hi"}
    )
    assert uploaded.size_bytes == 11
    assert uploaded.state.name == "ACTIVE"
    fetched = await aio.files.get(name=uploaded.name)
    assert fetched.display_name == "hi"
    names = [f.name async for f in await aio.files.list()]
    assert uploaded.name in names
    await aio.files.delete(name=uploaded.name)
    with pytest.raises(genai.errors.ClientError):
        await aio.files.get(name=uploaded.name)


async def test_caches(aio: Any) -> None:
    cache = await aio.caches.create(
        model=MODEL,
        config=types.CreateCachedContentConfig(
            contents=[types.Content(role="user", parts=[types.Part(text="big context")])],
            ttl="300s",
            display_name="c",
        ),
    )
    assert cache.name.startswith("cachedContents/")
    assert cache.usage_metadata.total_token_count
    assert (await aio.caches.get(name=cache.name)).display_name == "c"
    assert [c.name async for c in await aio.caches.list()] == [cache.name]
    response = await aio.models.generate_content(
        model=MODEL, contents="q", config=types.GenerateContentConfig(cached_content=cache.name)
    )
    assert response.usage_metadata.cached_content_token_count
    await aio.caches.delete(name=cache.name)


async def test_batches(aio: Any) -> None:
    job = await aio.batches.create(
        model=MODEL,
        src=[
            {"contents": [{"parts": [{"text": "first"}], "role": "user"}]},
            {"contents": [{"parts": [{"text": "second"}], "role": "user"}]},
        ],
    )
    assert job.name.startswith("batches/")
    done = await aio.batches.get(name=job.name)
    assert done.state.name == "JOB_STATE_SUCCEEDED"
    responses = done.dest.inlined_responses
    assert len(responses) == 2
    assert "first" in responses[0].response.text


async def test_file_batch_output_downloads_through_google_genai(aio: Any) -> None:
    lines = b"".join(
        b'{"key": "k%d", "request": {"contents": [{"parts": [{"text": "q%d"}]}]}}\n' % (i, i)
        for i in range(3)
    )
    uploaded = await aio.files.upload(
        file=io.BytesIO(lines), config=types.UploadFileConfig(mime_type="jsonl")
    )
    job = await aio.batches.create(model=MODEL, src=uploaded.name)
    done = await aio.batches.get(name=job.name)
    assert done.state.name == "JOB_STATE_SUCCEEDED"
    content = await aio.files.download(file=done.dest.file_name)
    keys = [json.loads(line)["key"] for line in content.splitlines()]
    assert keys == ["k0", "k1", "k2"]
