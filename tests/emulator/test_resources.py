"""cachedContents, tunedModels, permissions, corpora/documents/chunks, fileSearchStores,
generatedFiles and operations, over plain HTTP."""

from __future__ import annotations

from typing import Any

import aiohttp
import anyio

from ._schema import check
from .conftest import KEY, Api

TEXT = {"role": "user", "parts": [{"text": "A long story about harbors and ships."}]}


async def test_cached_contents_crud_and_use(api: Api) -> None:
    created = await api.post(
        "/v1beta/cachedContents",
        {
            "model": "models/gemini-2.5-flash",
            "ttl": "300s",
            "displayName": "story",
            "contents": [TEXT],
            "systemInstruction": {"parts": [{"text": "Be brief."}]},
        },
    )
    check(created, "CachedContent")
    assert created["usageMetadata"]["totalTokenCount"] > 0
    assert "contents" not in created
    name = created["name"]
    assert await api.get(f"/v1beta/{name}") == created
    listed = await api.get("/v1beta/cachedContents")
    check(listed, "ListCachedContentsResponse")
    assert [c["name"] for c in listed["cachedContents"]] == [name]
    patched = await api.patch(f"/v1beta/{name}", {"ttl": "600s"}, params={"updateMask": "ttl"})
    assert patched["expireTime"] > created["expireTime"]
    await api.patch(
        f"/v1beta/{name}", {"displayName": "x"}, params={"updateMask": "displayName"}, expect=400
    )
    answer = await api.post(
        "/v1beta/models/gemini-2.5-flash:generateContent",
        {"cachedContent": name, "contents": [{"role": "user", "parts": [{"text": "Summary?"}]}]},
    )
    usage = answer["usageMetadata"]
    assert usage["cachedContentTokenCount"] == created["usageMetadata"]["totalTokenCount"]
    assert usage["promptTokenCount"] > usage["cachedContentTokenCount"]
    await api.post(
        "/v1beta/models/gemini-2.0-flash:generateContent",
        {"cachedContent": name, "contents": [TEXT]},
        expect=400,
    )
    await api.post("/v1beta/cachedContents", {"ttl": "1s"}, expect=400)
    await api.post(
        "/v1beta/cachedContents", {"model": "models/gemini-2.5-flash", "ttl": "soon"}, expect=400
    )
    assert await api.delete(f"/v1beta/{name}") == {}
    await api.get(f"/v1beta/{name}", expect=404)


async def test_tuned_model_lifecycle(api: Api, emulator: Any) -> None:
    emulator.settings.operation_delay = 0.05
    op = await api.post(
        "/v1beta/tunedModels",
        {
            "displayName": "My Model",
            "baseModel": "models/gemini-1.5-flash-001",
            "tuningTask": {
                "trainingData": {
                    "examples": {
                        "examples": [
                            {"textInput": "1", "output": "2"},
                            {"textInput": "3", "output": "4"},
                        ]
                    }
                },
                "hyperparameters": {"epochCount": 2, "batchSize": 1},
            },
        },
    )
    check(op, "CreateTunedModelOperation")
    assert "done" not in op
    name = op["metadata"]["tunedModel"]
    assert name.startswith("tunedModels/my-model-")
    assert (await api.get(f"/v1beta/{name}"))["state"] == "CREATING"
    await api.post(f"/v1beta/{name}:generateContent", {"contents": [TEXT]}, expect=400)
    await anyio.sleep(0.06)
    done = await api.get(f"/v1beta/{op['name']}")
    assert done["done"] is True
    assert done["response"]["state"] == "ACTIVE"
    model = await api.get(f"/v1beta/{name}")
    check(model, "TunedModel")
    assert model["tuningTask"]["snapshots"]
    listed = await api.get(f"/v1beta/{name}/operations")
    assert [o["name"] for o in listed["operations"]] == [op["name"]]
    reply = await api.post(f"/v1beta/{name}:generateContent", {"contents": [TEXT]})
    assert reply["modelVersion"] == name
    async with api.session.post(
        api.base + f"/v1beta/{name}:streamGenerateContent",
        params={"alt": "sse"},
        json={"contents": [TEXT]},
        headers={"x-goog-api-key": KEY},
    ) as response:
        assert response.status == 200
        assert b"data: " in await response.read()
    text = await api.post(f"/v1beta/{name}:generateText", {"prompt": {"text": "hi"}})
    assert text["candidates"][0]["output"]
    patched = await api.patch(
        f"/v1beta/{name}", {"description": "new"}, params={"updateMask": "description"}
    )
    assert patched["description"] == "new"
    page = await api.get("/v1beta/tunedModels")
    check(page, "ListTunedModelsResponse")
    assert (
        await api.post(f"/v1beta/{name}:transferOwnership", {"emailAddress": "a@example.com"}) == {}
    )
    await api.post(f"/v1beta/{name}:transferOwnership", {}, expect=400)
    await api.post("/v1beta/tunedModels", {"baseModel": "models/gemini-1.5-flash-001"}, expect=400)
    assert await api.delete(f"/v1beta/{name}") == {}
    await api.get(f"/v1beta/{name}", expect=404)


