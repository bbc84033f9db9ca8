"""Client CPU per received Live API message, next to raw aiohttp WebSocket + ``json.loads``.

    python benchmarks/live_messages.py [--quick] [--rounds N] [--turns N] [--chunks N]

The emulator runs in its own process (``python -m genlang_async.emulator``), so only the
client's CPU is measured (``time.process_time``). Each round opens one session per client
and runs ``--turns`` text turns, each answered in ``--chunks`` ``serverContent`` messages
(plus ``generationComplete``, ``turnComplete`` and a resumption handle). Clients:

* ``raw``: ``aiohttp`` ``ws_connect``, ``json.loads`` of every frame, the text parts
  joined, the turn ended at ``turnComplete`` (the floor);
* ``text_stream``: ``session.text_stream()`` per turn (resumption on, as by default);
* ``typed``: ``async for message in session`` reading ``message.server_content`` (every
  message fully typed), for information.

Figures are the median over interleaved rounds of CPU microseconds per received message;
the ratio is to ``raw``. Target: ``text_stream`` within 1.3x of ``raw``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET = 1.3
MODEL = "models/gemini-live-2.5-flash-preview"
PATH = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
PROMPT = " ".join(f"word{i}" for i in range(40))  # a long echo: enough tokens to split

Runner = Callable[[str, int], Awaitable[tuple[float, int]]]
#: Messages per turn: the parts, ``generationComplete``, ``turnComplete``, a new handle.
EXTRA_PER_TURN = 3
CHUNKS = 50  # set by main()


async def raw(url: str, turns: int) -> tuple[float, int]:
    """(CPU seconds, messages) for ``turns`` turns over a bare aiohttp WebSocket."""
    import aiohttp

    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(url + PATH, headers={"x-goog-api-key": "bench"}) as ws,
    ):
        setup = {"model": MODEL, "generationConfig": {"responseModalities": ["TEXT"]}}
        await ws.send_str(json.dumps({"setup": {**setup, "sessionResumption": {}}}))
        await ws.receive()
        turn = {"turns": [{"role": "user", "parts": [{"text": PROMPT}]}], "turnComplete": True}
        count = 0
        start = time.process_time()
        for _ in range(turns):
            await ws.send_str(json.dumps({"clientContent": turn}))
            text = []
            while True:
                data = json.loads((await ws.receive()).data)
                count += 1
                content = data.get("serverContent")
                if content is None:
                    continue
                model_turn = content.get("modelTurn")
                if model_turn is not None:
                    text += [p["text"] for p in model_turn["parts"] if "text" in p]
                if content.get("turnComplete"):
                    break
        return time.process_time() - start, count


async def text_stream(url: str, turns: int) -> tuple[float, int]:
    from genlang_async import Client

    async with (
        Client(api_key="bench", base_url=url) as client,
        client.live.connect(MODEL, response_modalities=["TEXT"]) as session,
    ):
        start = time.process_time()
        for _ in range(turns):
            await session.send_text(PROMPT)
            "".join([piece async for piece in session.text_stream()])
        cpu = time.process_time() - start
    return cpu, turns * (CHUNKS + EXTRA_PER_TURN)  # as many as raw() counts


async def typed(url: str, turns: int) -> tuple[float, int]:
    from genlang_async import Client

    async with (
        Client(api_key="bench", base_url=url) as client,
        client.live.connect(MODEL, response_modalities=["TEXT"]) as session,
    ):
        count = 0
        start = time.process_time()
        for _ in range(turns):
            await session.send_text(PROMPT)
            async for message in session:
                count += 1
                content = getattr(message, "server_content", None)
                if content is not None and content.turn_complete:
                    break
        cpu = time.process_time() - start
    return cpu, count


RUNNERS: dict[str, Runner] = {"raw": raw, "text_stream": text_stream, "typed": typed}


def start_emulator(chunks: int) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "genlang_async.emulator", "--port", "0"]
    process = subprocess.Popen(
        [*command, "--stream-chunks", str(chunks)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip().split()[-1]
    return process, url


async def measure(url: str, rounds: int, turns: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {name: [] for name in RUNNERS}
    for runner in RUNNERS.values():  # warm-up: imports, converter hooks, connections
        await runner(url, 2)
    for _ in range(rounds):
        for name, runner in RUNNERS.items():
            cpu, count = await runner(url, turns)
            samples[name].append(cpu / count * 1e6)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny counts (a smoke run)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--chunks", type=int, default=50)
    args = parser.parse_args(argv)
    rounds, turns = (1, 2) if args.quick else (args.rounds, args.turns)
    global CHUNKS
    CHUNKS = args.chunks
    process, url = start_emulator(args.chunks)
    with process:  # closes the pipe
        try:
            samples = asyncio.run(measure(url, rounds, turns))
        finally:
            process.terminate()
    floor = statistics.median(samples["raw"])
    print(f"{'client':<12} {'us/message':>10} {'ratio':>6}  (median of {rounds} rounds)")
    verdict = 0
    for name, values in samples.items():
        value = statistics.median(values)
        ratio = value / floor
        note = ""
        if name == "text_stream":
            ok = ratio <= TARGET
            note = f"  target <= {TARGET}x: {'met' if ok else 'MISSED'}"
            verdict = 0 if ok or args.quick else 1
        print(f"{name:<12} {value:>10.1f} {ratio:>6.2f}{note}")
    return verdict


if __name__ == "__main__":
    raise SystemExit(main())
