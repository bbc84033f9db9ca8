"""``client.batches.submit`` / ``attach`` and the ``BatchJob`` handle, against the emulator."""

from __future__ import annotations

import contextlib
import random
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

from genlang_async import (
    BatchJob,
    BatchJobError,
    BatchOutputError,
    BatchRequestError,
    BatchTimeoutError,
    Client,
    NotFoundError,
)
from genlang_async._batch import MAX_AUTO_INLINE_REQUESTS, MAX_INLINE_BYTES
from genlang_async.emulator import Emulator
from genlang_async.types import (
    BatchState,
    BatchStats,
    EmbedContentResponse,
    GenerateContentRequest,
    GenerateContentResponse,
)

MODEL = "gemini-2.5-flash"
FAST = 0.02  # poll interval of the tests


@pytest.fixture
def emulator_settings() -> dict[str, Any]:
    return {"operation_delay": 0.0, "file_processing_delay": 0.0}


def answered(key: str, result: object) -> bool:
    """The emulator echoes the prompt: the answer to request ``key`` names ``key``."""
    return isinstance(result, GenerateContentResponse) and f"about {key}" in (result.text or "")


async def all_results(job: BatchJob[Any]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    async for key, result in job.results():
        assert key not in results
        results[key] = result
    return results


async def test_small_batch_goes_inline_and_results_come_back_by_key(client: Client) -> None:
    requests: dict[str, Any] = {
        "str": "Tell me about str",
        "dict": {"contents": [{"role": "user", "parts": [{"text": "Tell me about dict"}]}]},
        "typed": GenerateContentRequest.from_dict(
            {"contents": [{"parts": [{"text": "Tell me about typed"}]}]}
        ),
    }
    job = await client.batches.submit(MODEL, requests, display_name="small")
    assert job.name.startswith("batches/")
    assert job.display_name == "small"
    assert job.model == "models/gemini-2.5-flash"
    assert "requests" in job.raw["metadata"]["inputConfig"]
    assert job.state == BatchState.BATCH_STATE_PENDING
    assert job.stats == BatchStats(request_count=3, pending_request_count=3)
    assert await job.wait(poll_interval=FAST) is job
    assert job.stats == BatchStats(request_count=3, successful_request_count=3)
    results = await all_results(job)
    assert set(results) == set(requests)
    assert all(answered(key, result) for key, result in results.items())
    assert client.connections_in_use == 0


async def test_auto_switches_to_a_file_past_the_inline_limit(client: Client) -> None:
    filler = {"parts": [{"text": "y" * 2_000_000}]}  # 2 MB each: 11 pass the 20 MB limit
    requests = [
        (f"r{i}", {"systemInstruction": filler, "contents": [{"parts": [{"text": f"about r{i}"}]}]})
        for i in range(11)
    ]
    job = await client.batches.submit(MODEL, iter(requests))
    assert "fileName" in job.raw["metadata"]["inputConfig"]
    uploaded = await client.files.get(job.raw["metadata"]["inputConfig"]["fileName"])
    assert uploaded.size_bytes is not None
    assert uploaded.size_bytes > MAX_INLINE_BYTES
    await job.wait(poll_interval=FAST)
    results = await all_results(job)
    assert sorted(results) == sorted(key for key, _ in requests)
    assert all(answered(key, result) for key, result in results.items())


async def test_auto_sends_more_than_1000_requests_as_a_file(client: Client) -> None:
    requests = {f"k{i}": "x" for i in range(MAX_AUTO_INLINE_REQUESTS + 1)}
    job = await client.batches.submit(MODEL, requests)
    assert "fileName" in job.raw["metadata"]["inputConfig"]
    forced = await client.batches.submit(MODEL, requests, input="inline")
    assert "requests" in forced.raw["metadata"]["inputConfig"]


async def test_input_file_forces_a_file_for_a_small_batch(client: Client) -> None:
    async def pairs() -> AsyncIterator[tuple[str, str]]:
        for i in range(3):
            yield f"k{i}", f"Tell me about k{i}"

    job = await client.batches.submit(MODEL, pairs(), input="file")
    assert "fileName" in job.raw["metadata"]["inputConfig"]
    await job.wait(poll_interval=FAST)
    assert set(await all_results(job)) == {"k0", "k1", "k2"}


async def test_5000_request_file_batch_results_match_the_input_keys_exactly(
    client: Client,
) -> None:
    keys = [f"row-{random.getrandbits(40):010x}-{i}" for i in range(5000)]
    random.shuffle(keys)
    job = await client.batches.submit(
        MODEL, ((key, f"Tell me about {key}") for key in keys), input="file"
    )
    await job.wait(poll_interval=FAST)
    results = await all_results(job)
    assert len(results) == 5000
    assert set(results) == set(keys)
    assert all(answered(key, result) for key, result in results.items())
    assert client.connections_in_use == 0


async def test_per_request_errors_are_yielded_in_place_of_responses(
    client: Client, emulator: Emulator
) -> None:
    emulator.settings.batch_request_failures = {"bad-*": 400, "busy": 429}
    keys = ["ok-1", "bad-1", "busy", "ok-2", "bad-2"]
    for mode in ("inline", "file"):
        job = await client.batches.submit(
            MODEL, {k: f"Tell me about {k}" for k in keys}, input=mode
        )
        await job.wait(poll_interval=FAST)
        assert job.stats.failed_request_count == 3
        assert job.stats.successful_request_count == 2
        results = await all_results(job)
        errors = {k: r for k, r in results.items() if isinstance(r, BatchRequestError)}
        assert sorted(errors) == ["bad-1", "bad-2", "busy"]
        assert errors["bad-1"].status == "INVALID_ARGUMENT"
        assert errors["bad-1"].key == "bad-1"
        assert errors["busy"].code == 8
        assert "busy" in str(errors["busy"])
        assert answered("ok-1", results["ok-1"])
        assert answered("ok-2", results["ok-2"])


async def test_a_second_client_attaches_by_name(client: Client, emulator: Emulator) -> None:
    emulator.settings.batch_duration = 0.3
    job = await client.batches.submit(MODEL, {"a": "Tell me about a"})
    async with Client(api_key="other-key", base_url=emulator.url) as other:
        same = await other.batches.attach(job.name.split("/")[1])  # a bare id works too
        assert same.name == job.name
        await same.wait(poll_interval=FAST)
        assert answered("a", (await all_results(same))["a"])
        with pytest.raises(NotFoundError):
            await other.batches.attach("batches/nosuchjob")


async def test_cancel_ends_the_job_and_wait_and_results_say_so(
    client: Client, emulator: Emulator
) -> None:
    emulator.settings.batch_duration = 60
    job = await client.batches.submit(MODEL, {"a": "x", "b": "y"})
    await job.cancel()
    assert job.state == BatchState.BATCH_STATE_CANCELLED
    assert job.done
    with pytest.raises(BatchJobError, match="BATCH_STATE_CANCELLED") as caught:
        await job.wait(poll_interval=FAST)
    assert caught.value.state == "BATCH_STATE_CANCELLED"
    assert caught.value.job_name == job.name
    with pytest.raises(BatchJobError):
        await all_results(job)
    await job.delete()
    with pytest.raises(NotFoundError):
        await job.refresh()


async def test_restart_in_the_middle_of_wait_carries_on(client: Client, emulator: Emulator) -> None:
    emulator.settings.batch_duration = 1.0
    keys = [f"k{i}" for i in range(40)]
    job = await client.batches.submit(MODEL, {k: f"Tell me about {k}" for k in keys})
    saved_name = job.name
    seen: list[BatchStats] = []

    async def first_run() -> None:
        async def progress(stats: BatchStats) -> None:
            seen.append(stats)
            if (stats.successful_request_count or 0) > 0:
                scope.cancel()  # the process dies while waiting, half-way through

        await job.wait(poll_interval=FAST, progress=progress)

    with anyio.CancelScope() as scope:
        await first_run()
    assert scope.cancelled_caught
    assert 0 < (seen[-1].successful_request_count or 0) < 40

    async with Client(api_key="restarted", base_url=emulator.url) as restarted:
        again = await restarted.batches.attach(saved_name)
        progress: list[BatchStats] = []
        await again.wait(poll_interval=FAST, progress=progress.append)
        pending = [s.pending_request_count or 0 for s in progress]
        assert pending == sorted(pending, reverse=True)
        assert progress[-1] == BatchStats(request_count=40, successful_request_count=40)
        results = await all_results(again)
    assert set(results) == set(keys)


async def test_wait_times_out_but_the_job_goes_on(client: Client, emulator: Emulator) -> None:
    emulator.settings.batch_duration = 60
    job = await client.batches.submit(MODEL, {"a": "x"})
    with pytest.raises(BatchTimeoutError) as caught:
        await job.wait(poll_interval=FAST, timeout=0.1)
    assert isinstance(caught.value, TimeoutError)
    assert caught.value.state in ("BATCH_STATE_PENDING", "BATCH_STATE_RUNNING")
    with pytest.raises(RuntimeError, match=r"await job\.wait"):
        await all_results(job)
    assert not (await job.refresh()).done


async def test_expired_and_failed_jobs_raise_batch_job_error(
    client: Client, emulator: Emulator
) -> None:
    emulator.settings.batch_duration = 5
    emulator.settings.batch_expiry = 0.05
    job = await client.batches.submit(MODEL, {"a": "x"})
    with pytest.raises(BatchJobError, match="EXPIRED") as caught:
        await job.wait(poll_interval=FAST)
    assert caught.value.error is not None
    assert job.error == caught.value.error
    emulator.settings.batch_expiry = 3600.0
    emulator.settings.batch_duration = 0.0
    broken = await client.files.upload(b'{"key": "a"\n', mime_type="application/jsonl")
    op = await client.models.batch_generate_content(
        MODEL, batch={"display_name": "x", "input_config": {"file_name": broken.name}}
    )
    failed = await client.batches.attach(op.name)
    with pytest.raises(BatchJobError, match="FAILED"):
        await failed.wait(poll_interval=FAST)


async def test_embedding_batches_give_embed_content_responses(client: Client) -> None:
    job = await client.batches.submit_embeddings(
        "gemini-embedding-001",
        [("a", "first text"), ("b", {"content": {"parts": [{"text": "b"}]}})],
    )
    await job.wait(poll_interval=FAST)
    results = await all_results(job)
    assert set(results) == {"a", "b"}
    for result in results.values():
        assert isinstance(result, EmbedContentResponse)
        assert result.embedding is not None
        assert len(result.embedding.values or []) == 768
    direct = await client.models.embed_content("gemini-embedding-001", content="first text")
    assert direct.embedding == results["a"].embedding
    attached = await client.batches.attach(job.name)
    assert set(await all_results(attached)) == {"a", "b"}


async def test_bad_arguments_fail_before_anything_is_sent(
    client: Client, emulator: Emulator
) -> None:
    with pytest.raises(ValueError, match="used more than once"):
        await client.batches.submit(MODEL, [("a", "x"), ("a", "y")])
    with pytest.raises(ValueError, match="input must be one of"):
        await client.batches.submit(MODEL, {"a": "x"}, input="stream")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one request"):
        await client.batches.submit(MODEL, {})
    with pytest.raises(TypeError, match="display_name"):
        await client.batches.submit(MODEL, {"a": "x"}, display_name=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="model"):
        await client.batches.submit("files/abc", {"a": "x"})
    assert emulator.request_log == []
    job = await client.batches.submit(MODEL, {"a": "x"})
    with pytest.raises(ValueError, match="poll_interval"):
        await job.wait(poll_interval=0)
    with pytest.raises(TypeError, match="progress"):
        await job.wait(progress=3)  # type: ignore[arg-type]


async def test_stopping_early_releases_the_download(client: Client) -> None:
    job = await client.batches.submit(MODEL, {f"k{i}": "x" for i in range(50)}, input="file")
    await job.wait(poll_interval=FAST)
    async with contextlib.aclosing(job.results()) as results:
        async for _key, _result in results:
            break
    assert client.connections_in_use == 0
    assert repr(job) == f"<BatchJob name={job.name!r} state=BATCH_STATE_SUCCEEDED>"


async def test_malformed_server_answers_raise_batch_output_error(
    client: Client, emulator: Emulator
) -> None:
    emulator.script("/v1beta/batches/*", [{"name": "batches/abc"}], method="GET")
    with pytest.raises(BatchOutputError, match="has no metadata"):
        await client.batches.attach("batches/abc")
    job = await client.batches.submit(MODEL, {"a": "x"})
    done = {**job.raw, "done": True, "response": {"responsesFile": "files/out"}}
    done["metadata"] = {**job.raw["metadata"], "state": "BATCH_STATE_SUCCEEDED"}
    emulator.script(f"/v1beta/{job.name}", [done], method="GET")
    # a pretty-printed JSON document is not JSONL: its first line is "{"
    emulator.script("/download/v1beta/files/out:download", [{"response": {}}], method="GET")
    with pytest.raises(BatchOutputError, match="line 1 of the batch output is not a JSON object"):
        await all_results(job)
