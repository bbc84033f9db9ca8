"""Every generated method, called once over HTTP against the emulator, with the type of its
result checked.

The list of methods comes from the API description: a method added there (and so generated)
without a case here fails ``test_every_generated_method_has_a_case``.
"""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from genlang_async import AsyncPager, Client, GenerateContentStream, Operation
from genlang_async import types as T
from genlang_async.emulator import Emulator

from .conftest import EMBEDDER, GENERATED, MODEL, World, routes

Case = Callable[[World], Awaitable[None]]
CASES: dict[str, Case] = {}


def case(method_id: str) -> Callable[[Case], Case]:
    def register(func: Case) -> Case:
        assert method_id not in CASES, method_id
        CASES[method_id] = func
        return func

    return register


async def items_of(pager: Any, cls: type) -> list[Any]:
    assert isinstance(pager, AsyncPager)
    items = [item async for item in pager]
    assert items, "expected at least one item"
    assert all(isinstance(item, cls) for item in items), items
    return items


async def chunks_of(stream: Any) -> list[T.GenerateContentResponse]:
    assert isinstance(stream, GenerateContentStream)
    async with stream:
        chunks = [chunk async for chunk in stream]
    assert chunks
    assert all(isinstance(c, T.GenerateContentResponse) for c in chunks)
    return chunks


async def finished(op: Any, cls: type | None) -> Any:
    assert isinstance(op, Operation), op
    result = await op.wait(timeout=5, poll_interval=0.01)
    if cls is not None:
        assert isinstance(result, cls), result
    return result


# -- models ---------------------------------------------------------------------------------


@case("models.get")
async def _(w: World) -> None:
    model = await w.client.models.get(MODEL)
    assert isinstance(model, T.Model)
    assert model.name == f"models/{MODEL}"


@case("models.list")
async def _(w: World) -> None:
    await items_of(w.client.models.list(page_size=40), T.Model)


@case("models.generateContent")
async def _(w: World) -> None:
    r = await w.client.models.generate_content(MODEL, contents="Hi there")
    assert isinstance(r, T.GenerateContentResponse)
    assert "Hi there" in r.text


@case("models.streamGenerateContent")
async def _(w: World) -> None:
    chunks = await chunks_of(w.client.models.stream_generate_content(MODEL, contents="Hi"))
    assert "Hi" in "".join(c.text for c in chunks)


@case("models.countTokens")
async def _(w: World) -> None:
    r = await w.client.models.count_tokens(MODEL, contents="one two three")
    assert isinstance(r, T.CountTokensResponse)
    assert r.total_tokens == 3
    # generateContentRequest.model is filled from the path
    r2 = await w.client.models.count_tokens(
        MODEL, generate_content_request={"contents": [{"parts": [{"text": "one two"}]}]}
    )
    assert r2.total_tokens == 2


@case("models.embedContent")
async def _(w: World) -> None:
    r = await w.client.models.embed_content(EMBEDDER, content="hello world")
    assert isinstance(r, T.EmbedContentResponse)
    assert r.embedding is not None
    assert len(r.embedding.values or []) == 768


@case("models.batchEmbedContents")
async def _(w: World) -> None:
    # each request's ``model`` is filled from the path when left out
    r = await w.client.models.batch_embed_contents(
        EMBEDDER,
        requests=[
            {"content": {"parts": [{"text": "a"}]}},
            T.EmbedContentRequest(content=T.Content(parts=[T.Part(text="b")])),
        ],
    )
    assert isinstance(r, T.BatchEmbedContentsResponse)
    assert len(r.embeddings or []) == 2


@case("models.generateAnswer")
async def _(w: World) -> None:
    r = await w.client.models.generate_answer(
        "aqa",
        contents="What colour is the sky?",
        answer_style="ABSTRACTIVE",
        inline_passages={
            "passages": [{"id": "p1", "content": {"parts": [{"text": "The sky is blue."}]}}]
        },
    )
    assert isinstance(r, T.GenerateAnswerResponse)
    assert r.answer is not None


@case("models.generateText")
async def _(w: World) -> None:
    r = await w.client.models.generate_text("text-bison-001", prompt={"text": "Hello"})
    assert isinstance(r, T.GenerateTextResponse)
    assert r.candidates


