"""Client CPU per unary call with observability off, with hooks, and with OpenTelemetry on.

Each sample is a fresh interpreter that sends ``--calls`` ``generate_content`` calls
(``--concurrency`` at a time, after a warm-up) to the canned-response server and reports the
process CPU time per call. Modes run interleaved, round after round; medians are reported.

    python benchmarks/observe_overhead.py [--rounds 7] [--calls 3000] [--concurrency 16]

Modes:

* ``bare``: the client with its observability plug-in removed (the pipeline alone);
* ``off``: a default client: no hooks, OpenTelemetry off, logging off;
* ``hooks``: one no-op sync callback on each of the four hooks;
* ``otel``: ``genlang_async.instrument()`` with the OpenTelemetry SDK's tracer provider (a
  span processor that drops finished spans) and meter provider (an in-memory reader).

Targets: ``off`` within noise of ``bare``; ``otel`` < 15 us per call more than ``off``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

MODES = ("bare", "off", "hooks", "otel")
ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import asyncio, json, sys, time
import genlang_async
from genlang_async import Client, Hooks

mode, url, calls, concurrency = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

if mode == "otel":
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import SpanProcessor, TracerProvider

    class Drop(SpanProcessor):
        pass

    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(Drop())
    genlang_async.instrument(
        tracer_provider=tracer_provider,
        meter_provider=MeterProvider(metric_readers=[InMemoryMetricReader()]),
    )

def nothing(event):
    return None

async def main():
    hooks = Hooks(nothing, nothing, nothing, nothing) if mode == "hooks" else None
    async with Client(api_key="bench", base_url=url, hooks=hooks) as client:
        if mode == "bare":
            client._transport.plugins.clear()
        semaphore = asyncio.Semaphore(concurrency)

        async def one():
            async with semaphore:
                await client.models.generate_content("gemini-2.5-flash", contents="Hi")

        await asyncio.gather(*(one() for _ in range(max(200, calls // 5))))
        cpu = time.process_time()
        await asyncio.gather(*(one() for _ in range(calls)))
        cpu = time.process_time() - cpu
        print(json.dumps({"us_per_call": cpu / calls * 1e6}))

asyncio.run(main())
"""


def _server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.server", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().split()
    if len(line) != 2 or line[0] != "READY":
        proc.kill()
        raise RuntimeError("the benchmark server did not start")
    return proc, line[1]


def sample(mode: str, url: str, calls: int, concurrency: int) -> float:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, url, str(calls), str(concurrency)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(done.stdout.strip().splitlines()[-1])["us_per_call"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--modes", default=",".join(MODES))
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    samples: dict[str, list[float]] = {mode: [] for mode in modes}
    proc, url = _server()
    try:
        for _ in range(args.rounds):
            for mode in modes:
                samples[mode].append(sample(mode, url, args.calls, args.concurrency))
    finally:
        proc.terminate()
        proc.wait(10)
    medians = {mode: statistics.median(values) for mode, values in samples.items()}
    reference = medians.get("off")
    print(f"client CPU per call, median of {args.rounds} rounds, c={args.concurrency}:")
    for mode, values in samples.items():
        extra = ""
        if reference is not None and mode != "off":
            extra = f"  ({medians[mode] - reference:+.1f} us vs off)"
        spread = f"min {min(values):.1f} max {max(values):.1f}"
        print(f"  {mode:6s} {medians[mode]:7.1f} us  ({spread}){extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
