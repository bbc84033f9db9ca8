"""Building request messages from the caller's dicts: strict where ``from_dict`` is tolerant.

``from_dict`` reads wire JSON from the API (unknown keys are kept, never an error). A dict the
caller passes as an argument is different: a misspelt key would be sent and silently ignored.
:func:`from_user` therefore

- accepts every field under its wire name (``maxOutputTokens``) or its Python name
  (``max_output_tokens``), at every depth, and writes the wire name;
- rejects any other key with a ``ValueError`` naming the argument path and the near matches;
  fields newer than the SDK go in an ``"extra"`` dict, sent as they are
  (``{"max_output_tokens": 5, "extra": {"newField": 1}}``);
- checks and converts values: durations (``timedelta``, seconds as a number, ``"3.5s"``),
  timestamps (``datetime``, RFC 3339 with up to 9 fractional digits), int64 (``int`` or
  digits), bytes (``bytes`` or base64 text), enums (member, name or number), floats
  (numbers, or ``"NaN"`` / ``"Infinity"`` / ``"-Infinity"``);
- leaves free-form JSON (``google.protobuf.Struct`` / ``Value`` fields such as function-call
  ``args`` or ``responseJsonSchema``) untouched: its keys are user data.
"""

from __future__ import annotations

import binascii
import datetime
import decimal
import difflib
import math
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from types import ModuleType


def _codec() -> ModuleType:
    """The converter module (imported on first use, like ``from_dict`` does)."""
    from . import _convert

    return _convert


M = TypeVar("M")

_FLOAT_WORDS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
_FIELDS: dict[type[Any], dict[str, tuple[str, str, str]]] = {}


def _fields(cls: type[Any]) -> dict[str, tuple[str, str, str]]:
    """Every accepted key of ``cls`` -> (attribute, wire name, kind)."""
    table = _FIELDS.get(cls)
    if table is None:
        table = {}
        for attr, wire, kind in cls._wire_:
            table[wire] = table[attr] = (attr, wire, kind)
        _FIELDS[cls] = table
    return table


def _unknown(cls: type[Any], key: str, path: str) -> ValueError:
    by_name = {name: (attr, wire) for attr, wire, _kind in cls._wire_ for name in (attr, wire)}
    close = difflib.get_close_matches(key, list(by_name), n=4, cutoff=0.6)
    near = sorted({by_name[name] for name in close})
    spelled = [
        f"{attr!r} ({wire!r} on the wire)" if attr != wire else repr(attr) for attr, wire in near
    ]
    hint = f"; did you mean {' or '.join(spelled)}?" if spelled else ""
    return ValueError(
        f"{path}: unknown field {key!r} for {cls.__name__}{hint} "
        '(a field newer than this SDK can be sent in "extra": {"fieldName": value})'
    )


def from_user(cls: type[M], data: Mapping[str, Any], argument: str) -> M:
    """An instance of the message class ``cls`` from a caller's dict (see the module doc)."""
    table = _fields(cls)
    kwargs: dict[str, Any] = {}
    given: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise TypeError(f"{argument}: keys must be str, not {type(key).__name__}")
        if key == "extra" and "extra" not in table:
            if value is not None and not isinstance(value, Mapping):
                raise TypeError(f"{argument}.extra must be a dict of wire fields")
            kwargs["extra"] = dict(value) if value else None
            continue
        entry = table.get(key)
        if entry is None:
            raise _unknown(cls, key, argument)
        attr, wire, kind = entry
        if attr in given:
            raise ValueError(f"{argument}: {wire!r} is given twice ({given[attr]!r} and {key!r})")
        given[attr] = key
        if value is not None:
            kwargs[attr] = convert(kind, value, f"{argument}.{key}")
    return cls(**kwargs)


def convert(kind: str, value: Any, path: str) -> Any:
    """The Python value of a field of wire ``kind`` from what the caller gave."""
    head, _, rest = kind.partition(":")
    if head == "list":
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
            raise TypeError(f"{path} must be a list, not {type(value).__name__}")
        return [convert(rest, item, f"{path}[{i}]") for i, item in enumerate(value)]
    if head == "map":
        if not isinstance(value, Mapping):
            raise TypeError(f"{path} must be a dict, not {type(value).__name__}")
        return {k: convert(rest, v, f"{path}[{k!r}]") for k, v in value.items()}
    if head == "ref":
        sub = _message_class(rest)
        if isinstance(value, sub):
            return value
        if isinstance(value, Mapping):
            return from_user(sub, value, path)
        raise TypeError(f"{path} must be a {rest} or a dict, not {type(value).__name__}")
    if head == "enum":
        return _codec().enum_from_wire(rest, value)
    scalar = _SCALARS.get(kind)
    return value if scalar is None else scalar(value, path)


def _message_class(name: str) -> type[Any]:
    cls: type[Any] = getattr(sys.modules["genlang_async.types"], name)
    return cls


def _from_text(parse: Callable[[str], Any], value: Any, path: str, expected: str) -> Any:
    """``parse(value)`` for valid wire text, else a ``ValueError`` saying what is expected."""
    if isinstance(value, str):
        try:
            return parse(value)
        except ValueError:
            pass
    raise ValueError(f"{path}: expected {expected}, got {value!r}")


def _duration(value: Any, path: str) -> Any:
    if isinstance(value, datetime.timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ValueError(f"{path}: a duration must be finite, got {value!r}")
        nanos = int(decimal.Decimal(repr(value)) * 1_000_000_000)
        seconds, rest = divmod(abs(nanos), 1_000_000_000)
        sign = "-" if nanos < 0 else ""
        value = f"{sign}{seconds}.{rest:09d}".rstrip("0").rstrip(".") + "s"
    return _from_text(
        _codec().parse_duration,
        value,
        path,
        "a duration: a datetime.timedelta, seconds as a number (3600, 1.5) "
        "or a string such as '3600s' or '1.5s' (up to 9 fractional digits)",
    )


def _timestamp(value: Any, path: str) -> Any:
    if isinstance(value, datetime.datetime):
        return value
    return _from_text(
        _codec().parse_timestamp,
        value,
        path,
        "a timestamp: a datetime or an RFC 3339 string such as "
        "'2025-01-31T12:00:00Z' or '2025-01-31T12:00:00.123456789+01:00'",
    )


def _int64(value: Any, path: str) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    raise ValueError(f"{path}: expected an integer (int64: an int or its digits), got {value!r}")


def _bytes(value: Any, path: str) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        try:
            return _codec().decode_bytes(value)
        except (binascii.Error, ValueError):
            pass
    raise ValueError(f"{path}: expected bytes or base64 text, got {value!r:.60}")


def _float(value: Any, path: str) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value in _FLOAT_WORDS:
        return _FLOAT_WORDS[value]
    return value  # the model check after it names the field and the wrong type


_SCALARS: dict[str, Callable[[Any, str], Any]] = {
    "duration": _duration,
    "timestamp": _timestamp,
    "int64": _int64,
    "bytes": _bytes,
    "float": _float,
}
