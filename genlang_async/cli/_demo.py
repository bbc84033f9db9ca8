"""``genlang demo``: the SDK's main job, end to end, in about ten seconds."""

from __future__ import annotations

import os
import sys
import tempfile
from typing import TYPE_CHECKING

import anyio

from ._progress import ProgressBar

if TYPE_CHECKING:
    from .. import Client

DEMO_FILE_BYTES = 4 * 1024 * 1024


def _heading(text: str) -> None:
    print(f"\n== {text}", flush=True)


async def run_demo(client: Client, *, model: str) -> None:
    """List models, generate once, stream once, upload a file, then page through files."""
    _heading("Models (first page)")
    first_page = await client.models.list(page_size=5)
    for listed in first_page.items:
        print(f"  {listed.name}  (input limit {listed.input_token_limit} tokens)")
    if first_page.next_page_token:
        print("  ... more on the next pages")

    _heading(f"generate_content with {model}")
    response = await client.models.generate_content(
        model, contents="In one sentence, what is an async SDK good for?"
    )
    print(f"  {response.text}")
    if response.usage_metadata is not None:
        print(f"  ({response.usage_metadata.total_token_count} tokens in total)")

    _heading(f"stream_generate_content with {model}")
    print("  ", end="")
    async with client.models.stream_generate_content(
        model, contents="Write three short lines about rivers."
    ) as stream:
        async for text in stream.text_stream:
            print(text, end="", flush=True)
    print()

    _heading("Upload a file with a progress bar")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "demo-notes.txt")
        line = b"genlang_async demo upload: streamed from disk in chunks.\n"
        await anyio.Path(path).write_bytes(line * (DEMO_FILE_BYTES // len(line)))
        uploaded = await client.files.upload(
            path,
            display_name="genlang demo",
            progress=ProgressBar("  uploading", stream=sys.stdout),
        )
    print(f"  {uploaded.name}: {uploaded.size_bytes} bytes, state {uploaded.state}")

    _heading("Files, two per page")
    number = 0
    async for page in client.files.list(page_size=2).pages():
        number += 1
        names = ", ".join(str(file.name) for file in page.items) or "(none)"
        print(f"  page {number}: {names}")
        if number == 3:
            break

    await client.files.delete(uploaded.name)
    print(f"\nDeleted {uploaded.name}. Done.")
