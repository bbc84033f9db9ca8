"""``genlang demo``: the SDK's main job, end to end, in about ten seconds."""

from __future__ import annotations

import os
import sys
import tempfile
from typing import TYPE_CHECKING

import anyio

from .._progress import ProgressBar

if TYPE_CHECKING:
    from .. import Client

DEMO_FILE_BYTES = 4 * 1024 * 1024


def _heading(text: str) -> None:
    print(f"\n== {text}", flush=True)


async def run_demo(client: Client, *, model: str) -> None:
    """Page through models, generate once, stream once, upload a file and list files."""
    _heading("Models, page by page (page_size=20)")
    number = 0
    async for page in client.models.list(page_size=20).pages():
        number += 1
        names = ", ".join(listed.name.removeprefix("models/") for listed in page.items[:3])
        print(f"  page {number}: {len(page.items)} models ({names}, ...)")

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

    _heading("Files")
    async for listed in client.files.list():
        print(f"  {listed.name}  {listed.mime_type}  {listed.size_bytes} bytes")

    await client.files.delete(uploaded.name)
    print(f"\nDeleted {uploaded.name}. Done.")
