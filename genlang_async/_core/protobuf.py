"""The Protocol Buffers binary wire format, for answers asked for with ``$alt=proto``.

The API documents ``alt=proto`` among its system parameters: "Responses with Content-Type of
application/x-protobuf". For embeddings that matters: a vector's floats arrive as packed
little-endian float32 (4 bytes each, turned into Python floats in one C call) instead of
decimal text (about a dozen characters each, parsed one by one).

:func:`decode` reads a message into the dict the same message has in proto3 JSON (camelCase
names, int64 as text, bytes as base64, ``Duration`` as ``"1.5s"``, ``Any`` as ``{"@type":
..., fields}``), so everything downstream of the JSON decoder reads it unchanged.
:func:`encode` writes such a dict (the emulator's answers). A field the schema does not know
is kept, not dropped: under ``"#<number>"``, as a list of its raw values (ints, or base64
text for length-delimited ones). Malformed input raises :class:`ProtobufError` (a
``ValueError``). Pure: no I/O.
"""

from __future__ import annotations

import base64
import re
import struct
import sys
from array import array
from collections.abc import Mapping
from typing import Any, NamedTuple

from . import rpc_code
from .float32 import Float32Values

__all__ = [
    "BATCH_EMBED_CONTENTS_RESPONSE",
    "EMBED_CONTENT_RESPONSE",
    "STATUS",
    "Field",
    "Message",
    "ProtobufError",
    "answer_schema",
    "decode",
    "encode",
    "error_json",
]

CONTENT_TYPE = "application/x-protobuf"

_VARINT, _FIXED64, _LENGTH, _FIXED32 = 0, 1, 2, 5
_MAX_FIELD_NUMBER = (1 << 29) - 1
_INT_RANGES = {"int32": (-(1 << 31), (1 << 31) - 1), "int64": (-(1 << 63), (1 << 63) - 1)}
_MAX_NANOS = 999_999_999
_LITTLE_ENDIAN = sys.byteorder == "little"


class ProtobufError(ValueError):
    """A binary message that is not well formed, or not the message it should be."""


class Field(NamedTuple):
    """One field of a :class:`Message`: its JSON name, its kind and whether it repeats.

    Kinds: ``string``, ``bytes``, ``bool``, ``int32``, ``int64`` (JSON text), ``float``,
    ``message`` (of ``message``), ``map`` (``map<string, string>``), ``any``
    (``google.protobuf.Any``) and ``duration``."""

    name: str
    kind: str
    repeated: bool = False
    message: Message | None = None


class Message:
    """A message type: its full name (an ``Any``'s type URL ends with it) and fields."""

    def __init__(self, full_name: str, fields: Mapping[int, Field]) -> None:
        self.full_name = full_name
        self.fields = dict(fields)
        self.numbers = {field.name: number for number, field in self.fields.items()}

    def __repr__(self) -> str:
        return f"Message({self.full_name!r})"


# --------------------------------------------------------------------------- schemas

CONTENT_EMBEDDING = Message(
    "google.ai.generativelanguage.v1beta.ContentEmbedding",
    {1: Field("values", "float", repeated=True)},
)
EMBED_CONTENT_RESPONSE = Message(
    "google.ai.generativelanguage.v1beta.EmbedContentResponse",
    {1: Field("embedding", "message", message=CONTENT_EMBEDDING)},
)
BATCH_EMBED_CONTENTS_RESPONSE = Message(
    "google.ai.generativelanguage.v1beta.BatchEmbedContentsResponse",
    {1: Field("embeddings", "message", repeated=True, message=CONTENT_EMBEDDING)},
)

_ANSWERS = {
    "embedContent": EMBED_CONTENT_RESPONSE,
    "batchEmbedContents": BATCH_EMBED_CONTENTS_RESPONSE,
}


def answer_schema(path: str) -> Message | None:
    """The message a method answers with in binary, from its request path
    (``"models/x:batchEmbedContents"``); ``None`` for methods read as JSON only."""
    verb = path.rpartition(":")[2].partition("?")[0] if ":" in path.rpartition("/")[2] else ""
    return _ANSWERS.get(verb)


def _rpc(name: str, fields: Mapping[int, Field]) -> Message:
    return Message("google.rpc." + name, fields)


