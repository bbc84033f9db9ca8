"""One paced batch run against an emulator with a quota, in this process or as a worker process.

As a worker: ``python tests/rate_limit/pacing.py SPEC_JSON`` runs one phase per item of
``SPEC_JSON["phases"]`` (:func:`limiter_from` arguments: ``limits``, ``adaptive``;
``redis_url`` and ``prefix`` for a shared store); for each it warms up, prints ``ready``,
waits for a line on its standard input (so that all workers begin together), runs, and
prints one JSON line with the outcome. ``SPEC_JSON`` also has ``url``, ``calls`` and
``concurrency``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

MODEL = "gemini-2.5-flash"
#: A quota of 400 calls per 4 s: 100 calls/s, well within what the emulator and the client
#: serve on a busy machine, and a window long enough for a 2% margin (80 ms) to cover the
#: jitter of loaded processes.
REQUESTS, PERIOD = 400, 4.0
QUOTA = f"{MODEL}:requests={REQUESTS},period={PERIOD}"


class Attempts:
    """A plug-in after the limiter's: the time and status of every attempt."""

    def __init__(self) -> None:
        self.sent: list[float] = []
        self.answers: list[tuple[float, int]] = []

    def plugin(self) -> Any:
        from genlang_async._core.plugins import Plugin, Request, Response

        attempts = self

        class Recorder(Plugin):
            async def on_request(self, request: Request) -> None:
                request.state["sent"] = time.monotonic()

            async def on_response(self, request: Request, response: Response) -> None:
                attempts.sent.append(request.state["sent"])
                attempts.answers.append((time.monotonic(), response.status))

        return Recorder()

    def after_first_429(self) -> tuple[int, int]:
        """(attempts sent after the first 429 came back, how many of them got a 429)."""
        first = min((t for t, status in self.answers if status == 429), default=None)
        if first is None:
            return 0, 0
        later = [s for sent, (_, s) in zip(self.sent, self.answers, strict=True) if sent > first]
        return len(later), later.count(429)


def limiter_from(spec: dict[str, Any]) -> Any:
    from genlang_async import RateLimit, RateLimiter, RedisStore

    limits = {MODEL: RateLimit(requests=REQUESTS, period=PERIOD)} if spec.get("limits") else None
    store = RedisStore(spec["redis_url"], prefix=spec["prefix"]) if "redis_url" in spec else None
    return RateLimiter(
        limits,
        adaptive=spec.get("adaptive", True),
        store=store,
        quota_periods={"minute": PERIOD},
    )


async def run(
    url: str, limiter: Any, calls: int, concurrency: int, ready: Any = None
) -> dict[str, Any]:
    """``calls`` generate calls at ``concurrency`` through a paced client; the outcome.
    ``await ready()`` (if given) runs after the warm-up, just before the timed run."""
    from genlang_async import Client, QuotaExhaustedError, map_concurrently

    attempts = Attempts()
    async with Client(api_key="quota-key", base_url=url, rate_limiter=limiter) as client:
        client._transport.plugins.append(attempts.plugin())

        async def warm(_: int) -> None:  # open the pool's connections before timing
            await client.models.generate_content(f"{MODEL}-lite", contents="warm up")

        await map_concurrently(warm, range(concurrency), concurrency=concurrency)
        if ready is not None:
            await ready()
        began = time.time()

        async def call(index: int) -> str:
            response = await client.models.generate_content(
                MODEL,
                contents=f"question {index}",
                generation_config={"max_output_tokens": 1},
            )
            return response.text or ""

        results = await map_concurrently(
            call, range(calls), concurrency=concurrency, return_exceptions=True
        )
        ended = time.time()
    stats = limiter.stats()
    sent_after, limited_after = attempts.after_first_429()
    store = limiter.store
    if hasattr(store, "aclose"):
        await store.aclose()
    return {
        "began": began,
        "ended": ended,
        "ok": sum(isinstance(r, str) for r in results),
        "exhausted": sum(isinstance(r, QuotaExhaustedError) for r in results),
        "errors": [repr(r) for r in results if isinstance(r, Exception)][:3],
        "attempts": len(attempts.answers),
        "rate_limited": stats.rate_limited,
        "sent_after_first_429": sent_after,
        "limited_after_first_429": limited_after,
    }


async def _go() -> None:
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)


async def _phases(spec: dict[str, Any]) -> None:
    for phase in spec["phases"]:
        limiter = limiter_from(phase)
        outcome = await run(spec["url"], limiter, spec["calls"], spec["concurrency"], _go)
        print(json.dumps(outcome), flush=True)


def main() -> None:
    asyncio.run(_phases(json.loads(sys.argv[1])))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main()
