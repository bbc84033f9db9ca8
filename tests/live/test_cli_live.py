"""``genlang live``: a terminal chat, run as a user would (a separate process)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from genlang_async.emulator import EmulatorThread


def genlang_live(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY")}
    env.pop("GENLANG_BASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "genlang_async", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


@pytest.fixture
def emulator() -> Iterator[EmulatorThread]:
    with EmulatorThread() as emu:
        yield emu


def test_each_line_is_a_turn_answered_on_its_own_line() -> None:
    result = genlang_live("Hello live\n\nSecond line\n", "live")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith('Emulated answer to "Hello live".')
    assert lines[1].startswith('Emulated answer to "Second line".')
    assert "embedded emulator" in result.stderr


def test_a_go_away_is_survived_and_shown(emulator: EmulatorThread) -> None:
    emulator.faults.live_go_away(after_s=0.0, time_left_s=5)
    result = genlang_live("one\ntwo\n", "--base-url", emulator.url, "live", "--system", "Be brief")
    assert result.returncode == 0, result.stderr
    assert "[session resumed: go_away]" in result.stderr
    assert [line.split(".")[0] for line in result.stdout.splitlines()] == [
        'Emulated answer to "one"',
        'Emulated answer to "two"',
    ]
    setups = [e["body"] for e in emulator.state.live_log if e["kind"] == "setup"]
    assert len(setups) == 2
    assert setups[0]["systemInstruction"] == {"parts": [{"text": "Be brief"}]}


def test_an_unknown_model_is_a_one_line_error(emulator: EmulatorThread) -> None:
    result = genlang_live("hi\n", "--base-url", emulator.url, "live", "--model", "nope")
    assert result.returncode == 1
    assert result.stderr.startswith("error: 404 NOT_FOUND: models/nope is not found")
