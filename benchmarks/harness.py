"""The benchmark orchestrator: ``python -m benchmarks [--quick] [options]``.

It starts the canned-response server (``benchmarks.server``) in its own process, then for
each round and each job runs every selected client in a fresh child process
(``benchmarks.child``), rotating the client order from round to round. It prints a table of
medians with ratios to raw aiohttp and writes every sample to ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import metrics, payloads, report
from .runners import RUNNERS

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
MIB = 1024 * 1024

#: What "import" means per client. ``raw`` is the four runtime dependencies of genlang_async.
IMPORT_STATEMENTS = {
    "raw": {
        "import_pkg": "import aiohttp, attrs, cattrs, anyio",
        "import_client": "import aiohttp, attrs, cattrs, anyio",
    },
    "genlang": {
        "import_pkg": "import genlang_async",
        "import_client": "from genlang_async import Client",
    },
    "genai": {
        "import_pkg": "from google import genai",
        "import_client": "from google import genai",
    },
}

_IMPORT_PROBE = """\
import resource, time
r0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
try:
    exec({stmt!r})
except ImportError as exc:
    result = {{"status": "n/a", "scope": "metric", "reason": f"{{type(exc).__name__}}: {{exc}}"}}
else:
    t1 = time.perf_counter()
    r1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {{"status": "ok", "wall_ms": (t1 - t0) * 1e3, "rss_mib": (r1 - r0) / 1024}}
