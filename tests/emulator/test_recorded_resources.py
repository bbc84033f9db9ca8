"""Every recorded live answer of the other methods (token counts, embeddings, models, files,
file search stores, cached contents) that the emulator can produce comes back with the same
set of fields. Generation answers: ``test_recorded_shapes.py``; errors:
``test_recorded_errors.py``; batch operations: ``test_batch_jobs.py``."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import KEY, Api
from .test_recorded_shapes import paths

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"

Scenario = Callable[[Api, dict[str, Any]], Awaitable[tuple[Any, dict[str, str]]]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str) -> Callable[[Scenario], Scenario]:
    def register(fn: Scenario) -> Scenario:
        SCENARIOS[name] = fn
        return fn

    return register


def recorded(name: str) -> dict[str, Any]:
    return json.loads((REAL / f"{name}.json").read_text())  # type: ignore[no-any-return]


async def replay(api: Api, request: dict[str, Any]) -> Any:
    path, _, _ = request["path"].partition("?")
    return await api.call(request["method"], path, request["body"])


async def upload(api: Api, data: bytes, mime_type: str, name: str) -> tuple[Any, dict[str, str]]:
    """A resumable upload to the Files API: the finalize answer and its headers."""
    start = {
        "x-goog-api-key": KEY,
        "X-Goog-Upload-Protocol": "resumable",
        "X-Goog-Upload-Command": "start",
        "X-Goog-Upload-Header-Content-Length": str(len(data)),
        "X-Goog-Upload-Header-Content-Type": mime_type,
    }
    async with api.session.post(
        api.base + "/upload/v1beta/files", json={"file": {"displayName": name}}, headers=start
    ) as response:
        assert response.status == 200, await response.text()
        url = response.headers["X-Goog-Upload-URL"]
    finish = {"X-Goog-Upload-Command": "upload, finalize", "X-Goog-Upload-Offset": "0"}
    async with api.session.post(url, data=data, headers=finish) as response:
        assert response.status == 200, await response.text()
        return await response.json(), dict(response.headers)


async def cache(api: Api, model: str = "models/gemini-2.5-flash") -> dict[str, Any]:
    body = {
        "model": model,
        "ttl": "300s",
        "displayName": "story",
        "contents": [{"role": "user", "parts": [{"text": "Once upon a time " * 50}]}],
    }
    return await api.post("/v1beta/cachedContents", body)  # type: ignore[no-any-return]


@scenario("tokens/count_tokens")
@scenario("embeddings/batch_embed_contents_768d")
@scenario("embeddings/batch_embed_contents_two_inputs")
@scenario("models/list_page1_next_page_token")
@scenario("files/file_search_store_create")
@scenario("caching/cached_contents_create")
async def _replayed(api: Api, request: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    return await replay(api, request), {}


@scenario("embeddings/embed_content_single")
async def _embed(api: Api, request: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    body = {"content": {"parts": [{"text": "Hello world"}]}}
    return await api.post(request["path"], body), {}


@scenario("files/file_search_store_delete")
async def _store_delete(api: Api, request: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    store = await api.post("/v1beta/fileSearchStores", {"displayName": "s"})
    return await api.delete(f"/v1beta/{store['name']}", params={"force": "True"}), {}


@scenario("files/files_get_audio")
async def _file_get(api: Api, request: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    created, _ = await upload(api, b"RIFF....WAVE", "audio/wav", "sample.mp3")
    return await api.get(f"/v1beta/{created['file']['name']}"), {}


@scenario("files/files_list")
async def _files_list(api: Api, request: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    await upload(api, b"RIFF....WAVE", "audio/wav", "sample.mp3")
    return await api.get("/v1beta/files"), {}


@scenario("files/files_upload_finalize_video")
async def _file_upload(api: Api, request: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    return await upload(api, b"\x00\x00\x00\x18ftypmp42", "video/mp4", "video")


async def _store_upload_start(api: Api) -> tuple[str, dict[str, str]]:
    store = await api.post("/v1beta/fileSearchStores", {"displayName": "s"})
    headers = {
        "x-goog-api-key": KEY,
        "X-Goog-Upload-Protocol": "resumable",
        "X-Goog-Upload-Command": "start",
        "X-Goog-Upload-Header-Content-Length": "5",
        "X-Goog-Upload-Header-Content-Type": "text/plain",
    }
    async with api.session.post(
        f"{api.base}/upload/v1beta/{store['name']}:uploadToFileSearchStore",
        json={"mimeType": "text/plain"},
        headers=headers,
    ) as response:
        assert response.status == 200, await response.text()
        assert await response.read() == b""
        return response.headers["X-Goog-Upload-URL"], dict(response.headers)


@scenario("files/resumable_upload_start")
async def _upload_start(api: Api, request: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    _, headers = await _store_upload_start(api)
    return None, headers


@scenario("files/resumable_upload_finalize")
async def _upload_finalize(api: Api, request: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    url, _ = await _store_upload_start(api)
    finish = {"X-Goog-Upload-Command": "upload, finalize", "X-Goog-Upload-Offset": "0"}
    async with api.session.post(url, data=b"hello", headers=finish) as response:
        assert response.status == 200, await response.text()
        return await response.json(), dict(response.headers)


@scenario("caching/cached_contents_create_2024")
async def _cache_create(api: Api, request: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    return await cache(api, "models/gemini-1.5-flash-001"), {}


@scenario("caching/cached_contents_delete")
async def _cache_delete(api: Api, request: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    return await api.delete(f"/v1beta/{(await cache(api))['name']}"), {}


@scenario("caching/cached_contents_list")
async def _cache_list(api: Api, request: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    await cache(api)
    return await api.get("/v1beta/cachedContents"), {}


@scenario("caching/cached_contents_patch_ttl")
async def _cache_patch(api: Api, request: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    return await api.patch(f"/v1beta/{(await cache(api))['name']}", request["body"]), {}


@scenario("caching/generate_with_cached_content")
async def _cache_generate(api: Api, request: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    cached = await cache(api, "models/gemini-1.5-flash-001")
    body = {**request["body"], "cachedContent": cached["name"]}
    path = request["path"].partition("?")[0]
    return await api.post(path, body), {}


#: Covered by another test module.
ELSEWHERE = {
    "batches/batch_create_pending": "test_batch_jobs.py",
    "batches/batch_get_succeeded": "test_batch_jobs.py",
}

_CACHE_DETAILS = {
    f"usageMetadata.{field}{leaf}"
    for field in ("promptTokensDetails", "cacheTokensDetails")
    for leaf in ("", "[].modality", "[].tokenCount")
}

#: Fields an older recording has that the newer answers of the same method lack; the
#: emulator follows the newer.
OLDER_SHAPE: dict[str, set[str]] = {
    # 2024 (gemini-1.5-flash-001): the 2026 answer with cached tokens
    # (generate/implicit_cache_usage) has no safety ratings
    "caching/generate_with_cached_content": {
        "candidates[].safetyRatings",
        "candidates[].safetyRatings[].category",
        "candidates[].safetyRatings[].probability",
    },
}

#: Fields an older recording lacks that the newer answers of the same method carry.
OLDER_SHAPE_LACKS: dict[str, set[str]] = {
    # the same 2024 answer: no model version, response id or token details, which
    # generate/implicit_cache_usage (2026) carries
    "caching/generate_with_cached_content": {"modelVersion", "responseId"} | _CACHE_DETAILS,
    # 2024-08: a File had no `source` yet; the 2025 one (files/files_get_audio) has it
    "files/files_upload_finalize_video": {"file.source"},
}

#: Fields the recordings show that the API description (rev. 2025-12-18) lacks: the
#: emulator sends only described fields (docs/emulator.md, "Not emulated").
NOT_IN_SPEC = {
    "embeddings/batch_embed_contents_two_inputs": {
        "usageMetadata",
        "usageMetadata.promptTokenCount",
        "usageMetadata.promptTokenDetails",
        "usageMetadata.promptTokenDetails[].modality",
        "usageMetadata.promptTokenDetails[].tokenCount",
    },
}


def test_every_other_recording_is_classified() -> None:
    kinds = ("tokens", "embeddings", "models", "files", "caching", "batches")
    names = {f"{kind}/{p.stem}" for kind in kinds for p in (REAL / kind).glob("*.json")}
    assert names == set(SCENARIOS) | set(ELSEWHERE)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_same_fields_as_recorded(api: Api, name: str) -> None:
    fixture = recorded(name)
    request, response = fixture["request"], fixture["response"]
    got, headers = await SCENARIOS[name](api, request)
    want = response.get("body_json")
    want_paths = paths(want) - OLDER_SHAPE.get(name, set()) - NOT_IN_SPEC.get(name, set())
    want_paths |= OLDER_SHAPE_LACKS.get(name, set())
    got_paths = paths(got)
    assert got_paths == want_paths, (
        f"missing {sorted(want_paths - got_paths)}, extra {sorted(got_paths - want_paths)}"
    )
    if headers:  # uploads: the recorded upload headers are there too
        recorded_headers = {h.lower() for h in response["headers"]} - {"server-timing"}
        assert recorded_headers <= {h.lower() for h in headers}