_LINK = _rpc("Help.Link", {1: Field("description", "string"), 2: Field("url", "string")})
_QUOTA_VIOLATION = _rpc(
    "QuotaFailure.Violation",
    {
        1: Field("subject", "string"),
        2: Field("description", "string"),
        3: Field("apiService", "string"),
        4: Field("quotaMetric", "string"),
        5: Field("quotaId", "string"),
        6: Field("quotaDimensions", "map"),
        7: Field("quotaValue", "int64"),
        8: Field("futureQuotaValue", "int64"),
    },
)
_LOCALIZED_MESSAGE = _rpc(
    "LocalizedMessage", {1: Field("locale", "string"), 2: Field("message", "string")}
)
_FIELD_VIOLATION = _rpc(
    "BadRequest.FieldViolation",
    {
        1: Field("field", "string"),
        2: Field("description", "string"),
        3: Field("reason", "string"),
        4: Field("localizedMessage", "message", message=_LOCALIZED_MESSAGE),
    },
)
_PRECONDITION_VIOLATION = _rpc(
    "PreconditionFailure.Violation",
    {1: Field("type", "string"), 2: Field("subject", "string"), 3: Field("description", "string")},
)

#: The standard error details (``google/rpc/error_details.proto``), by full name.
ERROR_DETAILS = {
    message.full_name: message
    for message in (
        _rpc(
            "ErrorInfo",
            {
                1: Field("reason", "string"),
                2: Field("domain", "string"),
                3: Field("metadata", "map"),
            },
        ),
        _rpc("RetryInfo", {1: Field("retryDelay", "duration")}),
        _rpc(
            "DebugInfo",
            {1: Field("stackEntries", "string", repeated=True), 2: Field("detail", "string")},
        ),
        _rpc("QuotaFailure", {1: Field("violations", "message", True, _QUOTA_VIOLATION)}),
        _rpc(
            "PreconditionFailure",
            {1: Field("violations", "message", True, _PRECONDITION_VIOLATION)},
        ),
        _rpc("BadRequest", {1: Field("fieldViolations", "message", True, _FIELD_VIOLATION)}),
        _rpc("RequestInfo", {1: Field("requestId", "string"), 2: Field("servingData", "string")}),
        _rpc(
            "ResourceInfo",
            {
                1: Field("resourceType", "string"),
                2: Field("resourceName", "string"),
                3: Field("owner", "string"),
                4: Field("description", "string"),
            },
        ),
        _rpc("Help", {1: Field("links", "message", True, _LINK)}),
        _LOCALIZED_MESSAGE,
    )
}

STATUS = _rpc(
    "Status",
    {1: Field("code", "int32"), 2: Field("message", "string"), 3: Field("details", "any", True)},
)


def error_json(body: bytes, http_status: int) -> dict[str, Any]:
    """A binary ``google.rpc.Status`` error body as the API's JSON error object: ``{"code":
    <HTTP status>, "message": ..., "status": <code name>, "details": [...]}`` (no
    ``status`` when the body gives no code: proto3 leaves out 0, which is ``OK``)."""
    status = decode(body, STATUS)
    code = status.pop("code", 0)
    error: dict[str, Any] = {"code": http_status, "message": status.pop("message", "")}
    if code:
        error["status"] = rpc_code.name_of(code)
    error.update(status)  # details, and anything the schema does not know
    return error


# --------------------------------------------------------------------------- reading


