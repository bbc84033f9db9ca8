"""One measurement in a fresh process: ``python -m benchmarks.child '<json spec>'``.

The spec names a runner, a workload (``unary``, ``stream``, ``dense``, ``open_streams``,
``upload``) and
its parameters. The last stdout line is a JSON object: ``{"status": "ok", ...measurements}``,
``{"status": "n/a", "reason": ...}`` when the client or API is missing, or
``{"status": "error", "reason": ...}``.

CPU figures are ``time.process_time()`` deltas of this process (all threads, user + system)
around the measured phase only; warm-up, client creation and teardown are excluded. Memory
figures are ``ru_maxrss`` (peak RSS of this process).
"""

from __future__ import annotations

import asyncio
import base64
import gc
import json
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from . import payloads
from ._proc import MIB, current_rss_mib, peak_rss_mib, raise_fd_limit
from .runners import Runner, load


async def _spread(n: int, concurrency: int, call: Callable[[], Awaitable[Any]]) -> None:
    """Run ``call`` ``n`` times with at most ``concurrency`` in flight."""
    remaining = n

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()

    tasks = [asyncio.ensure_future(worker()) for _ in range(min(n, concurrency))]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class _GcClock:
    """CPU time of this (the event loop's) thread spent in garbage collection while
    started (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._t0 = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._t0 = time.thread_time()
        else:
            self.seconds += time.thread_time() - self._t0

    def __enter__(self) -> _GcClock:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


async def unary(runner: Runner, spec: dict[str, Any]) -> dict[str, Any]:
    calls, concurrency = int(spec["calls"]), int(spec["concurrency"])
    expected = payloads.unary_text_and_body()[0]
    text = await runner.generate(payloads.MODEL)
    if text != expected:
        raise AssertionError(f"unexpected response text {text[:60]!r}")

    async def call() -> None:
        await runner.generate(payloads.MODEL)

    await _spread(int(spec["warmup"]), concurrency, call)
    gc.collect()
    with _GcClock() as gc_clock:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await _spread(calls, concurrency, call)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return {
        "cpu_per_call_us": cpu / calls * 1e6,
        "gc_share_pct": gc_clock.seconds / cpu * 100 if cpu else 0.0,
        "wall_per_call_us": wall / calls * 1e6,
        "calls_per_s": calls / wall,
        "calls": calls,
        "concurrency": concurrency,
        "peak_rss_mib": peak_rss_mib(),
    }


async def stream(runner: Runner, spec: dict[str, Any]) -> dict[str, Any]:
    streams, concurrency = int(spec["streams"]), int(spec["concurrency"])
    chunks = int(spec["chunks"])
    consume = runner.stream_text if spec.get("text_only") else runner.stream
    got = await consume(payloads.MODEL)
    if got != chunks:
        raise AssertionError(f"expected {chunks} chunks per stream, got {got}")
    counts: list[int] = []

    async def one() -> None:
        counts.append(await consume(payloads.MODEL))

    await _spread(int(spec["warmup"]), concurrency, one)
    counts.clear()
    gc.collect()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await _spread(streams, concurrency, one)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    total = sum(counts)
    if total != streams * chunks:
        raise AssertionError(f"expected {streams * chunks} chunks, got {total}")
    return {
        "cpu_per_chunk_us": cpu / total * 1e6,
        "chunks_per_s": total / wall,
        "chunks": total,
        "streams": streams,
        "concurrency": concurrency,
        "peak_rss_mib": peak_rss_mib(),
    }


async def dense(runner: Runner, spec: dict[str, Any]) -> dict[str, Any]:
    """Sequential calls with dense answers: the 1,000-model page, or 100 embeddings."""
    calls = int(spec["calls"])
    if spec["kind"] == "models_page":
        expected = payloads.DENSE_MODELS

        def call() -> Awaitable[int]:
            return runner.list_models(payloads.DENSE_MODELS)
    else:
        expected = payloads.EMBEDDINGS * payloads.EMBEDDING_SIZE

        def call() -> Awaitable[int]:
            return runner.embed_batch(payloads.MODEL, payloads.EMBEDDINGS)

    for _ in range(int(spec["warmup"])):
        got = await call()
        if got != expected:
            raise AssertionError(f"expected {expected} items, got {got}")
    gc.collect()
    cpu0 = time.process_time()
    for _ in range(calls):
        await call()
    cpu = time.process_time() - cpu0
    return {"cpu_per_call_us": cpu / calls * 1e6, "calls": calls, "peak_rss_mib": peak_rss_mib()}


async def _release_held(base_url: str) -> None:
    """Tell the server to finish held streams (plain asyncio, to import nothing new)."""
    url = urlsplit(base_url)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    writer.write(
        b"POST /_bench/release HTTP/1.1\r\nHost: bench\r\n"
        b"Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
    await writer.drain()
    await reader.read()
    writer.close()
    await writer.wait_closed()


async def open_streams(runner: Runner, spec: dict[str, Any]) -> dict[str, Any]:
    n, timeout = int(spec["streams"]), float(spec["timeout_s"])
    await runner.generate(payloads.MODEL)  # load lazily imported code before the baseline
    gc.collect()
    baseline = current_rss_mib()
    opened = 0
    all_open = asyncio.Event()

    def on_first() -> None:
        nonlocal opened
        opened += 1
        if opened == n:
            all_open.set()

    t0 = time.perf_counter()
    tasks = [asyncio.ensure_future(runner.stream(payloads.HOLD_MODEL, on_first)) for _ in range(n)]
    try:
        try:
            await asyncio.wait_for(all_open.wait(), timeout)
        except asyncio.TimeoutError:
            failed = [t for t in tasks if t.done() and t.exception() is not None]
            detail = f"; first failure: {failed[0].exception()!r}" if failed else ""
            message = f"only {opened}/{n} streams open after {timeout:g}s{detail}"
            raise AssertionError(message) from None
        open_s = time.perf_counter() - t0
        peak, now = peak_rss_mib(), current_rss_mib()
        await _release_held(runner.base_url)
        counts = await asyncio.wait_for(asyncio.gather(*tasks), timeout)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    if any(c != 2 for c in counts):
        raise AssertionError("held streams should deliver exactly 2 chunks")
    return {
        "peak_rss_mib": peak,
        "rss_mib": now,
        "baseline_rss_mib": baseline,
        "per_stream_kib": (now - baseline) * 1024 / n,
        "streams": n,
        "open_s": open_s,
    }


def _hash_text(value: str | bytes | None) -> str | None:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


async def upload(runner: Runner, spec: dict[str, Any]) -> dict[str, Any]:
    path, size = spec["path"], int(spec["size"])
    warm = await runner.upload(spec["warmup_path"], "application/octet-stream")
    if warm.size_bytes != int(spec["warmup_size"]):
        raise AssertionError(f"warm-up upload: server got {warm.size_bytes} bytes")
    gc.collect()
    baseline = current_rss_mib()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = await runner.upload(path, "application/octet-stream")
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    if result.size_bytes != size:
        raise AssertionError(f"server received {result.size_bytes} bytes, sent {size}")
    if _hash_text(result.sha256_hash) != spec["sha256_hash"]:
        raise AssertionError(f"sha256Hash mismatch: {result.sha256_hash!r}")
    peak = peak_rss_mib()
    return {
        "throughput_mib_s": size / MIB / wall,
        "rss_growth_mib": peak - baseline,
        "cpu_per_mib_ms": cpu / (size / MIB) * 1e3,
        "peak_rss_mib": peak,
        "baseline_rss_mib": baseline,
        "size_mib": size / MIB,
    }


WORKLOADS: dict[str, Callable[[Runner, dict[str, Any]], Awaitable[dict[str, Any]]]] = {
    "unary": unary,
    "stream": stream,
    "open_streams": open_streams,
    "upload": upload,
    "dense": dense,
}


async def _run(spec: dict[str, Any]) -> dict[str, Any]:
    runner_cls = load(spec["runner"])
    async with runner_cls(spec["base_url"]) as runner:
        result = await WORKLOADS[spec["workload"]](runner, spec)
    return {"status": "ok", **result}


def run(spec: dict[str, Any]) -> dict[str, Any]:
    raise_fd_limit()
    try:
        return asyncio.run(_run(spec))
    except (ImportError, AttributeError, NotImplementedError) as exc:
        kind = "runner" if isinstance(exc, ImportError) else "metric"
        return {"status": "n/a", "scope": kind, "reason": f"{type(exc).__name__}: {exc}"}
    except Exception as exc:
        traceback.print_exc()
        return {"status": "error", "reason": f"{type(exc).__name__}: {exc}"}


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    result = run(json.loads(args[0]))
    sys.stdout.write("\n" + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
