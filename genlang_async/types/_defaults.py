"""Fields typed without ``None`` (hand-written; attrs only, so both the model base and the
converter use it without importing each other).

Most fields of the generated classes are ``T | None = None``: ``None`` means the field is not
on the wire. The fields the API always returns (``tools/codegen/api/always_returned.json``)
are typed ``T`` instead, with proto3's default when the wire leaves them out: ``""``, ``0``,
``0.0``, ``False``, the enum's zero value, an empty list or dict, or an empty message.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["always_set", "empty_message"]

#: class -> {attribute: (default value to compare with, factory of fresh defaults or None)}
_ALWAYS_SET: dict[type[Any], dict[str, tuple[Any, Callable[[], Any] | None]]] = {}


def empty_message(name: str) -> Callable[[], Any]:
    """The default factory of a message field typed without ``None``: it makes a new empty
    ``name`` (looked up when first called: the class may live in another generated module)."""

    def empty() -> Any:
        return getattr(sys.modules[__package__ or ""], name)()

    return empty


def always_set(cls: type[Any]) -> dict[str, tuple[Any, Callable[[], Any] | None]]:
    """The fields of a generated class typed without ``None``: attribute -> (its default, the
    factory making fresh mutable defaults or ``None`` for immutable ones)."""
    found = _ALWAYS_SET.get(cls)
    if found is None:
        found = {}
        for field in attrs.fields(cls):
            default = field.default
            if default is None or default is attrs.NOTHING:
                continue
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                found[field.name] = (default.factory(), default.factory)
            else:
                found[field.name] = (default, None)
        _ALWAYS_SET[cls] = found
    return found
