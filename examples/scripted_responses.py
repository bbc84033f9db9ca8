"""Test an app against exact model outputs with the emulator's scripted responses.

    python examples/scripted_responses.py
    python examples/scripted_responses.py --script examples/scripted_responses.json

The app, :func:`triage`, asks the model to sort a support ticket into a JSON verdict and must
cope with whatever comes back. The script starts an offline emulator and scripts one answer
per case: a good JSON answer, a streamed answer, an answer that is not JSON and an error
(a 503 the client retries, then a good answer), and prints what the app made of each.
``--script FILE.json`` also queues the scripts of a file, in the format of
``genlang emulator --script``: the first ``generateContent`` answers from the file, then the
rest of the file's scripts are dropped and the cases above run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from genlang_async import Client, GenlangError
from genlang_async.emulator import Emulator, load_scripts

MODEL = "gemini-2.5-flash"
GENERATE = "/v1beta/models/*:generateContent"
STREAM = "/v1beta/models/*:streamGenerateContent"
PROMPT = 'Classify this support ticket as JSON {"queue": "billing"|"bugs"|"other"}: '


def answer(text: str) -> dict[str, Any]:
    """A ``GenerateContentResponse`` in wire form whose one candidate says ``text``."""
    content = {"role": "model", "parts": [{"text": text}]}
    return {"candidates": [{"content": content, "finishReason": "STOP"}]}


async def triage(client: Client, ticket: str) -> str:
    """The queue for ``ticket``; ``"other"`` when the model's answer is unusable."""
    try:
        response = await client.models.generate_content(
            MODEL,
            contents=PROMPT + ticket,
            generation_config={"response_mime_type": "application/json"},
        )
        queue = json.loads(response.text).get("queue")
    except (GenlangError, ValueError, AttributeError):
        return "other"
    return queue if queue in ("billing", "bugs") else "other"


async def streamed_text(client: Client, ticket: str) -> list[str]:
    """The text pieces of a streamed answer, as they arrive."""
    stream = client.models.stream_generate_content(MODEL, contents=PROMPT + ticket)
    return [chunk.text async for chunk in stream]


async def run(emulator: Emulator, client: Client) -> dict[str, Any]:
    """Script one answer per case and collect what the app did with it."""
    emulator.script(GENERATE, [answer('{"queue": "billing"}')])  # a JSON object
    results: dict[str, Any] = {"json": await triage(client, "I was charged twice.")}
    emulator.script(STREAM, [[answer('{"queue": '), answer('"bugs"}')]])  # SSE chunks
    results["stream"] = await streamed_text(client, "The app crashes.")
    emulator.script(GENERATE, [b"<html>502 Bad Gateway</html>"])  # raw bytes
    results["raw"] = await triage(client, "Hello?")
    busy = {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}
    emulator.script(GENERATE, [busy, answer('{"queue": "bugs"}')])  # an error, then an answer
    results["error_then_answer"] = await triage(client, "Login fails.")
    results["requests"] = len(emulator.request_log)
    return results


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--script", help="also queue the scripts of this JSON file first")
    args = parser.parse_args(argv)
    async with Emulator() as emulator:
        for script in load_scripts(args.script) if args.script else ():
            emulator.scripts.add(script)
        async with Client(api_key="test", base_url=emulator.url) as client:
            if args.script:
                print("from file:", await triage(client, "From the file."))
                emulator.scripts.clear()
            for case, result in (await run(emulator, client)).items():
                print(f"{case}: {result}")


if __name__ == "__main__":
    asyncio.run(main())
