"""``client.with_options(...)``: other settings over the same pool, hooks and usage."""

from __future__ import annotations

from typing import Any

import pytest

from genlang_async import APIConnectionError, Client, Hooks, RateLimitError, Timeout
from genlang_async.emulator import Emulator

MODEL = "gemini-2.5-flash"
GENERATE = "/v1beta/models/*:generateContent"


async def test_options_differ_and_the_rest_is_shared(emulator: Emulator) -> None:
    seen: list[Any] = []
    client = Client(api_key="k", base_url=emulator.url, hooks=Hooks(on_response=seen.append))
    quick = client.with_options(max_retries=0, timeout=7, default_headers={"x-extra": "1"})
    assert quick.max_retries == 0
    assert quick.timeout == Timeout(connect=10, read=300, total=7)
    assert client.max_retries == 2
    assert client.timeout == Timeout()
    assert quick.base_url == client.base_url
    assert quick.usage is client.usage
    assert quick._transport.pool is client._transport.pool
    assert quick.models is not client.models

    emulator.faults.fail(GENERATE, status=429, times=1, retry_after=0)
    with pytest.raises(RateLimitError):
        await quick.models.generate_content(MODEL, contents="Hi")
    emulator.faults.fail(GENERATE, status=429, times=1, retry_after=0)
    await client.models.generate_content(MODEL, contents="Hi")
    await quick.models.generate_content(MODEL, contents="Hi")
    assert client.usage[MODEL].requests == 2
    assert [e.status for e in seen] == [429, 429, 200, 200]

    await quick.close()  # closes nothing: the pool is the original's
    await client.models.get(MODEL)
    await client.close()
    assert client.connections_in_use == 0


async def test_timeout_none_removes_limits_and_base_url_moves(
    emulator: Emulator, refused_url: str
) -> None:
    async with Client(api_key="k", base_url=emulator.url) as client:
        assert client.with_options(timeout=None).timeout == Timeout(None, None, None)
        assert client.with_options(timeout=Timeout(read=5)).timeout == Timeout(read=5)
        elsewhere = client.with_options(base_url=refused_url, max_retries=0)
        assert elsewhere.base_url == refused_url
        with pytest.raises(APIConnectionError):
            await elsewhere.models.get(MODEL)
        assert (await client.models.get(MODEL)).name == f"models/{MODEL}"


def test_bad_options_fail_before_sending() -> None:
    client = Client(api_key="k", base_url="http://127.0.0.1:9")
    with pytest.raises(ValueError, match="max_retries"):
        client.with_options(max_retries=-1)
    with pytest.raises(ValueError, match="base_url"):
        client.with_options(base_url="ftp://nowhere")
    with pytest.raises(TypeError, match="timeout"):
        client.with_options(timeout="soon")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"hooks must be a genlang_async\.Hooks"):
        Client(api_key="k", hooks=print)  # type: ignore[arg-type]
