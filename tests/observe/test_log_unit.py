"""Log lines and ``GENLANG_LOG``."""

from __future__ import annotations

import logging

import pytest

from genlang_async._observe import log
from genlang_async._observe.calls import call_info
from genlang_async._observe.hooks import StreamEndEvent
from genlang_async._observe.usage import TokenUsage

CALL = call_info("POST", "/v1beta/models/m:generateContent")


def test_request_line() -> None:
    usage = TokenUsage.from_metadata({"promptTokenCount": 5, "candidatesTokenCount": 12})
    line = log.request_line(CALL, attempt=1, status=200, elapsed=0.0412, usage=usage)
    assert line == "POST /v1beta/models/m:generateContent 200 attempt=1 elapsed=41ms tokens=5+12"
    failed = log.request_line(CALL, attempt=3, status=None, elapsed=12.0, error="APITimeoutError")
    assert failed == (
        "POST /v1beta/models/m:generateContent --- attempt=3 elapsed=12.0s error=APITimeoutError"
    )


def test_retry_and_stream_end_lines() -> None:
    line = log.retry_line(
        CALL, attempt=1, status=429, elapsed=0.003, delay=0.5, reason="429 RESOURCE_EXHAUSTED"
    )
    assert line == (
        "retry POST /v1beta/models/m:generateContent 429 attempt=1 elapsed=3ms "
        "in=0.50s reason=429 RESOURCE_EXHAUSTED"
    )
    usage = TokenUsage.from_metadata(
        {"promptTokenCount": 2, "candidatesTokenCount": 3, "thoughtsTokenCount": 4}
    )
    end = log.stream_end_line(
        StreamEndEvent(
            call=CALL, status=200, elapsed=1.25, chunks=3, outcome="completed", usage=usage
        )
    )
    assert end == (
        "stream end POST /v1beta/models/m:generateContent 200 completed chunks=3 "
        "elapsed=1250ms tokens=2+3+4"
    )


@pytest.mark.usefixtures("clean_logger")
def test_genlang_log_attaches_one_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENLANG_LOG", "debug")
    log.configure_from_env()
    log.configure_from_env()
    ours = [h for h in log.logger.handlers if getattr(h, "_genlang_env", False)]
    assert len(ours) == 1
    assert log.logger.level == logging.DEBUG
    monkeypatch.setenv("GENLANG_LOG", "INFO")
    log.configure_from_env()
    assert log.logger.level == logging.INFO
    assert len([h for h in log.logger.handlers if getattr(h, "_genlang_env", False)]) == 1


@pytest.mark.usefixtures("clean_logger")
def test_genlang_log_bodies_needs_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENLANG_LOG_BODIES", "1")
    log.logger.setLevel(logging.INFO)
    assert not log.log_bodies()
    log.logger.setLevel(logging.DEBUG)
    assert log.log_bodies()
    monkeypatch.delenv("GENLANG_LOG_BODIES")
    assert not log.log_bodies()


@pytest.mark.usefixtures("clean_logger")
def test_genlang_log_other_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENLANG_LOG", "verbose")
    with pytest.raises(ValueError, match="GENLANG_LOG must be 'info' or 'debug'"):
        log.configure_from_env()


def test_body_text_redacts_and_cuts() -> None:
    def redact(text: str) -> str:
        return text.replace("sekrit", "<redacted>")

    assert log.body_text({"a": "sekrit", "b": [1]}, redact) == '{"a":"<redacted>","b":[1]}'
    long = log.body_text({"v": "x" * 20_000}, redact)
    assert long.endswith("... (10008 more characters)")
