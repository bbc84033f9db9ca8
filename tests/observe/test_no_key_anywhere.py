"""The API key never reaches a hook argument, a span, a metric, a log line or a raw
response: everything they produced during calls that retry, fail, stream and upload is
searched for it."""

from __future__ import annotations

import logging
from typing import Any

import anyio
import anyio.lowlevel
import attrs
import pytest

from genlang_async import APIError, Client, Hooks
from genlang_async.emulator import Emulator

from .conftest import Otel

KEY = "AIzaSyNeverShowMe-0123456789abcdef"
MODEL = "gemini-2.5-flash"


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def described(event: Any) -> str:
    fields = attrs.asdict(event, recurse=False)
    return " ".join([repr(event), *(f"{k}={v!r} {v}" for k, v in fields.items())])


@pytest.mark.usefixtures("clean_logger")
async def test_the_key_appears_nowhere(
    otel_content: Otel, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("GENLANG_LOG", "debug")
    monkeypatch.setenv("GENLANG_LOG_BODIES", "1")
    collect = Collect()
    logging.getLogger("genlang_async").addHandler(collect)
    seen: list[str] = []

    def record(event: Any) -> None:
        seen.append(described(event))

    hooks = Hooks(on_request=record, on_response=record, on_retry=record, on_stream_end=record)
    texts: list[str] = []
    async with (
        Emulator(operation_delay=0.0, file_processing_delay=0.0, api_keys=[KEY]) as emu,
        Client(api_key=KEY, base_url=emu.url, hooks=hooks) as client,
    ):
        emu.faults.fail("/v1beta/models/*:generateContent", status=429, times=1, retry_after=0)
        raw = await client.models.with_raw_response.generate_content(MODEL, contents="Hi")
        texts += [repr(raw), str(dict(raw.headers)), repr(raw.parse())]
        pages = await client.models.with_raw_response.list(page_size=2)
        texts += [repr(pages), str(dict(pages.headers))]
        streamed = await client.models.with_raw_response.stream_generate_content(
            MODEL, contents="one two three"
        )
        async with streamed.parse() as stream:
            async for _ in stream:
                break
        texts += [repr(streamed), str(dict(streamed.headers))]
        with pytest.raises(APIError) as caught:
            await client.with_options(max_retries=0).models.get("missing-model")
        texts += [repr(caught.value), str(caught.value), str(dict(caught.value.headers))]
        path = tmp_path / "notes.txt"
        path.write_bytes(b"hello " * 1000)
        uploaded = await client.files.upload(path, mime_type="text/plain")
        texts.append(repr(uploaded))
        emu.faults.fail("/v1beta/models/*:streamGenerateContent", status=503, times=1)
        async with client.models.stream_generate_content(MODEL, contents="Hi") as stream:
            async for _ in stream:
                pass
        with anyio.move_on_after(0.05):
            emu.faults.delay("/v1beta/models/*:generateContent", seconds=2)
            await client.models.generate_content(MODEL, contents="never answered")
        texts += [repr(client), repr(client.usage), str(client.usage), repr(client.models)]
    await anyio.lowlevel.checkpoint()

    spans = otel_content.spans()
    for span in spans:
        texts += [span.name, str(dict(span.attributes or {})), str(span.status.description)]
        texts += [f"{e.name} {dict(e.attributes or {})}" for e in span.events]
    data = otel_content.reader.get_metrics_data()
    texts.append(data.to_json() if data else "")
    everything = "\n".join([*seen, *collect.lines, *texts])

    # The test sees what it should: the key was used (the emulator accepts only it), and all
    # the windows produced output.
    assert any("RetryEvent" in s for s in seen)
    assert any("StreamEndEvent" in s for s in seen)
    assert any(line.startswith("retry POST") for line in collect.lines)
    assert any(line.startswith("request body") for line in collect.lines)
    assert len(spans) >= 8
    assert "gen_ai.client.token.usage" in everything
    assert KEY not in everything
    assert KEY[10:30] not in everything