async def test_permissions_on_tuned_models_and_corpora(api: Api, emulator: Any) -> None:
    corpus = await api.post("/v1beta/corpora", {"displayName": "Docs"})
    emulator.settings.operation_delay = 0
    op = await api.post(
        "/v1beta/tunedModels",
        {
            "baseModel": "models/gemini-1.5-flash-001",
            "tuningTask": {"trainingData": {"examples": {"examples": [{"output": "x"}]}}},
        },
        params={"tunedModelId": "perm-test"},
    )
    assert op["metadata"]["tunedModel"] == "tunedModels/perm-test"
    for parent in ("tunedModels/perm-test", corpus["name"]):
        perm = await api.post(
            f"/v1beta/{parent}/permissions",
            {"role": "READER", "granteeType": "USER", "emailAddress": "r@example.com"},
        )
        check(perm, "Permission")
        await api.post(
            f"/v1beta/{parent}/permissions",
            {"role": "READER", "granteeType": "EVERYONE", "emailAddress": "x@y.z"},
            expect=400,
        )
        await api.post(f"/v1beta/{parent}/permissions", {"granteeType": "USER"}, expect=400)
        for _ in range(11):
            await api.post(
                f"/v1beta/{parent}/permissions", {"role": "WRITER", "granteeType": "EVERYONE"}
            )
        page = await api.get(f"/v1beta/{parent}/permissions")
        check(page, "ListPermissionsResponse")
        assert len(page["permissions"]) == 10
        assert page["nextPageToken"]
        assert (await api.get(f"/v1beta/{perm['name']}"))["role"] == "READER"
        patched = await api.patch(
            f"/v1beta/{perm['name']}", {"role": "WRITER"}, params={"updateMask": "role"}
        )
        assert patched["role"] == "WRITER"
        assert await api.delete(f"/v1beta/{perm['name']}") == {}
        await api.get(f"/v1beta/{perm['name']}", expect=404)
    await api.get("/v1beta/corpora/missing/permissions", expect=404)


