"""Checked by mypy (``[tool.mypy] files``), never run: the fields the API always returns are
typed without ``None`` (``tools/codegen/api/always_returned.json``), so ``mypy --strict``
needs no ``assert x is not None`` for them; the others stay optional."""

from __future__ import annotations

from typing import Any

from typing_extensions import assert_type

from genlang_async import Client
from genlang_async.types import Content, FileState, HarmCategory, Part


async def check(client: Client) -> None:
    file = await client.files.upload(b"data", mime_type="text/plain")
    assert file.name.startswith("files/")
    assert_type(file.uri, str)
    assert_type(file.mime_type, str)
    assert_type(file.size_bytes, int)
    assert_type(file.state, FileState | str)
    assert_type(file.display_name, str | None)  # not always returned: still optional
    part = Part.from_uri(file.uri, file.mime_type)
    assert_type(part, Part)
    got = await client.files.get(file.name)
    assert_type(got.name, str)

    response = await client.models.generate_content("m", contents="x")
    for call in response.function_calls:
        assert_type(call.name, str)
        assert_type(call.args, dict[str, Any])
        print(call.name.upper(), call.args.get("city"))
    for candidate in response.candidates or []:
        assert_type(candidate.content, Content | None)  # absent when blocked: optional
        for rating in candidate.safety_ratings or []:
            assert_type(rating.category, HarmCategory | str)
        if candidate.content is not None:
            assert_type(candidate.content.parts, list[Part])
    usage = response.usage_metadata
    if usage is not None:
        total: int = usage.prompt_token_count + usage.total_token_count
        assert_type(total, int)
        assert_type(usage.candidates_token_count, int | None)

    embedded = await client.models.embed_content("m", content="x")
    assert_type(embedded.embedding.values, list[float])
    size: int = len(embedded.embedding.values)
    batch = await client.models.batch_embed_contents("m", requests=[{"content": "x"}])
    vectors: list[list[float]] = [e.values for e in batch.embeddings]
    counted = await client.models.count_tokens("m", contents="x")
    assert_type(counted.total_tokens, int)

    model = await client.models.get("gemini-2.5-flash")
    assert model.name.startswith("models/")
    assert_type(model.version, str)
    assert_type(model.base_model_id, str | None)  # required by the spec, not returned

    cached = await client.cached_contents.get("c")
    assert_type(cached.name, str)
    assert_type(cached.model, str)
    async for listed in client.files.list():
        assert_type(listed.name, str)
    print(size, vectors)
