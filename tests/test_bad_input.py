"""Bad input and habits from other SDKs: a clear local error naming the argument (and a hint
where one helps), with nothing sent."""

from __future__ import annotations

from typing import Any

import pytest

from genlang_async import Client
from genlang_async.emulator import Emulator
from genlang_async.emulator.pytest_plugin import client, emulator, emulator_settings

__all__ = ["client", "emulator", "emulator_settings"]  # the plugin's fixtures, used here

MODEL = "gemini-2.5-flash"
EMBED = "gemini-embedding-001"


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        (
            {"generation_config": {"temperature": "hot"}},
            TypeError,
            "generation_config.temperature must be a number, not str 'hot'",
        ),
        (
            {"generation_config": {"candidateCount": 1.5}},
            TypeError,
            "generation_config.candidate_count must be an int",
        ),
        (
            {"contents": [{"role": "user", "parts": [{"text": 5}]}]},
            TypeError,
            r"contents\[0\].parts\[0\].text must be a str, not int 5",
        ),
        (
            {"tools": [{"functionDeclarations": [{"name": 7}]}]},
            TypeError,
            r"tools\[0\].function_declarations\[0\].name must be a str",
        ),
        ({"contents": ""}, ValueError, "contents must not be empty"),
        ({"contents": "a\ud800b"}, ValueError, r"contents\[0\].parts\[0\].text holds a lone"),
        ({"config": {"temperature": 0.1}}, TypeError, "generation_config=, system_instruction="),
    ],
)
async def test_generate_content_refuses_bad_input_locally(
    client: Client, emulator: Emulator, arguments: dict[str, Any], error: type, message: str
) -> None:
    arguments = {"contents": "hi", **arguments}
    with pytest.raises(error, match=message):
        await client.models.generate_content(MODEL, **arguments)
    assert emulator.request_log == []


async def test_awaiting_a_stream_says_how_to_use_it(client: Client, emulator: Emulator) -> None:
    with pytest.raises(TypeError, match="a stream is not awaited: open it with `async with"):
        await client.models.stream_generate_content(MODEL, contents="hi")  # type: ignore[misc]
    with pytest.raises(TypeError, match="generation_config="):
        client.models.stream_generate_content(MODEL, contents="hi", config={})  # type: ignore[call-overload]
    assert emulator.request_log == []


@pytest.mark.parametrize("size", [-1, 0])
async def test_page_size_must_be_positive(client: Client, emulator: Emulator, size: int) -> None:
    with pytest.raises(ValueError, match="page_size must be at least 1"):
        client.models.list(page_size=size)
    assert emulator.request_log == []


def test_client_arguments_are_typed() -> None:
    with pytest.raises(TypeError, match="api_key must be a str, not int"):
        Client(api_key=123)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="base_url must be a str"):
        Client(api_key="k", base_url=8765)  # type: ignore[arg-type]


async def test_embed_content_is_one_input(client: Client, emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="one embedding per text use batch_embed_contents"):
        await client.models.embed_content(EMBED, content=["a", "b"])
    with pytest.raises(TypeError, match=r"for several inputs .* batch_embed_contents"):
        await client.models.embed_content(EMBED, contents=["a", "b"])  # type: ignore[call-arg]
    assert emulator.request_log == []
    one = await client.models.embed_content(EMBED, content="a")
    assert one.embedding is not None


async def test_bare_model_ids_inside_batch_embed_requests_are_completed(
    client: Client, emulator: Emulator
) -> None:
    requests = [
        {"model": EMBED, "content": {"parts": [{"text": "a"}]}},
        {"model": f"models/{EMBED}", "content": {"parts": [{"text": "b"}]}},
        {"content": {"parts": [{"text": "c"}]}},
    ]
    response = await client.models.batch_embed_contents(EMBED, requests=requests)
    assert response.embeddings is not None
    assert len(response.embeddings) == 3
