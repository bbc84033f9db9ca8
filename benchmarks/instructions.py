"""Client instructions per unit of work, counted by valgrind: a figure that does not move with
the machine's load.

CPU time on a shared or virtual machine swings by a fifth or more from one run to the next,
even with interleaved rounds. The number of instructions the client executes does not: this
script runs each client, in a fresh process under ``valgrind --tool=callgrind``, against the
canned-response server (``benchmarks.server``, not under valgrind), once with ``N`` units of
work and once with none, and divides the difference by ``N``. Warm-up (connections, imports,
first calls) is in both runs and cancels out; garbage collection is counted, as it runs in
the client. Instructions are not time (a cache miss costs more than an add), so this
complements the CPU-time table of ``python -m benchmarks``; it does not replace it.

    python benchmarks/instructions.py                  # every workload, raw and genlang
    python benchmarks/instructions.py --work unary     # one workload

Units: a unary call (``--unary-calls`` at concurrency 32 and 1,024), a streamed chunk
(``--streams`` streams of 250 chunks, 16 at a time), a ``models.list`` page of 1,000 models.
Needs ``valgrind`` on the PATH (Debian: ``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import payloads  # noqa: E402
from benchmarks.runners import load  # noqa: E402

_COLLECTED = re.compile(r"Collected : (\d+)")
_CHUNKS = 250


async def _child(runner_name: str, work: str, units: int, concurrency: int, url: str) -> None:
    """The client process: warm up, then ``units`` of ``work`` (counted from outside)."""
    runner = load(runner_name)(base_url=url)
    await runner.open()
    gate = asyncio.Semaphore(concurrency)

    async def one() -> Any:
        async with gate:
            if work == "unary":
                return await runner.generate(payloads.MODEL)
            if work == "stream":
                return await runner.stream(payloads.MODEL)
            if work == "stream_text":
                read = getattr(runner, "stream_text", runner.stream)
                return await read(payloads.MODEL)
            return await runner.list_models(payloads.DENSE_MODELS)

    await asyncio.gather(*(one() for _ in range(concurrency)))  # connections, first calls
    await asyncio.gather(*(one() for _ in range(units)))
    await runner.close()


def _instructions(command: list[str]) -> int:
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        capture_output=True,
        text=True,
        check=False,
    )
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"valgrind run failed: {done.stderr[-2000:]}")
    return int(found.group(1))


def per_unit(runner: str, work: str, units: int, concurrency: int, url: str) -> float:
    """Instructions per unit of ``work`` for ``runner`` (the difference of two runs)."""
    base = [sys.executable, __file__, "--child", runner, work, str(concurrency), url]
    measured = _instructions([*base, str(units)])
    empty = _instructions([*base, "0"])
    divisor = units * (_CHUNKS if work.startswith("stream") else 1)
    return (measured - empty) / divisor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", default="unary,stream,stream_text,models")
    parser.add_argument("--runners", default="raw,genlang")
    parser.add_argument("--unary-calls", type=int, default=3000)
    parser.add_argument("--streams", type=int, default=16)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        runner, work, concurrency, url, units = args.child
        asyncio.run(_child(runner, work, int(units), int(concurrency), url))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: apt-get install valgrind", file=sys.stderr)
        return 2
    runners = args.runners.split(",")
    jobs: list[tuple[str, str, int, int]] = []  # (label, work, units, concurrency)
    for work in args.work.split(","):
        if work == "unary":
            jobs += [(f"unary, c={c}", "unary", args.unary_calls, c) for c in (32, 1024)]
        elif work.startswith("stream"):
            jobs.append((f"{work} (per chunk)", work, args.streams, 16))
        else:
            jobs.append(("models.list page of 1,000", "models", args.pages, 1))
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.server", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().split()[1]
        print(f"{'work':<28}" + "".join(f"{name:>14}" for name in runners) + "   ratio")
        for label, work, units, concurrency in jobs:
            counts = {name: per_unit(name, work, units, concurrency, url) for name in runners}
            ratio = counts[runners[-1]] / counts[runners[0]] if len(runners) > 1 else 1.0
            cells = "".join(f"{counts[name]:>14,.0f}" for name in runners)
            print(f"{label:<28}{cells}   {ratio:.2f}x", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
