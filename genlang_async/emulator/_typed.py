"""Type checks for values that come from the control API or the command line: each field
of a dataclass against its annotation (``int``, ``float | None``, ``dict[str, str]``, ...)."""

from __future__ import annotations

import dataclasses
from typing import Any

_SCALARS: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "str": (str,),
    "None": (type(None),),
}


def _fits(value: Any, annotation: str) -> bool:
    for option in (part.strip() for part in annotation.split("|")):
        base, _, inner = option.partition("[")
        if base in _SCALARS:
            if isinstance(value, bool) and base in ("int", "float"):
                continue  # True is an int to Python, not to a JSON schema
            if isinstance(value, _SCALARS[base]):
                return True
        elif base == "dict" and isinstance(value, dict):
            return all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        elif base in ("frozenset", "list") and isinstance(value, (list, tuple, set, frozenset)):
            return all(isinstance(item, str) for item in value) and inner.startswith("str")
    return False


def check_field(owner: object, name: str, value: Any) -> None:
    """Raise ``ValueError`` unless ``value`` fits the annotation of ``owner``'s field ``name``."""
    fields = {field.name: field for field in dataclasses.fields(owner)}  # type: ignore[arg-type]
    annotation = str(fields[name].type)
    if not _fits(value, annotation):
        raise ValueError(f"{name} must be {annotation}, not {value!r}")


def check_fields(owner: object) -> None:
    """``check_field`` for every field of the dataclass instance ``owner``."""
    for field in dataclasses.fields(owner):  # type: ignore[arg-type]
        check_field(owner, field.name, getattr(owner, field.name))
