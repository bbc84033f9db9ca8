"""Log lines: one per request, retry and stream end, on the ``genlang_async`` logger.

``GENLANG_LOG=info`` (or ``debug``) in the environment attaches a stderr handler at that
level with no other setup; the lines also appear wherever an application's own logging
configuration sends INFO records of ``genlang_async``. Request and response bodies are
logged only at DEBUG and only with ``GENLANG_LOG_BODIES=1``. Lines are built from
:class:`~genlang_async._observe.calls.CallInfo` (path only, no query, no headers) and pass
through the client's redactor, so the API key never appears.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from typing import Any

from .calls import CallInfo
from .hooks import StreamEndEvent
from .usage import TokenUsage

__all__ = [
    "body_text",
    "configure_from_env",
    "log_bodies",
    "logger",
    "request_line",
    "retry_line",
    "stream_end_line",
]

logger = logging.getLogger("genlang_async")

_LEVELS = {"info": logging.INFO, "debug": logging.DEBUG}
_configured: str | None = None


def configure_from_env() -> None:
    """Apply ``GENLANG_LOG`` (``info`` or ``debug``) once per value: a stderr handler on the
    ``genlang_async`` logger at that level.

    Raises:
        ValueError: ``GENLANG_LOG`` holds another value.
    """
    global _configured
    value = os.environ.get("GENLANG_LOG", "").strip().lower()
    if not value or value == _configured:
        return
    level = _LEVELS.get(value)
    if level is None:
        raise ValueError(f"GENLANG_LOG must be 'info' or 'debug', not {value!r}")
    handler = next((h for h in logger.handlers if getattr(h, "_genlang_env", False)), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._genlang_env = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(level)
    _configured = value


def log_bodies() -> bool:
    """Whether bodies are logged: DEBUG is on and ``GENLANG_LOG_BODIES=1``."""
    return os.environ.get("GENLANG_LOG_BODIES", "").strip().lower() in (
        "1",
        "true",
        "yes",
        "on",
    ) and logger.isEnabledFor(logging.DEBUG)


_MAX_BODY = 10_000


def body_text(body: Any, redact: Callable[[str], str]) -> str:
    """A JSON body for a DEBUG line: compact, secrets redacted, cut after 10,000 characters."""
    text = redact(json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str))
    if len(text) > _MAX_BODY:
        text = f"{text[:_MAX_BODY]}... ({len(text) - _MAX_BODY} more characters)"
    return text


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}ms" if seconds < 10 else f"{seconds:.1f}s"


def _tokens(usage: TokenUsage | None) -> str:
    if usage is None:
        return ""
    text = f" tokens={usage.prompt_tokens}+{usage.output_tokens}"
    if usage.thoughts_tokens:
        text += f"+{usage.thoughts_tokens}"
    return text


def request_line(
    call: CallInfo,
    *,
    attempt: int,
    status: int | None,
    elapsed: float,
    usage: TokenUsage | None = None,
    error: str | None = None,
) -> str:
    """``POST /v1beta/models/m:generateContent 200 attempt=1 elapsed=41ms tokens=5+12``
    (tokens as prompt+output[+thoughts])."""
    text = (
        f"{call.method} {call.path} {status if status is not None else '---'} "
        f"attempt={attempt} elapsed={_ms(elapsed)}{_tokens(usage)}"
    )
    return f"{text} error={error}" if error else text


def retry_line(
    call: CallInfo, *, attempt: int, status: int | None, elapsed: float, delay: float, reason: str
) -> str:
    """``retry POST /v1beta/... 429 attempt=1 elapsed=3ms in=0.50s reason=...``"""
    return (
        f"retry {request_line(call, attempt=attempt, status=status, elapsed=elapsed)} "
        f"in={delay:.2f}s reason={reason}"
    )


def stream_end_line(event: StreamEndEvent) -> str:
    """``stream end POST /v1beta/...:streamGenerateContent 200 completed chunks=3 ...``"""
    return (
        f"stream end {event.method} {event.path} {event.status} {event.outcome} "
        f"chunks={event.chunks} elapsed={_ms(event.elapsed)}{_tokens(event.usage)}"
    )
