"""A multi-turn chat in the terminal, streamed as the model writes, with ``client.chats``.

    python examples/terminal_chat.py
    python examples/terminal_chat.py --model gemini-2.5-flash --system "Answer briefly."

Type a message and press Enter; the answer is printed as it streams in. Commands:
``/history`` shows how many turns the chat holds, ``/reset`` starts over, ``/quit`` (or
Ctrl-D) leaves. Ctrl-C leaves at any time; a stream cut short releases its connection and
its unfinished turn is not added to the history.

Uses ``GEMINI_API_KEY`` (real API) or ``GENLANG_BASE_URL`` (an emulator, say).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TextIO

import anyio

from genlang_async import APIError, Client, GenlangError

MODEL = "gemini-2.5-flash"

ReadLine = Callable[[str], Awaitable[str | None]]


async def read_stdin_line(prompt: str) -> str | None:
    """``input()`` in a worker thread, so the event loop keeps running; ``None`` at EOF."""
    try:
        return await anyio.to_thread.run_sync(input, prompt, abandon_on_cancel=True)
    except EOFError:
        return None


async def chat_loop(
    client: Client,
    *,
    model: str = MODEL,
    system_instruction: str | None = None,
    read_line: ReadLine = read_stdin_line,
    out: TextIO | None = None,
) -> Any:
    """Run the chat until ``/quit`` or end of input; return the chat (``chat.history``)."""
    out = out if out is not None else sys.stdout
    chat = client.chats.create(model, system_instruction=system_instruction)
    while True:
        line = await read_line("you> ")
        if line is None:
            break
        line = line.strip()
        if not line:
            continue
        if line == "/quit":
            break
        if line == "/history":
            out.write(f"[{len(chat.history)} messages in the history]\n")
            continue
        if line == "/reset":
            chat = client.chats.create(model, system_instruction=system_instruction)
            out.write("[new chat]\n")
            continue
        out.write("model> ")
        out.flush()
        try:
            # The history gets the turn only once the stream has completed.
            async with chat.send_message_stream(line) as stream:
                async for text in stream.text_stream:
                    out.write(text)
                    out.flush()
        except APIError as exc:
            out.write(f"\n[API error {exc.status_code} {exc.status or ''}: {exc.message}]")
        except GenlangError as exc:  # connection problems, timeouts
            out.write(f"\n[error: {exc}]")
        out.write("\n")
        out.flush()
    return chat


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=MODEL)
    parser.add_argument("--system", help="a system instruction")
    args = parser.parse_args(argv)
    async with Client() as client:
        chat = await chat_loop(client, model=args.model, system_instruction=args.system)
    print(f"bye ({len(chat.history)} messages)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main()))
    except KeyboardInterrupt:
        sys.exit(130)
