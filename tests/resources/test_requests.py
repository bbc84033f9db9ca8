"""What goes over the wire: verbs, paths and query parameters (seen in the emulator's request
log), resource-name completion, and argument errors raised before anything is sent."""

from __future__ import annotations

import datetime

import pytest

from genlang_async import Client, NotFoundError
from genlang_async.emulator import Emulator

from .conftest import MODEL, World


def last(emu: Emulator) -> tuple[str, str, dict[str, str]]:
    entry = emu.request_log[-1]
    return entry["method"], entry["path"], entry["query"]


# -- verbs, paths, query ----------------------------------------------------------------------


async def test_patch_computes_update_mask_from_the_fields_given(
    world: World, emulator: Emulator
) -> None:
    corpus = await world.corpus()
    await world.client.corpora.patch(corpus, display_name="renamed")
    assert last(emulator) == ("PATCH", f"/v1beta/{corpus}", {"updateMask": "displayName"})

    cache = await world.cached_content()
    await world.client.cached_contents.patch(cache, ttl=datetime.timedelta(seconds=60))
    assert last(emulator) == ("PATCH", f"/v1beta/{cache}", {"updateMask": "ttl"})

    permission = await world.permission(await world.tuned_model())
    await world.client.tuned_models.permissions.patch(permission, role="WRITER")
    assert last(emulator) == ("PATCH", f"/v1beta/{permission}", {"updateMask": "role"})


async def test_patch_with_an_explicit_mask_or_a_resource_object(
    world: World, emulator: Emulator
) -> None:
    corpus = await world.client.corpora.get(await world.corpus())
    corpus.display_name = "from object"
    updated = await world.client.corpora.patch(
        str(corpus.name), corpus=corpus, update_mask=["displayName"]
    )
    assert updated.display_name == "from object"
    assert last(emulator)[2] == {"updateMask": "displayName"}


async def test_patch_with_nothing_to_update_sends_nothing(world: World, emulator: Emulator) -> None:
    corpus = await world.corpus()
    before = len(emulator.request_log)
    with pytest.raises(ValueError, match="nothing to update"):
        await world.client.corpora.patch(corpus)
    assert len(emulator.request_log) == before


async def test_delete_sends_force(world: World, emulator: Emulator) -> None:
    await world.chunk()
    corpus = await world.corpus()
    await world.client.corpora.delete(corpus, force=True)
    assert last(emulator) == ("DELETE", f"/v1beta/{corpus}", {"force": "true"})


async def test_generation_paths_and_stream_alt_sse(client: Client, emulator: Emulator) -> None:
    await client.models.generate_content(MODEL, contents="Hi")
    assert last(emulator) == ("POST", f"/v1beta/models/{MODEL}:generateContent", {})
    async for _ in client.models.stream_generate_content(MODEL, contents="Hi"):
        pass
    assert last(emulator) == (
        "POST",
        f"/v1beta/models/{MODEL}:streamGenerateContent",
        {"alt": "sse"},
    )


async def test_list_sends_page_size_and_token_and_extra_query(
    client: Client, emulator: Emulator
) -> None:
    pages = [
        page async for page in client.models.list(page_size=25, extra_query={"x": "1"}).pages()
    ]
    assert len(pages) == 3
    queries = [entry["query"] for entry in emulator.request_log]
    assert queries[0] == {"pageSize": "25", "x": "1"}
    assert queries[1] == {"pageSize": "25", "x": "1", "pageToken": pages[0].next_page_token}
    assert queries[2]["pageToken"] == pages[1].next_page_token


async def test_models_methods_take_tuned_model_names(world: World, emulator: Emulator) -> None:
    tuned = await world.tuned_model()
    r = await world.client.models.generate_content(tuned, contents="Hello")
    assert "Hello" in r.text
    assert last(emulator)[1] == f"/v1beta/{tuned}:generateContent"
    # ... but not where the API has no such route
    with pytest.raises(ValueError, match="models/"):
        await world.client.models.get(tuned)


# -- names ------------------------------------------------------------------------------------