async def test_corpora_documents_chunks_and_query(api: Api) -> None:
    corpus = await api.post("/v1beta/corpora", {"displayName": "Knowledge Base"})
    check(corpus, "Corpus")
    name = corpus["name"]
    assert name.startswith("corpora/knowledge-base-")
    patched = await api.patch(
        f"/v1beta/{name}", {"displayName": "KB"}, params={"updateMask": "displayName"}
    )
    assert patched["displayName"] == "KB"
    doc = await api.post(
        f"/v1beta/{name}/documents",
        {"displayName": "Animals", "customMetadata": [{"key": "year", "numericValue": 2024}]},
    )
    check(doc, "Document")
    other = await api.post(
        f"/v1beta/{name}/documents",
        {"displayName": "Old", "customMetadata": [{"key": "year", "numericValue": 1999}]},
    )
    texts = [
        "Cats are small furry pets that purr",
        "Rockets fly to orbit around the planet",
        "Dogs are loyal pets that bark",
    ]
    batch = await api.post(
        f"/v1beta/{doc['name']}/chunks:batchCreate",
        {
            "requests": [
                {
                    "parent": doc["name"],
                    "chunk": {
                        "data": {"stringValue": t},
                        "customMetadata": [{"key": "tag", "stringValue": "a"}],
                    },
                }
                for t in texts
            ]
        },
    )
    check(batch, "BatchCreateChunksResponse")
    single = await api.post(
        f"/v1beta/{other['name']}/chunks", {"data": {"stringValue": "Cats purr loudly at night"}}
    )
    assert single["state"] == "STATE_ACTIVE"
    result = await api.post(f"/v1beta/{name}:query", {"query": "purring cats", "resultsCount": 2})
    check(result, "QueryCorpusResponse")
    scores = [c["chunkRelevanceScore"] for c in result["relevantChunks"]]
    assert len(scores) == 2
    assert scores == sorted(scores, reverse=True)
    assert "Cats" in result["relevantChunks"][0]["chunk"]["data"]["stringValue"]
    filtered = await api.post(
        f"/v1beta/{name}:query",
        {
            "query": "cats",
            "metadataFilters": [
                {"key": "year", "conditions": [{"operation": "GREATER", "numericValue": 2000}]}
            ],
        },
    )
    assert all(c["chunk"]["name"].startswith(doc["name"]) for c in filtered["relevantChunks"])
    in_doc = await api.post(
        f"/v1beta/{doc['name']}:query", {"query": "rocket orbit", "resultsCount": 1}
    )
    check(in_doc, "QueryDocumentResponse")
    assert "Rockets" in in_doc["relevantChunks"][0]["chunk"]["data"]["stringValue"]
    await api.post(f"/v1beta/{name}:query", {}, expect=400)
    chunks = await api.get(f"/v1beta/{doc['name']}/chunks", params={"pageSize": 2})
    check(chunks, "ListChunksResponse")
    assert len(chunks["chunks"]) == 2
    assert chunks["nextPageToken"]
    first = batch["chunks"][0]["name"]
    updated = await api.patch(
        f"/v1beta/{first}", {"data": {"stringValue": "Cats sleep"}}, params={"updateMask": "data"}
    )
    assert updated["data"]["stringValue"] == "Cats sleep"
    bulk = await api.post(
        f"/v1beta/{doc['name']}/chunks:batchUpdate",
        {
            "requests": [
                {
                    "chunk": {
                        "name": first,
                        "customMetadata": [{"key": "tag", "stringValue": "b"}],
                    },
                    "updateMask": "customMetadata",
                }
            ]
        },
    )
    assert bulk["chunks"][0]["customMetadata"][0]["stringValue"] == "b"
    assert (await api.get(f"/v1beta/{first}"))["name"] == first
    await api.post(f"/v1beta/{doc['name']}/chunks:batchDelete", {"requests": [{"name": first}]})
    await api.get(f"/v1beta/{first}", expect=404)
    await api.delete(f"/v1beta/{batch['chunks'][1]['name']}")
    docs = await api.get(f"/v1beta/{name}/documents")
    check(docs, "ListDocumentsResponse")
    assert len(docs["documents"]) == 2
    doc_patch = await api.patch(
        f"/v1beta/{doc['name']}", {"displayName": "Pets"}, params={"updateMask": "displayName"}
    )
    assert doc_patch["displayName"] == "Pets"
    assert (await api.get(f"/v1beta/{doc['name']}"))["displayName"] == "Pets"
    await api.post(
        f"/v1beta/{doc['name']}/chunks:batchCreate",
        {"requests": [{"chunk": {"data": {"stringValue": "x"}}}] * 101},
        expect=400,
    )
    await api.delete(f"/v1beta/{doc['name']}", expect=400)
    await api.delete(f"/v1beta/{doc['name']}", params={"force": "true"})
    await api.delete(f"/v1beta/{name}", expect=400)
    corpora = await api.get("/v1beta/corpora")
    check(corpora, "ListCorporaResponse")
    assert await api.get(f"/v1beta/{name}") == corpora["corpora"][0]
    await api.delete(f"/v1beta/{name}", params={"force": "true"})
    await api.get(f"/v1beta/{name}", expect=404)