@case("models.generateMessage")
async def _(w: World) -> None:
    r = await w.client.models.generate_message(
        "chat-bison-001", prompt={"messages": [{"content": "Hello"}]}
    )
    assert isinstance(r, T.GenerateMessageResponse)
    assert r.candidates


@case("models.countTextTokens")
async def _(w: World) -> None:
    r = await w.client.models.count_text_tokens("text-bison-001", prompt={"text": "a b c"})
    assert isinstance(r, T.CountTextTokensResponse)
    assert r.token_count == 3


@case("models.countMessageTokens")
async def _(w: World) -> None:
    r = await w.client.models.count_message_tokens(
        "chat-bison-001", prompt={"messages": [{"content": "a b"}]}
    )
    assert isinstance(r, T.CountMessageTokensResponse)
    assert r.token_count


@case("models.embedText")
async def _(w: World) -> None:
    r = await w.client.models.embed_text("embedding-gecko-001", text="hello")
    assert isinstance(r, T.EmbedTextResponse)
    assert r.embedding is not None


@case("models.batchEmbedText")
async def _(w: World) -> None:
    r = await w.client.models.batch_embed_text("embedding-gecko-001", texts=["a", "b"])
    assert isinstance(r, T.BatchEmbedTextResponse)
    assert len(r.embeddings or []) == 2
    r2 = await w.client.models.batch_embed_text("embedding-gecko-001", requests=[{"text": "c"}])
    assert len(r2.embeddings or []) == 1


@case("models.predict")
async def _(w: World) -> None:
    r = await w.client.models.predict(
        "imagen-4.0-generate-001", instances=[{"prompt": "a cat"}], parameters={"sampleCount": 2}
    )
    assert isinstance(r, T.PredictResponse)
    assert len(r.predictions or []) == 2


@case("models.predictLongRunning")
async def _(w: World) -> None:
    op = await w.client.models.predict_long_running(
        "veo-3.1-generate-preview", instances=[{"prompt": "a cat"}]
    )
    result = await finished(op, T.PredictLongRunningResponse)
    assert result.generate_video_response is not None


@case("models.batchGenerateContent")
async def _(w: World) -> None:
    from .conftest import inline_generate_batch

    op = await w.client.models.batch_generate_content(MODEL, batch=inline_generate_batch())
    assert op.name.startswith("batches/")
    output = await finished(op, T.GenerateContentBatchOutput)
    assert output.inlined_responses is not None


@case("models.asyncBatchEmbedContent")
async def _(w: World) -> None:
    from .conftest import inline_embed_batch

    op = await w.client.models.async_batch_embed_content(EMBEDDER, batch=inline_embed_batch())
    output = await finished(op, T.EmbedContentBatchOutput)
    assert output.inlined_responses is not None


@case("models.operations.get")
async def _(w: World) -> None:
    name = await w.video_operation()
    op = await w.client.models.operations.get(name)
    await finished(op, T.PredictLongRunningResponse)


@case("models.operations.list")
async def _(w: World) -> None:
    name = await w.video_operation()
    ops = await items_of(w.client.models.operations.list("veo-3.1-generate-preview"), T.Operation)
    assert [op.name for op in ops] == [name]


# -- tuned models ---------------------------------------------------------------------------


@case("tunedModels.create")
async def _(w: World) -> None:
    from .conftest import TUNABLE, TUNING_TASK

    op = await w.client.tuned_models.create(
        base_model=f"models/{TUNABLE}", tuning_task=TUNING_TASK, tuned_model_id="my-tuned"
    )
    assert op.name.startswith("tunedModels/my-tuned/operations/")
    model = await finished(op, T.TunedModel)
    assert model.name == "tunedModels/my-tuned"


@case("tunedModels.get")
async def _(w: World) -> None:
    name = await w.tuned_model()
    model = await w.client.tuned_models.get(name.split("/")[1])  # bare id completed
    assert isinstance(model, T.TunedModel)
    assert model.name == name


@case("tunedModels.list")
async def _(w: World) -> None:
    await w.tuned_model()
    await items_of(w.client.tuned_models.list(), T.TunedModel)


@case("tunedModels.patch")
async def _(w: World) -> None:
    name = await w.tuned_model()
    model = await w.client.tuned_models.patch(name, description="new words")
    assert isinstance(model, T.TunedModel)
    assert model.description == "new words"


@case("tunedModels.delete")
async def _(w: World) -> None:
    name = await w.tuned_model()
    assert await w.client.tuned_models.delete(name) is None


