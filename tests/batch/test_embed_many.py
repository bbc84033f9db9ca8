"""``client.models.embed_many`` against the emulator: order, grouping, retries, progress."""

from __future__ import annotations

from array import array
from typing import Any

import pytest

from genlang_async import (
    BadRequestError,
    Client,
    MalformedResponseError,
    NotFoundError,
    RateLimitError,
)
from genlang_async.emulator import Emulator
from genlang_async.types import ContentEmbedding, EmbedContentRequest

EMBEDDER = "gemini-embedding-001"


def float32(embedding: ContentEmbedding) -> array[float]:
    """The vector as float32 numbers: a binary answer carries them exactly, a JSON answer as
    their shortest decimal text (the same numbers once read as float32)."""
    return array("f", embedding.values)


def calls(emulator: Emulator) -> list[dict[str, Any]]:
    return [r for r in emulator.request_log if r["path"].endswith(":batchEmbedContents")]


async def test_every_text_in_input_order_in_groups_of_batch_size(
    client: Client, emulator: Emulator
) -> None:
    texts = [f"note {i} about {'rivers' if i % 2 else 'hills'}" for i in range(250)]
    progress: list[tuple[int, int]] = []
    embeddings = await client.models.embed_many(
        EMBEDDER, texts, concurrency=3, progress=lambda done, total: progress.append((done, total))
    )
    assert len(embeddings) == 250
    assert all(isinstance(e, ContentEmbedding) for e in embeddings)
    assert len(calls(emulator)) == 3  # 100 + 100 + 50
    for index in (0, 99, 100, 249):
        single = await client.models.embed_content(EMBEDDER, content=texts[index])
        assert float32(embeddings[index]) == float32(single.embedding)
    assert sorted(progress) == progress
    assert progress[-1] == (250, 250)
    assert client.connections_in_use == 0


async def test_inputs_may_be_requests_or_dicts(client: Client) -> None:
    typed = EmbedContentRequest.from_dict({"content": {"parts": [{"text": "typed"}]}})
    wire = {"content": {"parts": [{"text": "wire"}]}, "outputDimensionality": 64}
    first, second, third = await client.models.embed_many(EMBEDDER, ["plain", typed, wire])
    assert len(first.values or []) == len(second.values or []) == 768
    assert len(third.values or []) == 64
    single = await client.models.embed_content(EMBEDDER, content="typed")
    assert float32(second) == float32(single.embedding)


async def test_each_call_is_retried_on_its_own(client: Client, emulator: Emulator) -> None:
    emulator.faults.fail("/v1beta/models/*:batchEmbedContents", status=429, times=2, retry_after=0)
    embeddings = await client.models.embed_many(
        EMBEDDER, [str(i) for i in range(30)], batch_size=10
    )
    assert len(embeddings) == 30
    statuses = [c["status"] for c in calls(emulator)]
    assert statuses.count(429) == 2
    assert statuses.count(200) == 3


async def test_a_call_that_keeps_failing_raises(client: Client, emulator: Emulator) -> None:
    # 400 twice: the binary call, then the same call as JSON (see the next tests)
    emulator.faults.fail("/v1beta/models/*:batchEmbedContents", status=400, times=2)
    with pytest.raises(BadRequestError):
        await client.models.embed_many(EMBEDDER, ["a", "b"], batch_size=1, concurrency=1)


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        ({"batch_size": 101}, ValueError, "batch_size must be between 1 and 100"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"concurrency": 0}, ValueError, "concurrency must be >= 1"),
        ({"concurrency": True}, TypeError, "concurrency must be an int"),
        ({"texts": "abc"}, TypeError, "texts must be a list"),
        ({"texts": ["ok", 3]}, TypeError, r"texts\[1\] must be a str"),
        ({"progress": 5}, TypeError, "progress must be callable"),
        ({"model": "files/x"}, ValueError, "model"),
        ({"wire": "xml"}, ValueError, "wire must be 'proto' or 'json'"),
    ],
)
async def test_bad_arguments_fail_before_anything_is_sent(
    client: Client, emulator: Emulator, kwargs: dict[str, Any], error: type[Exception], text: str
) -> None:
    arguments: dict[str, Any] = {"model": EMBEDDER, "texts": ["a"], **kwargs}
    with pytest.raises(error, match=text):
        await client.models.embed_many(**arguments)
    assert emulator.request_log == []