async def test_file_search_stores(api: Api, emulator: Any) -> None:
    store = await api.post("/v1beta/fileSearchStores", {"displayName": "test-file-search-store"})
    check(store, "FileSearchStore")
    name = store["name"]
    assert name.startswith("fileSearchStores/test-file-search-store-")
    emulator.settings.operation_delay = 0.05
    async with api.session.post(
        api.base + f"/upload/v1beta/{name}:uploadToFileSearchStore",
        json={"mimeType": "text/plain", "displayName": "notes"},
        headers={
            "x-goog-api-key": KEY,
            "X-Goog-Upload-Protocol": "resumable",
            "X-Goog-Upload-Command": "start",
        },
    ) as response:
        url = response.headers["X-Goog-Upload-URL"]
    async with api.session.post(
        url,
        data=b"hello file search",
        headers={"X-Goog-Upload-Command": "upload, finalize", "X-Goog-Upload-Offset": "0"},
    ) as response:
        assert response.headers["X-Goog-Upload-Status"] == "final"
        op = await response.json()
    check(op, "UploadToFileSearchStoreOperation")
    assert op["name"].startswith(f"{name}/upload/operations/")
    docs = await api.get(f"/v1beta/{name}/documents")
    check(docs, "ListDocumentsResponse")
    assert docs["documents"][0]["state"] == "STATE_PENDING"
    await anyio.sleep(0.06)
    finished = await api.get(f"/v1beta/{op['name']}")
    assert finished["done"] is True
    assert finished["response"]["sizeBytes"] == "17"
    doc = await api.get(f"/v1beta/{finished['response']['documentName']}")
    check(doc, "Document")
    assert doc["state"] == "STATE_ACTIVE"
    assert doc["displayName"] == "notes"
    file = (await api.post("/v1beta/files", {"file": {"displayName": "f"}}))["file"]
    imported = await api.post(f"/v1beta/{name}:importFile", {"fileName": file["name"]})
    check(imported, "ImportFileOperation")
    await api.post(f"/v1beta/{name}:importFile", {}, expect=400)
    await api.post(f"/v1beta/{name}:importFile", {"fileName": "files/missing"}, expect=404)
    await anyio.sleep(0.06)
    assert (await api.get(f"/v1beta/{imported['name']}"))["done"] is True
    ops = await api.get(f"/v1beta/{name}/operations")
    check(ops, "ListOperationsResponse")
    store_now = await api.get(f"/v1beta/{name}")
    assert store_now["activeDocumentsCount"] == "2"
    assert store_now["sizeBytes"] == "17"
    stores = await api.get("/v1beta/fileSearchStores")
    check(stores, "ListFileSearchStoresResponse")
    await api.delete(f"/v1beta/{doc['name']}", expect=400)
    await api.delete(f"/v1beta/{doc['name']}", params={"force": "true"})
    await api.delete(f"/v1beta/{name}", expect=400)
    assert await api.delete(f"/v1beta/{name}", params={"force": "True"}) == {}
    await api.get(f"/v1beta/{name}", expect=404)


async def test_multipart_upload_to_file_search_store(api: Api) -> None:
    store = await api.post("/v1beta/fileSearchStores", {})
    with aiohttp.MultipartWriter("related") as writer:
        writer.append_json({"displayName": "mp"})
        writer.append(b"data", {"Content-Type": "text/plain"})
        async with api.session.post(
            api.base + f"/upload/v1beta/{store['name']}:uploadToFileSearchStore",
            data=writer,
            headers={"x-goog-api-key": KEY, "X-Goog-Upload-Protocol": "multipart"},
        ) as response:
            assert response.status == 200
            op = await response.json()
    assert op["name"].startswith(store["name"])


async def test_video_generation_generated_files_and_model_operations(api: Api) -> None:
    op = await api.post(
        "/v1beta/models/veo-3.0-generate-001:predictLongRunning",
        {"instances": [{"prompt": "a cat surfing"}]},
    )
    check(op, "PredictLongRunningOperation")
    assert op["name"].startswith("models/veo-3.0-generate-001/operations/")
    done = await api.get(f"/v1beta/{op['name']}")
    assert done["done"] is True
    uri = done["response"]["generateVideoResponse"]["generatedSamples"][0]["video"]["uri"]
    async with api.session.get(uri, headers={"x-goog-api-key": KEY}) as response:
        assert response.status == 200
        assert response.content_type == "video/mp4"
        assert b"ftyp" in await response.read()
    ops = await api.get("/v1beta/models/veo-3.0-generate-001/operations")
    assert [o["name"] for o in ops["operations"]] == [op["name"]]
    generated = await api.get("/v1beta/generatedFiles")
    check(generated, "ListGeneratedFilesResponse")
    gen_name = generated["generatedFiles"][0]["name"]
    gen = await api.get(f"/v1beta/{gen_name}")
    assert gen["state"] == "GENERATED"
    gen_ops = await api.get(f"/v1beta/{gen_name}/operations")
    assert gen_ops["operations"][0]["done"] is True
    assert (await api.get(f"/v1beta/{gen_ops['operations'][0]['name']}"))["done"] is True
    await api.get("/v1beta/generatedFiles/nope", expect=404)
    await api.get("/v1beta/corpora/none/operations/x", expect=404)
    assert await api.get("/v1beta/tunedModels/none/operations") == {}
    assert await api.get("/v1beta/corpora/none/operations") == {}
    await api.get("/v1beta/tunedModels/none/operations/x", expect=404)
    await api.get("/v1beta/fileSearchStores/none/operations/x", expect=404)
    await api.post("/v1beta/models/veo-3.0-generate-001:predictLongRunning", {}, expect=400)