@case("tunedModels.generateContent")
async def _(w: World) -> None:
    r = await w.client.tuned_models.generate_content(await w.tuned_model(), contents="Hey")
    assert isinstance(r, T.GenerateContentResponse)
    assert "Hey" in r.text


@case("tunedModels.batchGenerateContent")
async def _(w: World) -> None:
    from .conftest import inline_generate_batch

    op = await w.client.tuned_models.batch_generate_content(
        await w.tuned_model(), batch=inline_generate_batch()
    )
    output = await finished(op, T.GenerateContentBatchOutput)
    assert output.inlined_responses is not None


@case("tunedModels.asyncBatchEmbedContent")
async def _(w: World) -> None:
    from .conftest import inline_embed_batch

    op = await w.client.tuned_models.async_batch_embed_content(
        await w.tuned_model(), batch=inline_embed_batch()
    )
    output = await finished(op, T.EmbedContentBatchOutput)
    assert output.inlined_responses is not None


@case("dynamic.generateContent")
async def _(w: World) -> None:
    r = await w.client.dynamic.generate_content("gemini-2.5-flash", contents="Hey")
    assert isinstance(r, T.GenerateContentResponse)
    assert "Hey" in (r.text or "")


@case("dynamic.streamGenerateContent")
async def _(w: World) -> None:
    chunks = await chunks_of(
        w.client.dynamic.stream_generate_content("gemini-2.5-flash", contents="Hey")
    )
    assert all(isinstance(chunk, T.GenerateContentResponse) for chunk in chunks)
    assert w.emu.request_log[-1]["query"].get("alt") == "sse"


@case("tunedModels.streamGenerateContent")
async def _(w: World) -> None:
    name = await w.tuned_model()
    await chunks_of(w.client.tuned_models.stream_generate_content(name, contents="Hey"))


@case("tunedModels.generateText")
async def _(w: World) -> None:
    name = await w.tuned_model()
    r = await w.client.tuned_models.generate_text(name, prompt={"text": "Hello"})
    assert isinstance(r, T.GenerateTextResponse)


@case("tunedModels.transferOwnership")
async def _(w: World) -> None:
    name = await w.tuned_model()
    r = await w.client.tuned_models.transfer_ownership(name, email_address="b@example.com")
    assert isinstance(r, T.TransferOwnershipResponse)


@case("tunedModels.operations.get")
async def _(w: World) -> None:
    name = await w.tuned_model()
    ops = [op async for op in w.client.tuned_models.operations.list(name)]
    op = await w.client.tuned_models.operations.get(str(ops[0].name))
    model = await finished(op, T.TunedModel)
    assert model.name == name


@case("tunedModels.operations.list")
async def _(w: World) -> None:
    name = await w.tuned_model()
    await items_of(w.client.tuned_models.operations.list(name), T.Operation)


@case("tunedModels.permissions.create")
async def _(w: World) -> None:
    name = await w.tuned_model()
    p = await w.client.tuned_models.permissions.create(
        name, grantee_type="USER", email_address="c@example.com", role="WRITER"
    )
    assert isinstance(p, T.Permission)
    assert str(p.name).startswith(f"{name}/permissions/")


@case("tunedModels.permissions.get")
async def _(w: World) -> None:
    name = await w.permission(await w.tuned_model())
    assert isinstance(await w.client.tuned_models.permissions.get(name), T.Permission)


@case("tunedModels.permissions.list")
async def _(w: World) -> None:
    parent = await w.tuned_model()
    await w.permission(parent)
    await items_of(w.client.tuned_models.permissions.list(parent), T.Permission)


@case("tunedModels.permissions.patch")
async def _(w: World) -> None:
    name = await w.permission(await w.tuned_model())
    p = await w.client.tuned_models.permissions.patch(name, role="WRITER")
    assert isinstance(p, T.Permission)
    assert p.role == "WRITER"


@case("tunedModels.permissions.delete")
async def _(w: World) -> None:
    name = await w.permission(await w.tuned_model())
    assert await w.client.tuned_models.permissions.delete(name) is None


# -- cached contents ------------------------------------------------------------------------


@case("cachedContents.create")
async def _(w: World) -> None:
    cache = await w.client.cached_contents.create(
        model=MODEL, contents="remember this " * 10, ttl=datetime.timedelta(minutes=5)
    )
    assert isinstance(cache, T.CachedContent)
    assert str(cache.name).startswith("cachedContents/")


