"""A terminal chat whose model can call two Python tools, showing each call as it happens.

    python examples/tool_chat.py
    > What's the weather in Oslo, and is there a train to Bergen?

``get_weather`` answers at once; ``find_trains`` is slow (it waits ``--delay`` seconds, like
a real API would). Both are plain ``async def`` functions handed to ``tools=``: the SDK
declares them from their signatures and docstrings, runs the calls of one turn concurrently,
sends the results back and streams the model's answer. The calls and their results are
printed live from ``stream.events()``. Empty line or Ctrl-D to quit.

Uses ``GEMINI_API_KEY`` (real API) or ``GENLANG_BASE_URL`` (an emulator, say).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import Annotated, Any, TextIO

import attrs

from genlang_async import (
    Client,
    FunctionCallEvent,
    FunctionResultEvent,
    TextEvent,
    ToolStream,
)

MODEL = "gemini-2.5-flash"
SYSTEM = "You are a travel assistant. Use the tools for weather and trains."


@attrs.define
class Weather:
    city: str
    celsius: float
    sky: str


@attrs.define
class Train:
    departs: str
    arrives: str
    platform: int


async def get_weather(city: Annotated[str, "city name, e.g. Oslo"]) -> Weather:
    """Current weather in a city."""
    return Weather(city=city, celsius=12.5, sky="cloudy")


def make_find_trains(delay: float) -> Any:
    """``find_trains`` with a delay of ``delay`` seconds (a slow tool)."""

    async def find_trains(origin: str, destination: str, limit: int = 2) -> list[Train]:
        """Next trains between two cities.

        Args:
            origin: departure city.
            destination: arrival city.
            limit: how many departures to list (1 to 5).
        """
        await asyncio.sleep(delay)
        count = max(1, min(limit, 5))
        return [Train(f"{9 + i}:05", f"{15 + i}:40", platform=i + 1) for i in range(count)]

    return find_trains


def new_chat(client: Client, *, delay: float = 2.0, model: str = MODEL) -> Any:
    """A chat with the two tools."""
    return client.chats.create(
        model, system_instruction=SYSTEM, tools=[get_weather, make_find_trains(delay)]
    )


async def reply(chat: Any, message: str, out: TextIO) -> None:
    """Send one message; print the calls, their results and the streamed answer."""
    async with chat.send_message_stream(message) as stream:
        assert isinstance(stream, ToolStream)  # callables in tools: a ToolStream
        async for event in stream.events():
            if isinstance(event, FunctionCallEvent):
                args = ", ".join(f"{k}={v!r}" for k, v in event.call.args.items())
                out.write(f"\n  -> calling {event.call.name}({args})\n")
            elif isinstance(event, FunctionResultEvent):
                out.write(f"  <- {event.call.name}: {event.response}\n")
            elif isinstance(event, TextEvent):
                out.write(event.text)
            out.flush()
    out.write("\n")


async def run(
    client: Client,
    lines: Sequence[str],
    out: TextIO,
    *,
    delay: float = 2.0,
    model: str = MODEL,
) -> Any:
    """Chat through ``lines`` (stops at the first empty one); return the chat."""
    chat = new_chat(client, delay=delay, model=model)
    for line in lines:
        if not line.strip():
            break
        out.write(f"> {line}\n")
        await reply(chat, line, out)
    return chat


async def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=2.0, help="seconds find_trains takes")
    parser.add_argument("--model", default=MODEL)
    args = parser.parse_args(argv)
    async with Client() as client:
        chat = new_chat(client, delay=args.delay, model=args.model)
        while True:
            try:
                line = await asyncio.to_thread(input, "> ")
            except EOFError:
                break
            if not line.strip():
                break
            await reply(chat, line, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
