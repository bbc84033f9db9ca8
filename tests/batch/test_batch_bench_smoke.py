"""Smoke run of ``benchmarks/batch_jobs.py`` at tiny sizes (the real figures come from
running it by hand: see its docstring and docs/performance.md). No timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "batch_jobs.py"


def test_batch_benchmark_smoke() -> None:
    sizes = ["--requests", "300", "--texts", "150", "--latencies-ms", "0"]
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *sizes, "--min-speedup", "0", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert results["submit_auto"]["sent_as"] == "inline"
    assert results["submit_file"]["sent_as"] == "fileName"
    assert results["results"]["results"] == 300
    assert results["embed_proto_0ms"]["same_vectors"]
    assert results["embed_json_0ms"]["same_vectors"]
    assert all(r["within_target"] for r in results.values())
