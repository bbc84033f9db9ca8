"""Every seed method is routed; every route answers over HTTP; ways to run the emulator."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from genlang_async.emulator import Emulator, EmulatorThread
from genlang_async.emulator._app import all_routes
from genlang_async.emulator._routing import find_route

from ._schema import SPEC_DIR
from .conftest import KEY, Api


def _concrete(template: str) -> str:
    def fill(match: re.Match[str]) -> str:
        pattern = match.group(2)
        return pattern.replace("*", "x1") if pattern else "x1"

    return re.sub(r"\{([A-Za-z_.]+)(?:=([^}]*))?\}", fill, template)


def _seeds() -> list[tuple[str, str, str]]:
    path = Path(SPEC_DIR) / "seed-methods.tsv"
    rows = [line.split("\t") for line in path.read_text().splitlines()[1:] if line.strip()]
    return [(f"{r[0]}.{r[1]}", r[2], r[3]) for r in rows]


def test_every_seed_method_has_a_route() -> None:
    seeds = _seeds()
    assert len(seeds) == 70
    routes = all_routes()
    for name, method, template in seeds:
        path = _concrete(template)
        if name == "media.upload":
            assert find_route(routes, method, "/upload" + path) is not None
        found = find_route(routes, method, path)
        assert found is not None, f"{name}: {method} {template}"


async def test_every_route_answers_over_http(api: Api) -> None:
    for route in all_routes():
        path = _concrete(route.template)
        async with api.session.request(
            route.method, api.base + path, json={}, headers={"x-goog-api-key": KEY}
        ) as response:
            body = await response.read()
            assert b"Method not found" not in body, f"{route.name}: {path}"
            assert response.status < 500, f"{route.name}: {response.status} {body!r:.200}"


async def test_context_manager_and_thread_runner() -> None:
    async with Emulator(operation_delay=0, port=0) as emu:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", emu.url)
        async with (
            aiohttp.ClientSession() as session,
            session.get(
                emu.url + "/v1beta/models/aqa", headers={"x-goog-api-key": "k"}
            ) as response,
        ):
            assert response.status == 200
    with pytest.raises(RuntimeError):
        _ = emu.url

    def fetch(url: str) -> int:
        request = urllib.request.Request(url, headers={"x-goog-api-key": "k"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)

    with EmulatorThread(stream_chunks=2) as threaded:
        assert threaded.settings.stream_chunks == 2
        import anyio.to_thread

        assert await anyio.to_thread.run_sync(fetch, threaded.url + "/v1beta/models") == 200


def test_cli_prints_url_and_serves() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "genlang_async.emulator",
            "--port",
            "0",
            "--api-key",
            "k1",
            "--operation-delay",
            "0",
            "--stream-chunks",
            "2",
            "--chunk-granularity",
            "1024",
            "--processing-delay",
            "0",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        request = urllib.request.Request(
            url + "/v1beta/models/aqa", headers={"x-goog-api-key": "k1"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
    assert process.returncode == 0


async def test_pytest_plugin_emulator_fixture(emulator: Any) -> None:
    assert isinstance(emulator, Emulator)
    assert emulator.settings.operation_delay == 0.0
