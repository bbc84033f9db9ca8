"""Base classes of the generated models (hand-written).

Every generated class derives from :class:`WireModel`; every generated enum from :class:`WireEnum`.
Conversion to and from wire JSON is done by the one converter in ``genlang_async.types._convert``,
which is imported the first time ``from_dict`` / ``to_dict`` is used, not at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

import attrs

from ._defaults import always_set, empty_message
from ._enum import WireEnum

__all__ = ["Wire", "WireEnum", "WireModel", "empty_message"]

_M = TypeVar("_M", bound="WireModel")

#: Per field: (python attribute, wire name, wire kind); see ``genlang_async.types._convert``.
Wire = tuple[tuple[str, str, str], ...]

_structure_hooks: dict[type[Any], Callable[[Any], Any]] = {}
_unstructure_hooks: dict[type[Any], Callable[[Any], dict[str, Any]]] = {}


def _structure_hook(cls: type[Any]) -> Callable[[Any], Any]:
    from ._convert import converter

    hook: Callable[..., Any] = converter.get_structure_hook(cls)
    _structure_hooks[cls] = hook
    return hook


def _unstructure_hook(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
    from ._convert import converter

    hook: Callable[[Any], dict[str, Any]] = converter.get_unstructure_hook(cls)
    _unstructure_hooks[cls] = hook
    return hook


@attrs.define(kw_only=True, repr=False)
class WireModel:
    """Base of every API message class.

    ``extra`` holds wire fields this version of the SDK does not know (keyed by their wire
    name, values as plain JSON).  They are kept when parsing and sent back by ``to_dict``;
    they take part in ``==``.

    Fields are ``T | None`` (``None``: not on the wire), except the ones the API always
    returns, typed ``T`` with proto3's default (``""``, ``0``, ``[]``, an empty message, ...)
    when the wire leaves them out (see ``genlang_async.types._defaults``).
    """

    extra: dict[str, Any] | None = None

    _wire_: ClassVar[Wire] = ()

    @classmethod
    def from_dict(cls: type[_M], data: Mapping[str, Any]) -> _M:
        """Build an instance from wire JSON (a camelCase dict)."""
        hook = _structure_hooks.get(cls) or _structure_hook(cls)
        result: _M = hook(data)
        return result

    def to_dict(self) -> dict[str, Any]:
        """Wire JSON for this object: camelCase keys, unset (``None``) fields left out, and
        fields typed without ``None`` left out at their default."""
        cls = type(self)
        hook = _unstructure_hooks.get(cls) or _unstructure_hook(cls)
        return hook(self)

    def __repr__(self) -> str:
        parts = []
        defaults = always_set(type(self))
        for field in attrs.fields(type(self)):
            value = getattr(self, field.name)
            if value is None or (field.name in defaults and value == defaults[field.name][0]):
                continue
            parts.append(f"{field.name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
