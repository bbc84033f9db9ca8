"""Type checks of the fields of a request model built from the caller's dicts (or objects):
``generation_config={"temperature": "hot"}`` is a local ``TypeError`` naming
``generation_config.temperature``, before anything is sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..types import WireEnum, WireModel

_NUMBER_WORDS = frozenset({"NaN", "Infinity", "-Infinity"})


def _is_int(value: Any, *, strings: bool) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return strings and isinstance(value, str) and value.lstrip("-").isdigit()


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or value in _NUMBER_WORDS


#: Wire kind -> (test, what it expects, for the message).
_SCALARS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "str": (lambda v: isinstance(v, str), "a str"),
    "bool": (lambda v: isinstance(v, bool), "a bool"),
    "float": (_is_number, "a number"),
    "int": (lambda v: _is_int(v, strings=False), "an int"),
    "int64": (lambda v: _is_int(v, strings=True), "an int"),
    "enum": (lambda v: isinstance(v, (str, WireEnum)), "a str (an enum value)"),
}


def check_model(model: WireModel, where: str) -> None:
    """Raise ``TypeError`` at the first field of ``model`` (recursively) whose value does not
    fit its declared type; ``where`` names ``model`` in the message."""
    for attr, _wire, kind in type(model)._wire_:
        value = getattr(model, attr)
        if value is not None:
            _check(value, kind, f"{where}.{attr}")


def _check(value: Any, kind: str, where: str) -> None:
    head, _, rest = kind.partition(":")
    if head == "list":
        if not isinstance(value, list):
            raise TypeError(f"{where} must be a list, not {type(value).__name__}")
        for index, item in enumerate(value):
            if item is not None:
                _check(item, rest, f"{where}[{index}]")
    elif head == "ref":
        if isinstance(value, WireModel):
            check_model(value, where)
    elif kind in _SCALARS:
        fits, expected = _SCALARS[kind]
        if not fits(value):
            raise TypeError(f"{where} must be {expected}, not {type(value).__name__} {value!r}")
