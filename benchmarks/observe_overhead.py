"""Client CPU per unary call: observability off, with hooks, with OpenTelemetry on, and with
the observability plug-in removed altogether.

One process sends ``generate_content`` calls to the canned-response server
(``benchmarks/server.py``, its own process) in blocks of ``--block`` calls; the modes take
turns block after block (in a rotating order), so machine noise hits them alike. Each
block's user CPU time is divided by its calls; the median over ``--blocks`` blocks per
mode is reported, with the difference to ``off``.

    python benchmarks/observe_overhead.py [--blocks 40] [--block 200] [--concurrency 1]

Modes:

* ``bare``: the client's observability plug-in removed (the pipeline alone);
* ``off``: a default client: no hooks, OpenTelemetry off, logging off;
* ``hooks``: one no-op sync callback on each of the four hooks;
* ``otel-api``: ``genlang_async.instrument()`` with OpenTelemetry's default (no-op)
  providers: this library's own instrumentation work, without an SDK behind it;
* ``otel``: ``genlang_async.instrument()`` with the OpenTelemetry SDK's tracer provider (a
  span processor that drops finished spans) and meter provider (an in-memory reader).

Then the plug-in path alone is timed directly (no HTTP): per unary call, the pipeline's
request/response notices and the observer's work, in each mode, best of 7 rounds.

Targets: ``off`` within noise of ``bare``; ``otel`` < 15 us per call more than ``off``.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

MODES = ("bare", "off", "hooks", "otel-api", "otel")
ROOT = Path(__file__).resolve().parent.parent


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


def _user_cpu() -> float:
    """User CPU seconds of this process: the client's own work (the kernel's share of a
    loopback send, large and noisy on a busy machine, is left out)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_utime


def _otel_providers() -> tuple[Any, Any]:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import SpanProcessor, TracerProvider

    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SpanProcessor())  # the base class drops every span
    return tracer_provider, MeterProvider(metric_readers=[InMemoryMetricReader()])


async def measure(
    url: str, modes: list[str], blocks: int, block: int, concurrency: int
) -> dict[str, list[float]]:
    from genlang_async import Client, Hooks

    def nothing(event: object) -> None:
        return None

    providers = _otel_providers() if "otel" in modes else None
    plain = Client(api_key="bench", base_url=url)
    hooked = Client(api_key="bench", base_url=url, hooks=Hooks(nothing, nothing, nothing, nothing))
    observer = list(plain._transport.plugins)
    semaphore = asyncio.Semaphore(concurrency)

    async def one(client: Client) -> None:
        async with semaphore:
            await client.models.generate_content("gemini-2.5-flash", contents="Hi")

    async def run_block(client: Client) -> float:
        started = _user_cpu()
        if concurrency == 1:
            for _ in range(block):
                await client.models.generate_content("gemini-2.5-flash", contents="Hi")
        else:
            await asyncio.gather(*(one(client) for _ in range(block)))
        return (_user_cpu() - started) / block * 1e6

    def setup(mode: str) -> Client:
        plain._transport.plugins[:] = [] if mode == "bare" else observer
        _switch_otel(mode, providers)
        return hooked if mode == "hooks" else plain

    samples: dict[str, list[float]] = {mode: [] for mode in modes}
    async with plain, hooked:
        for mode in modes:  # warm-up: connections, caches, first imports
            await run_block(setup(mode))
        for number in range(blocks):
            shift = number % len(modes)
            for mode in modes[shift:] + modes[:shift]:
                samples[mode].append(await run_block(setup(mode)))
    _switch_otel("off", None)
    return samples


def _switch_otel(mode: str, providers: tuple[Any, Any] | None) -> None:
    import genlang_async

    if mode == "otel":
        assert providers is not None
        genlang_async.instrument(tracer_provider=providers[0], meter_provider=providers[1])
    elif mode == "otel-api":
        genlang_async.instrument()  # the global providers: no-op without an SDK
    else:
        genlang_async.uninstrument()