@case("cachedContents.get")
async def _(w: World) -> None:
    name = await w.cached_content()
    assert isinstance(await w.client.cached_contents.get(name), T.CachedContent)


@case("cachedContents.list")
async def _(w: World) -> None:
    await w.cached_content()
    await items_of(w.client.cached_contents.list(), T.CachedContent)


@case("cachedContents.patch")
async def _(w: World) -> None:
    name = await w.cached_content()
    cache = await w.client.cached_contents.patch(name, ttl=datetime.timedelta(hours=1))
    assert isinstance(cache, T.CachedContent)


@case("cachedContents.delete")
async def _(w: World) -> None:
    assert await w.client.cached_contents.delete(await w.cached_content()) is None


# -- corpora --------------------------------------------------------------------------------


@case("corpora.create")
async def _(w: World) -> None:
    corpus = await w.client.corpora.create(display_name="facts")
    assert isinstance(corpus, T.Corpus)


@case("corpora.get")
async def _(w: World) -> None:
    assert isinstance(await w.client.corpora.get(await w.corpus()), T.Corpus)


@case("corpora.list")
async def _(w: World) -> None:
    await w.corpus()
    await items_of(w.client.corpora.list(), T.Corpus)


@case("corpora.patch")
async def _(w: World) -> None:
    corpus = await w.client.corpora.patch(await w.corpus(), display_name="renamed")
    assert isinstance(corpus, T.Corpus)
    assert corpus.display_name == "renamed"


@case("corpora.delete")
async def _(w: World) -> None:
    await w.chunk()
    assert await w.client.corpora.delete(await w.corpus(), force=True) is None


@case("corpora.query")
async def _(w: World) -> None:
    await w.chunk()
    r = await w.client.corpora.query(await w.corpus(), query="what colour is the sky")
    assert isinstance(r, T.QueryCorpusResponse)
    assert r.relevant_chunks


@case("corpora.operations.get")
async def _(w: World) -> None:
    corpus = await w.corpus()
    name = w.add_operation(f"{corpus}/operations/op1", {"some": "thing"})
    op = await w.client.corpora.operations.get(name)
    assert await finished(op, dict) == {"some": "thing"}


@case("corpora.permissions.create")
async def _(w: World) -> None:
    corpus = await w.corpus()
    p = await w.client.corpora.permissions.create(corpus, grantee_type="EVERYONE", role="READER")
    assert isinstance(p, T.Permission)


@case("corpora.permissions.get")
async def _(w: World) -> None:
    name = await w.permission(await w.corpus())
    assert isinstance(await w.client.corpora.permissions.get(name), T.Permission)


@case("corpora.permissions.list")
async def _(w: World) -> None:
    corpus = await w.corpus()
    await w.permission(corpus)
    await items_of(w.client.corpora.permissions.list(corpus), T.Permission)


@case("corpora.permissions.patch")
async def _(w: World) -> None:
    name = await w.permission(await w.corpus())
    p = await w.client.corpora.permissions.patch(name, role="WRITER")
    assert p.role == "WRITER"


@case("corpora.permissions.delete")
async def _(w: World) -> None:
    name = await w.permission(await w.corpus())
    assert await w.client.corpora.permissions.delete(name) is None


@case("corpora.documents.create")
async def _(w: World) -> None:
    doc = await w.client.corpora.documents.create(
        await w.corpus(), display_name="doc", custom_metadata=[{"key": "k", "stringValue": "v"}]
    )
    assert isinstance(doc, T.Document)


@case("corpora.documents.get")
async def _(w: World) -> None:
    assert isinstance(await w.client.corpora.documents.get(await w.document()), T.Document)


@case("corpora.documents.list")
async def _(w: World) -> None:
    await w.document()
    await items_of(w.client.corpora.documents.list(await w.corpus()), T.Document)


@case("corpora.documents.patch")
async def _(w: World) -> None:
    doc = await w.client.corpora.documents.patch(await w.document(), display_name="x")
    assert doc.display_name == "x"


@case("corpora.documents.delete")
async def _(w: World) -> None:
    await w.chunk()
    assert await w.client.corpora.documents.delete(await w.document(), force=True) is None


@case("corpora.documents.query")
async def _(w: World) -> None:
    await w.chunk()
    r = await w.client.corpora.documents.query(await w.document(), query="sky")
    assert isinstance(r, T.QueryDocumentResponse)
    assert r.relevant_chunks


