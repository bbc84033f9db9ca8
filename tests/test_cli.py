"""The ``genlang`` command line, run as a user would: a separate process (``python -m
genlang_async``), offline against the embedded emulator or an emulator given by URL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from genlang_async.emulator import EmulatorThread


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY")}
    env.pop("GENLANG_BASE_URL", None)
    return env


def genlang(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "genlang_async", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_env(),
        check=False,
    )


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    with EmulatorThread(operation_delay=0.0, file_processing_delay=0.0) as emulator:
        yield str(emulator.url)


def test_demo_runs_offline_to_completion() -> None:
    result = genlang("demo")
    assert result.returncode == 0, result.stderr
    assert "embedded emulator" in result.stderr
    out = result.stdout
    for heading in ("Models, page by page", "generate_content", "stream_generate_content"):
        assert heading in out
    assert "page 2:" in out
    assert "state ACTIVE" in out
    assert "Done." in out
    assert "usage: gemini-2.5-flash: 2 requests, " in result.stderr


def test_generate_prints_the_text(emulator_url: str) -> None:
    result = genlang("--base-url", emulator_url, "generate", "gemini-2.5-flash", "Hello CLI")
    assert result.returncode == 0, result.stderr
    assert 'Emulated answer to "Hello CLI"' in result.stdout
    assert result.stderr.startswith("usage: gemini-2.5-flash: 1 request, ")


def test_generate_json_is_the_wire_response(emulator_url: str) -> None:
    result = genlang("--base-url", emulator_url, "generate", "gemini-2.5-flash", "Hi", "--json")
    assert result.returncode == 0, result.stderr
    body: dict[str, Any] = json.loads(result.stdout)
    assert body["candidates"][0]["content"]["role"] == "model"
    assert int(body["usageMetadata"]["totalTokenCount"]) > 0


def test_generate_stream_prints_every_chunk(emulator_url: str) -> None:
    streamed = genlang("--base-url", emulator_url, "generate", "gemini-2.5-flash", "Hi", "--stream")
    unary = genlang("--base-url", emulator_url, "generate", "gemini-2.5-flash", "Hi")
    assert streamed.returncode == 0, streamed.stderr
    assert streamed.stdout.strip() == unary.stdout.strip()


def test_models_list(emulator_url: str) -> None:
    result = genlang("--base-url", emulator_url, "models", "list", "--page-size", "7")
    assert result.returncode == 0, result.stderr
    names = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert "models/gemini-2.5-flash" in names
    assert len(names) > 7  # walked past the first page


def test_files_upload_list_delete(emulator_url: str, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("some notes\n" * 1000)
    uploaded = genlang("--base-url", emulator_url, "files", "upload", str(path))
    assert uploaded.returncode == 0, uploaded.stderr
    name = uploaded.stdout.split("\t")[0]
    assert name.startswith("files/")

    listed = genlang("--base-url", emulator_url, "files", "list")
    assert name in listed.stdout
    assert "text/plain" in listed.stdout

    deleted = genlang("--base-url", emulator_url, "files", "delete", name)
    assert deleted.returncode == 0, deleted.stderr
    assert name not in genlang("--base-url", emulator_url, "files", "list").stdout


def test_api_error_is_one_line_with_status(emulator_url: str) -> None:
    result = genlang("--base-url", emulator_url, "generate", "no-such-model", "Hi")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: 404 NOT_FOUND")


def test_bad_input_is_a_clear_error(emulator_url: str) -> None:
    result = genlang("--base-url", emulator_url, "files", "upload", "/no/such/file.txt")
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def test_ctrl_c_during_a_stream_exits_cleanly(tmp_path: Path) -> None:
    with EmulatorThread(stream_chunks=50, stream_chunk_delay=0.2) as emulator:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "genlang_async",
                "--base-url",
                str(emulator.url),
                "generate",
                "gemini-2.5-flash",
                "A long answer please",
                "--stream",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        assert process.stdout is not None
        deadline = time.monotonic() + 30
        while not process.stdout.read(1) and time.monotonic() < deadline:
            pass  # wait for the first streamed text
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "interrupted" in err
    assert "Traceback" not in err


def test_version() -> None:
    from genlang_async import __version__

    result = genlang("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"genlang {__version__}"


def test_emulator_takes_the_documented_flags() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "genlang_async",
            "emulator",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--stream-chunks",
            "5",
            "--stream-chunk-delay",
            "0.01",
            "--latency",
            "0.002",
            "--api-key",
            "k1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        import urllib.request

        with urllib.request.urlopen(url + "/__emulator/settings", timeout=30) as response:
            settings = json.load(response)
        assert settings["stream_chunks"] == 5
        assert settings["stream_chunk_delay"] == 0.01
        assert settings["latency"] == 0.002
        assert settings["api_keys"] == ["k1"]
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "Traceback" not in err


def test_a_closed_pipe_ends_quietly() -> None:
    """``genlang models list | head -1``: the reader leaves early; no "Broken pipe" noise."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line
    try:
        result = subprocess.run(
            [sys.executable, "-m", "genlang_async", "models", "list"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            env=_env(),
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 141  # as a shell reports `yes | head -1`
    assert "Broken pipe" not in result.stderr
    assert "error" not in result.stderr


def test_count_tokens(emulator_url: str) -> None:
    result = genlang("--base-url", emulator_url, "count-tokens", "gemini-2.5-flash", "one two")
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 0


def test_embed_prints_one_vector_per_text(emulator_url: str) -> None:
    result = genlang(
        "--base-url", emulator_url, "embed", "gemini-embedding-001", "a", "b", "--dimensions", "4"
    )
    assert result.returncode == 0, result.stderr
    vectors = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(vectors) == 2
    assert all(len(vector) == 4 for vector in vectors)
    assert vectors[0] != vectors[1]


def test_chat_keeps_the_history(emulator_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "genlang_async", "--base-url", emulator_url, "chat"],
        input="Hello there\n\n/reset\nSecond question\n/quit\nnot sent\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answers = result.stdout.splitlines()
    assert len(answers) == 2
    assert 'Emulated answer to "Hello there"' in answers[0]
    assert 'Emulated answer to "Second question"' in answers[1]


def test_caches_create_list_get_delete(emulator_url: str) -> None:
    created = genlang(
        "--base-url", emulator_url, "caches", "create", "gemini-2.5-flash", "context", "--ttl", "60"
    )
    assert created.returncode == 0, created.stderr
    name = created.stdout.split("\t")[0]
    assert name.startswith("cachedContents/")
    assert name in genlang("--base-url", emulator_url, "caches", "list").stdout
    got = genlang("--base-url", emulator_url, "caches", "get", name)
    assert got.stdout.split("\t")[:2] == [name, "models/gemini-2.5-flash"]
    assert genlang("--base-url", emulator_url, "caches", "delete", name).returncode == 0
    assert name not in genlang("--base-url", emulator_url, "caches", "list").stdout


def test_files_download_with_progress(tmp_path: Path) -> None:
    data = b"frame" * 100_000
    with EmulatorThread() as emulator:
        name = emulator.add_generated_file(data)["name"]
        target = tmp_path / "video.mp4"
        result = genlang("--base-url", str(emulator.url), "files", "download", name, str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == data
    assert result.stdout.strip() == f"{target}\t{len(data)}"
    assert f"downloading {name}" in result.stderr  # the bar's last line (not a TTY)
    assert "488.3 KiB / 488.3 KiB" in result.stderr


def test_batch_submit_wait_status_results_list_cancel(emulator_url: str, tmp_path: Path) -> None:
    source = tmp_path / "requests.jsonl"
    rows = [
        {"key": f"q{i}", "request": {"contents": [{"parts": [{"text": f"q{i}"}]}]}}
        for i in range(5)
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    submitted = genlang(
        "--base-url",
        emulator_url,
        "batch",
        "submit",
        str(source),
        "--model",
        "gemini-2.5-flash",
        "--wait",
        "--poll-interval",
        "0.05",
    )
    assert submitted.returncode == 0, submitted.stderr
    name = submitted.stdout.splitlines()[0]
    assert name.startswith("batches/")
    assert "BATCH_STATE_SUCCEEDED\trequests 5, succeeded 5" in submitted.stdout
    status = genlang("--base-url", emulator_url, "batch", "status", name)
    assert status.stdout.strip() == f"{name}\tBATCH_STATE_SUCCEEDED\trequests 5, succeeded 5"
    out = tmp_path / "results.jsonl"
    results = genlang("--base-url", emulator_url, "batch", "results", name, "-o", str(out))
    assert results.returncode == 0, results.stderr
    assert "5 results (0 failed requests)" in results.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["key"] for r in records) == [f"q{i}" for i in range(5)]
    assert all("candidates" in r["response"] for r in records)
    listed = genlang("--base-url", emulator_url, "batch", "list")
    assert f"{name}\tBATCH_STATE_SUCCEEDED" in listed.stdout
    cancelled = genlang("--base-url", emulator_url, "batch", "cancel", name)
    assert "BATCH_STATE_SUCCEEDED" in cancelled.stdout  # already finished: nothing to cancel


def test_batch_submit_rejects_a_malformed_file(emulator_url: str, tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text('{"key": "a", "request": {}}\n{"request": {}}\n', encoding="utf-8")
    result = genlang(
        "--base-url", emulator_url, "batch", "submit", str(source), "--model", "gemini-2.5-flash"
    )
    assert result.returncode == 2
    assert 'bad.jsonl line 2: expected {"key": ..., "request": ...}' in result.stderr