import json
print(json.dumps(result))
"""

ImportSampler = Callable[[str, str, str], dict[str, Any]]


@dataclass
class Config:
    quick: bool = False
    rounds: int = 5
    runners: list[str] = field(default_factory=lambda: list(RUNNERS))
    metrics: list[str] = field(
        default_factory=lambda: ["import", "unary", "stream", "dense", "open_streams", "upload"]
    )
    concurrency: list[int] = field(default_factory=lambda: [32, 1024])
    calls: int = 2000
    streams: int = 64
    stream_concurrency: int = 16
    chunks: int = 250
    pace_ms: float = 0.0
    open_streams: int = 1000
    dense_calls: int = 40
    upload_mib: float = 1024.0
    upload_rounds: int = 3
    import_rounds: int = 20
    strict: bool = False
    child_timeout_s: float = 600.0

    @classmethod
    def quick_defaults(cls) -> Config:
        return cls(
            quick=True,
            rounds=1,
            concurrency=[32, 128],
            calls=40,
            streams=4,
            stream_concurrency=4,
            chunks=20,
            open_streams=20,
            dense_calls=2,
            upload_mib=1.0,
            upload_rounds=1,
            import_rounds=1,
            child_timeout_s=60.0,
        )


def parse_args(argv: list[str] | None) -> tuple[Config, argparse.Namespace]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny counts: a smoke test")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 5)")
    parser.add_argument("--runners", help=f"comma list from {','.join(RUNNERS)}")
    parser.add_argument(
        "--metrics", help="comma list: import,unary,stream,dense,open_streams,upload"
    )
    parser.add_argument("--concurrency", help="unary concurrencies, comma list (32,1024)")
    parser.add_argument("--calls", type=int, help="measured unary calls per child (2000)")
    parser.add_argument("--streams", type=int, help="measured streams per child (64)")
    parser.add_argument("--stream-concurrency", type=int, help="streams in flight (16)")
    parser.add_argument("--chunks", type=int, help="SSE frames per stream (250)")
    parser.add_argument("--pace-ms", type=float, help="server delay between frames (0)")
    parser.add_argument("--open-streams", type=int, help="concurrently held streams (1000)")
    parser.add_argument("--dense-calls", type=int, help="measured dense calls per child (40)")
    parser.add_argument("--upload-mib", type=float, help="upload file size in MiB (1024)")
    parser.add_argument("--upload-rounds", type=int, help="rounds for upload jobs (3)")
    parser.add_argument("--import-rounds", type=int, help="fresh interpreters per import (20)")
    parser.add_argument("--child-timeout", type=float, dest="child_timeout_s")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="children run with -W error; leftover 'Unclosed'/'Exception ignored' output fails",
    )
    parser.add_argument("--output-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--format", choices=["text", "markdown"], default="text")
    parser.add_argument("-q", "--quiet", action="store_true", help="no per-sample progress")
    args = parser.parse_args(argv)
    config = Config.quick_defaults() if args.quick else Config()
    for name in (
        "rounds",
        "calls",
        "streams",
        "stream_concurrency",
        "chunks",
        "pace_ms",
        "open_streams",
        "dense_calls",
        "upload_mib",
        "upload_rounds",
        "import_rounds",
        "child_timeout_s",
    ):
        value = getattr(args, name)
        if value is not None:
            setattr(config, name, value)
    if args.runners:
        config.runners = [r.strip() for r in args.runners.split(",") if r.strip()]
        unknown = set(config.runners) - set(RUNNERS)
        if unknown:
            parser.error(f"unknown runner(s): {', '.join(sorted(unknown))}")
        if "raw" not in config.runners:
            config.runners.insert(0, "raw")  # every ratio is taken against raw
    if args.metrics:
        config.metrics = [m.strip() for m in args.metrics.split(",") if m.strip()]
    if args.concurrency:
        config.concurrency = [int(c) for c in args.concurrency.split(",")]
    config.strict = config.strict or args.strict
    return config, args


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # Children import from bytecode caches, as an installed package does (pip compiles it);
    # an environment that disables writing them would otherwise bill genlang_async, run
    # from this source tree, for compiling itself in every sample, and not its dependencies.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


@contextmanager
def bench_server(config: Config) -> Iterator[str]:
    """Run ``benchmarks.server`` in its own process; yield its base URL."""
    cmd = [sys.executable, "-m", "benchmarks.server", "--chunks", str(config.chunks)]
    cmd += ["--pace-ms", str(config.pace_ms)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=_child_env())
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("READY "):
            raise RuntimeError(f"benchmark server failed to start: {line!r}")
        yield line.split()[1]
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _last_json_line(text: str) -> dict[str, Any] | None:
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except ValueError:
                return None
            return value if isinstance(value, dict) else None
    return None


_DIRTY = ("Unclosed", "Exception ignored", "Warning:")


def run_child(spec: dict[str, Any], config: Config) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return its JSON result."""
    flags = ["-W", "error"] if config.strict else []
    cmd = [sys.executable, *flags, "-m", "benchmarks.child", json.dumps(spec)]
    return _run_probe(cmd, config)


def _run_probe(cmd: list[str], config: Config) -> dict[str, Any]:
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=_child_env(),
            timeout=config.child_timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"status": "error", "reason": f"timed out after {config.child_timeout_s:g}s"}
    result = _last_json_line(proc.stdout)
    tail = proc.stderr.strip().splitlines()[-3:]
    if result is None or proc.returncode != 0:
        reason = f"exit code {proc.returncode}: {' | '.join(tail) or 'no output'}"
        return {"status": "error", "reason": reason}
    if config.strict and result.get("status") == "ok":
        dirty = [line for line in proc.stderr.splitlines() if any(d in line for d in _DIRTY)]
        if dirty:
            return {"status": "error", "reason": f"unclean shutdown: {dirty[0].strip()}"}
    return result


def builtin_import_sample(statement: str, python: str, cwd: str) -> dict[str, Any]:
    """One fresh interpreter: wall time and peak-RSS growth of ``statement``."""
    cmd = [python, "-c", _IMPORT_PROBE.format(stmt=statement)]
    return _run_probe(cmd, Config(child_timeout_s=120.0))


