"""Batches (inline and file input), embeddings, PaLM-era methods, AQA and Imagen."""

from __future__ import annotations

import base64
import json
from typing import Any

import anyio

from ._embeddings_math import cos
from ._schema import check
from .conftest import KEY, Api


def req(text: str) -> dict[str, Any]:
    return {"contents": [{"role": "user", "parts": [{"text": text}]}]}


async def test_inline_batch_progresses_and_matches_generate(api: Api, emulator: Any) -> None:
    emulator.settings.operation_delay = 0.6
    op = await api.post(
        "/v1beta/models/gemini-2.5-flash:batchGenerateContent",
        {
            "batch": {
                "displayName": "my batch",
                "inputConfig": {
                    "requests": {
                        "requests": [
                            {"request": req("first"), "metadata": {"key": "a"}},
                            {"request": req("second")},
                        ]
                    }
                },
            }
        },
    )
    check(op, "Operation")
    meta = op["metadata"]
    assert op["name"].startswith("batches/")
    assert "done" not in op
    assert meta["state"] == "BATCH_STATE_PENDING"
    assert meta["batchStats"] == {"requestCount": "2", "pendingRequestCount": "2"}
    # Poll through the phases (no fixed sleeps: robust on a loaded machine).
    seen = ["BATCH_STATE_PENDING"]
    with anyio.fail_after(10):
        while seen[-1] != "BATCH_STATE_SUCCEEDED":
            await anyio.sleep(0.02)
            state = (await api.get(f"/v1beta/{op['name']}"))["metadata"]["state"]
            if state != seen[-1]:
                seen.append(state)
    assert seen == ["BATCH_STATE_PENDING", "BATCH_STATE_RUNNING", "BATCH_STATE_SUCCEEDED"]
    done = await api.get(f"/v1beta/{op['name']}")
    assert done["done"] is True
    assert done["metadata"]["state"] == "BATCH_STATE_SUCCEEDED"
    assert done["metadata"]["batchStats"]["successfulRequestCount"] == "2"
    inlined = done["response"]["inlinedResponses"]["inlinedResponses"]
    assert done["metadata"]["output"]["inlinedResponses"]["inlinedResponses"] == inlined
    direct = await api.post("/v1beta/models/gemini-2.5-flash:generateContent", req("first"))
    assert inlined[0]["response"] == direct
    assert inlined[0]["metadata"] == {"key": "a"}
    check({k: v for k, v in done["metadata"].items()}, "GenerateContentBatch")
    listed = await api.get("/v1beta/batches")
    check(listed, "ListOperationsResponse")
    assert [o["name"] for o in listed["operations"]] == [op["name"]]
    updated = await api.patch(
        f"/v1beta/{op['name']}:updateGenerateContentBatch",
        {"displayName": "renamed"},
        params={"updateMask": "displayName"},
    )
    check(updated, "GenerateContentBatch")
    assert updated["displayName"] == "renamed"
    await api.patch(
        f"/v1beta/{op['name']}:updateEmbedContentBatch", {"displayName": "x"}, expect=400
    )
    assert await api.delete(f"/v1beta/{op['name']}") == {}
    await api.get(f"/v1beta/{op['name']}", expect=404)


