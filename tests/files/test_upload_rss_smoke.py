"""Smoke run of ``benchmarks/upload_rss.py`` at a tiny size (the real figures come from
running it by hand: see its docstring)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "upload_rss.py"


def test_upload_rss_benchmark_smoke() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--sizes-mib",
            "2",
            "--chunk-mib",
            "1",
            "--granularity-kib",
            "256",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (result,) = json.loads(done.stdout)
    assert result["size_ok"]
    assert result["sha256_ok"]
    assert result["within_target"]
    assert result["throughput_mib_s"] > 0
