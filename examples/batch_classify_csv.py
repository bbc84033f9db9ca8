"""Classify every line of a 50,000-line CSV through one Batch API job; survives being killed.

    python examples/batch_classify_csv.py                      # 50,000 generated reviews
    python examples/batch_classify_csv.py --rows 2000 --workdir /tmp/reviews
    python examples/batch_classify_csv.py --csv mine.csv      # columns: id,text

Half the price of one call per row and no rate limits to fight: the rows go to the Batch API
as keyed requests (the row id is the key), inline or as a streamed JSONL file depending on
their size. Each asks for one label out of ``LABELS`` (``text/x.enum`` output).

Kill it at any point and run it again: the job's name is saved in ``<workdir>/job.json`` as
soon as the job exists (and its display name before it is submitted, so a kill in the middle
of submitting finds the job again), so the second run attaches to the same job instead of
paying twice, waits for it, and writes ``<workdir>/labels.csv`` (id,label,error) from the
results, matched by key. Uses ``GEMINI_API_KEY`` (real API) or ``GENLANG_BASE_URL`` (an
emulator, say).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import sys
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import anyio

from genlang_async import BatchJob, BatchRequestError, Client
from genlang_async.types import BatchStats

MODEL = "gemini-2.5-flash"
LABELS = ["positive", "negative", "neutral"]
_WORDS = {
    "positive": ["great", "lovely", "works well", "fast delivery", "would buy again"],
    "negative": ["broke", "late", "disappointing", "refund please", "poor quality"],
    "neutral": ["arrived", "as described", "average", "okay", "no opinion"],
}


def make_csv(path: Path, rows: int, *, seed: int = 7) -> None:
    """A CSV of ``rows`` generated product reviews (``id,text``)."""
    rng = random.Random(seed)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        for index in range(rows):
            mood = rng.choice(LABELS)
            words = rng.sample(_WORDS[mood], 2)
            writer.writerow([f"review-{index:06d}", f"The blender {words[0]}, {words[1]}."])
    tmp.replace(path)


def prepare(workdir: Path, rows: int, csv_path: Path | None) -> Path:
    """Make ``workdir``; the CSV to classify: ``csv_path``, else ``<workdir>/reviews.csv``,
    generated unless a previous run made it."""
    workdir.mkdir(parents=True, exist_ok=True)
    if csv_path is not None:
        return csv_path
    path = workdir / "reviews.csv"
    if not path.exists():
        make_csv(path, rows)
    return path


def requests_from(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """One keyed classification request per CSV row, read lazily."""
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            prompt = f"Classify the sentiment of this product review: {row['text']}"
            yield (
                row["id"],
                {
                    "contents": [{"role": "user", "parts": [{"text": prompt}]}],
                    "generationConfig": {
                        "responseMimeType": "text/x.enum",
                        "responseSchema": {"type": "STRING", "enum": LABELS},
                    },
                },
            )


def load_state(path: Path) -> dict[str, str]:
    return json.loads(path.read_text()) if path.exists() else {}


def save_state(path: Path, state: dict[str, str]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state))
    os.replace(tmp, path)  # atomic: a kill leaves the old state or the new one


async def find_job(client: Client, display_name: str) -> str | None:
    """The job a previous run submitted under ``display_name`` before it could save it."""
    async for operation in client.batches.list(page_size=100):
        if (operation.metadata or {}).get("displayName") == display_name:
            return operation.name
    return None


async def the_job(client: Client, csv_path: Path, state_path: Path, model: str) -> BatchJob[Any]:
    """Attach to the job of a previous run, or submit a new one (saving its name at once)."""
    state = load_state(state_path)
    name = state.get("name")
    if name is None and "display_name" in state:
        name = await find_job(client, state["display_name"])
    if name is not None:
        print(f"resuming {name}", file=sys.stderr)
        return await client.batches.attach(name)
    display_name = f"classify {csv_path.name} {uuid.uuid4().hex[:8]}"
    save_state(state_path, {"display_name": display_name})
    job = await client.batches.submit(model, requests_from(csv_path), display_name=display_name)
    save_state(state_path, {"display_name": display_name, "name": job.name})
    print(f"submitted {job.name}", file=sys.stderr)
    return job


def show_progress(stats: BatchStats) -> None:
    finished = (stats.successful_request_count or 0) + (stats.failed_request_count or 0)
    print(f"  {finished}/{stats.request_count or 0} requests done", file=sys.stderr)


async def write_labels(job: BatchJob[Any], out_path: Path) -> Counter[str]:
    """``id,label,error`` per row from the results (written whole, then renamed)."""
    counts: Counter[str] = Counter()
    tmp = out_path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "label", "error"])
        async for key, result in job.results():
            if isinstance(result, BatchRequestError):
                writer.writerow([key, "", result.message])
                counts["(error)"] += 1
                continue
            label = (result.text or "").strip().lower()
            writer.writerow([key, label if label in LABELS else "", ""])
            counts[label if label in LABELS else "(unreadable)"] += 1
    tmp.replace(out_path)
    return counts


async def run(
    client: Client,
    workdir: Path,
    *,
    rows: int = 50_000,
    csv_path: Path | None = None,
    model: str = MODEL,
    poll_interval: float = 30.0,
) -> Counter[str]:
    """Generate the CSV if needed, run (or resume) the job, write ``labels.csv``."""
    csv_path = await anyio.to_thread.run_sync(prepare, workdir, rows, csv_path)
    state_path = workdir / "job.json"
    job = await the_job(client, csv_path, state_path, model)
    await job.wait(poll_interval=poll_interval, progress=show_progress)
    counts = await write_labels(job, workdir / "labels.csv")
    await anyio.Path(state_path).unlink()  # done: a next run starts a new job
    return counts


async def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000, help="rows of the generated CSV")
    parser.add_argument("--csv", type=Path, help="your own CSV (columns id,text)")
    parser.add_argument("--workdir", type=Path, default=Path("batch_classify_work"))
    parser.add_argument("--model", default=MODEL)
    parser.add_argument("--poll-interval", type=float, default=30.0)
    args = parser.parse_args(argv)
    async with Client() as client:
        counts = await run(
            client,
            args.workdir,
            rows=args.rows,
            csv_path=args.csv,
            model=args.model,
            poll_interval=args.poll_interval,
        )
    print(", ".join(f"{label}: {n}" for label, n in counts.most_common()))
    print(f"labels written to {args.workdir / 'labels.csv'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
