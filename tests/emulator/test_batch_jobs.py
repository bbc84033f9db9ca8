"""Batch job lifecycle in the emulator: progress and stats, injected per-request failures,
file output downloadable like the live API's, cancel, expiry, failure, recorded shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio

from ._schema import check
from .conftest import KEY, Api

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "batches"
MODEL_PATH = "/v1beta/models/gemini-2.5-flash"


def req(text: str) -> dict[str, Any]:
    return {"contents": [{"role": "user", "parts": [{"text": text}]}]}


def inline_batch(keys: list[str]) -> dict[str, Any]:
    items = [{"request": req(f"q {k}"), "metadata": {"key": k}} for k in keys]
    return {"batch": {"displayName": "b", "inputConfig": {"requests": {"requests": items}}}}


async def upload_jsonl(api: Api, lines: list[Any]) -> str:
    data = b"".join(
        (line if isinstance(line, bytes) else json.dumps(line).encode()) + b"\n" for line in lines
    )
    async with api.session.post(
        api.base + "/upload/v1beta/files",
        data=data,
        headers={"x-goog-api-key": KEY, "X-Goog-Upload-Protocol": "raw"},
    ) as response:
        assert response.status == 200
        return str((await response.json())["file"]["name"])


async def poll_until_done(api: Api, name: str) -> list[dict[str, Any]]:
    """Every distinct metadata seen until the operation is done."""
    seen: list[dict[str, Any]] = []
    with anyio.fail_after(20):
        while True:
            op = await api.get(f"/v1beta/{name}")
            meta = {"state": op["metadata"]["state"], "stats": op["metadata"]["batchStats"]}
            if not seen or seen[-1] != meta:
                seen.append(meta)
            if op.get("done"):
                return seen
            await anyio.sleep(0.01)


def count(stats: dict[str, str], field: str) -> int:
    return int(stats.get(field, "0"))


async def test_stats_move_with_the_state_over_the_batch_duration(api: Api, emulator: Any) -> None:
    emulator.settings.batch_duration = 1.0
    keys = [f"k{i}" for i in range(40)]
    op = await api.post(f"{MODEL_PATH}:batchGenerateContent", inline_batch(keys))
    assert op["metadata"]["batchStats"] == {"requestCount": "40", "pendingRequestCount": "40"}
    seen = await poll_until_done(api, op["name"])
    states = [s["state"] for s in seen]
    assert states[0] == "BATCH_STATE_PENDING"
    assert states[-1] == "BATCH_STATE_SUCCEEDED"
    assert "BATCH_STATE_RUNNING" in states
    running = [s["stats"] for s in seen if s["state"] == "BATCH_STATE_RUNNING"]
    assert len(running) >= 2  # stats changed while running, not all at once
    done = [count(s, "successfulRequestCount") for s in running]
    assert done == sorted(done)
    for stats in running:
        assert count(stats, "successfulRequestCount") + count(stats, "pendingRequestCount") == 40
    assert seen[-1]["stats"] == {"requestCount": "40", "successfulRequestCount": "40"}


async def test_injected_failures_inline_keep_metadata_and_count(api: Api, emulator: Any) -> None:
    emulator.settings.batch_request_failures = {"bad-*": 429, "worse": 500}
    keys = ["a", "bad-1", "b", "worse", "bad-2"]
    op = await api.post(f"{MODEL_PATH}:batchGenerateContent", inline_batch(keys))
    done = await api.get(f"/v1beta/{op['name']}")
    stats = done["metadata"]["batchStats"]
    assert stats == {"requestCount": "5", "successfulRequestCount": "2", "failedRequestCount": "3"}
    inlined = done["response"]["inlinedResponses"]["inlinedResponses"]
    by_key = {r["metadata"]["key"]: r for r in inlined}
    assert set(by_key) == set(keys)
    assert by_key["bad-1"]["error"]["code"] == 8
    assert by_key["worse"]["error"]["code"] == 13
    assert "response" in by_key["a"]
    assert "error" not in by_key["a"]
    check(done["metadata"], "GenerateContentBatch")


async def test_file_batch_output_is_a_downloadable_jsonl_file(api: Api, emulator: Any) -> None:
    emulator.settings.batch_request_failures = {"k3": 400}
    lines = [{"key": f"k{i}", "request": req(f"question {i}")} for i in range(6)]
    lines.append({"key": "no-request"})
    file_name = await upload_jsonl(api, lines)
    op = await api.post(
        f"{MODEL_PATH}:batchGenerateContent",
        {"batch": {"displayName": "f", "inputConfig": {"fileName": file_name}}},
    )
    done = await api.get(f"/v1beta/{op['name']}")
    out_name = done["response"]["responsesFile"]
    assert done["metadata"]["output"] == {"responsesFile": out_name}
    assert out_name == "files/batch-" + op["name"].split("/")[1]
    assert done["metadata"]["batchStats"]["failedRequestCount"] == "2"
    info = await api.get(f"/v1beta/{out_name}")
    assert info["mimeType"] == "application/jsonl"
    assert info["source"] == "GENERATED"
    assert info["downloadUri"].endswith(f"/v1beta/{out_name}:download?alt=media")
    body = await api.download(out_name, host_prefix="/download")
    assert int(info["sizeBytes"]) == len(body)
    rows = [json.loads(line) for line in body.splitlines()]
    assert [row["key"] for row in rows] == [f"k{i}" for i in range(6)] + ["no-request"]
    assert rows[3]["error"]["code"] == 3
    assert rows[6]["error"]["code"] == 3
    direct = await api.post(f"{MODEL_PATH}:generateContent", req("question 0"))
    assert rows[0]["response"] == direct


async def test_cancel_freezes_a_running_job(api: Api, emulator: Any) -> None:
    emulator.settings.batch_duration = 30
    op = await api.post(f"{MODEL_PATH}:batchGenerateContent", inline_batch(["a", "b"]))
    assert await api.post(f"/v1beta/{op['name']}:cancel") == {}
    cancelled = await api.get(f"/v1beta/{op['name']}")
    assert cancelled["done"] is True
    assert cancelled["metadata"]["state"] == "BATCH_STATE_CANCELLED"
    assert "endTime" in cancelled["metadata"]
    assert cancelled["error"]["code"] == 1
    assert "response" not in cancelled
    assert cancelled["metadata"]["batchStats"]["pendingRequestCount"] == "2"
    assert await api.post(f"/v1beta/{op['name']}:cancel") == {}  # idempotent


async def test_a_job_longer_than_the_expiry_ends_expired(api: Api, emulator: Any) -> None:
    emulator.settings.batch_duration = 60
    emulator.settings.batch_expiry = 0.2
    op = await api.post(f"{MODEL_PATH}:batchGenerateContent", inline_batch(["a"]))
    seen = await poll_until_done(api, op["name"])
    assert seen[-1]["state"] == "BATCH_STATE_EXPIRED"
    done = await api.get(f"/v1beta/{op['name']}")
    assert done["error"]["code"] == 4
    assert "output" not in done["metadata"]


async def test_an_unreadable_input_line_fails_the_job(api: Api) -> None:
    file_name = await upload_jsonl(api, [{"key": "a", "request": req("x")}, b"{not json"])
    op = await api.post(
        f"{MODEL_PATH}:batchGenerateContent",
        {"batch": {"displayName": "f", "inputConfig": {"fileName": file_name}}},
    )
    done = await api.get(f"/v1beta/{op['name']}")
    assert done["metadata"]["state"] == "BATCH_STATE_FAILED"
    assert done["error"] == {"code": 3, "message": "Line 2 of the input file is not a JSON object."}


async def test_embedding_batch_from_a_file(api: Api) -> None:
    lines = [
        {"key": f"e{i}", "request": {"content": {"parts": [{"text": f"t{i}"}]}}} for i in (1, 2)
    ]
    file_name = await upload_jsonl(api, lines)
    op = await api.post(
        "/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent",
        {"batch": {"displayName": "e", "inputConfig": {"fileName": file_name}}},
    )
    done = await api.get(f"/v1beta/{op['name']}")
    assert done["response"]["@type"].endswith("EmbedContentBatchOutput")
    out = done["response"]["responsesFile"]
    rows = [json.loads(line) for line in (await api.download(out)).splitlines()]
    assert [r["key"] for r in rows] == ["e1", "e2"]
    assert len(rows[0]["response"]["embedding"]["values"]) == 768


def shape(value: Any) -> Any:
    """The key structure of a JSON value (leaves become their type name)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    return type(value).__name__


async def test_operations_are_shaped_like_the_recordings(api: Api, emulator: Any) -> None:
    pending = json.loads((RECORDED / "batch_create_pending.json").read_text())
    succeeded = json.loads((RECORDED / "batch_get_succeeded.json").read_text())
    lines = [{"key": "a", "request": req("x")}, {"key": "b", "request": req("y")}]
    file_name = await upload_jsonl(api, lines)
    body = {"batch": {"displayName": "my batch name", "inputConfig": {"fileName": file_name}}}
    emulator.settings.batch_duration = 0.3
    created = await api.post(f"{MODEL_PATH}:batchGenerateContent", body)
    assert shape(created) == shape(pending["response"]["body_json"])
    assert list(created["metadata"]) == list(pending["response"]["body_json"]["metadata"])
    await poll_until_done(api, created["name"])
    done = await api.get(f"/v1beta/{created['name']}")
    assert shape(done) == shape(succeeded["response"]["body_json"])
    assert sorted(done["metadata"]) == sorted(succeeded["response"]["body_json"]["metadata"])
