"""What ``partial_objects`` costs next to one ``json.loads`` of the whole answer.

    python benchmarks/partial_json_speed.py [--quick] [--rounds N]

The answer is about 1 MB of JSON (``{"invoices": [...]}``, nested customers and line items)
and, in a second shape, one object whose ``summary`` string is most of the megabyte. It is
cut into 1,000 chunks and fed (a) to the incremental parser directly and (b) through
``StructuredStream.partial_objects`` (an async iterator over the chunk texts, as a stream
delivers them). Figures are CPU time, the median of interleaved rounds; the ratio is to
``json.loads`` of the whole text. Target: < 3x (linear, not quadratic).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET = 3.0


def invoices(size: int) -> str:
    """About ``size`` bytes of ``{"invoices": [...]}``."""
    rng = random.Random(7)
    items: list[dict[str, Any]] = []
    total = 0
    while total < size:
        i = len(items)
        item = {
            "number": f"INV-{i:06d}",
            "customer": {"name": f"Customer {i}", "email": f"c{i}@example.com"},
            "date": f"2025-03-{i % 28 + 1:02d}",
            "currency": "EUR",
            "paid": i % 2 == 0,
            "lines": [
                {
                    "description": f'Item {j} "widget" \u00e9',
                    "quantity": rng.randint(1, 9),
                    "unit_price": round(rng.uniform(1, 100), 2),
                }
                for j in range(3)
            ],
            "total": round(rng.uniform(10, 1000), 2),
        }
        items.append(item)
        total += len(json.dumps(item)) + 2
    return json.dumps({"invoices": items})


def long_string(size: int) -> str:
    """One object whose ``summary`` string is about ``size`` bytes of prose: a line break
    every 80 characters, a quoted phrase and a backslash every 400 (all escaped in JSON)."""
    paragraph = ("The quarter closed with steady growth across all regions.\n" * 6)[:-1]
    paragraph += ' As the CFO put it, "margins held", C:\\reports.\n'
    return json.dumps({"title": "Report", "summary": paragraph * (size // len(paragraph))})


def chunks(text: str, count: int) -> list[str]:
    step = -(-len(text) // count)
    return [text[i : i + step] for i in range(0, len(text), step)]


def cpu(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def parser_run(pieces: list[str]) -> Callable[[], object]:
    from genlang_async._core.partial_json import PartialJSONParser

    def run() -> object:
        parser = PartialJSONParser()
        for piece in pieces:
            parser.feed(piece)
        return parser.close()

    return run


def partial_objects_run(pieces: list[str]) -> Callable[[], object]:
    from genlang_async._structured import _PartialObjects

    class Texts(AsyncIterator[str]):
        def __init__(self) -> None:
            self._items = iter(pieces)

        async def __anext__(self) -> str:
            try:
                return next(self._items)
            except StopIteration:
                raise StopAsyncIteration from None

    async def consume() -> object:
        last = None
        async for value in _PartialObjects(Texts()):
            last = value
        return last

    loop = asyncio.new_event_loop()
    return lambda: loop.run_until_complete(consume())


def measure(text: str, count: int, rounds: int) -> dict[str, float]:
    pieces = chunks(text, count)
    runs = {
        "json.loads": lambda: json.loads(text),
        "parser": parser_run(pieces),
        "partial_objects": partial_objects_run(pieces),
    }
    assert runs["parser"]() == json.loads(text)
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            samples[name].append(cpu(run))
    return {name: statistics.median(values) for name, values in samples.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (numbers meaningless)")
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args(argv)
    size, count, rounds = (20_000, 50, 1) if args.quick else (1_000_000, 1_000, args.rounds)
    print(
        f"| answer | chunks | json.loads | parser | partial_objects | ratio (target < {TARGET}x) |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for name, text in (("invoices", invoices(size)), ("long string", long_string(size))):
        result = measure(text, count, rounds)
        base = result["json.loads"]
        ratio = result["partial_objects"] / base
        print(
            f"| {name}, {len(text) / 1e6:.2f} MB | {count} | {base * 1e3:.1f} ms | "
            f"{result['parser'] * 1e3:.1f} ms ({result['parser'] / base:.2f}x) | "
            f"{result['partial_objects'] * 1e3:.1f} ms | {ratio:.2f}x |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
