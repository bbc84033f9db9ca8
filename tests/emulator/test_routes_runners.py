"""Every seed method is routed; every route answers over HTTP; ways to run the emulator."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from typing import Any

import aiohttp
import pytest

from genlang_async.emulator import Emulator, EmulatorThread
from genlang_async.emulator._app import all_routes
from genlang_async.emulator._routing import find_route

from ._schema import api, check
from .conftest import KEY, Api


def _concrete(template: str) -> str:
    def fill(match: re.Match[str]) -> str:
        pattern = match.group(2)
        return pattern.replace("*", "x1") if pattern else "x1"

    return re.sub(r"\{([A-Za-z_.]+)(?:=([^}]*))?\}", fill, template)


def test_every_method_of_the_api_description_has_a_route() -> None:
    methods = api()["methods"]
    assert len(methods) >= 70
    routes = all_routes()
    for method in methods:
        path = _concrete(method["path"])
        if method["id"].startswith("media.upload"):
            assert find_route(routes, method["http_method"], "/upload" + path) is not None
        found = find_route(routes, method["http_method"], path)
        assert found is not None, f"{method['id']}: {method['http_method']} {method['path']}"


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
            "--batch-duration",
            "7.5",
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
        with urllib.request.urlopen(url + "/__emulator/settings", timeout=5) as response:
            assert json.loads(response.read())["batch_duration"] == 7.5
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
    assert process.returncode == 0


async def test_pytest_plugin_emulator_fixture(emulator: Any) -> None:
    assert isinstance(emulator, Emulator)
    assert emulator.settings.operation_delay == 0.0


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"name": "files/a", "sizeBytes": 3}, "int64 string expected"),
        ({"name": "files/a", "state": "MELTED"}, "not in enum"),
        ({"name": "files/a", "colour": "red"}, "unexpected field 'colour'"),
        ({"name": "files/a", "createTime": "yesterday"}, "RFC 3339"),
    ],
)
def test_body_check_catches_what_the_api_would_not_send(body: dict[str, Any], problem: str) -> None:
    with pytest.raises(AssertionError, match=problem):
        check(body, "File")
    check({"name": "files/a", "sizeBytes": "3", "state": "ACTIVE"}, "File")
