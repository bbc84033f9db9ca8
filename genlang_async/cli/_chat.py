"""``genlang chat``: a multi-turn chat over stdin and stdout, answers streamed."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import anyio

if TYPE_CHECKING:
    from .. import Client

HELP = "Type a message and press Enter; /reset starts over, /quit or Ctrl-D leaves."


async def _read_line(prompt: str) -> str | None:
    """One line of stdin (read in a worker thread); ``None`` at end of input."""
    if sys.stdin.isatty():
        print(prompt, end="", flush=True, file=sys.stderr)
    line = await anyio.to_thread.run_sync(sys.stdin.readline, abandon_on_cancel=True)
    return line or None


async def run_chat(client: Client, *, model: str, system_instruction: str | None) -> None:
    """Chat until ``/quit`` or end of input; each answer is printed as it streams in."""
    print(HELP, file=sys.stderr)
    chat = client.chats.create(model, system_instruction=system_instruction)
    while (line := await _read_line("you> ")) is not None:
        message = line.strip()
        if message == "/quit":
            break
        if message == "/reset":
            chat = client.chats.create(model, system_instruction=system_instruction)
            continue
        if not message:
            continue
        async with chat.send_message_stream(message) as stream:
            async for text in stream.text_stream:
                print(text, end="", flush=True)
        print(flush=True)
