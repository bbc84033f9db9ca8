"""``genlang caches ...``: context caches (create, list, get, delete)."""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from ._session import open_client

if TYPE_CHECKING:
    from ..types import CachedContent


def _line(cache: CachedContent) -> str:
    expires = cache.expire_time.isoformat() if cache.expire_time else ""
    return f"{cache.name}\t{cache.model}\t{cache.display_name or ''}\t{expires}"


async def caches_create(args: argparse.Namespace) -> int:
    async with open_client(args.base_url) as client:
        cache = await client.cached_contents.create(
            model=args.model,
            contents=args.text,
            ttl=datetime.timedelta(seconds=args.ttl),
            display_name=args.display_name,
        )
    print(_line(cache))
    return 0


async def caches_list(args: argparse.Namespace) -> int:
    async with open_client(args.base_url) as client:
        async for cache in client.cached_contents.list():
            print(_line(cache))
    return 0


async def caches_get(args: argparse.Namespace) -> int:
    async with open_client(args.base_url) as client:
        print(_line(await client.cached_contents.get(args.name)))
    return 0


async def caches_delete(args: argparse.Namespace) -> int:
    async with open_client(args.base_url) as client:
        await client.cached_contents.delete(args.name)
    print(f"deleted {args.name}", file=sys.stderr)
    return 0


CACHE_COMMANDS: dict[str, Callable[[argparse.Namespace], Coroutine[Any, Any, int]]] = {
    "caches create": caches_create,
    "caches list": caches_list,
    "caches get": caches_get,
    "caches delete": caches_delete,
}
