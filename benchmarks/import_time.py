"""Import cost of ``genlang_async`` against its runtime dependencies alone.

Each sample is a fresh interpreter (``python -c``) that times its own import statement with
``time.perf_counter`` and reports its peak RSS (``resource.getrusage``); the whole process's
wall time is measured from outside too. Variants run interleaved, round after round, so
machine noise hits them alike; medians are reported.

    python benchmarks/import_time.py [--rounds 40]

Budget: ``import genlang_async`` at most 1.15x ``import aiohttp, attrs, cattrs, anyio``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

VARIANTS = {
    "deps": "import aiohttp, attrs, cattrs, anyio",
    "genlang_async": "import genlang_async",
    "genlang_async.Client": "import genlang_async; genlang_async.Client",
}

CHILD = """
import resource, sys, time, json
t0 = time.perf_counter()
{stmt}
t1 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
print(json.dumps({{"import_s": t1 - t0, "rss_bytes": rss * scale}}))
"""

BUDGET = 1.15


def sample(stmt: str) -> dict[str, float]:
    started = time.perf_counter()
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # from bytecode, as installed (see harness.py)
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(stmt=stmt)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    wall = time.perf_counter() - started
    data: dict[str, float] = json.loads(out)
    data["process_s"] = wall
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    for stmt in VARIANTS.values():  # warm the bytecode caches first
        sample(stmt)
    results: dict[str, list[dict[str, float]]] = {name: [] for name in VARIANTS}
    for _ in range(args.rounds):
        for name, stmt in VARIANTS.items():
            results[name].append(sample(stmt))

    def median(name: str, key: str) -> float:
        return statistics.median(r[key] for r in results[name])

    print(f"{args.rounds} interleaved rounds, medians, Python {sys.version.split()[0]}")
    print(f"{'variant':<24}{'import ms':>10}{'process ms':>12}{'max RSS MiB':>13}")
    for name in VARIANTS:
        print(
            f"{name:<24}{median(name, 'import_s') * 1e3:>10.1f}"
            f"{median(name, 'process_s') * 1e3:>12.1f}"
            f"{median(name, 'rss_bytes') / 2**20:>13.1f}"
        )
    base = median("deps", "import_s")
    ratio = median("genlang_async", "import_s") / base
    full = median("genlang_async.Client", "import_s") / base
    process_ratio = median("genlang_async", "process_s") / median("deps", "process_s")
    print(f"ratio import genlang_async / deps: {ratio:.3f} (budget {BUDGET})")
    print(f"ratio with Client loaded / deps:   {full:.3f}")
    print(f"ratio whole process:               {process_ratio:.3f}")
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