async def test_bare_ids_are_completed(client: Client, emulator: Emulator) -> None:
    await client.models.get("gemini-2.5-flash")
    assert last(emulator)[1] == "/v1beta/models/gemini-2.5-flash"
    with pytest.raises(NotFoundError):
        await client.files.get("abc")
    assert last(emulator)[1] == "/v1beta/files/abc"
    with pytest.raises(NotFoundError):
        await client.batches.get("b1")
    assert last(emulator)[1] == "/v1beta/batches/b1"
    with pytest.raises(NotFoundError):
        await client.corpora.delete("c1")
    assert last(emulator)[:2] == ("DELETE", "/v1beta/corpora/c1")


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda c: c.models.get("files/abc"), "'models/{model}'"),
        (lambda c: c.models.generate_content("corpora/x", contents="Hi"), "'models/{model}'"),
        (lambda c: c.files.get("models/x"), "'files/{file}'"),
        (lambda c: c.files.get("a/b/c"), "'files/{file}'"),
        (lambda c: c.files.get(""), "'files/{file}'"),
        (lambda c: c.files.get("has space"), "'files/{file}'"),
        (lambda c: c.files.get("../x"), "'files/{file}'"),
        (lambda c: c.corpora.documents.get("corpora/x"), "'corpora/{corpus}/documents/{document}'"),
        (lambda c: c.corpora.documents.get("d1"), "'corpora/{corpus}/documents/{document}'"),
        (lambda c: c.tuned_models.permissions.list("models/x").to_list(), "'tunedModels/"),
        (lambda c: c.models.generate_content(MODEL, contents=[]), "contents must not be empty"),
        (
            lambda c: c.file_search_stores.import_file("s1", file_name="x/y"),
            "'files/{file}'",
        ),
        (
            lambda c: c.models.generate_content(MODEL, contents="x", cached_content="a/b"),
            "'cachedContents/{cached_content}'",
        ),
        (
            lambda c: c.models.batch_embed_contents(
                "gemini-embedding-001", requests=[{"model": "bad name", "content": {}}]
            ),
            "'models/{model}'",  # a sub-request's model is completed and checked as well
        ),
    ],
)
async def test_wrong_names_raise_value_error_before_sending(
    client: Client, emulator: Emulator, call: object, expected: str | None
) -> None:
    if expected is None:  # left to the server: the emulator answers 400
        from genlang_async import BadRequestError

        with pytest.raises(BadRequestError):
            await call(client)  # type: ignore[operator]
        return
    with pytest.raises(ValueError, match="must") as info:
        await call(client)  # type: ignore[operator]
    assert expected in str(info.value)
    assert emulator.request_log == []


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda c: c.models.get(123), "name"),
        (lambda c: c.models.generate_content(MODEL, contents=123), "contents"),
        (lambda c: c.models.generate_content(MODEL, contents=[b"x"]), "contents[0]"),
        (lambda c: c.models.generate_content(MODEL, contents="x", tools={"a": 1}), "tools"),
        (
            lambda c: c.models.generate_content(MODEL, contents="x", generation_config=5),
            "generation_config",
        ),
        (lambda c: c.models.list(page_size="5").to_list(), "page_size"),
        (lambda c: c.models.list(page_size=True).to_list(), "page_size"),
        (lambda c: c.batches.list(filter=5).to_list(), "filter"),
        (lambda c: c.corpora.delete("c1", force="yes"), "force"),
        (lambda c: c.corpora.patch("c1", display_name=5), "display_name"),
        (lambda c: c.cached_contents.create(model=MODEL, ttl=300), "ttl"),
        (lambda c: c.models.batch_embed_text("embedding-gecko-001", texts="abc"), "texts"),
        (lambda c: c.corpora.patch("c1", display_name="x", update_mask=[1]), "update_mask"),
    ],
)
async def test_wrong_types_raise_type_error_before_sending(
    client: Client, emulator: Emulator, call: object, argument: str
) -> None:
    with pytest.raises(TypeError) as info:
        await call(client)  # type: ignore[operator]
    assert str(info.value).startswith(argument)
    assert emulator.request_log == []
