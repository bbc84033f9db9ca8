"""``examples/paced_batch.py`` against the emulator with a quota: all answered, paced, and
the progress line says so."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from genlang_async import Client, RateLimit, RateLimiter
from genlang_async.emulator import Emulator

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "paced_batch.py"


async def test_paced_batch_answers_everything_within_the_quota() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("_example_paced_batch", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    limiter = RateLimiter({"gemini-2.5-flash": RateLimit(requests=5, period=0.5)})
    out = io.StringIO()
    async with Emulator() as emu:
        emu.quotas.set("gemini-2.5-flash", requests=5, period=0.5)
        async with Client(api_key="k", base_url=emu.url, rate_limiter=limiter) as client:
            results = await module.answer_all(
                client,
                [f"q{n}" for n in range(12)],
                model="gemini-2.5-flash",
                concurrency=8,
                out=out,
            )
    assert all(isinstance(r, str) and r for r in results)
    assert limiter.stats().waits > 0
    assert "12/12 answered  paced: " in out.getvalue()


def test_paced_batch_runs_as_a_script() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--help"], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert "--rpm" in done.stdout