async def test_batch_cancel_errors_and_file_input(api: Api, emulator: Any) -> None:
    emulator.settings.operation_delay = 5
    op = await api.post(
        "/v1beta/models/gemini-2.5-flash:batchGenerateContent",
        {
            "batch": {
                "displayName": "b",
                "inputConfig": {"requests": {"requests": [{"request": req("x")}]}},
            }
        },
    )
    assert await api.post(f"/v1beta/{op['name']}:cancel") == {}
    cancelled = await api.get(f"/v1beta/{op['name']}")
    assert cancelled["done"] is True
    assert cancelled["metadata"]["state"] == "BATCH_STATE_CANCELLED"
    await api.post(
        "/v1beta/models/gemini-2.5-flash:batchGenerateContent", {"batch": {}}, expect=400
    )
    await api.post(
        "/v1beta/models/text-embedding-004:batchGenerateContent",
        {"batch": {"inputConfig": {"requests": {"requests": [{"request": req("x")}]}}}},
        expect=404,
    )
    emulator.settings.operation_delay = 0
    lines = b"".join(
        json.dumps({"key": f"k{i}", "request": req(f"q{i}")}).encode() + b"\n" for i in range(3)
    )
    async with api.session.post(
        api.base + "/upload/v1beta/files",
        data=lines,
        headers={
            "x-goog-api-key": KEY,
            "X-Goog-Upload-Protocol": "raw",
            "Content-Type": "application/jsonl",
        },
    ) as response:
        file = (await response.json())["file"]
    op = await api.post(
        "/v1beta/models/gemini-2.5-flash:batchGenerateContent",
        {"batch": {"displayName": "file", "inputConfig": {"fileName": file["name"]}}},
    )
    done = await api.get(f"/v1beta/{op['name']}")
    out_name = done["response"]["responsesFile"]
    rows = [json.loads(line) for line in (await api.download(out_name)).splitlines()]
    assert [row["key"] for row in rows] == ["k0", "k1", "k2"]
    assert all("candidates" in row["response"] for row in rows)


async def test_embed_batch_operation(api: Api) -> None:
    op = await api.post(
        "/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent",
        {
            "batch": {
                "displayName": "emb",
                "inputConfig": {
                    "requests": {
                        "requests": [{"request": {"content": {"parts": [{"text": "hello"}]}}}]
                    }
                },
            }
        },
    )
    assert op["metadata"]["@type"].endswith("EmbedContentBatch")
    done = await api.get(f"/v1beta/{op['name']}")
    result = done["response"]["inlinedResponses"]["inlinedResponses"][0]["response"]
    assert len(result["embedding"]["values"]) == 768
    updated = await api.patch(
        f"/v1beta/{op['name']}:updateEmbedContentBatch", {"displayName": "emb2"}
    )
    check(updated, "EmbedContentBatch")


async def test_embeddings_similarity_dims_and_limits(api: Api) -> None:
    url = "/v1beta/models/gemini-embedding-001:embedContent"

    async def vec(text: str, **extra: Any) -> list[float]:
        body = await api.post(url, {"content": {"parts": [{"text": text}]}, **extra})
        check(body, "EmbedContentResponse")
        return body["embedding"]["values"]  # type: ignore[no-any-return]

    a, b, c = (
        await vec("the cat sat on the mat"),
        await vec("a cat sat on a mat"),
        await vec("quantum chromodynamics lecture"),
    )
    assert len(a) == 768
    assert abs(cos(a, a) - 1) < 1e-6
    assert cos(a, b) > cos(a, c)
    assert len(await vec("short", outputDimensionality=64)) == 64
    await api.post(
        url, {"content": {"parts": [{"text": "x"}]}, "outputDimensionality": -5}, expect=400
    )
    await api.post(url, {}, expect=400)
    batch_url = "/v1beta/models/gemini-embedding-001:batchEmbedContents"
    one = {"model": "models/gemini-embedding-001", "content": {"parts": [{"text": "x"}]}}
    body = await api.post(batch_url, {"requests": [one, one]})
    check(body, "BatchEmbedContentsResponse")
    assert len(body["embeddings"]) == 2
    too_many = await api.post(batch_url, {"requests": [one] * 101}, expect=400)
    assert "at most 100 requests" in too_many["error"]["message"]
    await api.post(
        "/v1beta/models/gemini-2.5-flash:embedContent",
        {"content": {"parts": [{"text": "x"}]}},
        expect=404,
    )


