"""``benchmarks/observe_overhead.py`` runs end to end at tiny sizes (the numbers mean nothing
here; the full run is in docs/performance.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_overhead_benchmark_runs() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "benchmarks/observe_overhead.py",
            "--blocks",
            "1",
            "--block",
            "3",
            "--direct-calls",
            "20",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for mode in ("bare", "off", "hooks", "otel-api", "otel"):
        assert f"  {mode} " in done.stdout, done.stdout
    assert "the plug-in path alone" in done.stdout
