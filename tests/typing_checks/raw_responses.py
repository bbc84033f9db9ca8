"""Checked by mypy (``[tool.mypy] files``), never run: ``with_raw_response`` keeps each
method's parameters and types its result, ``APIResponse[<what the method returns>]``, for
the generated namespaces and the hand-written ones (an ``async def`` method's result, a
``list`` method's first ``Page``, a stream opened)."""

from __future__ import annotations

from typing import Any

import attrs
from typing_extensions import assert_type

from genlang_async import (
    APIResponse,
    BatchJob,
    Client,
    GenerateContentStream,
    Operation,
    Page,
    ParsedResponse,
    StructuredStream,
    ToolStream,
)
from genlang_async.types import (
    BatchEmbedContentsResponse,
    CachedContent,
    Chunk,
    ContentEmbedding,
    CreateFileResponse,
    EmbedContentResponse,
    File,
    GenerateContentResponse,
    Model,
    Permission,
    TunedModel,
)


@attrs.define
class Answer:
    text: str


async def check(client: Client) -> None:
    raw = await client.models.with_raw_response.generate_content("m", contents="Hi")
    assert_type(raw, APIResponse[GenerateContentResponse])
    assert_type(raw.parse(), GenerateContentResponse)
    parsed = await client.models.with_raw_response.generate_content(
        "m", contents="Hi", response_schema=Answer
    )
    assert_type(parsed.parse(), ParsedResponse[Answer])
    assert_type(
        await client.models.with_raw_response.stream_generate_content("m", contents="Hi"),
        APIResponse[GenerateContentStream[GenerateContentResponse] | ToolStream],
    )
    assert_type(
        await client.models.with_raw_response.stream_generate_content(
            "m", contents="Hi", response_schema=Answer
        ),
        APIResponse[StructuredStream[Answer]],
    )
    assert_type(
        await client.tuned_models.with_raw_response.stream_generate_content("t", contents="Hi"),
        APIResponse[GenerateContentStream[GenerateContentResponse]],
    )
    assert_type(await client.models.with_raw_response.get("m"), APIResponse[Model])
    assert_type(await client.models.with_raw_response.list(page_size=5), APIResponse[Page[Model]])
    assert_type(
        await client.models.with_raw_response.embed_content("m", content="x"),
        APIResponse[EmbedContentResponse],
    )
    assert_type(
        await client.models.with_raw_response.batch_embed_contents("m", requests=[]),
        APIResponse[BatchEmbedContentsResponse],
    )
    assert_type(
        await client.models.with_raw_response.embed_many("m", ["a", "b"]),
        APIResponse[list[ContentEmbedding]],
    )
    assert_type(
        await client.tuned_models.with_raw_response.create(display_name="t"),
        APIResponse[Operation[TunedModel]],
    )
    assert_type(
        await client.tuned_models.operations.with_raw_response.get("t/operations/o"),
        APIResponse[Operation[TunedModel]],
    )
    assert_type(
        await client.tuned_models.permissions.with_raw_response.list("tunedModels/t"),
        APIResponse[Page[Permission]],
    )
    assert_type(
        await client.corpora.documents.chunks.with_raw_response.get(
            "corpora/c/documents/d/chunks/x"
        ),
        APIResponse[Chunk],
    )
    assert_type(
        await client.cached_contents.with_raw_response.delete("c", timeout=3.0),
        APIResponse[None],
    )
    assert_type(await client.cached_contents.with_raw_response.get("c"), APIResponse[CachedContent])
    assert_type(
        await client.files.with_raw_response.upload(b"x", mime_type="text/plain"), APIResponse[File]
    )
    assert_type(await client.files.with_raw_response.get("f"), APIResponse[File])
    assert_type(await client.media.with_raw_response.upload(b"x"), APIResponse[CreateFileResponse])
    assert_type(
        await client.batches.with_raw_response.attach("batches/b"), APIResponse[BatchJob[Any]]
    )
    assert_type(
        await client.operations.with_raw_response.get("batches/b"), APIResponse[Operation[Any]]
    )
    await client.models.with_raw_response.get("m", page_size=3)  # type: ignore[call-arg]
    await client.models.with_raw_response.generate_content(1, contents="x")  # type: ignore[call-overload]
