"""Every recorded live response parses into its type and serializes back to the same JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import genlang_async.types as T

#: Recordings of the live API (copied from the shared fixtures; see INDEX.md there).
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "real"

# fixture (relative path, without .json) -> type of its body; None: nothing to parse
BODY_TYPES: dict[str, str | None] = {
    "tokens/count_tokens": "CountTokensResponse",
    "embeddings/batch_embed_contents_768d": "BatchEmbedContentsResponse",
    "embeddings/batch_embed_contents_two_inputs": "BatchEmbedContentsResponse",
    "embeddings/embed_content_single": "EmbedContentResponse",
    "models/list_page1_next_page_token": "ListModelsResponse",
    "files/file_search_store_create": "FileSearchStore",
    "files/file_search_store_delete": "Empty",
    "files/files_get_audio": "File",
    "files/files_list": "ListFilesResponse",
    "files/files_upload_finalize_video": "CreateFileResponse",
    "files/resumable_upload_finalize": "UploadToFileSearchStoreOperation",
    "files/resumable_upload_start": None,
    "caching/cached_contents_create": "CachedContent",
    "caching/cached_contents_create_2024": "CachedContent",
    "caching/cached_contents_delete": "Empty",
    "caching/cached_contents_list": "ListCachedContentsResponse",
    "caching/cached_contents_patch_ttl": "CachedContent",
    "caching/generate_with_cached_content": "GenerateContentResponse",
    "batches/batch_create_pending": "Operation",
    "batches/batch_get_succeeded": "Operation",
}


def fixture_files() -> list[Path]:
    if not FIXTURES.is_dir():
        return []
    return sorted(FIXTURES.glob("*/*.json"))


def body_of(response: dict[str, Any]) -> Any:
    if "body_json" in response:
        return response["body_json"]
    text = response.get("body_text", "")
    return json.loads(text) if text.strip() else None


def sse_events(text: str) -> list[Any]:
    events = []
    for block in re.split(r"\r\n\r\n|\n\n|\r\r", text):
        data = [line[5:].lstrip(" ") for line in block.splitlines() if line.startswith("data:")]
        if data:
            events.append(json.loads("\n".join(data)))
    return events


def roundtrip(type_name: str, body: Any) -> None:
    cls = getattr(T, type_name)
    obj = cls.from_dict(body)
    assert isinstance(obj, cls)
    again = obj.to_dict()
    assert json.loads(json.dumps(again)) == body
    assert cls.from_dict(again) == obj


@pytest.mark.parametrize(
    "path", fixture_files(), ids=lambda p: f"{p.parent.name}/{p.stem}" if p else ""
)
def test_fixture_roundtrip(path: Path) -> None:
    key = f"{path.parent.name}/{path.stem}"
    fixture = json.loads(path.read_text())
    response = fixture["response"]
    category = path.parent.name
    if category == "errors":
        body = body_of(response)
        roundtrip("Status", body["error"])
        return
    if category == "stream_sse":
        events = sse_events(response["body_text"])
        assert events
        for event in events:
            roundtrip("GenerateContentResponse", event)
        return
    if category == "stream_json":
        events = json.loads(response["body_text"])
        assert isinstance(events, list)
        assert events
        for event in events:
            roundtrip("GenerateContentResponse", event)
        return
    type_name = "GenerateContentResponse" if category == "generate" else BODY_TYPES[key]
    if type_name is None:
        return
    roundtrip(type_name, body_of(response))


def test_every_fixture_has_a_type() -> None:
    for path in fixture_files():
        if path.parent.name not in ("errors", "stream_sse", "stream_json", "generate"):
            assert f"{path.parent.name}/{path.stem}" in BODY_TYPES, path


def test_batch_operation_metadata_is_typed() -> None:
    fixture = json.loads((FIXTURES / "batches" / "batch_get_succeeded.json").read_text())
    body = fixture["response"]["body_json"]
    op = T.Operation.from_dict(body)
    assert op.done is True
    assert op.metadata is not None
    batch = T.GenerateContentBatch.from_dict(op.metadata)
    assert batch.state is T.BatchState.BATCH_STATE_SUCCEEDED
    assert batch.batch_stats is not None
    assert batch.batch_stats.successful_request_count == 2
    assert batch.extra == {"@type": op.metadata["@type"]}
    assert batch.create_time is not None
    assert batch.create_time.text == op.metadata["createTime"]
    assert batch.to_dict() == op.metadata


def test_int_encoded_enums_are_kept_raw() -> None:
    fixture = json.loads(
        (FIXTURES / "stream_json" / "int_enum_encoding_json_array.json").read_text()
    )
    first = T.GenerateContentResponse.from_dict(json.loads(fixture["response"]["body_text"])[0])
    assert first.usage_metadata is not None
    assert first.usage_metadata.prompt_tokens_details
    assert first.usage_metadata.prompt_tokens_details[0].modality == 1
