"""The one converter between wire JSON (camelCase dicts) and the classes in ``genlang_async.types``.

Rules (proto3 JSON as the Gemini API speaks it):

- keys are the camelCase wire names; fields that are ``None`` are left out on output, every
  other value (``False``, ``0``, ``""``, ``[]``) is kept;
- fields typed without ``None`` (the ones the API always returns, see ``_defaults``) take
  their proto3 default when the wire leaves them out, and are left out on output while at it;
  a default the wire spells out (``"name": ""``) is also kept in ``extra``, so it is written
  back as it came;
- wire keys a class does not know are kept in its ``extra`` dict and written back on output
  (a set attribute wins over an ``extra`` entry of the same wire name); a JSON ``null`` for a
  known field leaves the attribute unset and is kept in ``extra`` so it is written back too;
- ``int64`` values travel as strings: parsed to ``int``, written back as strings;
- ``bytes`` travel as base64 (standard alphabet on output; URL-safe and unpadded input is
  accepted);
- timestamps (RFC 3339, any offset) become timezone-aware :class:`Timestamp` objects, a
  ``datetime`` that also keeps nanoseconds and the exact input text, so a parsed value is
  written back unchanged; plain ``datetime`` values are written in UTC (naive ones are taken
  as UTC);
- durations (``"3.5s"``) become :class:`Duration` objects (a ``timedelta`` keeping nanoseconds
  and the input text); plain ``timedelta`` values are written with 0, 3 or 6 fractional digits;
- ``google.protobuf.Struct`` / ``Value`` fields are plain JSON (dicts, lists, ...), not copied;
- enums are tolerant: known values become members of the ``WireEnum`` subclass, anything else
  (a new value, or an integer from ``enum-encoding=int``) is kept as the raw value.

Hooks are built per class on first use from the class's ``_wire_`` table, so importing this
module (or ``genlang_async.types``) builds nothing up front.  ``converter`` is a
``cattrs.Converter``; ``structure`` / ``unstructure`` are shortcuts for it.
"""

from __future__ import annotations

import binascii
import datetime
import functools
import json
import math
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import attrs
import cattrs

from .._core.float32 import Float32Values
from ._defaults import always_set
from ._enum import WireEnum

__all__ = [
    "Duration",
    "Timestamp",
    "converter",
    "decode_bytes",
    "encode_bytes",
    "format_duration",
    "format_timestamp",
    "parse_duration",
    "parse_timestamp",
    "structure",
    "unstructure",
]

T = TypeVar("T")
_UTC = datetime.timezone.utc

# ----------------------------------------------------------------------------- timestamps


class Timestamp(datetime.datetime):
    """A timezone-aware ``datetime`` that keeps nanosecond precision and its RFC 3339 text.

    Values parsed from the wire remember their text, so writing them back gives the same
    string.  Arithmetic and ``replace()`` give values without the remembered text.
    """

    __slots__ = ("_nanosecond", "_text")

    _nanosecond: int
    _text: str

    @property
    def nanosecond(self) -> int:
        """Fraction of the second in nanoseconds (0 to 999 999 999)."""
        nanos: int | None = getattr(self, "_nanosecond", None)
        return self.microsecond * 1000 if nanos is None else nanos

    @property
    def text(self) -> str | None:
        """The RFC 3339 text this value was parsed from, if any."""
        text: str | None = getattr(self, "_text", None)
        return text

    def rfc3339(self) -> str:
        """The wire form of this value."""
        return format_timestamp(self)


_TIMESTAMP = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9})\d*)?"
    r"(?:([Zz])|([+-])(\d\d):(\d\d))"
)
_tz_cache: dict[str, datetime.tzinfo] = {}


def parse_timestamp(value: Any) -> Timestamp:
    """Parse an RFC 3339 timestamp (any offset, up to nanosecond precision)."""
    m = _TIMESTAMP.fullmatch(value) if type(value) is str else None
    if m is None:
        if isinstance(value, datetime.datetime):
            return _as_timestamp(value)
        raise ValueError(f"not an RFC 3339 timestamp: {value!r}")
    year, month, day, hour, minute, second, frac, zulu, sign, oh, om = m.groups()
    if zulu:
        tz: datetime.tzinfo = _UTC
    else:
        key = sign + oh + om
        cached = _tz_cache.get(key)
        if cached is None:
            offset = datetime.timedelta(hours=int(oh), minutes=int(om))
            cached = _tz_cache[key] = (
                _UTC if not offset else datetime.timezone(-offset if sign == "-" else offset)
            )
        tz = cached
    nanos = int(frac.ljust(9, "0")) if frac else 0
    ts = Timestamp(
        int(year), int(month), int(day), int(hour), int(minute), int(second), nanos // 1000, tz
    )
    ts._nanosecond = nanos
    ts._text = value
    return ts


