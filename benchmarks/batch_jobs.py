"""Batch jobs at scale: memory of submitting and of reading results, and embed_many's speed.

Starts the emulator in a separate process (``--operation-delay 0``) and runs each
measurement in a fresh client process:

* ``submit``: ``client.batches.submit`` of ``--requests`` keyed prompts from a generator,
  once with ``input="auto"`` and once with ``input="file"``: peak RSS growth (``VmHWM``
  after minus ``VmRSS`` before, as in ``upload_rss.py``) and time.
* ``results``: a finished file batch of ``--requests`` requests, every result read with
  ``async for key, result in job.results()`` (typed, matched by key): peak RSS growth, time.
* ``embed``: ``client.models.embed_many`` of ``--texts`` texts against one
  ``embed_content`` call per text through ``map_concurrently``, both at ``--concurrency``
  and both reading the same wire format: binary (``alt=proto``, embed_many's default: packed
  float32 vectors) and JSON (``wire="json"``; vectors as decimal text). Wall time of each and
  the speed-up, once per emulated round-trip time in ``--latencies-ms`` (the emulator's
  ``latency`` setting: 0 is loopback, where both sides' CPU is all there is; the live API
  answers an ``embedContent`` in tens to hundreds of ms).

    python benchmarks/batch_jobs.py                          # 100,000 requests, 20,000 texts
    python benchmarks/batch_jobs.py --requests 2000 --texts 500 --json   # smoke

Targets: growth < ``--max-growth-mib`` (100) for submit and results; embed_many at least
``--min-speedup`` (5) times faster with the binary wire (what embed_many uses unless told
otherwise) at the largest round trip, the one that stands for the live API. The other rows
are reported beside it: without a round trip, the work both runs do for every text (the
emulator computing and writing an embedding, the client making 768 Python floats) is a
large part of what a whole call costs, which caps the speed-up (see docs/performance.md).
The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import time
import urllib.request
from typing import Any

from upload_rss import peak_rss_mib, reset_peak, rss_mib

MODEL = "gemini-2.5-flash"
EMBEDDER = "gemini-embedding-001"


def _prompts(count: int) -> Any:
    return ((f"row-{i:07d}", f"Classify item number {i} of the catalogue.") for i in range(count))


async def _measure_submit(client: Any, count: int, mode: str) -> dict[str, Any]:
    await client.batches.submit(MODEL, _prompts(10), input=mode)  # warm-up
    gc.collect()
    peak_reset, baseline = reset_peak(), rss_mib()
    started = time.perf_counter()
    job = await client.batches.submit(MODEL, _prompts(count), input=mode)
    seconds = time.perf_counter() - started
    carried = "fileName" if "fileName" in job.raw["metadata"]["inputConfig"] else "inline"
    return {
        "seconds": seconds,
        "peak_reset": peak_reset,
        "baseline_rss_mib": baseline,
        "growth_mib": peak_rss_mib() - baseline,
        "sent_as": carried,
    }


async def _measure_results(client: Any, count: int) -> dict[str, Any]:
    job = await client.batches.submit(MODEL, _prompts(count), input="file")
    await job.wait(poll_interval=0.5)
    job = await client.batches.attach(job.name)  # a fresh handle, as a restarted script has
    gc.collect()
    peak_reset, baseline = reset_peak(), rss_mib()
    started = time.perf_counter()
    keys = set()
    async for key, _result in job.results():
        keys.add(hash(key))
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "peak_reset": peak_reset,
        "baseline_rss_mib": baseline,
        "growth_mib": peak_rss_mib() - baseline,
        "results": len(keys),
    }


async def _measure_embed(client: Any, count: int, concurrency: int, wire: str) -> dict[str, Any]:
    from genlang_async import map_concurrently

    texts = [
        f"note {i}: a short line about {('rivers', 'hills', 'towns')[i % 3]}" for i in range(count)
    ]
    query = {"alt": "proto"} if wire == "proto" else None

    async def one(text: str) -> Any:
        answer = await client.models.embed_content(EMBEDDER, content=text, extra_query=query)
        return answer.embedding

    await client.models.embed_many(EMBEDDER, texts[:200], concurrency=concurrency, wire=wire)
    await map_concurrently(one, texts[:50], concurrency=concurrency)  # warm-up
    started = time.perf_counter()
    many = await client.models.embed_many(EMBEDDER, texts, concurrency=concurrency, wire=wire)
    many_s = time.perf_counter() - started
    started = time.perf_counter()
    single = await map_concurrently(one, texts, concurrency=concurrency)
    single_s = time.perf_counter() - started
    return {
        "wire": wire,
        "embed_many_s": many_s,
        "one_per_text_s": single_s,
        "speedup": single_s / many_s,
        "same_vectors": many == single,
        "texts": count,
        "concurrency": concurrency,
    }


async def _child(args: argparse.Namespace) -> dict[str, Any]:
    from genlang_async import Client

    async with Client(api_key="bench-key", base_url=args.url) as client:
        if args.child == "submit":
            return await _measure_submit(client, args.requests, args.mode)
        if args.child == "results":
            return await _measure_results(client, args.requests)
        return await _measure_embed(client, args.texts, args.concurrency, args.wire)


def _run_child(url: str, args: argparse.Namespace, *extra: str) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            os.path.abspath(__file__),
            "--url",
            url,
            "--requests",
            str(args.requests),
            "--texts",
            str(args.texts),
            "--concurrency",
            str(args.concurrency),
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"child {extra} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _set_latency(url: str, milliseconds: float) -> None:
    """The emulator's per-request latency (its control endpoint; no API key needed)."""
    request = urllib.request.Request(
        f"{url}/__emulator/settings",
        data=json.dumps({"latency": milliseconds / 1000}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert json.loads(answer.read())["latency"] == milliseconds / 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--texts", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-growth-mib", type=float, default=100.0)
    parser.add_argument("--min-speedup", type=float, default=5.0)
    parser.add_argument("--latencies-ms", default="0,50", help="emulated round trips for embed")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument("--child", choices=("submit", "results", "embed"), help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="auto", help=argparse.SUPPRESS)
    parser.add_argument("--wire", default="proto", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(asyncio.run(_child(args))))
        return 0

    emulator = subprocess.Popen(
        [sys.executable, "-m", "genlang_async.emulator", "--port", "0", "--operation-delay", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert emulator.stdout is not None
        url = emulator.stdout.readline().strip()
        if not url.startswith("http"):
            raise RuntimeError(f"the emulator did not start (said {url!r})")
        results = {
            "submit_auto": _run_child(url, args, "--child", "submit", "--mode", "auto"),
            "submit_file": _run_child(url, args, "--child", "submit", "--mode", "file"),
            "results": _run_child(url, args, "--child", "results"),
        }
        latencies = [float(ms) for ms in args.latencies_ms.split(",") if ms.strip()]
        for milliseconds in latencies:
            _set_latency(url, milliseconds)
            for wire in ("proto", "json"):
                embed = _run_child(url, args, "--child", "embed", "--wire", wire)
                embed["latency_ms"] = milliseconds
                embed["judged"] = wire == "proto" and milliseconds == latencies[-1]
                embed["within_target"] = embed["same_vectors"] and (
                    not embed["judged"] or embed["speedup"] >= args.min_speedup
                )
                results[f"embed_{wire}_{milliseconds:g}ms"] = embed
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
        if emulator.stdout is not None:
            emulator.stdout.close()
    for name in ("submit_auto", "submit_file", "results"):
        results[name]["within_target"] = results[name]["growth_mib"] < args.max_growth_mib
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        _print_table(results, args)
    return 0 if all(r["within_target"] for r in results.values()) else 1


def _print_table(results: dict[str, Any], args: argparse.Namespace) -> None:
    print(f"{args.requests} requests; target: peak RSS growth < {args.max_growth_mib:g} MiB")
    for name in ("submit_auto", "submit_file", "results"):
        r = results[name]
        how = f" (sent {r['sent_as']})" if "sent_as" in r else f" ({r['results']} read)"
        print(
            f"  {name:<12} {r['seconds']:>7.2f}s  growth {r['growth_mib']:>6.1f} MiB{how}  "
            f"{'ok' if r['within_target'] else 'MISSED'}"
        )
    print(
        f"embed {args.texts} texts, concurrency {args.concurrency}, target >= "
        f"{args.min_speedup:g}x with the binary wire at the largest round trip"
    )
    for name, e in results.items():
        if name.startswith("embed_"):
            verdict = "ok" if e["within_target"] else "MISSED"
            print(
                f"  {e['wire']:<5} round trip {e['latency_ms']:>4g} ms: embed_many "
                f"{e['embed_many_s']:.2f}s, one call per text {e['one_per_text_s']:.2f}s, "
                f"{e['speedup']:.1f}x  {verdict if e['judged'] else '(reported)'}"
            )


if __name__ == "__main__":
    sys.exit(main())
