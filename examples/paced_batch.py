"""Answer many prompts as fast as your quota allows, paced by a RateLimiter.

    python examples/paced_batch.py prompts.txt --rpm 10 --tpm 250000 --rpd 250
    python examples/paced_batch.py --offline   # its own emulator, with a small quota

Every call waits for capacity before it is sent, so the job runs at the quota's pace instead
of bouncing off 429s; the 429s that still happen teach the limiter, and a used-up daily quota
stops the job with ``QuotaExhaustedError``. The progress line says when pacing slows it down.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TextIO

from genlang_async import Client, RateLimit, RateLimiter, map_concurrently


async def answer_all(
    client: Client, prompts: list[str], *, model: str, concurrency: int, out: TextIO
) -> list[str | Exception]:
    """The answers (or errors) to ``prompts``, in order, with a progress line on ``out``."""
    limiter = client.rate_limiter

    def progress(done: int, total: int | None) -> None:
        note = limiter.stats().summary() if limiter is not None else ""
        print(f"\r{done}/{total} answered  {note}", end="", file=out, flush=True)

    async def answer(prompt: str) -> str:
        response = await client.models.generate_content(model, contents=prompt)
        return response.text or ""

    results = await map_concurrently(
        answer, prompts, concurrency=concurrency, progress=progress, return_exceptions=True
    )
    print(file=out)
    return results


def limits(args: argparse.Namespace) -> list[RateLimit]:
    """Your tier's limits for the model (AI Studio's rate-limit page lists them)."""
    found = []
    if args.rpm or args.tpm:
        found.append(RateLimit(requests=args.rpm, tokens=args.tpm, period=60))
    if args.rpd:
        found.append(RateLimit(requests=args.rpd, period=86_400))
    return found


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Answer prompts (one per line) within a quota.")
    parser.add_argument("prompts", nargs="?", type=argparse.FileType(), default=sys.stdin)
    parser.add_argument("--model", default="gemini-2.5-flash")
    parser.add_argument("--rpm", type=int, help="requests per minute")
    parser.add_argument("--tpm", type=int, help="input tokens per minute")
    parser.add_argument("--rpd", type=int, help="requests per day")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--offline", action="store_true", help="run 40 prompts on an emulator")
    args = parser.parse_args(argv)
    if args.offline:
        from genlang_async.emulator import Emulator

        async with Emulator() as emulator:  # a quota of 20 calls per second, paced to match
            emulator.quotas.set(args.model, requests=20, period=1.0)
            limiter = RateLimiter({args.model: RateLimit(requests=20, period=1.0)})
            async with Client(api_key="offline", base_url=emulator.url, rate_limiter=limiter) as c:
                prompts = [f"Say something about the number {n}" for n in range(40)]
                results = await answer_all(
                    c, prompts, model=args.model, concurrency=args.concurrency, out=sys.stderr
                )
    else:
        limiter = RateLimiter({args.model: limits(args)} if limits(args) else None)
        prompts = [line.strip() for line in args.prompts if line.strip()]
        async with Client(rate_limiter=limiter) as client:
            results = await answer_all(
                client, prompts, model=args.model, concurrency=args.concurrency, out=sys.stderr
            )
    for result in results:
        print(repr(result) if isinstance(result, Exception) else result.replace("\n", " "))
    return 1 if any(isinstance(r, Exception) for r in results) else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
