"""The walk-through script of ``docs/observability.md`` runs and prints what the page shows."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "observability.md"


def walkthrough() -> str:
    text = DOC.read_text()
    section = text.split("### Walk-through", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


def test_walkthrough_prints_one_span_and_a_log_line_per_retry(tmp_path: Path) -> None:
    script = tmp_path / "walkthrough.py"
    script.write_text(walkthrough())
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[0] == "generate_content gemini-2.5-flash CLIENT"
    assert "  gen_ai.response.finish_reasons = ('STOP',)" in out
    assert (
        sum(line.startswith("  event genlang.retry: {'genlang.retry.attempt': ") for line in out)
        == 2
    )
    logs = [line for line in done.stderr.splitlines() if line.startswith("INFO genlang_async: ")]
    assert [line.split()[2:7] for line in logs] == [
        ["retry", "POST", "/v1beta/models/gemini-2.5-flash:generateContent", "429", "attempt=1"],
        ["retry", "POST", "/v1beta/models/gemini-2.5-flash:generateContent", "429", "attempt=2"],
        [
            "POST",
            "/v1beta/models/gemini-2.5-flash:generateContent",
            "200",
            "attempt=3",
            logs[2].split()[6],
        ],
    ]
    assert re.search(r" tokens=\d+\+\d+(\+\d+)?$", logs[2])
