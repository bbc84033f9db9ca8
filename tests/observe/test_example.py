"""``examples/observe_calls.py`` against the emulator."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from genlang_async import Client
from genlang_async.emulator import Emulator

from .conftest import Otel

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "observe_calls.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_example_observe_calls", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_example_reports_retries_raw_response_stream_and_usage(otel_on: Otel) -> None:
    example = load()
    said: list[str] = []
    async with Emulator(operation_delay=0.0) as emu:
        emu.faults.fail("/v1beta/models/*:generateContent", status=429, times=2, retry_after=0)
        hooks = example.make_hooks(said.append)
        async with Client(api_key="test", base_url=emu.url, hooks=hooks) as client:
            await example.main(client, say=said.append)
    assert said[0].startswith("hook: attempt 1 of /v1beta/models/gemini-2.5-flash:generateContent")
    assert said[1].startswith("hook: attempt 2 of")
    assert said[2].startswith("raw: HTTP 200 after 2 retries")
    assert said[3].startswith("answer: ")
    assert said[4].startswith("hook: stream completed after 3 chunks")
    assert said[5].startswith("usage: gemini-2.5-flash: 2 requests")
    spans: list[str] = []
    example.print_spans(otel_on.exporter, spans.append)
    assert len(spans) == 2
    assert spans[0].endswith("retries=2")


def test_example_runs_as_a_script() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout
