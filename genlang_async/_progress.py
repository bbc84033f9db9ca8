"""A dependency-free progress bar for terminals (falls back to nothing when not a TTY)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO


def _human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


class ProgressBar:
    """Renders ``sent / total`` on one line; call it as an upload ``progress`` callback
    (``render`` formats the amounts: bytes by default, ``str`` for counts)."""

    def __init__(
        self,
        label: str,
        *,
        stream: TextIO | None = None,
        width: int = 30,
        render: Callable[[float], str] = _human,
    ) -> None:
        self._label = label
        self._render = render
        self._stream = stream if stream is not None else sys.stderr
        self._width = width
        self._started = time.monotonic()
        self._last_draw = 0.0
        self._interactive = self._stream.isatty()

    def __call__(self, sent: int, total: int | None) -> None:
        now = time.monotonic()
        finished = total is not None and sent >= total
        if not finished and now - self._last_draw < 0.1:
            return
        self._last_draw = now
        rate = sent / max(now - self._started, 1e-6)
        if total:
            filled = int(self._width * sent / total)
            bar = "#" * filled + "-" * (self._width - filled)
            amounts = f"{self._render(sent)} / {self._render(total)}"
            text = f"{self._label} [{bar}] {amounts} ({self._render(rate)}/s)"
        else:
            text = f"{self._label} {self._render(sent)} ({self._render(rate)}/s)"
        if self._interactive:
            self._stream.write("\r" + text + ("\n" if finished else ""))
        elif finished:
            self._stream.write(text + "\n")
        self._stream.flush()