async def test_no_texts_no_calls(client: Client, emulator: Emulator) -> None:
    assert await client.models.embed_many(EMBEDDER, iter([])) == []
    assert emulator.request_log == []


async def test_answers_come_in_binary_unless_json_is_asked_for(
    client: Client, emulator: Emulator
) -> None:
    texts = ["rivers and hills", "towns"]
    binary = await client.models.embed_many(EMBEDDER, texts)
    as_json = await client.models.embed_many(EMBEDDER, texts, wire="json")
    first, second = calls(emulator)
    assert first["query"] == {"alt": "proto"}
    assert second["query"] == {}
    assert [float32(e) for e in binary] == [float32(e) for e in as_json]
    assert binary != as_json  # JSON's decimal text is not the float32 number itself
    assert all(type(v) is float for v in binary[0].values)
    assert type(binary[0].values) is list


async def test_embed_content_reads_a_binary_answer_when_asked_for_one(client: Client) -> None:
    binary = await client.models.embed_content(
        EMBEDDER, content="rivers", extra_query={"alt": "proto"}
    )
    plain = await client.models.embed_content(EMBEDDER, content="rivers")
    assert len(binary.embedding.values) == 768
    assert float32(binary.embedding) == float32(plain.embedding)


async def test_errors_of_binary_calls_are_typed_with_their_details(
    client: Client, emulator: Emulator
) -> None:
    with pytest.raises(NotFoundError, match="is not found") as missing:
        await client.models.embed_many("gemini-embedding-404", ["a"])
    assert missing.value.status == "NOT_FOUND"
    emulator.faults.fail("/v1beta/models/*:batchEmbedContents", status=429, retry_after=7)
    with pytest.raises(RateLimitError) as limited:
        await client.with_options(max_retries=0).models.embed_many(EMBEDDER, ["a"])
    assert limited.value.status == "RESOURCE_EXHAUSTED"
    assert limited.value.retry_after == 7
    assert emulator.request_log[-1]["query"] == {"alt": "proto"}


async def test_a_broken_binary_answer_is_a_typed_error(client: Client, emulator: Emulator) -> None:
    emulator.faults.malformed("/v1beta/models/*:batchEmbedContents")  # half the body
    with pytest.raises(MalformedResponseError, match="BatchEmbedContentsResponse"):
        await client.models.embed_many(EMBEDDER, ["rivers", "hills", "towns"])


async def test_the_emulator_answers_in_binary_for_embeddings_only(client: Client) -> None:
    with pytest.raises(BadRequestError, match="alt=proto for embedContent and batchEmbed"):
        await client.models.get("gemini-2.5-flash", extra_query={"alt": "proto"})


async def test_a_server_that_refuses_binary_gets_json_from_then_on(
    client: Client, emulator: Emulator
) -> None:
    emulator.faults.fail("/v1beta/models/*:batchEmbedContents", status=400, times=1)
    texts = [f"note {i}" for i in range(30)]
    embeddings = await client.models.embed_many(EMBEDDER, texts, batch_size=10, concurrency=1)
    assert len(embeddings) == 30
    log = calls(emulator)
    assert [(c["status"], c["query"]) for c in log] == [
        (400, {"alt": "proto"}),
        *[(200, {})] * 3,
    ]
    single = await client.models.embed_content(EMBEDDER, content=texts[29])
    assert embeddings[29] == single.embedding  # JSON both: the same numbers exactly


async def test_an_input_the_api_rejects_fails_as_json_too(
    client: Client, emulator: Emulator
) -> None:
    with pytest.raises(BadRequestError, match="output_dimensionality"):
        await client.models.embed_many(
            EMBEDDER, [{"content": {"parts": [{"text": "x"}]}, "outputDimensionality": 99999}]
        )
    assert [c["query"] for c in calls(emulator)] == [{"alt": "proto"}, {}]
