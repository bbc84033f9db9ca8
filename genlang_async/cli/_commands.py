"""The ``genlang`` subcommands, each an ``async`` function of the parsed arguments."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from .._progress import ProgressBar
from ._batch import BATCH_COMMANDS
from ._caches import CACHE_COMMANDS
from ._chat import run_chat
from ._demo import run_demo
from ._live import live_chat
from ._session import open_client

Command = Callable[[argparse.Namespace], Coroutine[Any, Any, int]]


async def generate(args: argparse.Namespace) -> int:
    async with open_client(args.base_url, report_usage=True) as client:
        if args.stream:
            async with client.models.stream_generate_content(
                args.model, contents=args.prompt
            ) as stream:
                async for chunk in stream:
                    if args.json:
                        print(json.dumps(chunk.to_dict()), flush=True)
                    else:
                        print(chunk.text or "", end="", flush=True)
            if not args.json:
                print()
            return 0
        response = await client.models.generate_content(args.model, contents=args.prompt)
        print(json.dumps(response.to_dict(), indent=2) if args.json else response.text)
        return 0


async def models_list(args: argparse.Namespace) -> int:
    async with open_client(args.base_url) as client:
        async for model in client.models.list(page_size=args.page_size):
            print(f"{model.name}\t{model.display_name or ''}")
    return 0


async def files_upload(args: argparse.Namespace) -> int:
    async with open_client(args.base_url) as client:
        uploaded = await client.files.upload(
            args.path,
            mime_type=args.mime_type,
            display_name=args.display_name,
            progress=ProgressBar(f"uploading {args.path}"),
        )
        print(f"{uploaded.name}\t{uploaded.uri}")
    return 0


async def files_list(args: argparse.Namespace) -> int:
    async with open_client(args.base_url) as client:
        async for file in client.files.list():
            print(f"{file.name}\t{file.mime_type}\t{file.size_bytes}\t{file.state}")
    return 0


async def files_delete(args: argparse.Namespace) -> int:
    async with open_client(args.base_url) as client:
        await client.files.delete(args.name)
    print(f"deleted {args.name}", file=sys.stderr)
    return 0


async def count_tokens(args: argparse.Namespace) -> int:
    async with open_client(args.base_url) as client:
        counted = await client.models.count_tokens(args.model, contents=args.prompt)
    print(counted.total_tokens)
    return 0


async def embed(args: argparse.Namespace) -> int:
    async with open_client(args.base_url) as client:
        requests = [
            {"content": {"parts": [{"text": text}]}, "outputDimensionality": args.dimensions}
            for text in args.texts
        ]
        response = await client.models.batch_embed_contents(args.model, requests=requests)
    for embedding in response.embeddings:
        print(json.dumps(embedding.values))
    return 0


async def chat(args: argparse.Namespace) -> int:
    async with open_client(args.base_url) as client:
        await run_chat(client, model=args.model, system_instruction=args.system)
    return 0


async def files_download(args: argparse.Namespace) -> int:
    async with open_client(args.base_url) as client:
        written = await client.files.download(
            args.name,
            args.destination,
            progress=ProgressBar(f"downloading {args.name}"),
        )
    print(f"{args.destination}\t{written}")
    return 0


async def demo(args: argparse.Namespace) -> int:
    async with open_client(args.base_url, report_usage=True) as client:
        await run_demo(client, model=args.model)
    return 0


COMMANDS: dict[str, Command] = {
    "demo": demo,
    "generate": generate,
    "live": live_chat,
    "models list": models_list,
    "files upload": files_upload,
    "files list": files_list,
    "files download": files_download,
    "files delete": files_delete,
    "count-tokens": count_tokens,
    "embed": embed,
    "chat": chat,
    **CACHE_COMMANDS,
    **BATCH_COMMANDS,
}