async def test_palm_methods(api: Api) -> None:
    text = await api.post(
        "/v1beta/models/text-bison-001:generateText",
        {"prompt": {"text": "Write a haiku"}, "candidateCount": 2, "maxOutputTokens": 4},
    )
    check(text, "GenerateTextResponse")
    assert len(text["candidates"]) == 2
    await api.post("/v1beta/models/text-bison-001:generateText", {}, expect=400)
    chat = await api.post(
        "/v1beta/models/chat-bison-001:generateMessage",
        {"prompt": {"messages": [{"content": "Hello"}]}},
    )
    check(chat, "GenerateMessageResponse")
    assert chat["candidates"][0]["author"] == "1"
    count = await api.post(
        "/v1beta/models/chat-bison-001:countMessageTokens",
        {"prompt": {"context": "be nice", "messages": [{"content": "hi"}]}},
    )
    check(count, "CountMessageTokensResponse")
    assert count["tokenCount"] == 3
    tokens = await api.post(
        "/v1beta/models/text-bison-001:countTextTokens", {"prompt": {"text": "one two, three"}}
    )
    assert tokens == {"tokenCount": 4}
    emb = await api.post("/v1beta/models/embedding-gecko-001:embedText", {"text": "hi"})
    check(emb, "EmbedTextResponse")
    batch = await api.post(
        "/v1beta/models/embedding-gecko-001:batchEmbedText", {"texts": ["a", "b"]}
    )
    check(batch, "BatchEmbedTextResponse")
    assert len(batch["embeddings"]) == 2
    via_requests = await api.post(
        "/v1beta/models/embedding-gecko-001:batchEmbedText",
        {"requests": [{"model": "models/embedding-gecko-001", "text": "a"}]},
    )
    assert via_requests["embeddings"][0] == batch["embeddings"][0]
    await api.post("/v1beta/models/embedding-gecko-001:embedText", {}, expect=400)
    await api.post(
        "/v1beta/models/gemini-2.5-flash:generateText", {"prompt": {"text": "x"}}, expect=404
    )


async def test_generate_answer_inline_and_semantic(api: Api) -> None:
    url = "/v1beta/models/aqa:generateAnswer"
    question = {
        "contents": [{"role": "user", "parts": [{"text": "What color is the sky?"}]}],
        "answerStyle": "ABSTRACTIVE",
    }
    body = await api.post(
        url,
        {
            **question,
            "inlinePassages": {
                "passages": [
                    {"id": "p1", "content": {"parts": [{"text": "Grass is green."}]}},
                    {
                        "id": "p2",
                        "content": {"parts": [{"text": "The sky is blue on a clear day."}]},
                    },
                ]
            },
        },
    )
    check(body, "GenerateAnswerResponse")
    attribution = body["answer"]["groundingAttributions"][0]
    assert attribution["sourceId"]["groundingPassage"]["passageId"] == "p2"
    assert 0 <= body["answerableProbability"] <= 1
    corpus = await api.post("/v1beta/corpora", {"displayName": "sky"})
    doc = await api.post(f"/v1beta/{corpus['name']}/documents", {"displayName": "d"})
    await api.post(f"/v1beta/{doc['name']}/chunks", {"data": {"stringValue": "The sky is blue"}})
    semantic = await api.post(
        url,
        {
            **question,
            "semanticRetriever": {
                "source": corpus["name"],
                "query": {"parts": [{"text": "sky color"}]},
            },
        },
    )
    source = semantic["answer"]["groundingAttributions"][0]["sourceId"]["semanticRetrieverChunk"]
    assert source["source"] == corpus["name"]
    assert source["chunk"].startswith(doc["name"])
    await api.post(url, question, expect=400)
    await api.post(
        url, {"contents": question["contents"], "inlinePassages": {"passages": []}}, expect=400
    )


async def test_imagen_predict_returns_png(api: Api) -> None:
    body = await api.post(
        "/v1beta/models/imagen-4.0-generate-001:predict",
        {"instances": [{"prompt": "a red fox"}], "parameters": {"sampleCount": 2}},
    )
    check(body, "PredictResponse")
    assert len(body["predictions"]) == 2
    png = base64.b64decode(body["predictions"][0]["bytesBase64Encoded"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert body["predictions"][0]["mimeType"] == "image/png"
    await api.post("/v1beta/models/imagen-4.0-generate-001:predict", {"instances": []}, expect=400)
    await api.post(
        "/v1beta/models/gemini-2.5-flash:predict", {"instances": [{"prompt": "x"}]}, expect=404
    )