def import_sampler() -> tuple[ImportSampler, str]:
    """The single-sample import probe: ``benchmarks.import_time.harness_sample`` if it exists.

    Hook for ``benchmarks/import_time.py``: define
    ``harness_sample(statement: str, python: str, cwd: str) -> dict`` returning
    ``{"status": "ok", "wall_ms": float, "rss_mib": float}`` (or ``{"status": "n/a",
    "reason": str}``) for ONE fresh interpreter. The harness owns rounds and interleaving.
    """
    try:
        module = importlib.import_module("benchmarks.import_time")
    except ImportError:
        return builtin_import_sample, "builtin"
    sampler = getattr(module, "harness_sample", None)
    if sampler is None:
        return builtin_import_sample, "builtin"
    return sampler, "benchmarks.import_time.harness_sample"


@dataclass
class Job:
    key: str  # sample-set key, e.g. "unary_c32"
    family: str  # the --metrics name it belongs to
    spec: dict[str, Any]
    rounds: int


class UploadFiles:
    """Sparse temporary files for the upload jobs; deleted on exit."""

    def __init__(self, config: Config) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="genlang-bench-")
        root = Path(self._dir.name)
        full = max(1, int(config.upload_mib * MIB))
        self.sizes = {"full": full, "small": max(1, full // 4), "warmup": 64 * 1024}
        self.paths: dict[str, str] = {}
        self.hashes: dict[str, str] = {}
        for name, size in self.sizes.items():
            path = root / f"{name}.bin"
            with open(path, "wb") as f:
                f.truncate(size)  # sparse: no disk or page-cache cost until read
            self.paths[name] = str(path)
            self.hashes[name] = payloads.expected_sha256_hash(str(path), size)

    def spec(self, which: str) -> dict[str, Any]:
        return {
            "path": self.paths[which],
            "size": self.sizes[which],
            "sha256_hash": self.hashes[which],
            "warmup_path": self.paths["warmup"],
            "warmup_size": self.sizes["warmup"],
        }

    def close(self) -> None:
        self._dir.cleanup()


def build_jobs(config: Config, files: UploadFiles | None) -> list[Job]:
    jobs: list[Job] = []
    chosen = set(config.metrics)
    if "import" in chosen:
        for key in ("import_pkg", "import_client"):
            jobs.append(Job(key, "import", {"import": key}, config.import_rounds))
    if "unary" in chosen:
        for c in config.concurrency:
            spec = {"workload": "unary", "concurrency": c, "calls": config.calls}
            spec["warmup"] = max(c, config.calls // 10)
            jobs.append(Job(f"unary_c{c}", "unary", spec, config.rounds))
    if "stream" in chosen:
        spec = {
            "workload": "stream",
            "streams": config.streams,
            "concurrency": config.stream_concurrency,
            "chunks": config.chunks,
            "warmup": config.stream_concurrency,
        }
        jobs.append(Job("stream", "stream", spec, config.rounds))
        # The same stream consumed as text deltas (``text_stream`` where a client has one).
        jobs.append(Job("stream_text", "stream", {**spec, "text_only": True}, config.rounds))
    if "dense" in chosen:
        for kind in ("models_page", "embeddings"):
            spec = {"workload": "dense", "kind": kind, "calls": config.dense_calls, "warmup": 2}
            jobs.append(Job(f"dense_{kind}", "dense", spec, config.rounds))
    if "open_streams" in chosen:
        spec = {"workload": "open_streams", "streams": config.open_streams, "timeout_s": 60.0}
        jobs.append(Job("open_streams", "open_streams", spec, config.rounds))
    if "upload" in chosen and files is not None:
        for which in ("small", "full"):
            spec = {"workload": "upload", **files.spec(which)}
            jobs.append(Job(f"upload_{which}", "upload", spec, config.upload_rounds))
    return jobs


def _environment() -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for dist in ("genlang-async", "aiohttp", "attrs", "cattrs", "anyio", "google-genai"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = None
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "versions": versions,
        "git_commit": commit or None,
        "loadavg_start": _loadavg(),
    }


def _loadavg() -> str:
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


_HEADLINE = {
    "import": "wall_ms",
    "unary": "cpu_per_call_us",
    "stream": "cpu_per_chunk_us",
    "dense": "cpu_per_call_us",
    "open_streams": "peak_rss_mib",
    "upload": "throughput_mib_s",
}


def _describe(job: Job, result: dict[str, Any]) -> str:
    if result.get("status") != "ok":
        return f"{result.get('status')}: {result.get('reason')}"
    name = _HEADLINE[job.family]
    text = f"{name}={result[name]:.2f}"
    if job.family == "upload":
        text += f" peak_rss_mib={result['peak_rss_mib']:.1f}"
    return text


def run(config: Config, *, quiet: bool = False) -> dict[str, Any]:
    """Run every selected job for every selected runner; return the results document."""
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    environment = _environment()
    sampler, sampler_name = import_sampler()
    samples: dict[str, dict[str, list[dict[str, Any]]]] = {}
    skip_runner: dict[str, dict[str, Any]] = {}
    skip_job: dict[tuple[str, str], dict[str, Any]] = {}
    files = UploadFiles(config) if "upload" in config.metrics else None
    try:
        jobs = build_jobs(config, files)
        with bench_server(config) as base_url:
            for job in jobs:  # unmeasured: write the bytecode caches the samples read
                if job.family == "import":
                    for runner in config.runners:
                        statement = IMPORT_STATEMENTS.get(runner, {}).get(job.key)
                        if statement is not None:
                            sampler(statement, sys.executable, str(ROOT))
            rounds = max((job.rounds for job in jobs), default=0)
            for rnd in range(rounds):
                order = config.runners[rnd % len(config.runners) :]
                order += config.runners[: rnd % len(config.runners)]
                for job in jobs:
                    if rnd >= job.rounds:
                        continue
                    for runner in order:
                        bucket = samples.setdefault(job.key, {}).setdefault(runner, [])
                        skipped = skip_runner.get(runner) or skip_job.get((job.key, runner))
                        if skipped is not None:
                            if not bucket:
                                bucket.append(skipped)
                            continue
                        if job.family == "import":
                            stmt = IMPORT_STATEMENTS[runner][job.key]
                            result = sampler(stmt, sys.executable, str(ROOT))
                        else:
                            spec = {**job.spec, "runner": runner, "base_url": base_url}
                            result = run_child(spec, config)
                        bucket.append(result)
                        if result.get("status") == "n/a":
                            if result.get("scope") == "runner":
                                skip_runner[runner] = result
                            else:
                                skip_job[(job.key, runner)] = result
                        if not quiet:
                            print(
                                f"[{rnd + 1}/{job.rounds}] {job.key:<14} {runner:<8} "
                                f"{_describe(job, result)}",
                                file=sys.stderr,
                                flush=True,
                            )
    finally:
        if files is not None:
            files.close()
    environment["loadavg_end"] = _loadavg()
    rows = metrics.rows(config.concurrency, config.open_streams, config.upload_mib)
    table = {
        row.key: metrics.summarize(row, config.runners, samples)
        for row in rows
        if row.job in samples
    }
    return {
        "schema": 1,
        "started": started,
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "environment": environment,
        "config": {**asdict(config), "import_sampler": sampler_name},
        "metrics": table,
        "samples": samples,
    }


def main(argv: list[str] | None = None) -> int:
    config, args = parse_args(argv)
    t0 = time.perf_counter()
    results = run(config, quiet=args.quiet)
    results["duration_s"] = round(time.perf_counter() - t0, 1)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    stamp = results["started"].replace(":", "").replace("-", "").replace("+0000", "Z")
    out = args.output_dir / f"bench-{stamp}{'-quick' if config.quick else ''}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(report.render(results, args.format))
    print(f"\nresults: {out} ({results['duration_s']} s)")
    errors = [
        (key, runner)
        for key, per_runner in samples_of(results).items()
        for runner, items in per_runner.items()
        if any(item.get("status") == "error" for item in items)
    ]
    return 1 if errors else 0


def samples_of(results: dict[str, Any]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    samples: dict[str, dict[str, list[dict[str, Any]]]] = results["samples"]
    return samples
