"""``python -m genlang_async.emulator --port 8765``: run the emulator until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
from typing import Any

from ._quotas import Quota
from ._scripts import Script
from ._server import Emulator
from ._settings import EmulatorSettings


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m genlang_async.emulator", description="Run the Gemini API emulator."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        help="accepted API key (repeatable); default: any non-empty key",
    )
    parser.add_argument(
        "--chunk-granularity",
        type=int,
        default=None,
        help="X-Goog-Upload-Chunk-Granularity in bytes (default 8 MiB)",
    )
    parser.add_argument(
        "--operation-delay",
        type=float,
        default=None,
        help="seconds until long-running operations finish (default 0.2)",
    )
    parser.add_argument(
        "--processing-delay",
        type=float,
        default=None,
        help="seconds uploaded files stay PROCESSING (default 0)",
    )
    parser.add_argument(
        "--stream-chunks", type=int, default=None, help="chunks per streamed answer (default 3)"
    )
    parser.add_argument(
        "--no-store-uploads", action="store_true", help="hash uploads without keeping their bytes"
    )
    parser.add_argument(
        "--script",
        action="append",
        dest="scripts",
        metavar="FILE.json",
        help='scripted responses: {"path": GLOB, "responses": [...]} or a list of them '
        "(repeatable; see docs/emulator.md)",
    )
    parser.add_argument(
        "--quota",
        action="append",
        dest="quotas",
        type=_quota,
        default=[],
        metavar="MODEL:requests=N,tokens=M,period=S",
        help="simulate a quota per API key (repeatable; MODEL may be '*'; tier=paid for "
        "paid-tier quota ids); e.g. gemini-2.5-flash:requests=10,period=60",
    )
    args = parser.parse_args(argv)
    try:
        args.scripts = [script for path in args.scripts or () for script in load_scripts(path)]
    except (OSError, TypeError, ValueError) as exc:
        parser.error(f"--script: {exc}")
    return args


def _quota(text: str) -> Quota:
    try:
        return Quota.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def load_scripts(path: str) -> list[Script]:
    """The scripts of a ``--script`` file (one script object, or a list of them)."""
    with open(path, encoding="utf-8") as file:
        data: Any = json.load(file)
    items = data if isinstance(data, list) else [data]
    scripts = []
    for index, item in enumerate(items):
        try:
            scripts.append(Script.from_dict(item))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{path}: script {index}: {exc}") from exc
    return scripts


def settings_from(args: argparse.Namespace) -> EmulatorSettings:
    settings = EmulatorSettings()
    if args.api_keys:
        settings.api_keys = frozenset(args.api_keys)
    if args.chunk_granularity is not None:
        settings.upload_chunk_granularity = args.chunk_granularity
    if args.operation_delay is not None:
        settings.operation_delay = args.operation_delay
    if args.processing_delay is not None:
        settings.file_processing_delay = args.processing_delay
    if args.stream_chunks is not None:
        settings.stream_chunks = args.stream_chunks
    if args.no_store_uploads:
        settings.store_upload_content = False
    return settings


async def serve(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with Emulator(settings_from(args), host=args.host, port=args.port) as emulator:
        for script in args.scripts:
            emulator.scripts.add(script)
        for quota in args.quotas:
            emulator.quotas.add(quota)
        print(emulator.url, flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