def _varint(data: bytes | memoryview, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        try:
            byte = data[position]
        except IndexError:
            raise ProtobufError("the message ends inside a varint") from None
        position += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, position
        shift += 7
        if shift >= 70:
            raise ProtobufError("a varint is longer than 10 bytes")


def _int64(value: int) -> int:
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >> 63 else value


def _int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >> 31 else value


def _floats(chunk: bytes | memoryview) -> Float32Values:
    if len(chunk) % 4:
        raise ProtobufError(f"packed floats take a multiple of 4 bytes, not {len(chunk)}")
    values = array("f")
    values.frombytes(chunk)
    if not _LITTLE_ENDIAN:
        values.byteswap()
    return Float32Values(values.tolist())


def _duration(chunk: bytes | memoryview, previous: str | None = None) -> str:
    """A ``Duration`` as proto3 JSON text (``"1.5s"``); ``previous``: the text of an earlier
    occurrence of the same field, which this one is merged into (as protobuf merges)."""
    parts = _duration_parts(previous) if previous is not None else {}
    parts.update(decode(chunk, _DURATION))
    seconds, nanos = int(parts.get("seconds", 0)), parts.get("nanos", 0)
    if abs(nanos) > _MAX_NANOS or (seconds and nanos and (seconds < 0) != (nanos < 0)):
        raise ProtobufError(f"not a valid Duration: {seconds} s and {nanos} ns")
    if not nanos:
        return f"{seconds}s"
    sign = "-" if seconds < 0 or nanos < 0 else ""
    fraction = f"{abs(nanos):09d}".rstrip("0")
    fraction += "0" * (-len(fraction) % 3)
    return f"{sign}{abs(seconds)}.{fraction}s"


_DURATION = Message(
    "google.protobuf.Duration", {1: Field("seconds", "int64"), 2: Field("nanos", "int32")}
)
_ANY = Message("google.protobuf.Any", {1: Field("typeUrl", "string"), 2: Field("value", "bytes")})
_MAP_ENTRY = Message("MapEntry", {1: Field("key", "string"), 2: Field("value", "string")})


def _any(chunk: bytes | memoryview) -> dict[str, Any]:
    parts = decode(chunk, _ANY)
    type_url = parts.pop("typeUrl", "")
    known = ERROR_DETAILS.get(type_url.rpartition("/")[2])
    if known is None:
        return {"@type": type_url, **parts}
    value = base64.b64decode(parts.pop("value", ""))
    return {"@type": type_url, **decode(value, known), **parts}


def _text(chunk: bytes | memoryview) -> str:
    try:
        return bytes(chunk).decode()
    except UnicodeDecodeError:
        raise ProtobufError("a string field is not UTF-8") from None


def _length_delimited(field: Field, chunk: memoryview, previous: Any) -> Any:
    kind = field.kind
    if kind == "message":
        assert field.message is not None
        value = decode(chunk, field.message)
        if isinstance(previous, dict):  # a message field seen again: merged into
            return _merged(field.message, previous, value)
        return value
    if kind == "string":
        return _text(chunk)
    if kind == "bytes":
        return base64.b64encode(chunk).decode("ascii")
    if kind == "any":
        return _any(chunk)
    if kind == "duration":
        return _duration(chunk, previous if isinstance(previous, str) else None)
    entry = decode(chunk, _MAP_ENTRY)  # kind == "map"
    return entry.get("key", ""), entry.get("value", "")


def _merged(schema: Message, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``new`` merged into ``old`` as protobuf merges a message read twice: repeated fields
    and maps add up, message fields merge, other fields take the later value."""
    result = dict(old)
    for name, value in new.items():
        number = schema.numbers.get(name)
        field = schema.fields[number] if number is not None else None
        earlier = result.get(name)
        if earlier is None:
            result[name] = value
        elif field is None or field.repeated:  # unknown fields are lists too
            result[name] = [*earlier, *value]
        elif field.kind == "map":
            result[name] = {**earlier, **value}
        elif field.kind == "message":
            assert field.message is not None
            result[name] = _merged(field.message, earlier, value)
        else:  # scalars, and a Duration inside (kept as its text): the later value
            result[name] = value
    return result


_WIRE_TYPES = {
    "message": _LENGTH,
    "string": _LENGTH,
    "bytes": _LENGTH,
    "any": _LENGTH,
    "duration": _LENGTH,
    "map": _LENGTH,
    "int32": _VARINT,
    "int64": _VARINT,
    "bool": _VARINT,
    "float": _FIXED32,
}


def _scalar(field: Field, value: int) -> Any:
    kind = field.kind
    if kind == "int32":
        return _int32(value)
    if kind == "int64":
        return str(_int64(value))
    if kind == "bool":
        return bool(value)
    return struct.unpack("<f", value.to_bytes(4, "little"))[0]  # float


def decode(data: bytes | memoryview, schema: Message) -> dict[str, Any]:
    """The proto3 JSON form of one ``schema`` message read from ``data``."""
    view = data if isinstance(data, memoryview) else memoryview(data)
    fields = schema.fields
    result: dict[str, Any] = {}
    position, end = 0, len(view)
    while position < end:
        tag, position = _varint(view, position)
        number, wire_type = tag >> 3, tag & 7
        if not 0 < number <= _MAX_FIELD_NUMBER:
            raise ProtobufError(f"field number {number} is out of range")
        if wire_type == _LENGTH:
            size, position = _varint(view, position)
            if position + size > end:
                raise ProtobufError("a field runs past the end of the message")
            raw: Any = view[position : position + size]
            position += size
        elif wire_type == _VARINT:
            raw, position = _varint(view, position)
        elif wire_type in (_FIXED32, _FIXED64):
            width = 4 if wire_type == _FIXED32 else 8
            if position + width > end:
                raise ProtobufError("a fixed-width field runs past the end of the message")
            raw = int.from_bytes(view[position : position + width], "little")
            position += width
        else:
            raise ProtobufError(f"wire type {wire_type} (groups are not used by this API)")
        field = fields.get(number)
        if field is not None and field.kind == "float" and field.repeated and wire_type == _LENGTH:
            floats, earlier = _floats(raw), result.get(field.name)
            if earlier is None:
                result[field.name] = floats
            else:
                earlier.extend(floats)
            continue
        if field is None or _WIRE_TYPES[field.kind] != wire_type:  # unknown, as protobuf does
            kept = base64.b64encode(raw).decode("ascii") if wire_type == _LENGTH else raw
            result.setdefault(f"#{number}", []).append(kept)
            continue
        if wire_type == _LENGTH:
            previous = None if field.repeated else result.get(field.name)
            value = _length_delimited(field, raw, previous)
        else:
            value = _scalar(field, raw)
        if field.kind == "map":
            result.setdefault(field.name, {})[value[0]] = value[1]
        elif field.repeated:
            result.setdefault(field.name, []).append(value)
        else:
            result[field.name] = value  # a scalar read twice: the later one counts
    return result


# --------------------------------------------------------------------------- writing


def _put_varint(out: bytearray, value: int) -> None:
    value &= (1 << 64) - 1
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def _put_chunk(out: bytearray, number: int, chunk: bytes | bytearray) -> None:
    _put_varint(out, number << 3 | _LENGTH)
    _put_varint(out, len(chunk))
    out += chunk


_DURATION_TEXT = re.compile(r"(-?)([0-9]+)(?:\.([0-9]{1,9}))?s")


def _duration_parts(text: str) -> dict[str, Any]:
    """The ``seconds`` / ``nanos`` of a proto3 JSON duration (``"-1.5s"``)."""
    match = _DURATION_TEXT.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ProtobufError(f"not a duration: {text!r}")
    sign, whole, fraction = match.groups()
    seconds, nanos = int(whole), int((fraction or "").ljust(9, "0"))
    if sign:
        seconds, nanos = -seconds, -nanos
    return {"seconds": str(seconds), "nanos": nanos}


def _checked_int(value: Any, kind: str) -> int:
    number = int(value)
    low, high = _INT_RANGES.get(kind, (0, 1))
    if not low <= number <= high:
        raise ProtobufError(f"{value!r} does not fit in an {kind}")
    return number


def _put_value(out: bytearray, number: int, field: Field, value: Any) -> None:
    kind = field.kind
    if kind == "message":
        assert field.message is not None
        _put_chunk(out, number, encode(value, field.message))
    elif kind == "string":
        _put_chunk(out, number, value.encode())
    elif kind == "bytes":
        _put_chunk(out, number, base64.b64decode(value))
    elif kind == "any":
        value = dict(value)
        type_url = value.pop("@type", "")
        known = ERROR_DETAILS.get(type_url.rpartition("/")[2])
        if known is not None:
            value = {"value": base64.b64encode(encode(value, known)).decode("ascii")}
        _put_chunk(out, number, encode({"typeUrl": type_url, **value}, _ANY))
    elif kind == "duration":
        _put_chunk(out, number, encode(_duration_parts(value), _DURATION))
    elif kind == "float":
        _put_varint(out, number << 3 | _FIXED32)
        out += struct.pack("<f", value)
    else:  # int32, int64 (JSON text), bool
        _put_varint(out, number << 3 | _VARINT)
        _put_varint(out, _checked_int(value, kind))


def _packed_floats(values: Any) -> bytes:
    if isinstance(values, array) and values.typecode == "f":  # packed already
        packed: array[float] = values
        if not _LITTLE_ENDIAN:
            packed = array("f", values)
            packed.byteswap()
        return packed.tobytes()
    return struct.pack(f"<{len(values)}f", *values)  # fast for any sequence of floats


def encode(value: Mapping[str, Any], schema: Message) -> bytes:
    """``value`` (a proto3 JSON object of ``schema``) in the binary wire format; names the
    schema does not know are left out, and so are fields kept as ``"#<number>"``."""
    out = bytearray()
    numbers = schema.numbers
    for name, item in value.items():
        number = numbers.get(name)
        if number is None or item is None:
            continue
        field = schema.fields[number]
        if field.kind == "float" and field.repeated:
            if len(item):
                _put_chunk(out, number, _packed_floats(item))
        elif field.kind == "map":
            for key, text in item.items():
                entry = encode({"key": key, "value": text}, _MAP_ENTRY)
                _put_chunk(out, number, entry)
        elif field.repeated:
            for one in item:
                _put_value(out, number, field, one)
        else:
            _put_value(out, number, field, item)
    return bytes(out)
