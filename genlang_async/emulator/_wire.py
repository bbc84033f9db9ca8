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


def _depth(value: Any) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, level = 0, [(value, 1)]
    while level:
        item, depth = level.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            level.extend((child, depth + 1) for child in children)
    return deepest


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
    if _depth(value) > MAX_JSON_DEPTH:
        raise invalid(f"Invalid JSON payload received. Nesting deeper than {MAX_JSON_DEPTH}.")
    return value


def format_timestamp(epoch: float) -> str:
    """RFC 3339 UTC timestamp with microseconds and a ``Z`` suffix."""
    moment = _dt.datetime.fromtimestamp(epoch, tz=_dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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
