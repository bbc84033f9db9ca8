"""``genlang batch submit|status|results|cancel|list``: Batch API jobs from the terminal."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, TextIO

import anyio

from .._progress import ProgressBar
from ._session import open_client

if TYPE_CHECKING:
    from .. import BatchJob
    from ..types import BatchStats

__all__ = ["BATCH_COMMANDS", "add_batch_parser"]


def add_batch_parser(commands: Any) -> None:
    """The ``batch`` subcommands, under the top-level parser's ``commands``."""
    batch = commands.add_parser("batch", help="Batch API jobs").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    submit = batch.add_parser("submit", help='submit a JSONL file of {"key", "request"} lines')
    submit.add_argument("file")
    submit.add_argument("--model", required=True)
    submit.add_argument("--display-name", default=None)
    submit.add_argument("--input", choices=("auto", "inline", "file"), default="auto")
    status = batch.add_parser("status", help="show a job's state and request counts")
    status.add_argument("name")
    for command in (submit, status):
        command.add_argument("--wait", action="store_true", help="follow the job to its end")
        command.add_argument("--poll-interval", type=float, default=10.0, metavar="SECONDS")
    results = batch.add_parser("results", help="write a finished job's results as JSONL")
    results.add_argument("name")
    results.add_argument("-o", "--output", default=None, help="file to write (default: stdout)")
    cancel = batch.add_parser("cancel", help="cancel a job")
    cancel.add_argument("name")
    listing = batch.add_parser("list", help="list batch jobs")
    listing.add_argument("--page-size", type=int, default=None)


async def _pairs(path: str) -> AsyncIterator[tuple[str, Any]]:
    """The ``(key, request)`` pairs of a JSONL file, read line by line."""
    async with await anyio.open_file(path, encoding="utf-8") as lines:
        number = 0
        async for line in lines:
            number += 1
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError:
                item = None
            if not isinstance(item, dict) or "key" not in item or "request" not in item:
                raise ValueError(f'{path} line {number}: expected {{"key": ..., "request": ...}}')
            yield item["key"], item["request"]


def _describe(job: BatchJob[Any]) -> str:
    stats = job.stats
    counts = ", ".join(
        f"{label} {value}"
        for label, value in (
            ("requests", stats.request_count),
            ("succeeded", stats.successful_request_count),
            ("failed", stats.failed_request_count),
            ("pending", stats.pending_request_count),
        )
        if value
    )
    state = getattr(job.state, "value", job.state)
    return f"{job.name}\t{state}\t{counts}"


async def _follow(job: BatchJob[Any], poll_interval: float) -> None:
    bar = ProgressBar(job.name, render=lambda n: f"{n:.0f}")

    def progress(stats: BatchStats) -> None:
        finished = (stats.successful_request_count or 0) + (stats.failed_request_count or 0)
        bar(finished, stats.request_count)

    await job.wait(poll_interval=poll_interval, progress=progress)


async def batch_submit(args: argparse.Namespace) -> int:
    async with open_client(args.base_url) as client:
        job = await client.batches.submit(
            args.model, _pairs(args.file), display_name=args.display_name, input=args.input
        )
        print(job.name)
        if args.wait:
            await _follow(job, args.poll_interval)
            print(_describe(job))
    return 0


async def batch_status(args: argparse.Namespace) -> int:
    async with open_client(args.base_url) as client:
        job = await client.batches.attach(args.name)
        if args.wait:
            await _follow(job, args.poll_interval)
        print(_describe(job))
    return 0


async def _write_results(job: BatchJob[Any], out: TextIO) -> tuple[int, int]:
    from .. import BatchRequestError

    written = failed = 0
    async for key, result in job.results():
        if isinstance(result, BatchRequestError):
            failed += 1
            error = {"code": result.code, "status": result.status, "message": result.message}
            record: dict[str, Any] = {"key": key, "error": error}
        else:
            record = {"key": key, "response": result.to_dict()}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        written += 1
    return written, failed


async def batch_results(args: argparse.Namespace) -> int:
    async with open_client(args.base_url) as client:
        job = await client.batches.attach(args.name)
        if args.output is None:
            written, failed = await _write_results(job, sys.stdout)
        else:
            with open(args.output, "w", encoding="utf-8") as out:  # noqa: ASYNC230 (line writes)
                written, failed = await _write_results(job, out)
    print(f"{written} results ({failed} failed requests)", file=sys.stderr)
    return 0


async def batch_cancel(args: argparse.Namespace) -> int:
    async with open_client(args.base_url) as client:
        job = await client.batches.attach(args.name)
        await job.cancel()
        print(_describe(job))
    return 0


async def batch_list(args: argparse.Namespace) -> int:
    async with open_client(args.base_url) as client:
        async for operation in client.batches.list(page_size=args.page_size):
            metadata = operation.metadata or {}
            stats = metadata.get("batchStats") or {}
            print(
                f"{operation.name}\t{metadata.get('state', '')}\t"
                f"{metadata.get('displayName', '')}\t{stats.get('requestCount', '')} requests"
            )
    return 0


BATCH_COMMANDS = {
    "batch submit": batch_submit,
    "batch status": batch_status,
    "batch results": batch_results,
    "batch cancel": batch_cancel,
    "batch list": batch_list,
}
