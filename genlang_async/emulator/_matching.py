"""Which requests a fault or script rule applies to: method, then a path glob or regex."""

from __future__ import annotations

import fnmatch
import re
import threading
from typing import Any, Generic, Protocol, TypeVar


def check_pattern(path: str, regex: bool) -> None:
    """Raise ``ValueError`` now for a regex that would fail at match time."""
    if regex:
        try:
            re.compile(path)
        except re.error as exc:
            raise ValueError(f"invalid path regex {path!r}: {exc}") from exc


def request_matches(
    pattern: str, regex: bool, only_method: str | None, method: str, path: str
) -> bool:
    """``pattern`` is a shell glob on the URL path (``*`` also matches ``/``) or a regex."""
    if only_method and only_method.upper() not in ("*", method.upper()):
        return False
    if regex:
        return re.search(pattern, path) is not None
    return fnmatch.fnmatchcase(path, pattern)


class Rule(Protocol):
    id: int

    def to_dict(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=Rule)


class Rules(Generic[R]):
    """A thread-safe list of rules (faults or scripts), each with an ``id``."""

    def __init__(self) -> None:
        self._rules: list[R] = []
        self._lock = threading.Lock()

    def add(self, rule: R) -> R:
        with self._lock:
            self._rules.append(rule)
        return rule

    def remove(self, rule_id: int) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    @property
    def active(self) -> list[R]:
        with self._lock:
            return list(self._rules)
