"""The scripts in ``examples/`` run against the emulator: each test imports an example's
main coroutine (or app factory) and gives it ``Client(api_key="test", base_url=emu.url)``."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import pytest
from aiohttp import ClientSession, ClientTimeout, web

from genlang_async import Client
from genlang_async.emulator import Emulator

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load_example(name: str) -> ModuleType:
    """Import ``examples/<name>.py`` as a module (examples are scripts, not a package)."""
    module_name = f"_example_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(operation_delay=0.0, file_processing_delay=0.0) as emulator:
        yield emulator


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[Client]:
    async with Client(api_key="test", base_url=emu.url) as sdk_client:
        yield sdk_client


def api_calls(emu: Emulator, suffix: str) -> list[dict[str, Any]]:
    return [r for r in emu.request_log if str(r.get("path", "")).endswith(suffix)]


async def wait_for(condition: Any, limit: float = 3.0) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        await anyio.sleep(0.01)
    return bool(condition())


@pytest.mark.parametrize(
    "name",
    [
        "sse_relay_backend",
        "batch_embed",
        "terminal_chat",
        "scripted_responses",
        "extract_invoices",
        "tool_chat",
        "live_relay",
        "batch_classify_csv",
        "semantic_search",
    ],
)
def test_example_runs_as_a_script(name: str) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout


# --------------------------------------------------------------------- sse_relay_backend


@pytest.fixture
async def relay_url(client: Client) -> AsyncIterator[str]:
    relay = load_example("sse_relay_backend")
    runner = web.AppRunner(
        relay.create_app(client), handler_cancellation=True, access_log=None, shutdown_timeout=0.1
    )
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def parse_events(raw: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in raw.split("\n\n"):
        if not block.strip():
            continue
        name, data = "message", ""
        for line in block.splitlines():
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                data += line[len("data: ") :]
        events.append((name, json.loads(data)))
    return events


async def test_sse_relay_streams_text_events(relay_url: str, emu: Emulator, client: Client) -> None:
    emu.settings.stream_chunks = 4
    async with (
        ClientSession(timeout=ClientTimeout(total=10)) as browser,
        browser.get(f"{relay_url}/stream", params={"prompt": "Tell me about rivers"}) as resp,
    ):
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/event-stream")
        raw = (await resp.read()).decode()
    events = parse_events(raw)
    texts = [data["text"] for name, data in events if name == "message"]
    assert len(texts) >= 2  # relayed chunk by chunk
    assert "Tell me about rivers" in "".join(texts)
    assert events[-1][0] == "done"
    assert events[-1][1]["finishReason"] == "STOP"
    assert events[-1][1]["totalTokenCount"] > 0
    assert client.connections_in_use == 0


async def test_sse_relay_makes_its_own_client_from_the_environment(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "test")
    monkeypatch.setenv("GENLANG_BASE_URL", emu.url)
    relay = load_example("sse_relay_backend")
    runner = web.AppRunner(relay.create_app(), access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        async with (
            ClientSession(timeout=ClientTimeout(total=10)) as browser,
            browser.get(f"{url}/stream", params={"prompt": "Hello"}) as resp,
        ):
            events = parse_events((await resp.read()).decode())
        assert events[-1][0] == "done"
        async with ClientSession() as browser, browser.get(url) as page:
            assert "EventSource" in await page.text()
    finally:
        await runner.cleanup()


async def test_sse_relay_reports_api_errors_as_events(relay_url: str, emu: Emulator) -> None:
    emu.faults.fail("/v1beta/models/*:streamGenerateContent", status=400, message="bad prompt")
    async with (
        ClientSession(timeout=ClientTimeout(total=10)) as browser,
        browser.get(f"{relay_url}/stream", params={"prompt": "Hi"}) as resp,
    ):
        events = parse_events((await resp.read()).decode())
    assert events == [("error", {"status": "INVALID_ARGUMENT", "message": "bad prompt"})]


async def test_sse_relay_rejects_empty_prompt(relay_url: str) -> None:
    async with (
        ClientSession(timeout=ClientTimeout(total=10)) as browser,
        browser.get(f"{relay_url}/stream") as resp,
    ):
        assert resp.status == 400


async def test_sse_relay_disconnect_cancels_upstream(
    relay_url: str, emu: Emulator, client: Client
) -> None:
    # A slow upstream answer: 40 chunks, 0.1 s apart (about 4 s in all).
    emu.settings.stream_chunks = 40
    emu.settings.stream_chunk_delay = 0.1
    prompt = " ".join(f"word{i}" for i in range(60))
    started = time.monotonic()
    async with ClientSession(timeout=ClientTimeout(total=10)) as browser:
        resp = await browser.get(f"{relay_url}/stream", params={"prompt": prompt})
        first = await resp.content.readuntil(b"\n\n")
        assert first.startswith(b"data: ")
        assert client.connections_in_use == 1  # the relay is reading upstream
        resp.close()  # the browser goes away mid-answer
    assert await wait_for(lambda: client.connections_in_use == 0, limit=2.0)
    assert time.monotonic() - started < 2.5  # released long before the answer would end


# --------------------------------------------------------------------- semantic_search


async def test_semantic_search_ranks_the_line_a_query_repeats_first(
    emu: Emulator, client: Client
) -> None:
    search = load_example("semantic_search")
    lines = search.sample_lines(250)
    index = await search.build_index(client, lines, concurrency=3)
    (hits,) = await search.search(client, index, [lines[123]], top=3)
    assert hits[0][1] == lines[123]
    assert hits[0][0] == pytest.approx(1.0, abs=1e-6)
    assert [score for score, _ in hits] == sorted((score for score, _ in hits), reverse=True)
    calls = api_calls(emu, ":batchEmbedContents")
    assert len(calls) == 4  # 100 + 100 + 50 lines, then the query
    assert all(call["query"] == {"alt": "proto"} for call in calls)


async def test_semantic_search_main_reads_a_file(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    search = load_example("semantic_search")
    notes = tmp_path / "notes.txt"
    notes.write_text("a quiet town by the sea\nthe river in spring\n\nmountain passes\n")
    monkeypatch.setenv("GENLANG_BASE_URL", emu.url)
    monkeypatch.setenv("GEMINI_API_KEY", "test")
    query = "the river in spring"
    assert await search.main(["--input", str(notes), "--query", query, "--top", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{query}:"
    assert out[1].endswith("the river in spring")
    assert len(out) == 3


# ------------------------------------------------------------------------- batch_embed


async def test_batch_embed_every_input_in_order_despite_429s(emu: Emulator, client: Client) -> None:
    batch = load_example("batch_embed")
    inputs = batch.sample_inputs(200)
    emu.faults.fail("/v1beta/models/*:batchEmbedContents", status=429, times=3, retry_after=0)
    out, progress = io.StringIO(), io.StringIO()
    results = await batch.run(
        client,
        inputs,
        task="embed",
        batch_size=20,
        concurrency=4,
        progress_stream=progress,
    )
    batch.write_jsonl(out, inputs, results)
    assert len(results) == 200
    assert all(isinstance(r, list) and len(r) == 768 for r in results)
    calls = api_calls(emu, ":batchEmbedContents")
    assert [c["status"] for c in calls].count(429) == 3
    assert len(calls) == 200 // 20 + 3
    # In order: each vector is the one a single call gives for that input.
    for index in (0, 57, 199):
        single = await client.models.embed_content(batch.EMBED_MODEL, content=inputs[index])
        assert single.embedding is not None
        assert results[index] == pytest.approx(single.embedding.values)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["index"] for line in lines] == list(range(200))
    assert progress.getvalue().rstrip().endswith("eta 0s")
    assert "200/200" in progress.getvalue()
    assert client.connections_in_use == 0


async def test_batch_generate_every_input_in_order_despite_429s(
    emu: Emulator, client: Client
) -> None:
    batch = load_example("batch_embed")
    inputs = batch.sample_inputs(60)
    emu.faults.fail("/v1beta/models/*:generateContent", status=429, times=4, retry_after=0)
    emu.faults.fail("/v1beta/models/*:generateContent", status=503, times=1, retry_after=0)
    results = await batch.run(
        client, inputs, task="generate", concurrency=8, progress_stream=io.StringIO()
    )
    assert len(results) == 60
    for prompt, text in zip(inputs, results, strict=True):
        assert isinstance(text, str)
        assert prompt.rstrip(".") in text  # the emulator echoes the prompt
    statuses = [c["status"] for c in api_calls(emu, ":generateContent")]
    assert statuses.count(429) == 4
    assert statuses.count(503) == 1


async def test_batch_embed_reports_inputs_that_keep_failing(emu: Emulator, client: Client) -> None:
    batch = load_example("batch_embed")
    inputs = batch.sample_inputs(30)
    emu.faults.fail("/v1beta/models/*:batchEmbedContents", status=429, times=3, retry_after=0)
    results = await batch.run(
        client,
        inputs,
        batch_size=10,
        concurrency=1,
        max_retries=2,
        progress_stream=io.StringIO(),
    )
    failed = [i for i, r in enumerate(results) if isinstance(r, Exception)]
    assert failed == list(range(10))  # the first group used up its 3 attempts
    assert all(isinstance(r, list) for r in results[10:])


async def test_batch_embed_main_reads_and_writes_files(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = load_example("batch_embed")
    monkeypatch.setenv("GEMINI_API_KEY", "test")
    monkeypatch.setenv("GENLANG_BASE_URL", emu.url)
    source = tmp_path / "in.txt"
    source.write_text("first line\n\nsecond line\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    status = await batch.main(["--input", str(source), "--output", str(target)])
    assert status == 0
    records = [json.loads(line) for line in target.read_text().splitlines()]
    assert [r["input"] for r in records] == ["first line", "second line"]


# ------------------------------------------------------------------------ terminal_chat


def scripted(lines: list[str]) -> Any:
    feed = iter(lines)

    async def read_line(prompt: str) -> str | None:
        return next(feed, None)

    return read_line


async def test_terminal_chat_streams_turns_and_keeps_history(client: Client) -> None:
    if not hasattr(client, "chats"):
        pytest.skip("client.chats is not merged in this branch yet")
    chat_example = load_example("terminal_chat")
    out = io.StringIO()
    chat = await chat_example.chat_loop(
        client,
        read_line=scripted(["Hello there", "", "/history", "What about rivers?", "/quit", "x"]),
        out=out,
    )
    text = out.getvalue()
    assert text.count("model> ") == 2
    assert "Hello there" in text  # the emulator echoes the prompt
    assert "What about rivers?" in text
    assert "[2 messages in the history]" in text
    assert len(chat.history) == 4  # two user turns, two model turns


async def test_terminal_chat_reports_errors_and_ends_at_eof(client: Client, emu: Emulator) -> None:
    if not hasattr(client, "chats"):
        pytest.skip("client.chats is not merged in this branch yet")
    chat_example = load_example("terminal_chat")
    emu.faults.fail("/v1beta/models/*:streamGenerateContent", status=400, message="nope")
    out = io.StringIO()
    chat = await chat_example.chat_loop(client, read_line=scripted(["first", "second"]), out=out)
    assert "[API error 400 INVALID_ARGUMENT: nope]" in out.getvalue()
    assert len(chat.history) == 2  # the failed turn is not kept
    assert client.connections_in_use == 0


# ------------------------------------------------------------------ scripted_responses


async def test_scripted_responses_reach_the_app(emu: Emulator, client: Client) -> None:
    example = load_example("scripted_responses")
    results = await example.run(emu, client)
    assert results == {
        "json": "billing",
        "stream": ['{"queue": ', '"bugs"}'],
        "raw": "other",
        "error_then_answer": "bugs",
        "requests": 5,
    }
    assert [e["status"] for e in emu.request_log] == [200, 200, 200, 503, 200]
    assert not emu.scripts.active


async def test_scripted_responses_file_is_a_valid_script_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    example = load_example("scripted_responses")
    await example.main(["--script", str(EXAMPLES / "scripted_responses.json")])
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == ["from file: billing", "json: billing"]


async def test_extract_invoices_writes_typed_rows(
    emu: Emulator, client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoices = load_example("extract_invoices")
    bad = {"candidates": [{"content": {"role": "model", "parts": [{"text": "{}"}]}}]}
    # one at a time, sample-0 gets "{}" twice (first try and its repair): reported, no row
    emu.script("*:generateContent", [bad, bad])
    documents = invoices.sample_documents(12)
    out, errors = io.StringIO(), io.StringIO()
    failed = await invoices.run(client, documents, out, concurrency=1, errors=errors)
    assert failed == 1
    assert errors.getvalue().startswith("sample-0: StructuredOutputError")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [row["document"] for row in rows] == [f"sample-{i}" for i in range(1, 12)]
    assert {row["currency"] for row in rows} <= {"EUR", "USD", "GBP"}
    assert all(len(row["issued"]) == 10 for row in rows)
    assert client.connections_in_use == 0

    monkeypatch.setenv("GEMINI_API_KEY", "test")
    monkeypatch.setenv("GENLANG_BASE_URL", emu.url)
    target = tmp_path / "out.csv"
    assert await invoices.main(["--sample", "3", "--output", str(target)]) == 0
    assert len(target.read_text().splitlines()) == 4


async def test_tool_chat_shows_the_calls_live(client: Client) -> None:
    tool_chat = load_example("tool_chat")
    out = io.StringIO()
    lines = ["Call get_weather and find_trains for Oslo.", "Thanks!", "", "not sent"]
    chat = await tool_chat.run(client, lines, out, delay=0.05)
    shown = out.getvalue()
    assert "-> calling get_weather(city=" in shown
    assert "-> calling find_trains(" in shown
    assert "<- find_trains: {'result': [{'departs': '9:05'" in shown
    assert "not sent" not in shown
    roles = [turn.role for turn in chat.history]
    assert roles == ["user", "model", "user", "model", "user", "model"]
    assert client.connections_in_use == 0


# ------------------------------------------------------------------ batch_classify_csv


def read_csv(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


async def test_batch_classify_labels_every_row_by_key(
    emu: Emulator, client: Client, tmp_path: Path
) -> None:
    example = load_example("batch_classify_csv")
    counts = await example.run(client, tmp_path, rows=300, poll_interval=0.02)
    reviews = read_csv(tmp_path / "reviews.csv")
    labels = read_csv(tmp_path / "labels.csv")
    assert len(reviews) == 300
    assert sorted(row["id"] for row in labels) == [row["id"] for row in reviews]
    assert {row["label"] for row in labels} <= set(example.LABELS)
    assert sum(counts.values()) == 300
    assert not (tmp_path / "job.json").exists()
    assert len(api_calls(emu, ":batchGenerateContent")) == 1


async def test_batch_classify_resumes_after_a_kill(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = load_example("batch_classify_csv")
    emu.settings.batch_duration = 1.5
    env = {**os.environ, "GEMINI_API_KEY": "test", "GENLANG_BASE_URL": emu.url}
    script = [sys.executable, str(EXAMPLES / "batch_classify_csv.py")]
    args = ["--rows", "2000", "--workdir", str(tmp_path), "--poll-interval", "0.05"]
    state = tmp_path / "job.json"
    async with await anyio.open_process([*script, *args], env=env) as first:
        assert await wait_for(
            lambda: state.exists() and "name" in json.loads(state.read_text()), 20
        )
        first.kill()  # SIGKILL while it waits for the job
    assert first.returncode is not None
    assert first.returncode != 0
    assert not (tmp_path / "labels.csv").exists()
    name = json.loads(state.read_text())["name"]
    monkeypatch.setenv("GEMINI_API_KEY", "test")
    monkeypatch.setenv("GENLANG_BASE_URL", emu.url)
    assert await example.main(args) == 0
    labels = read_csv(tmp_path / "labels.csv")
    assert len(labels) == 2000
    assert {row["label"] for row in labels} <= set(example.LABELS)
    creates = api_calls(emu, ":batchGenerateContent")
    assert len(creates) == 1  # the second run attached to the same job
    assert any(r["path"] == f"/v1beta/{name}" for r in emu.request_log)


async def test_batch_classify_finds_a_job_submitted_just_before_a_kill(
    emu: Emulator, client: Client, tmp_path: Path
) -> None:
    example = load_example("batch_classify_csv")
    example.make_csv(tmp_path / "reviews.csv", 20)
    display_name = "classify reviews.csv 0badcafe"
    requests = example.requests_from(tmp_path / "reviews.csv")
    await client.batches.submit(example.MODEL, requests, display_name=display_name)
    (tmp_path / "job.json").write_text(json.dumps({"display_name": display_name}))
    await example.run(client, tmp_path, poll_interval=0.02)
    assert len(read_csv(tmp_path / "labels.csv")) == 20
    assert len(api_calls(emu, ":batchGenerateContent")) == 1


async def test_batch_classify_reads_your_own_csv_into_a_new_workdir(
    emu: Emulator, client: Client, tmp_path: Path
) -> None:
    example = load_example("batch_classify_csv")
    example.make_csv(tmp_path / "mine.csv", 15)
    await example.run(client, tmp_path / "new", csv_path=tmp_path / "mine.csv", poll_interval=0.02)
    assert len(read_csv(tmp_path / "new" / "labels.csv")) == 15


# --------------------------------------------------------------------- live_relay


@pytest.fixture
async def live_relay_url(client: Client) -> AsyncIterator[str]:
    relay = load_example("live_relay")
    runner = web.AppRunner(relay.create_app(client), access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def relay_turn(ws: Any, text: str) -> list[dict[str, Any]]:
    """Send one user turn through the relay; the frames up to the end of the answer."""
    await ws.send_str(json.dumps({"text": text}))
    frames = []
    while True:
        frame = json.loads((await ws.receive(timeout=10)).data)
        frames.append(frame)
        if frame["type"] in ("turnComplete", "error"):
            return frames


async def test_live_relay_answers_and_survives_go_away(live_relay_url: str, emu: Emulator) -> None:
    emu.faults.live_go_away(after_s=0.05, time_left_s=5)
    async with ClientSession() as http, http.ws_connect(live_relay_url + "/ws") as ws:
        first = await relay_turn(ws, "Hello relay")
        await anyio.sleep(0.1)  # the goAway arrives; the relay's session moves on
        second = await relay_turn(ws, "Still there?")
    text = "".join(f["text"] for f in first if f["type"] == "text")
    assert text.startswith('Emulated answer to "Hello relay".')
    assert any(f["type"] == "handle" for f in first)
    rest = "".join(f["text"] for f in second if f["type"] == "text")
    assert rest.startswith('Emulated answer to "Still there?".')
    assert {"type": "resumed", "reason": "go_away"} in first + second
    assert await wait_for(lambda: emu.state.live_connections == 0)


async def test_live_relay_resumes_a_reloaded_page_with_its_handle(
    live_relay_url: str, emu: Emulator
) -> None:
    async with ClientSession() as http:
        async with http.ws_connect(live_relay_url + "/ws") as ws:
            frames = await relay_turn(ws, "Remember the word amber")
            handles = [f["handle"] for f in frames if f["type"] == "handle"]
            while True:  # the handle that covers the answer follows it
                frame = json.loads((await ws.receive(timeout=10)).data)
                if frame["type"] == "handle":
                    handles.append(frame["handle"])
                    break
        async with http.ws_connect(live_relay_url + "/ws", params={"handle": handles[-1]}) as ws:
            await relay_turn(ws, "Which word?")
        async with http.ws_connect(live_relay_url + "/ws", params={"handle": "stale"}) as ws:
            error = json.loads((await ws.receive(timeout=10)).data)
    setups = [e["body"] for e in emu.state.live_log if e["kind"] == "setup"]
    assert setups[1]["sessionResumption"] == {"handle": handles[-1]}
    history = emu.state.live_handles[handles[-1]]["history"]
    assert history[0]["parts"][0]["text"] == "Remember the word amber"
    assert error["type"] == "error"
    assert "invalid or has expired" in error["message"]