@case("corpora.documents.chunks.create")
async def _(w: World) -> None:
    chunk = await w.client.corpora.documents.chunks.create(
        await w.document(), data={"stringValue": "grass is green"}
    )
    assert isinstance(chunk, T.Chunk)


@case("corpora.documents.chunks.get")
async def _(w: World) -> None:
    assert isinstance(await w.client.corpora.documents.chunks.get(await w.chunk()), T.Chunk)


@case("corpora.documents.chunks.list")
async def _(w: World) -> None:
    await w.chunk()
    await items_of(w.client.corpora.documents.chunks.list(await w.document()), T.Chunk)


@case("corpora.documents.chunks.patch")
async def _(w: World) -> None:
    chunk = await w.client.corpora.documents.chunks.patch(
        await w.chunk(), data={"stringValue": "the sea is blue"}
    )
    assert chunk.data is not None
    assert chunk.data.string_value == "the sea is blue"


@case("corpora.documents.chunks.delete")
async def _(w: World) -> None:
    assert await w.client.corpora.documents.chunks.delete(await w.chunk()) is None


@case("corpora.documents.chunks.batchCreate")
async def _(w: World) -> None:
    # each request's ``parent`` is filled from the path when left out
    r = await w.client.corpora.documents.chunks.batch_create(
        await w.document(),
        requests=[
            {"chunk": {"data": {"stringValue": "one"}}},
            {"chunk": {"data": {"stringValue": "two"}}},
        ],
    )
    assert isinstance(r, T.BatchCreateChunksResponse)
    assert len(r.chunks or []) == 2


@case("corpora.documents.chunks.batchUpdate")
async def _(w: World) -> None:
    name = await w.chunk()
    r = await w.client.corpora.documents.chunks.batch_update(
        await w.document(),
        requests=[
            {"chunk": {"name": name, "data": {"stringValue": "changed"}}, "updateMask": "data"}
        ],
    )
    assert isinstance(r, T.BatchUpdateChunksResponse)
    assert r.chunks
    assert r.chunks[0].data is not None
    assert r.chunks[0].data.string_value == "changed"


@case("corpora.documents.chunks.batchDelete")
async def _(w: World) -> None:
    name = await w.chunk()
    r = await w.client.corpora.documents.chunks.batch_delete(
        await w.document(), requests=[{"name": name}]
    )
    assert r is None


# -- files, generated files -----------------------------------------------------------------


@case("files.get")
async def _(w: World) -> None:
    name = await w.file()
    file = await w.client.files.get(name.split("/")[1])
    assert isinstance(file, T.File)
    assert file.name == name


@case("files.list")
async def _(w: World) -> None:
    await w.file()
    await items_of(w.client.files.list(), T.File)


@case("files.delete")
async def _(w: World) -> None:
    assert await w.client.files.delete(await w.file()) is None


@case("generatedFiles.list")
async def _(w: World) -> None:
    await w.video_operation()
    await items_of(w.client.generated_files.list(), T.GeneratedFile)


@case("generatedFiles.get")
async def _(w: World) -> None:
    name = await w.generated_file()
    assert isinstance(await w.client.generated_files.get(name), T.GeneratedFile)


@case("generatedFiles.operations.get")
async def _(w: World) -> None:
    name = await w.generated_file()
    op_name = next(o for o in w.emu.state.operations if o.startswith(f"{name}/operations/"))
    op = await w.client.generated_files.operations.get(op_name)
    assert isinstance(op, Operation)
    assert op.done


# -- batches --------------------------------------------------------------------------------


@case("batches.list")
async def _(w: World) -> None:
    name = await w.batch()
    ops = await items_of(w.client.batches.list(), T.Operation)
    assert name in [op.name for op in ops]


@case("batches.get")
async def _(w: World) -> None:
    op = await w.client.batches.get(await w.batch())
    assert isinstance(op, Operation)
    await finished(op, T.GenerateContentBatchOutput)
    op = await w.client.batches.get(await w.batch("embed"))
    await finished(op, T.EmbedContentBatchOutput)


@case("batches.cancel")
async def _(w: World) -> None:
    w.emu.settings.operation_delay = 60
    name = await w.batch()
    assert await w.client.batches.cancel(name) is None
    op = await w.client.batches.get(name)
    assert op.done
    assert op.metadata is not None
    assert op.metadata["state"] == "BATCH_STATE_CANCELLED"


