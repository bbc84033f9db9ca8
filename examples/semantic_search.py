"""Semantic search over the lines of a text file: embed them all with ``embed_many``, then
print the lines nearest to each query.

    python examples/semantic_search.py --query "rivers in spring"            # sample lines
    python examples/semantic_search.py --input notes.txt --query "a quiet town" --top 3

Every line is embedded through ``client.models.embed_many``: ``batchEmbedContents`` calls
of 100 lines, ``--concurrency`` at a time, each retried on its own, answered in the API's
binary format (``alt=proto``: packed float32 vectors, read far faster than JSON text;
``--wire json`` asks for JSON). The queries are embedded the same way, and lines are ranked
by cosine similarity.

Uses ``GEMINI_API_KEY`` (real API) or ``GENLANG_BASE_URL`` (an emulator, say).
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import math
import sys
import time
from collections.abc import Sequence
from typing import Literal

import anyio

from genlang_async import Client

MODEL = "gemini-embedding-001"


def sample_lines(count: int) -> list[str]:
    places = ("rivers", "hills", "towns", "forests", "harbours", "deserts", "islands")
    seasons = ("spring", "summer", "autumn", "winter")
    return [
        f"Note {i}: {places[i % len(places)]} in {seasons[i // len(places) % len(seasons)]}"
        for i in range(count)
    ]


def _unit(vector: Sequence[float]) -> list[float]:
    norm = math.sqrt(math.fsum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


class Index:
    """Lines and their unit vectors; :meth:`nearest` ranks them by cosine similarity."""

    def __init__(self, lines: Sequence[str], vectors: Sequence[Sequence[float]]) -> None:
        self.lines = list(lines)
        self.vectors = [_unit(v) for v in vectors]

    def nearest(self, query: Sequence[float], top: int) -> list[tuple[float, str]]:
        unit = _unit(query)
        scores = ((math.fsum(map(float.__mul__, unit, v)), i) for i, v in enumerate(self.vectors))
        return [(score, self.lines[i]) for score, i in heapq.nlargest(top, scores)]


async def build_index(
    client: Client,
    lines: Sequence[str],
    *,
    concurrency: int = 8,
    wire: Literal["proto", "json"] = "proto",
) -> Index:
    """Embed every line (``embed_many``: groups of 100, ``concurrency`` calls at once)."""

    def report(done: int, total: int) -> None:
        if sys.stderr.isatty():  # redrawn in place; a log gets the summary line only
            print(f"\rembedded {done}/{total}", end="" if done < total else "\n", file=sys.stderr)

    embeddings = await client.models.embed_many(
        MODEL, lines, concurrency=concurrency, progress=report, wire=wire
    )
    return Index(lines, [e.values for e in embeddings])


async def search(
    client: Client,
    index: Index,
    queries: Sequence[str],
    *,
    top: int = 5,
    wire: Literal["proto", "json"] = "proto",
) -> list[list[tuple[float, str]]]:
    """The ``top`` nearest lines of each query, best first."""
    embeddings = await client.models.embed_many(MODEL, queries, wire=wire)
    return [index.nearest(e.values, top) for e in embeddings]


async def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", help="a text file, one line per entry")
    parser.add_argument("--count", type=int, default=1000, help="sample lines without --input")
    parser.add_argument("--query", action="append", required=True, help="may be repeated")
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--wire", choices=("proto", "json"), default="proto")
    args = parser.parse_args(argv)

    if args.input:
        text = await anyio.Path(args.input).read_text(encoding="utf-8")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
    else:
        lines = sample_lines(args.count)
    async with Client() as client:
        started = time.monotonic()
        index = await build_index(client, lines, concurrency=args.concurrency, wire=args.wire)
        print(f"{len(lines)} lines in {time.monotonic() - started:.1f}s", file=sys.stderr)
        results = await search(client, index, args.query, top=args.top, wire=args.wire)
    for query, hits in zip(args.query, results, strict=True):
        print(f"{query}:")
        for score, line in hits:
            print(f"  {score:.3f}  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
