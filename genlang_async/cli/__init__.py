"""The ``genlang`` command line: a demo of the SDK's main job plus a few everyday commands."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from ._batch import add_batch_parser
from ._commands import COMMANDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="genlang",
        description="Gemini API from the terminal (offline emulator when no API key is set).",
    )
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

    models = commands.add_parser("models", help="model commands").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    models_list = models.add_parser("list", help="list available models")
    models_list.add_argument("--page-size", type=int, default=None)

    files = commands.add_parser("files", help="file commands").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    upload = files.add_parser("upload", help="upload a file, with a progress bar")
    upload.add_argument("path")
    upload.add_argument("--mime-type", default=None)
    upload.add_argument("--display-name", default=None)
    files.add_parser("list", help="list uploaded files")
    delete = files.add_parser("delete", help="delete an uploaded file")
    delete.add_argument("name")

    add_batch_parser(commands)

    emulator = commands.add_parser(
        "emulator",
        help="run the local API emulator (options: see 'python -m genlang_async.emulator -h')",
    )
    emulator.add_argument("options", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``genlang`` console script; returns the process exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "emulator":
        from ..emulator.__main__ import main as run_emulator

        return run_emulator(args.options)
    key = args.command if args.command in COMMANDS else f"{args.command} {args.action}"
    command = COMMANDS[key]
    from .. import GenlangError

    try:
        return asyncio.run(command(args))
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except GenlangError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (OSError, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
