"""Fixtures for the resource-layer tests: the emulator, a client on it, and ``World``, which
creates (once per test) the resources that other calls need."""

from __future__ import annotations

import datetime
import json
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from genlang_async import Client
from genlang_async.emulator import Emulator
from genlang_async.emulator._state import Operation as EmulatorOperation
from genlang_async.emulator.pytest_plugin import client, emulator, emulator_settings

__all__ = ["client", "emulator", "emulator_settings"]

API_FILE = Path(__file__).parents[2] / "tools" / "codegen" / "api" / "v1beta.json"
API = json.loads(API_FILE.read_text())

#: Hand-written upload / download methods, tested with the files work.
HAND_WRITTEN = set(json.loads((API_FILE.parent / "hand_written.json").read_text())["methods"])

#: Every generated method of the API description.
GENERATED = sorted(m["id"] for m in API["methods"] if m["id"] not in HAND_WRITTEN)

MODEL = "gemini-2.5-flash"
TUNABLE = "gemini-1.5-flash-001"
EMBEDDER = "gemini-embedding-001"

EXAMPLES = [{"textInput": "1", "output": "2"}, {"textInput": "3", "output": "4"}]
TUNING_TASK = {"trainingData": {"examples": {"examples": EXAMPLES}}}


def routes(emu: Emulator) -> list[str]:
    """The emulator's route names of the requests it received, in order."""
    return [entry.get("route", "?") for entry in emu.request_log]


class World:
    """Lazily made resources for one test (each created at most once)."""

    def __init__(self, client: Client, emu: Emulator) -> None:
        self.client = client
        self.emu = emu
        self._made: dict[str, Any] = {}

    async def _once(self, key: str, make: Any) -> Any:
        if key not in self._made:
            self._made[key] = await make()
        return self._made[key]

    async def http(self, method: str, path: str, body: Any = None) -> Any:
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                method, self.emu.url + path, json=body, headers={"x-goog-api-key": "k"}
            ) as response,
        ):
            assert response.status == 200, await response.text()
            return await response.json()

    async def file(self) -> str:
        async def make() -> str:
            data = await self.http("POST", "/v1beta/files", {"file": {"displayName": "notes"}})
            return str(data["file"]["name"])

        return await self._once("file", make)

    async def corpus(self) -> str:
        async def make() -> str:
            return (await self.client.corpora.create(display_name="c")).name

        return await self._once("corpus", make)

    async def document(self) -> str:
        async def make() -> str:
            doc = await self.client.corpora.documents.create(await self.corpus(), display_name="d")
            return doc.name

        return await self._once("document", make)

    async def chunk(self) -> str:
        async def make() -> str:
            chunk = await self.client.corpora.documents.chunks.create(
                await self.document(), data={"stringValue": "the sky is blue"}
            )
            return chunk.name

        return await self._once("chunk", make)

    async def cached_content(self) -> str:
        async def make() -> str:
            cache = await self.client.cached_contents.create(
                model=MODEL, contents="a long document " * 20, ttl=datetime.timedelta(seconds=300)
            )
            return cache.name

        return await self._once("cache", make)

    async def tuned_model(self) -> str:
        async def make() -> str:
            op = await self.client.tuned_models.create(
                base_model=f"models/{TUNABLE}", display_name="t", tuning_task=TUNING_TASK
            )
            model = await op.wait(timeout=5, poll_interval=0.01)
            return model.name

        return await self._once("tuned", make)

    async def permission(self, parent: str) -> str:
        async def make() -> str:
            created = await self.permissions_of(parent).create(
                parent, grantee_type="USER", email_address="a@example.com", role="READER"
            )
            return created.name

        return await self._once(f"permission {parent}", make)

    def permissions_of(self, parent: str) -> Any:
        if parent.startswith("corpora/"):
            return self.client.corpora.permissions
        return self.client.tuned_models.permissions

    async def batch(self, kind: str = "generate") -> str:
        async def make() -> str:
            if kind == "generate":
                op = await self.client.models.batch_generate_content(
                    MODEL, batch=inline_generate_batch()
                )
            else:
                op = await self.client.models.async_batch_embed_content(
                    EMBEDDER, batch=inline_embed_batch()
                )
            return op.name

        return await self._once(f"batch {kind}", make)

    async def store(self) -> str:
        async def make() -> str:
            return (await self.client.file_search_stores.create(display_name="s")).name

        return await self._once("store", make)

    async def store_document(self) -> tuple[str, str]:
        """(document name, import operation name)."""

        async def make() -> tuple[str, str]:
            op = await self.client.file_search_stores.import_file(
                await self.store(), file_name=await self.file()
            )
            result = await op.wait(timeout=5, poll_interval=0.01)
            return result.document_name, op.name

        return await self._once("store document", make)

    async def video_operation(self) -> str:
        async def make() -> str:
            op = await self.client.models.predict_long_running(
                "veo-2.0-generate-001", instances=[{"prompt": "a cat"}]
            )
            await op.wait(timeout=5, poll_interval=0.01)
            return op.name

        return await self._once("video", make)

    async def generated_file(self) -> str:
        await self.video_operation()
        async for item in self.client.generated_files.list():
            return str(item.name)
        raise AssertionError("no generated file")

    def add_operation(self, name: str, response: dict[str, Any]) -> str:
        """Put a finished operation straight into the emulator's state."""
        data = {"name": name, "done": True, "response": response}
        self.emu.state.add_operation(EmulatorOperation(data, time.time(), 0.0))
        return name


def inline_generate_batch() -> dict[str, Any]:
    request = {"contents": [{"parts": [{"text": "hello"}], "role": "user"}]}
    return {
        "displayName": "b",
        "inputConfig": {"requests": {"requests": [{"request": request, "metadata": {"key": "1"}}]}},
    }


def inline_embed_batch() -> dict[str, Any]:
    request = {"content": {"parts": [{"text": "hello"}]}}
    return {
        "displayName": "e",
        "inputConfig": {"requests": {"requests": [{"request": request}]}},
    }


@pytest.fixture
async def world(client: Client, emulator: Emulator) -> World:
    return World(client, emulator)
