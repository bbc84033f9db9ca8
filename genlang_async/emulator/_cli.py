"""The emulator's command-line options, shared by ``python -m genlang_async.emulator`` and
``genlang emulator`` (argparse only: cheap to import)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._quotas import Quota
    from ._scripts import Script
    from ._settings import EmulatorSettings

#: ``(flag, EmulatorSettings field, type, help)``: one entry per setting given on the command
#: line. Options that are not plain settings (``--api-key``, ``--no-store-uploads``) follow.
SETTING_OPTIONS: tuple[tuple[str, str, type, str], ...] = (
    (
        "--chunk-granularity",
        "upload_chunk_granularity",
        int,
        "X-Goog-Upload-Chunk-Granularity in bytes (default 8 MiB)",
    ),
    (
        "--operation-delay",
        "operation_delay",
        float,
        "seconds until long-running operations finish (default 0.2)",
    ),
    (
        "--processing-delay",
        "file_processing_delay",
        float,
        "seconds uploaded files stay PROCESSING (default 0)",
    ),
    ("--stream-chunks", "stream_chunks", int, "chunks per streamed answer (default 3)"),
    (
        "--stream-chunk-delay",
        "stream_chunk_delay",
        float,
        "seconds between two streamed chunks (default 0)",
    ),
    (
        "--batch-duration",
        "batch_duration",
        float,
        "seconds a batch job takes to finish (default: the operation delay)",
    ),
    ("--latency", "latency", float, "extra seconds before every API answer (default 0)"),
    ("--embedding-dimensions", "embedding_dimensions", int, "default embedding size (768)"),
    ("--id-seed", "id_seed", int, "seed of generated resource ids (default 0)"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the emulator's options to ``parser``."""
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (8765; 0 picks a free one)")
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        help="accepted API key (repeatable); default: any non-empty key",
    )
    for flag, field, kind, text in SETTING_OPTIONS:
        metavar = "SECONDS" if kind is float else "N"
        parser.add_argument(flag, dest=field, type=kind, default=None, metavar=metavar, help=text)
    parser.add_argument(
        "--no-store-uploads", action="store_true", help="hash uploads without keeping their bytes"
    )
    parser.add_argument(
        "--script",
        action="extend",
        type=_script_file,
        default=[],
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


def settings_from(args: argparse.Namespace) -> EmulatorSettings:
    """The settings the parsed options ask for (defaults for options not given)."""
    from ._settings import EmulatorSettings

    values: dict[str, Any] = {
        field: getattr(args, field)
        for _, field, _, _ in SETTING_OPTIONS
        if getattr(args, field) is not None
    }
    if args.api_keys:
        values["api_keys"] = args.api_keys
    if args.no_store_uploads:
        values["store_upload_content"] = False
    settings = EmulatorSettings()
    settings.update(values)
    return settings


def load_scripts(path: str) -> list[Script]:
    """The scripted responses of a ``--script`` file (one script object, or a list of them);
    ``OSError``, ``TypeError`` or ``ValueError`` naming the file and item when it is wrong."""
    from ._scripts import Script

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


def _script_file(path: str) -> list[Script]:
    try:
        return load_scripts(path)
    except (OSError, TypeError, ValueError) as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _quota(text: str) -> Quota:
    from ._quotas import Quota

    try:
        return Quota.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
