"""``genlang live``: a terminal text chat over the Live API."""

from __future__ import annotations

import argparse
import sys

import anyio

from ._session import open_client

PROMPT = "you> "


async def live_chat(args: argparse.Namespace) -> int:
    """Each line read from stdin is a user turn; the answer is printed as it streams.
    An empty line is skipped; end of input (Ctrl-D) ends the chat."""
    from ..live import Resumed

    interactive = sys.stdin.isatty()
    async with (
        open_client(args.base_url) as client,
        client.live.connect(
            args.model, response_modalities=["TEXT"], system_instruction=args.system
        ) as session,
    ):
        while True:
            if interactive:
                print(PROMPT, end="", file=sys.stderr, flush=True)
            line = await anyio.to_thread.run_sync(sys.stdin.readline)
            if not line:
                break
            if not line.strip():
                continue
            await session.send_text(line.rstrip("\n"))
            async for event in session:
                if isinstance(event, Resumed):
                    print(f"\n[session resumed: {event.reason}]", file=sys.stderr, flush=True)
                    continue
                print(event.text or "", end="", flush=True)
                content = event.server_content
                if content is not None and (content.turn_complete or content.interrupted):
                    print(flush=True)
                    break
    return 0
