"""The first request does not import modules on the event loop (imports block it for a few
hundred ms): ``async with Client()`` imports them in a worker thread first. Checked in a
fresh interpreter, in asyncio debug mode, by watching the import audit events of the loop's
thread."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

CLIENT = """
import asyncio, json, sys, threading
from genlang_async import Client

fresh = []
watching = threading.Event()
loop_thread = threading.get_ident()

def hook(event, args):
    if event == "import" and watching.is_set() and threading.get_ident() == loop_thread:
        if args[0] not in sys.modules:
            fresh.append(args[0])

sys.addaudithook(hook)

async def main():
    async with Client(api_key="k", base_url=sys.argv[1]) as client:
        watching.set()
        await client.models.generate_content("gemini-2.5-flash", contents="hi")
        async with client.models.stream_generate_content("gemini-2.5-flash", contents="hi") as s:
            async for _ in s:
                pass
        await client.files.upload(b"notes", mime_type="text/plain")
        watching.clear()

asyncio.run(main(), debug=True)
print(json.dumps(fresh))
"""


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    # Another process: an emulator in this one would have imported aiohttp and more already.
    process = subprocess.Popen(
        [sys.executable, "-m", "genlang_async.emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()


def test_first_requests_import_nothing_on_the_event_loop(emulator_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENLANG_")}
    result = subprocess.run(
        [sys.executable, "-c", CLIENT, emulator_url],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