def _as_timestamp(value: datetime.datetime) -> Timestamp:
    if isinstance(value, Timestamp):
        return value
    tz = value.tzinfo or _UTC
    return Timestamp(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        tz,
        fold=value.fold,
    )


def _fraction(nanos: int) -> str:
    if nanos == 0:
        return ""
    if nanos % 1_000_000 == 0:
        return f".{nanos // 1_000_000:03d}"
    if nanos % 1000 == 0:
        return f".{nanos // 1000:06d}"
    return f".{nanos:09d}"


def format_timestamp(value: Any) -> str:
    """RFC 3339 text for a datetime: the remembered text if any, else UTC with ``Z``."""
    if type(value) is str:
        return value
    assert isinstance(value, datetime.datetime)
    text: str | None = getattr(value, "_text", None)
    if text is not None:
        return text
    dt: datetime.datetime = value
    nanos: int | None = getattr(dt, "_nanosecond", None)
    if nanos is None:
        nanos = dt.microsecond * 1000
    if dt.tzinfo is not None:
        dt = dt.astimezone(_UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + _fraction(nanos) + "Z"


# ----------------------------------------------------------------------------- durations


class Duration(datetime.timedelta):
    """A ``timedelta`` that keeps nanosecond precision and the wire text it came from."""

    __slots__ = ("_nanoseconds", "_text")

    _nanoseconds: int
    _text: str

    @property
    def nanoseconds(self) -> int:
        """The whole duration in nanoseconds."""
        nanos: int | None = getattr(self, "_nanoseconds", None)
        if nanos is None:
            return (self.days * 86400 + self.seconds) * 1_000_000_000 + self.microseconds * 1000
        return nanos

    @property
    def text(self) -> str | None:
        """The wire text this value was parsed from, if any."""
        text: str | None = getattr(self, "_text", None)
        return text


_DURATION = re.compile(r"([+-]?)(\d+)(?:\.(\d{1,9}))?s")


def parse_duration(value: Any) -> Duration:
    """Parse a protobuf JSON duration such as ``"3.5s"`` or ``"-0.000000001s"``."""
    m = _DURATION.fullmatch(value) if type(value) is str else None
    if m is None:
        if isinstance(value, datetime.timedelta):
            return (
                value
                if isinstance(value, Duration)
                else Duration(value.days, value.seconds, value.microseconds)
            )
        raise ValueError(f"not a duration: {value!r}")
    sign, secs, frac = m.groups()
    nanos = int(secs) * 1_000_000_000 + (int(frac.ljust(9, "0")) if frac else 0)
    if sign == "-":
        nanos = -nanos
    micros = nanos // 1000 if nanos >= 0 else -((-nanos) // 1000)
    d = Duration(microseconds=micros)
    d._nanoseconds = nanos
    d._text = value
    return d


def format_duration(value: Any) -> str:
    """Wire text for a duration: the remembered text if any, else seconds with a ``s``."""
    if type(value) is str:
        return value
    assert isinstance(value, datetime.timedelta)
    text: str | None = getattr(value, "_text", None)
    if text is not None:
        return text
    nanos: int | None = getattr(value, "_nanoseconds", None)
    if nanos is None:
        nanos = ((value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds) * 1000
    sign = "-" if nanos < 0 else ""
    secs, frac = divmod(abs(nanos), 1_000_000_000)
    return f"{sign}{secs}{_fraction(frac)}s"


# ----------------------------------------------------------------------------- bytes

_URLSAFE = str.maketrans("-_", "+/")


def decode_bytes(value: Any) -> bytes:
    """Decode base64 text (standard or URL-safe alphabet, padding optional)."""
    if type(value) is not str:
        if isinstance(value, bytes | bytearray):
            return bytes(value)
        raise TypeError(f"expected base64 text, got {type(value).__name__}")
    if "-" in value or "_" in value:
        value = value.translate(_URLSAFE)
    missing = -len(value) % 4
    if missing:
        value += "=" * missing
    return binascii.a2b_base64(value)


def encode_bytes(value: Any) -> str:
    """Standard base64 with padding (text is passed through as already encoded)."""
    if type(value) is str:
        return value
    return binascii.b2a_base64(value, newline=False).decode("ascii")


# ----------------------------------------------------------------------------- hooks

Hook = Callable[[Any], Any]
_PASSTHROUGH = {"str", "int", "bool", "json", "struct"}
_structure_fns: dict[type[Any], Callable[..., Any]] = {}
_unstructure_fns: dict[type[Any], Callable[[Any], dict[str, Any]]] = {}


def _resolve(name: str) -> Any:
    # The package is loaded (this module is part of it); its lazy ``__getattr__`` imports the
    # class's module. Looked up, not imported, so the types and the converter form no cycle.
    return getattr(sys.modules[__package__ or ""], name)


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, WireEnum) else value


def _field_converter(
    kind: str,
    scalars: Mapping[str, Hook],
    enum: Callable[[str], Hook],
    model: Callable[[type[Any]], Hook],
) -> Hook | None:
    """The converter of one direction for a wire ``kind`` (``None``: values pass as is);
    lists and maps convert their items with the converter of the item kind."""
    if kind in _PASSTHROUGH:
        return None
    scalar = scalars.get(kind)
    if scalar is not None:
        return scalar
    head, _, rest = kind.partition(":")
    if head == "enum":
        return enum(rest)
    if head == "ref":
        return model(_resolve(rest))
    if kind == "list:float":  # long (embeddings): one C-level pass when nothing needs work
        return _float_list(scalars["float"])
    if head in ("list", "map"):
        item = _field_converter(rest, scalars, enum, model)
        if head == "list":
            return list if item is None else (lambda v: [item(x) for x in v])
        return dict if item is None else (lambda v: {k: item(x) for k, x in v.items()})
    raise ValueError(f"unknown wire kind {kind!r}")


_FLOAT_WORDS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def parse_float(value: Any) -> Any:
    """A JSON number, or ``"NaN"`` / ``"Infinity"`` / ``"-Infinity"`` (proto3 JSON)."""
    if type(value) is str:
        return _FLOAT_WORDS[value]
    return value


def format_float(value: Any) -> Any:
    """Finite numbers as they are; NaN and infinities as their proto3 JSON strings."""
    if type(value) is float and not math.isfinite(value):
        return "NaN" if value != value else "Infinity" if value > 0 else "-Infinity"
    return value


def _float_list(item: Hook) -> Hook:
    """A list of floats converted with ``item`` only when some item needs it: reading, a
    ``"NaN"`` / ``"Infinity"`` string; writing, a NaN or an infinity. One C-level pass
    otherwise (embeddings hold thousands of numbers)."""
    if item is parse_float:

        def read(values: Any) -> Any:
            if type(values) is Float32Values:  # from a binary answer: floats, all of them
                return values[:]  # a plain list (and a C-speed copy, unlike list(values))
            if not isinstance(values, (list, tuple)):
                values = list(values)  # an iterator: read it once
            try:
                sum(values)  # adds numbers in C; a string (or any non-number) stops it
            except (TypeError, OverflowError):  # overflow: a huge int among floats
                return [item(x) for x in values]
            return list(values)

        return read

    def write(values: Any) -> Any:
        if not isinstance(values, (list, tuple)):
            values = list(values)  # an iterator: read it once
        try:
            finite = all(map(math.isfinite, values))
        except TypeError:  # not numbers: passed on as they are, as by ``item``
            finite = False
        return list(values) if finite else [item(x) for x in values]

    return write


_FROM_WIRE: dict[str, Hook] = {
    "float": parse_float,
    "int64": int,
    "bytes": decode_bytes,
    "timestamp": parse_timestamp,
    "duration": parse_duration,
}
_TO_WIRE: dict[str, Hook] = {
    "float": format_float,
    "int64": str,
    "bytes": encode_bytes,
    "timestamp": format_timestamp,
    "duration": format_duration,
}


@functools.cache
def _enum_numbers() -> dict[str, dict[str, int]]:
    text = Path(__file__).with_name("_enum_numbers.json").read_text(encoding="utf-8")
    return json.loads(text)["enums"]  # type: ignore[no-any-return]


@functools.cache
def _enum_lookup(name: str) -> Callable[[Any], Any]:
    """Wire value -> member of enum class ``name``: by name, or by number
    (``enum-encoding=int``); a value this SDK does not know is returned as it is."""
    cls = _resolve(name)
    by_value: dict[Any, Any] = dict(cls._value2member_map_)
    for member_name, number in _enum_numbers().get(name, {}).items():
        member = by_value.get(member_name)
        if member is not None:
            by_value[number] = member
    get = by_value.get

    def lookup(value: Any) -> Any:
        if type(value) is bool:
            return value
        try:
            return get(value, value)
        except TypeError:  # unhashable: not an enum value, left for the caller to reject
            return value

    return lookup


def enum_from_wire(name: str, value: Any) -> Any:
    """The member of enum ``name`` for a wire value (name or number), else the value."""
    return _enum_lookup(name)(value)


def _enum_structurer(name: str) -> Hook:
    return _enum_lookup(name)


def _field_structurer(kind: str) -> Hook | None:
    """A function turning the wire value of ``kind`` into its Python value (None: as is)."""
    return _field_converter(kind, _FROM_WIRE, _enum_structurer, _structure_fn)


def _field_unstructurer(kind: str) -> Hook | None:
    """A function turning a Python value of ``kind`` into wire JSON (None: as is)."""
    return _field_converter(kind, _TO_WIRE, lambda _name: _enum_value, _unstructure_fn)


def _structure_fn(cls: type[Any]) -> Callable[..., Any]:
    """The structure hook of a model class: generated straight-line code, built once
    (recursive classes are fine). Any conversion error reruns the data through
    :func:`_checked_structure` for a message naming the field."""
    fn = _structure_fns.get(cls)
    if fn is not None:
        return fn
    # Instances are allocated and their slots set directly: attrs' keyword-matching
    # ``__init__`` (no validators, converters or hooks on these classes) costs more.
    # Each field is looked up once (a dense object costs one ``get`` per field, not a
    # comparison chain per key); JSON nulls count as absent and go to ``extra``.
    # A field typed without None takes its default when absent; a default spelled out on the
    # wire is not counted as found, so it is kept in ``extra`` (and written back) too.
    defaults = always_set(cls)
    namespace: dict[str, Any] = {"cls": cls, "new": object.__new__}
    lines = [
        "def structure(data, _type=None):",
        "    if type(data) is not dict:",
        "        return checked(data)",
        "    o = new(cls)",
        "    get = data.get",
        "    found = 0",
    ]
    if defaults:
        lines.append("    kept = ()")
    lines.append("    try:")
    converters: dict[str, Hook | None] = {}
    for i, (attr, wire, kind) in enumerate(cls._wire_):
        head, _, rest = kind.partition(":")
        if kind in _PASSTHROUGH:
            value = "v"
        elif head == "list" and rest in _PASSTHROUGH:
            value = "list(v)"
        elif head == "list" and kind != "list:float":
            converters[f"c{i}"] = None  # the item converter, filled in below
            value = f"[c{i}(item) for item in v]"
        else:
            converters[f"c{i}"] = None
            value = f"c{i}(v)"
        if attr not in defaults:
            lines += [
                f"        v = get({wire!r})",
                "        if v is None:",
                f"            o.{attr} = None",
                "        else:",
                f"            o.{attr} = {value}",
                "            found += 1",
            ]
            continue
        sample, factory = defaults[attr]
        namespace[f"e{i}"] = sample
        namespace[f"f{i}"] = factory
        lines += [
            f"        v = get({wire!r})",
            "        if v is None:",
            f"            o.{attr} = e{i}" if factory is None else f"            o.{attr} = f{i}()",
            "        else:",
            f"            o.{attr} = {value}",
            f"            if o.{attr} == e{i}:",
            f"                kept += ({wire!r},)",
            "            else:",
            "                found += 1",
        ]
    if not cls._wire_:
        lines.append("        pass")
    keep = " or k in kept" if defaults else ""
    lines += [
        "    except (TypeError, ValueError, AttributeError, KeyError):",
        "        return checked(data)",
        "    if found != len(data):",
        f"        o.extra = {{k: v for k, v in data.items() if v is None or k not in known{keep}}}",
        "    else:",
        "        o.extra = None",
        "    return o",
    ]
    exec(compile("\n".join(lines), f"<structure {cls.__qualname__}>", "exec"), namespace)
    structure: Callable[..., Any] = namespace["structure"]
    _structure_fns[cls] = structure
    table: dict[str, tuple[str, Hook | None]] = {}
    namespace["known"] = frozenset(wire for _attr, wire, _kind in cls._wire_)
    namespace["checked"] = lambda data: _checked_structure(cls, table, data)
    for i, (attr, wire, kind) in enumerate(cls._wire_):
        head, _, rest = kind.partition(":")
        if f"c{i}" in converters:
            item_only = head == "list" and kind != "list:float"
            namespace[f"c{i}"] = _field_structurer(rest if item_only else kind)
        table[wire] = (attr, _field_structurer(kind))
    return structure


def _checked_structure(cls: type[Any], table: dict[str, tuple[str, Hook | None]], data: Any) -> Any:
    """The slow path of a structure hook: any mapping, and errors that name the field."""
    name = cls.__name__
    if not isinstance(data, Mapping):
        raise TypeError(f"{name}: expected a JSON object, got {type(data).__name__}")
    defaults = always_set(cls)
    kwargs: dict[str, Any] = {}
    extra: dict[str, Any] | None = None
    for key, value in data.items():
        entry = table.get(key)
        if entry is None or value is None:
            if extra is None:
                extra = {}
            extra[key] = value
            continue
        attr, conv = entry
        try:
            kwargs[attr] = value if conv is None else conv(value)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            raise ValueError(f"{name}.{key}: {exc}") from exc
        if attr in defaults and kwargs[attr] == defaults[attr][0]:  # a default spelled out
            if extra is None:
                extra = {}
            extra[key] = value
    if extra is not None:
        kwargs["extra"] = extra
    return cls(**kwargs)


def _unstructure_fn(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
    """The unstructure hook of a model class: generated straight-line code, built once."""
    fn = _unstructure_fns.get(cls)
    if fn is not None:
        return fn
    namespace: dict[str, Any] = {}
    defaults = always_set(cls)
    lines = ["def unstructure(obj):", "    out = {}"]
    for i, (attr, wire, kind) in enumerate(cls._wire_):
        lines.append(f"    v = obj.{attr}")
        if attr in defaults:  # left out at its default, as proto3 JSON does
            namespace[f"e{i}"] = defaults[attr][0]
            lines.append(f"    if v is not None and v != e{i}:")
        else:
            lines.append("    if v is not None:")
        if kind in _PASSTHROUGH:
            lines.append(f"        out[{wire!r}] = v")
        else:
            lines.append(f"        out[{wire!r}] = c{i}(v)")
    lines += [
        "    extra = obj.extra",
        "    if extra:",
        "        return {**extra, **out}",
        "    return out",
    ]
    exec(compile("\n".join(lines), f"<unstructure {cls.__qualname__}>", "exec"), namespace)
    unstructure: Callable[[Any], dict[str, Any]] = namespace["unstructure"]
    _unstructure_fns[cls] = unstructure
    for i, (_attr, _wire, kind) in enumerate(cls._wire_):
        if kind not in _PASSTHROUGH:
            namespace[f"c{i}"] = _field_unstructurer(kind)
    return unstructure


def _is_model(t: Any) -> bool:
    """A generated message class: it carries a wire table (``WireModel`` and subclasses)."""
    return isinstance(t, type) and hasattr(t, "_wire_") and attrs.has(t)


def _structure_enum(value: Any, cls: type[WireEnum]) -> Any:
    return _enum_lookup(cls.__name__)(value)


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter()
    conv.register_structure_hook_factory(_is_model, _structure_fn)
    conv.register_unstructure_hook_factory(_is_model, _unstructure_fn)
    # enums are ``str`` subclasses: register them directly, ahead of cattrs' ``str`` handling
    conv.register_structure_hook(WireEnum, _structure_enum)
    conv.register_unstructure_hook(WireEnum, _enum_value)
    conv.register_structure_hook(datetime.datetime, lambda v, _t: parse_timestamp(v))
    conv.register_unstructure_hook(datetime.datetime, format_timestamp)
    conv.register_structure_hook(datetime.timedelta, lambda v, _t: parse_duration(v))
    conv.register_unstructure_hook(datetime.timedelta, format_duration)
    conv.register_structure_hook(bytes, lambda v, _t: decode_bytes(v))
    conv.register_unstructure_hook(bytes, encode_bytes)
    return conv


#: The one converter of the SDK.
converter = _make_converter()


def structure(data: Any, cls: type[T]) -> T:
    """Wire JSON -> object of ``cls`` (same as ``cls.from_dict(data)`` for models)."""
    return converter.structure(data, cls)


def unstructure(obj: Any) -> Any:
    """Object -> wire JSON (same as ``obj.to_dict()`` for models)."""
    return converter.unstructure(obj)
