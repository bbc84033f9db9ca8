"""``GENLANG_LOG``: one line per request, retry and stream end, on real calls."""

from __future__ import annotations

import re

import pytest

from genlang_async import Client
from genlang_async.emulator import Emulator

MODEL = "gemini-2.5-flash"
PATH = f"/v1beta/models/{MODEL}"
RETRY = r"in=0\.00s reason=HTTP 429.*"

pytestmark = pytest.mark.usefixtures("clean_logger")


def lines(err: str) -> list[str]:
    return [
        line.split("genlang_async: ", 1)[1]
        for line in err.splitlines()
        if "genlang_async: " in line
    ]


async def test_info_lines_for_requests_retries_and_stream_ends(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GENLANG_LOG", "info")
    emulator.faults.fail("/v1beta/models/*:generateContent", status=429, times=2, retry_after=0)
    async with Client(api_key="k-log-test", base_url=emulator.url) as client:
        await client.models.generate_content(MODEL, contents="Hi")
        async with client.models.stream_generate_content(MODEL, contents="Hi") as stream:
            async for _ in stream:
                pass
    got = lines(capsys.readouterr().err)
    patterns = [
        rf"retry POST {PATH}:generateContent 429 attempt=1 elapsed=\d+ms {RETRY}",
        rf"retry POST {PATH}:generateContent 429 attempt=2 elapsed=\d+ms {RETRY}",
        rf"POST {PATH}:generateContent 200 attempt=3 elapsed=\d+ms tokens=\d+\+\d+(\+\d+)?",
        rf"POST {PATH}:streamGenerateContent 200 attempt=1 elapsed=\d+ms",
        rf"stream end POST {PATH}:streamGenerateContent 200 completed chunks=\d+ elapsed=\d+ms "
        rf"tokens=\d+\+\d+(\+\d+)?",
    ]
    assert len(got) == len(patterns), got
    for line, pattern in zip(got, patterns, strict=True):
        assert re.fullmatch(pattern, line), (line, pattern)


async def test_debug_bodies_only_when_asked(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GENLANG_LOG", "debug")
    async with Client(api_key="k-log-test", base_url=emulator.url) as client:
        await client.models.generate_content(MODEL, contents="Hello body")
        got = lines(capsys.readouterr().err)
        assert f"send POST {PATH}:generateContent attempt=1" in got
        assert not any("body" in line for line in got)
        monkeypatch.setenv("GENLANG_LOG_BODIES", "1")
        await client.models.generate_content(MODEL, contents="Hello body")
    got = lines(capsys.readouterr().err)
    (request,) = [line for line in got if line.startswith("request body ")]
    assert '"text":"Hello body"' in request
    (response,) = [line for line in got if line.startswith("response body ")]
    assert '"candidates"' in response


async def test_final_failure_line(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GENLANG_LOG", "info")
    async with Client(api_key="k-log-test", base_url=emulator.url) as client:
        with pytest.raises(Exception, match="not found"):
            await client.models.get("no-such-model")
    (line,) = lines(capsys.readouterr().err)
    assert re.fullmatch(
        r"GET /v1beta/models/no-such-model 404 attempt=1 elapsed=\d+ms error=NotFoundError", line
    ), line
