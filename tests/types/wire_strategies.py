"""Hypothesis strategies producing valid wire JSON for any schema of the API description."""

from __future__ import annotations

import base64
import json
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

API_DIR = Path(__file__).resolve().parents[2] / "tools" / "codegen" / "api"
API_FILE = API_DIR / "v1beta.json"
API: dict[str, Any] = json.loads(API_FILE.read_text())
LIVE: dict[str, Any] = json.loads((API_DIR / "live.json").read_text())
SCHEMAS: dict[str, Any] = {**API["schemas"], **LIVE["schemas"]}
ENUMS: dict[str, Any] = {**API["enums"], **LIVE["enums"]}
MAX_DEPTH = 3

short_text = st.text(max_size=6)
json_scalars = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | short_text
json_values = st.recursive(
    json_scalars | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(short_text, inner, max_size=2),
    max_leaves=4,
)
json_objects = st.dictionaries(short_text, json_values, max_size=3)


@st.composite
def timestamps(draw: st.DrawFn) -> str:
    dt = draw(st.datetimes())
    digits = draw(st.integers(0, 9))
    frac = (
        "."
        + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=digits, max_size=digits)))
        if digits
        else ""
    )
    zone = draw(
        st.sampled_from(["Z", "z"])
        | st.builds(
            lambda sign, h, m: f"{sign}{h:02d}:{m:02d}",
            st.sampled_from("+-"),
            st.integers(0, 23),
            st.integers(0, 59),
        )
    )
    return dt.strftime("%Y-%m-%dT%H:%M:%S").rjust(19, "0") + frac + zone


@st.composite
def durations(draw: st.DrawFn) -> str:
    sign = draw(st.sampled_from(["", "-"]))
    seconds = draw(st.integers(0, 315_576_000_000))
    digits = draw(st.integers(0, 9))
    frac = "." + str(draw(st.integers(0, 10**digits - 1))).zfill(digits) if digits else ""
    return f"{sign}{seconds}{frac}s"


def enum_values(name: str) -> st.SearchStrategy[Any]:
    known = st.sampled_from(ENUMS[name]["values"])
    unknown = (
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ_", min_size=1, max_size=8)
        .map(lambda s: "NEW_" + s)
        .filter(lambda s: s not in ENUMS[name]["values"])
    )
    return st.one_of(known, known, unknown, st.integers(0, 20))


def type_strategy(t: dict[str, Any], depth: int) -> st.SearchStrategy[Any] | None:
    kind = t["type"]
    if kind in ("string", "fieldmask"):
        return short_text
    if kind == "int32":
        return st.integers(-(2**31), 2**31 - 1)
    if kind == "int64":
        return st.integers(-(2**63), 2**63 - 1).map(str)
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False) | st.integers(-100, 100)
    if kind == "bool":
        return st.booleans()
    if kind == "bytes":
        return st.binary(max_size=12).map(lambda b: base64.b64encode(b).decode())
    if kind == "timestamp":
        return timestamps()
    if kind == "duration":
        return durations()
    if kind == "struct":
        return json_objects
    if kind == "json":
        return json_values
    if kind == "enum":
        return enum_values(t["enum"])
    if kind == "ref":
        return schema_strategy(t["ref"], depth + 1) if depth < MAX_DEPTH else None
    if kind == "array":
        inner = type_strategy(t["items"], depth)
        return None if inner is None else st.lists(inner, max_size=2)
    if kind == "map":
        inner = type_strategy(t["values"], depth)
        return None if inner is None else st.dictionaries(short_text, inner, max_size=2)
    raise AssertionError(kind)


@cache
def schema_strategy(name: str, depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """Valid wire JSON for ``name``, plus unknown fields now and then."""
    fields = SCHEMAS[name]["fields"]
    optional = {}
    for f in fields:
        strategy = type_strategy(f, depth)
        if strategy is not None:
            optional[f["name"]] = strategy
    known = {f["name"] for f in fields}
    unknown = st.dictionaries(
        short_text.map(lambda s: "unknownField" + s).filter(lambda s: s not in known),
        json_values,
        max_size=2,
    )
    return st.builds(
        lambda body, extra: {**extra, **body},
        st.fixed_dictionaries({}, optional=optional),
        unknown,
    )
