"""Wire-format helpers: timestamps, durations, int64 strings, ids."""

from __future__ import annotations

import datetime as _dt
import json
import random
import re
import time
from typing import Any

from ._errors import invalid

JSON = dict[str, Any]

#: Deepest nesting of arrays and objects accepted in a request body (the API's is 100).
MAX_JSON_DEPTH = 100

_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_DURATION_RE = re.compile(r"^(-?\d+(?:\.\d{1,9})?)s$")
_TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$"
)


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether parsed JSON nests arrays and objects more than ``limit`` deep (walked one
    level at a time, without recursion)."""
    level = [value] if isinstance(value, (dict, list)) else []
    for _ in range(limit):
        if not level:
            return False
        children: list[Any] = []
        for item in level:
            children.extend(item.values() if isinstance(item, dict) else item)
        level = [child for child in children if isinstance(child, (dict, list))]
    return bool(level)


def load_json_object(raw: bytes) -> JSON:
    """A request body parsed as a JSON object; ``invalid`` (400) when it is not JSON, not an
    object, or nested deeper than ``MAX_JSON_DEPTH``."""
    try:
        value = json.loads(raw)
    except RecursionError as exc:
        raise invalid(
            f"Invalid JSON payload received. Nesting deeper than {MAX_JSON_DEPTH}."
        ) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise invalid(f"Invalid JSON payload received. {exc.__class__.__name__}: {exc}") from exc
    if not isinstance(value, dict):
        raise invalid("Invalid JSON payload received. Expected an object.")
    if _deeper_than(value, MAX_JSON_DEPTH):
        raise invalid(f"Invalid JSON payload received. Nesting deeper than {MAX_JSON_DEPTH}.")
    return value


_ASCII_ESCAPE = re.compile(rb"\\u00[0-7]")


def keys_as_written(raw: bytes) -> bool:
    """Whether every key of ``raw``, a JSON text that parsed, appears in its bytes as is: the
    text is UTF-8 (UTF-16 and UTF-32 texts of JSON hold NUL bytes) and no ``\\u`` escape in
    it spells an ASCII character."""
    return b"\x00" not in raw and _ASCII_ESCAPE.search(raw) is None


def load_request(raw: bytes) -> JSON:
    """A request body: :func:`load_json_object`, then :func:`camelize`d, which changes nothing
    (and is skipped) when the text has no underscore and no ``null``."""
    body = load_json_object(raw)
    if b"_" in raw or b"null" in raw or not keys_as_written(raw):
        return camelize(body)  # type: ignore[no-any-return]
    return body


def format_timestamp(epoch: float, *, digits: int = 6) -> str:
    """RFC 3339 UTC timestamp with ``digits`` (6 or 9) fractional digits and a ``Z`` suffix.

    The live API writes ``createTime`` / ``updateTime`` with 6 digits and computed expiry
    times (``expireTime``, ``expirationTime``) with 9.
    """
    whole = int(epoch // 1)
    nanos = round((epoch - whole) * 1e9)
    if nanos >= 1_000_000_000:
        whole, nanos = whole + 1, nanos - 1_000_000_000
    moment = _dt.datetime.fromtimestamp(whole, tz=_dt.timezone.utc)
    fraction = f"{nanos:09d}"[:digits]
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + fraction + "Z"


def now() -> float:
    return time.time()


def parse_timestamp(value: str) -> float | None:
    """Epoch seconds of an RFC 3339 timestamp, ``None`` when malformed."""
    match = _TIMESTAMP_RE.match(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    offset = _dt.timedelta(0)
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        offset = sign * _dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    try:
        moment = _dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            tzinfo=_dt.timezone(offset),
        )
    except ValueError:
        return None
    micro = int((fraction or "0").ljust(9, "0")) / 1e9
    return moment.timestamp() + micro


def exact_utc(value: str) -> str | None:
    """An RFC 3339 timestamp rewritten in UTC with 9 fractional digits, to the nanosecond
    (no float on the way); ``None`` when malformed."""
    match = _TIMESTAMP_RE.match(value)
    if match is None or parse_timestamp(value) is None:
        return None
    fraction, zone = match.group(7) or "", match.group(8)
    moment = _dt.datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        moment -= sign * _dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + fraction.ljust(9, "0") + "Z"


def parse_duration(value: Any) -> float | None:
    """Seconds of a protobuf JSON duration like ``"3.5s"``; ``None`` when malformed."""
    if not isinstance(value, str):
        return None
    match = _DURATION_RE.match(value.strip())
    return float(match.group(1)) if match else None


def format_duration(seconds: float) -> str:
    text = f"{seconds:.9f}".rstrip("0").rstrip(".")
    return f"{text}s"


def new_id(rng: random.Random, length: int = 12) -> str:
    return "".join(rng.choice(_ID_ALPHABET) for _ in range(length))


def slug(text: str, limit: int = 28) -> str:
    """Lowercase-dash form of a display name, used as an id prefix like the API."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return cleaned[:limit].strip("-")


# Request fields whose contents are user data (kept verbatim) or maps keyed by user names.
OPAQUE_FIELDS = frozenset(
    {
        "args",
        "response",
        "metadata",
        "instances",
        "responseJsonSchema",
        "parametersJsonSchema",
        "_responseJsonSchema",
        "example",
        "default",
        "enum",
        "structValue",
    }
)
NAMED_MAPS = frozenset({"properties", "$defs", "definitions"})


def camel(name: str) -> str:
    if "_" not in name.strip("_"):
        return name
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def camelize(value: Any, *, keep_keys: bool = False) -> Any:
    """Request JSON with proto field names (``display_name``) turned into JSON names
    (``displayName``), as the API accepts both; ``null`` fields are dropped. User data is left
    untouched."""
    if isinstance(value, list):
        return [camelize(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = key if keep_keys else camel(key)
        if item is None and not keep_keys:
            continue  # proto3 JSON: null means "not set"
        if name in OPAQUE_FIELDS:
            out[name] = item
        elif name in NAMED_MAPS and isinstance(item, dict):
            out[name] = {k: camelize(v) for k, v in item.items()}
        else:
            out[name] = camelize(item)
    return out