async def direct(modes: list[str], calls: int = 5000, rounds: int = 7) -> dict[str, float]:
    """User CPU per call of the plug-in path alone: building the pipeline's notices and
    running the observer (``bare`` builds nothing, as the pipeline does without plug-ins)."""
    from multidict import CIMultiDict, CIMultiDictProxy

    from genlang_async import Hooks
    from genlang_async._core.plugins import Request, Response
    from genlang_async._observe.plugin import Observer
    from genlang_async._observe.usage import Usage

    def nothing(event: object) -> None:
        return None

    headers = {
        "Content-Type": "application/json; charset=UTF-8",
        "Vary": "Origin, X-Origin, Referer",
        "Date": "Wed, 02 Dec 2026 01:00:00 GMT",
        "Server": "scaffolding on HTTPServer2",
        "Content-Length": "1500",
    }
    body = {
        "candidates": [
            {"content": {"parts": [{"text": "Hi"}], "role": "model"}, "finishReason": "STOP"}
        ],
        "usageMetadata": {"promptTokenCount": 2, "candidatesTokenCount": 9, "totalTokenCount": 11},
        "modelVersion": "gemini-2.5-flash",
        "responseId": "abc",
    }
    request_json = {"contents": [{"role": "user", "parts": [{"text": "Hi"}]}]}
    url = "http://127.0.0.1:8000/v1beta/models/gemini-2.5-flash:generateContent"
    path = "models/gemini-2.5-flash:generateContent"
    providers = _otel_providers() if "otel" in modes else None
    observers = {
        mode: Observer(
            Hooks(nothing, nothing, nothing, nothing) if mode == "hooks" else Hooks(),
            Usage(),
            str,
        )
        for mode in modes
    }

    async def one(observer: Observer | None) -> None:
        if observer is None:
            return
        request = Request("POST", path, url, "models/gemini-2.5-flash", request_json)
        await observer.on_request(request)
        response = Response(200, CIMultiDictProxy(CIMultiDict(headers)), 0.001, body)
        await observer.on_response(request, response)

    best = {mode: float("inf") for mode in modes}
    for _ in range(rounds):
        for mode in modes:
            _switch_otel(mode, providers)
            observer = None if mode == "bare" else observers[mode]
            for _ in range(calls // 10):
                await one(observer)
            started = _user_cpu()
            for _ in range(calls):
                await one(observer)
            best[mode] = min(best[mode], (_user_cpu() - started) / calls * 1e6)
    _switch_otel("off", None)
    return best


def report(samples: dict[str, list[float]], say: Callable[[str], None] = print) -> None:
    medians = {mode: statistics.median(values) for mode, values in samples.items()}
    reference = medians.get("off")
    for mode, values in samples.items():
        extra = ""
        if reference is not None and mode != "off":
            extra = f"  {medians[mode] - reference:+6.1f} us vs off"
        q1, _, q3 = statistics.quantiles(values, n=4) if len(values) > 1 else (0, 0, 0)
        say(f"  {mode:8s} {medians[mode]:7.1f} us  (quartiles {q1:.1f} .. {q3:.1f}){extra}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=40, help="blocks per mode")
    parser.add_argument("--block", type=int, default=200, help="calls per block")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument(
        "--direct-calls", type=int, default=5000, help="calls per round of the direct timing"
    )
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    unknown = set(modes) - set(MODES)
    if unknown:
        parser.error(f"unknown modes: {sorted(unknown)}")
    proc, url = _server()
    try:
        samples = asyncio.run(measure(url, modes, args.blocks, args.block, args.concurrency))
    finally:
        proc.terminate()
        proc.wait(10)
    print(
        f"client user CPU per generate_content call, median of {args.blocks} blocks of "
        f"{args.block} calls, concurrency {args.concurrency}:"
    )
    report(samples)
    best = asyncio.run(direct(modes, calls=args.direct_calls))
    print("the plug-in path alone, user CPU per unary call (best of 7 rounds):")
    for mode, value in best.items():
        print(f"  {mode:8s} {value:6.2f} us  ({value - best.get('bare', 0.0):+.2f} us vs bare)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