@case("batches.delete")
async def _(w: World) -> None:
    assert await w.client.batches.delete(await w.batch()) is None


@case("batches.updateGenerateContentBatch")
async def _(w: World) -> None:
    w.emu.settings.operation_delay = 60
    r = await w.client.batches.update_generate_content_batch(
        await w.batch(), display_name="renamed"
    )
    assert isinstance(r, T.GenerateContentBatch)
    assert r.display_name == "renamed"


@case("batches.updateEmbedContentBatch")
async def _(w: World) -> None:
    w.emu.settings.operation_delay = 60
    r = await w.client.batches.update_embed_content_batch(await w.batch("embed"), priority=5)
    assert isinstance(r, T.EmbedContentBatch)
    assert r.priority == 5


# -- file search stores ---------------------------------------------------------------------


@case("fileSearchStores.create")
async def _(w: World) -> None:
    store = await w.client.file_search_stores.create(display_name="kb")
    assert isinstance(store, T.FileSearchStore)


@case("fileSearchStores.get")
async def _(w: World) -> None:
    assert isinstance(await w.client.file_search_stores.get(await w.store()), T.FileSearchStore)


@case("fileSearchStores.list")
async def _(w: World) -> None:
    await w.store()
    await items_of(w.client.file_search_stores.list(), T.FileSearchStore)


@case("fileSearchStores.delete")
async def _(w: World) -> None:
    await w.store_document()
    assert await w.client.file_search_stores.delete(await w.store(), force=True) is None


@case("fileSearchStores.importFile")
async def _(w: World) -> None:
    file_id = (await w.file()).split("/")[1]  # a bare file id is completed
    op = await w.client.file_search_stores.import_file(await w.store(), file_name=file_id)
    result = await finished(op, T.ImportFileResponse)
    assert result.document_name


@case("fileSearchStores.operations.get")
async def _(w: World) -> None:
    _, op_name = await w.store_document()
    op = await w.client.file_search_stores.operations.get(op_name)
    await finished(op, T.ImportFileResponse)


@case("fileSearchStores.upload.operations.get")
async def _(w: World) -> None:
    store = await w.store()
    name = w.add_operation(
        f"{store}/upload/operations/u1",
        {"@type": "x.UploadToFileSearchStoreResponse", "parent": store, "mimeType": "text/plain"},
    )
    op = await w.client.file_search_stores.upload.operations.get(name)
    result = await finished(op, T.UploadToFileSearchStoreResponse)
    assert result.parent == store


@case("fileSearchStores.documents.get")
async def _(w: World) -> None:
    doc, _ = await w.store_document()
    assert isinstance(await w.client.file_search_stores.documents.get(doc), T.Document)


@case("fileSearchStores.documents.list")
async def _(w: World) -> None:
    await w.store_document()
    await items_of(w.client.file_search_stores.documents.list(await w.store()), T.Document)


@case("fileSearchStores.documents.delete")
async def _(w: World) -> None:
    doc, _ = await w.store_document()
    assert await w.client.file_search_stores.documents.delete(doc, force=True) is None


# -- the tests ------------------------------------------------------------------------------


def test_every_generated_method_has_a_case() -> None:
    missing = sorted(set(GENERATED) - set(CASES))
    extra = sorted(set(CASES) - set(GENERATED))
    assert not missing, f"methods without a test case: {missing}"
    assert not extra, f"cases for methods that no longer exist: {extra}"


def attribute_of(client: Client, method_id: str) -> Any:
    import re

    def snake(name: str) -> str:
        return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()

    target: Any = client
    for part in method_id.split("."):
        target = getattr(target, snake(part))
    return target


def test_every_generated_method_exists_on_the_client() -> None:
    client = Client(api_key="k", base_url="http://127.0.0.1:9")
    for method_id in GENERATED:
        assert callable(attribute_of(client, method_id)), method_id


@pytest.mark.parametrize("method_id", sorted(GENERATED))
async def test_method(method_id: str, world: World, emulator: Emulator) -> None:
    await CASES[method_id](world)
    assert method_id in routes(emulator), f"{method_id} was not called: {routes(emulator)}"
    failed = [e for e in emulator.request_log if (e["status"] or 500) >= 400]
    assert not failed, failed
    assert world.client.connections_in_use == 0
