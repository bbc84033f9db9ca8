"""Embed (or answer) thousands of inputs with bounded concurrency, retries and progress.

    python examples/batch_embed.py --count 2000                       # embeddings
    python examples/batch_embed.py --count 300 --task generate        # one answer per input
    python examples/batch_embed.py --input lines.txt --output out.jsonl

Inputs are the lines of ``--input`` (or generated sample sentences). Embeddings go out in
groups of ``--batch-size`` per ``batchEmbedContents`` call (at most 100, the API's limit);
``--task generate`` sends one ``generateContent`` per input. Calls run ``--concurrency`` at a
time through :func:`genlang_async.map_concurrently`, each with ``--max-retries`` retries:
429 / 5xx answers and dropped connections are retried with backoff, honouring the server's
``Retry-After``. Results keep the order of the inputs. An input that still fails after its
retries is reported, and the exit status is 1.

Uses ``GEMINI_API_KEY`` (real API) or ``GENLANG_BASE_URL`` (an emulator, say).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

import anyio

from genlang_async import Client, map_concurrently

EMBED_MODEL = "gemini-embedding-001"
GENERATE_MODEL = "gemini-2.5-flash"
MAX_BATCH = 100  # batchEmbedContents takes at most 100 requests


class Progress:
    """A one-line progress bar: ``done / total``, rate and ETA (redrawn at most 10x/s)."""

    def __init__(self, label: str, *, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.started = time.monotonic()
        self.last_draw = 0.0
        self.done = 0

    def advance(self, n: int, total: int | None) -> None:
        self.done += n
        now = time.monotonic()
        finished = total is not None and self.done >= total
        if not finished and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        rate = self.done / max(now - self.started, 1e-6)
        if total:
            filled = self.width * self.done // total
            bar = "#" * filled + "-" * (self.width - filled)
            eta = (total - self.done) / rate if rate else 0.0
            text = f"{self.label} [{bar}] {self.done}/{total} {rate:.0f}/s eta {eta:.0f}s"
        else:
            text = f"{self.label} {self.done} {rate:.0f}/s"
        if self.stream.isatty():  # redraw in place
            self.stream.write("\r" + text + ("\n" if finished else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def sample_inputs(count: int) -> list[str]:
    topics = ("rivers", "mountains", "cities", "forests", "oceans", "deserts", "islands")
    return [f"Item {i}: a short note about {topics[i % len(topics)]}." for i in range(count)]


async def embed_all(
    client: Client,
    texts: Sequence[str],
    *,
    model: str = EMBED_MODEL,
    batch_size: int = 50,
    concurrency: int = 8,
    max_retries: int = 5,
    progress: Progress | None = None,
) -> list[list[float] | Exception]:
    """One embedding per text, in order; a failed group's texts get its exception."""
    if not 1 <= batch_size <= MAX_BATCH:
        raise ValueError(f"batch_size must be 1..{MAX_BATCH}")
    groups = [list(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)]
    model_name = model if model.startswith("models/") else f"models/{model}"

    async def embed_group(group: list[str]) -> list[list[float]]:
        response = await client.models.batch_embed_contents(
            model,
            requests=[{"model": model_name, "content": {"parts": [{"text": t}]}} for t in group],
            max_retries=max_retries,
        )
        vectors = [list(e.values) for e in response.embeddings]
        if len(vectors) != len(group):
            raise RuntimeError(f"asked for {len(group)} embeddings, got {len(vectors)}")
        if progress is not None:
            progress.advance(len(group), len(texts))
        return vectors

    results = await map_concurrently(
        embed_group, groups, concurrency=concurrency, return_exceptions=True
    )
    out: list[list[float] | Exception] = []
    for group, result in zip(groups, results, strict=True):
        if isinstance(result, Exception):
            out.extend([result] * len(group))
            if progress is not None:
                progress.advance(len(group), len(texts))
        else:
            out.extend(result)
    return out


async def generate_all(
    client: Client,
    prompts: Sequence[str],
    *,
    model: str = GENERATE_MODEL,
    concurrency: int = 16,
    max_retries: int = 5,
    progress: Progress | None = None,
) -> list[str | Exception]:
    """One answer per prompt, in order; a prompt that failed gets its exception."""

    async def answer(prompt: str) -> str:
        response = await client.models.generate_content(
            model, contents=prompt, max_retries=max_retries
        )
        return response.text or ""

    def on_progress(done: int, total: int | None) -> None:
        if progress is not None:
            progress.advance(1, total)

    return await map_concurrently(
        answer, prompts, concurrency=concurrency, progress=on_progress, return_exceptions=True
    )


async def run(
    client: Client,
    inputs: Sequence[str],
    *,
    task: str = "embed",
    model: str | None = None,
    batch_size: int = 50,
    concurrency: int = 8,
    max_retries: int = 5,
    progress_stream: TextIO | None = None,
) -> list[Any]:
    """Process every input; return the results in input order: a vector (embed) or a text
    (generate) per input, or the exception of an input that failed."""
    progress = Progress(task, stream=progress_stream)
    results: list[Any]
    if task == "embed":
        results = await embed_all(
            client,
            inputs,
            model=model or EMBED_MODEL,
            batch_size=batch_size,
            concurrency=concurrency,
            max_retries=max_retries,
            progress=progress,
        )
    elif task == "generate":
        results = await generate_all(
            client,
            inputs,
            model=model or GENERATE_MODEL,
            concurrency=concurrency,
            max_retries=max_retries,
            progress=progress,
        )
    else:
        raise ValueError(f"unknown task {task!r}")
    return results


def write_jsonl(
    out: TextIO, inputs: Sequence[str], results: Sequence[Any], *, task: str = "embed"
) -> None:
    """One JSON object per input: ``{"index", "input", "embedding" | "text" | "error"}``."""
    key = "embedding" if task == "embed" else "text"
    for index, (text, result) in enumerate(zip(inputs, results, strict=True)):
        record: dict[str, Any] = {"index": index, "input": text}
        if isinstance(result, Exception):
            record["error"] = str(result)
        else:
            record[key] = result
        out.write(json.dumps(record) + "\n")


async def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=("embed", "generate"), default="embed")
    parser.add_argument("--input", help="a text file, one input per line")
    parser.add_argument("--count", type=int, default=2000, help="sample inputs without --input")
    parser.add_argument("--output", help="write JSON lines here (default: a summary only)")
    parser.add_argument("--model")
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-retries", type=int, default=5)
    args = parser.parse_args(argv)

    if args.input:
        text = await anyio.Path(args.input).read_text(encoding="utf-8")
        inputs = [line.strip() for line in text.splitlines() if line.strip()]
    else:
        inputs = sample_inputs(args.count)

    started = time.monotonic()
    async with Client() as client:
        results = await run(
            client,
            inputs,
            task=args.task,
            model=args.model,
            batch_size=args.batch_size,
            concurrency=args.concurrency,
            max_retries=args.max_retries,
        )
    if args.output:

        def save() -> None:
            with open(args.output, "w", encoding="utf-8") as out:
                write_jsonl(out, inputs, results, task=args.task)

        await anyio.to_thread.run_sync(save)
    failed = [i for i, r in enumerate(results) if isinstance(r, Exception)]
    print(
        f"{len(results) - len(failed)}/{len(inputs)} inputs done "
        f"in {time.monotonic() - started:.1f}s; {len(failed)} failed",
        file=sys.stderr,
    )
    for index in failed[:5]:
        print(f"  input {index}: {results[index]}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
