"""The ``genlang`` command line: a demo of the SDK's main job plus a few everyday commands."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from typing import Any

from .._version import __version__
from ..emulator._cli import add_arguments as add_emulator_arguments
from ._batch import add_batch_parser
from ._commands import COMMANDS

#: Exit status of a command whose output pipe was closed early (``genlang ... | head -1``),
#: as if killed by SIGPIPE: what a shell reports for ``yes | head -1``.
BROKEN_PIPE_STATUS = 141


def _actions(commands: Any, name: str, text: str) -> Any:
    """A command with actions (``genlang files upload``): the parser of its actions."""
    parser: argparse.ArgumentParser = commands.add_parser(name, help=text)
    return parser.add_subparsers(dest="action", required=True, metavar="ACTION")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="genlang",
        description="Gemini API from the terminal (offline emulator when no API key is set).",
    )
    parser.add_argument("--version", action="version", version=f"genlang {__version__}")
    parser.add_argument(
        "--base-url", help="API host (default: GENLANG_BASE_URL or Google's endpoint)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="show the SDK's main job end to end")
    demo.add_argument("--model", default="gemini-2.5-flash")

    generate = commands.add_parser("generate", help="generate content from a prompt")
    generate.add_argument("model")
    generate.add_argument("prompt")
    generate.add_argument("--stream", action="store_true", help="print chunks as they arrive")
    generate.add_argument("--json", action="store_true", help="print the raw JSON response")

    count = commands.add_parser("count-tokens", help="count the tokens of a prompt")
    count.add_argument("model")
    count.add_argument("prompt")

    embed = commands.add_parser("embed", help="embed texts: one JSON vector per line")
    embed.add_argument("model")
    embed.add_argument("texts", nargs="+", metavar="text")
    embed.add_argument("--dimensions", type=int, default=None, help="output dimensionality")

    chat = commands.add_parser("chat", help="a multi-turn chat on stdin, answers streamed")
    chat.add_argument("model", nargs="?", default="gemini-2.5-flash")
    chat.add_argument("--system", default=None, help="system instruction")

    models = _actions(commands, "models", "model commands")
    models_list = models.add_parser("list", help="list available models")
    models_list.add_argument("--page-size", type=int, default=None)

    files = _actions(commands, "files", "file commands")
    upload = files.add_parser("upload", help="upload a file, with a progress bar")
    upload.add_argument("path")
    upload.add_argument("--mime-type", default=None)
    upload.add_argument("--display-name", default=None)
    files.add_parser("list", help="list uploaded files")
    download = files.add_parser(
        "download", help="download a generated file (a video, say), with a progress bar"
    )
    download.add_argument("name")
    download.add_argument("destination")
    delete = files.add_parser("delete", help="delete an uploaded file")
    delete.add_argument("name")

    caches = _actions(commands, "caches", "context cache commands")
    cache_create = caches.add_parser("create", help="cache a text for a model")
    cache_create.add_argument("model")
    cache_create.add_argument("text")
    cache_create.add_argument("--ttl", type=float, default=3600.0, help="seconds (3600)")
    cache_create.add_argument("--display-name", default=None)
    caches.add_parser("list", help="list cached contents")
    for action in ("get", "delete"):
        caches.add_parser(action, help=f"{action} a cached content").add_argument("name")
    add_batch_parser(commands)

    live = commands.add_parser("live", help="chat in the terminal over the Live API")
    live.add_argument("--model", default="gemini-live-2.5-flash-preview")
    live.add_argument("--system", default=None, help="system instruction")

    emulator = commands.add_parser(
        "emulator",
        help="run the local API emulator (also: python -m genlang_async.emulator)",
        description="Run the Gemini API emulator; the first line printed is its base URL.",
    )
    add_emulator_arguments(emulator)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``genlang`` console script; returns the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:
        # The reader went away (``| head -1``): stop quietly, and keep the interpreter's
        # final flush of stdout from failing again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE_STATUS


def _run(args: argparse.Namespace) -> int:
    if args.command == "emulator":
        from ..emulator.__main__ import run as run_emulator

        return run_emulator(args)
    key = args.command if args.command in COMMANDS else f"{args.command} {args.action}"
    command = COMMANDS[key]
    from .. import GenlangError

    try:
        code = asyncio.run(command(args))
        sys.stdout.flush()  # a closed pipe shows here rather than at interpreter exit
        return code
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        raise
    except GenlangError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (OSError, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
