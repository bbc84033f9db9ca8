"""Upload requests pass the pipeline's plug-ins: the start, each chunk (with its size)."""

from __future__ import annotations

from genlang_async import Client
from genlang_async._core.plugins import Plugin, Request

from .conftest import GRANULARITY


class Sizes(Plugin):
    def __init__(self) -> None:
        self.seen: list[tuple[str, int | None, int]] = []

    async def on_request(self, request: Request) -> None:
        self.seen.append((request.method, request.size, request.attempt))


async def test_start_and_every_chunk_pass_the_plugins(client: Client) -> None:
    plugin = Sizes()
    client._transport.plugins.append(plugin)
    data = b"x" * (2 * GRANULARITY + 10)
    await client.files.upload(data, mime_type="text/plain", chunk_size=GRANULARITY)
    chunks = [size for method, size, _ in plugin.seen[1:] if method == "POST"]
    assert chunks == [GRANULARITY, GRANULARITY, 10]
    assert plugin.seen[0][0] == "POST"
    assert all(attempt == 1 for _, _, attempt in plugin.seen)
