"""See inside every call: hooks, a raw response, spans, log lines and usage totals.

    python examples/observe_calls.py                  # offline: an embedded emulator that
                                                      # answers 429 twice before succeeding
    python examples/observe_calls.py --otel           # also print the OpenTelemetry spans
    GENLANG_LOG=info python examples/observe_calls.py # plus one log line per request/retry

With ``GEMINI_API_KEY`` (or ``GENLANG_BASE_URL``) set, the calls go there instead and no
errors are injected. ``--otel`` needs the ``otel`` extra and the OpenTelemetry SDK
(``pip install 'genlang-async[otel]' opentelemetry-sdk``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from typing import Any

from genlang_async import Client, Hooks, RetryEvent, StreamEndEvent

MODEL = "gemini-2.5-flash"


def make_hooks(say: Callable[[str], None]) -> Hooks:
    """Hooks that report retries and stream ends."""

    def on_retry(event: RetryEvent) -> None:
        say(
            f"hook: attempt {event.attempt} of {event.path} failed ({event.reason}); "
            f"retrying in {event.delay:.2f}s"
        )

    async def on_stream_end(event: StreamEndEvent) -> None:
        tokens = event.usage.output_tokens if event.usage else 0
        say(
            f"hook: stream {event.outcome} after {event.chunks} chunks, "
            f"{event.elapsed * 1000:.0f} ms, {tokens} output tokens"
        )

    return Hooks(on_retry=on_retry, on_stream_end=on_stream_end)


async def main(client: Client, *, model: str = MODEL, say: Callable[[str], None] = print) -> None:
    """One raw generate call, one stream, then the usage totals."""
    raw = await client.models.with_raw_response.generate_content(
        model, contents="In five words: why observe API calls?"
    )
    say(
        f"raw: HTTP {raw.status} after {raw.retries} retries in {raw.elapsed * 1000:.0f} ms, "
        f"content-type {raw.headers.get('content-type')}"
    )
    say(f"answer: {raw.parse().text}")
    async with client.models.stream_generate_content(model, contents="Count to five") as stream:
        async for _chunk in stream:
            pass
    say(str(client.usage))


def print_spans(exporter: Any, say: Callable[[str], None]) -> None:
    for span in exporter.get_finished_spans():
        attributes = dict(span.attributes or {})
        shown = {k: v for k, v in attributes.items() if k.startswith(("gen_ai.", "error."))}
        retries = sum(1 for event in span.events if event.name == "genlang.retry")
        say(f"span: {span.name} {shown} retries={retries}")


def start_otel() -> Any:
    """Send spans to an in-memory exporter (printed at the end); metrics are not read here."""
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    import genlang_async

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    genlang_async.instrument(tracer_provider=provider)
    return exporter


async def run(args: argparse.Namespace) -> None:
    exporter = start_otel() if args.otel else None
    hooks = make_hooks(print)
    if os.environ.get("GEMINI_API_KEY") or os.environ.get("GENLANG_BASE_URL"):
        async with Client(hooks=hooks) as client:
            await main(client, model=args.model)
    else:
        from genlang_async.emulator import Emulator

        async with Emulator() as emulator:
            print(f"offline: emulator at {emulator.url}, answering 429 twice", file=sys.stderr)
            emulator.faults.fail(
                "/v1beta/models/*:generateContent", status=429, times=2, retry_after=0.1
            )
            async with Client(api_key="offline", base_url=emulator.url, hooks=hooks) as client:
                await main(client, model=args.model)
    if exporter is not None:
        print_spans(exporter, print)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=MODEL)
    parser.add_argument("--otel", action="store_true", help="print the OpenTelemetry spans")
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(run(parse_args()))
