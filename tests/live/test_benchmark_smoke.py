"""The Live benchmark runs (a smoke run: the numbers mean nothing here)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks import live_messages


def test_quick_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert live_messages.main(["--quick", "--chunks", "5"]) == 0
    out = capsys.readouterr().out
    assert "raw" in out
    assert "text_stream" in out
