"""Deterministic example values for a Gemini ``Schema`` or a JSON Schema."""

from __future__ import annotations

import random
from typing import Any

from ._textgen import WORDS
from ._wire import format_timestamp

_MAX_DEPTH = 8


def _type_of(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [str(k).lower() for k in kind if str(k).lower() != "null"]
        return kinds[0] if kinds else "null"
    if kind is None:
        if "properties" in schema:
            return "object"
        if "items" in schema:
            return "array"
        return "string"
    return str(kind).lower()


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return schema
    node: Any = root
    for piece in ref[2:].split("/"):
        node = node.get(piece, {}) if isinstance(node, dict) else {}
    return node if isinstance(node, dict) else {}


def example_value(
    schema: Any, rng: random.Random, *, root: Any = None, depth: int = 0, hint: str = "value"
) -> Any:
    """A value that satisfies ``schema`` (types, enums, required, bounds), chosen by ``rng``."""
    if not isinstance(schema, dict):
        return rng.choice(WORDS)
    root = root if isinstance(root, dict) else schema
    schema = _resolve(schema, root)
    if depth > _MAX_DEPTH:
        return None
    if "const" in schema:
        return schema["const"]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return rng.choice(enum)
    deep = depth >= _MAX_DEPTH // 2  # recursive schemas end: null where allowed, no items
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            usable = [o for o in options if isinstance(o, dict) and _type_of(o) != "null"]
            if deep and len(usable) < len(options):
                return None
            return example_value((usable or options)[0], rng, root=root, depth=depth + 1, hint=hint)
    if isinstance(schema.get("allOf"), list):
        merged: dict[str, Any] = {}
        for sub in schema["allOf"]:
            if isinstance(sub, dict):
                sub = _resolve(sub, root)
                merged.setdefault("properties", {}).update(sub.get("properties", {}))
                merged.setdefault("required", []).extend(sub.get("required", []))
                merged.setdefault("type", sub.get("type", "object"))
        return example_value(merged, rng, root=root, depth=depth + 1, hint=hint)
    kind = _type_of(schema)
    if kind == "object":
        props = schema.get("properties") or {}
        order = schema.get("propertyOrdering") or list(props)
        order += [k for k in props if k not in order]
        return {
            key: example_value(props[key], rng, root=root, depth=depth + 1, hint=key)
            for key in order
            if key in props
        }
    if kind == "array" and isinstance(schema.get("prefixItems"), list):
        return [
            example_value(item, rng, root=root, depth=depth + 1, hint=hint)
            for item in schema["prefixItems"]
        ]
    if kind == "array":
        low = _int(schema.get("minItems"), 0)
        high = _int(schema.get("maxItems"), max(low, 3))
        count = low if deep else max(low, min(high, 2))
        item = schema.get("items", {"type": "string"})
        return [
            example_value(item, rng, root=root, depth=depth + 1, hint=hint) for _ in range(count)
        ]
    if kind == "integer":
        low = _int(schema.get("minimum"), 0)
        high = _int(schema.get("maximum"), low + 100)
        return rng.randint(low, max(low, high))
    if kind == "number":
        low_f = float(schema.get("minimum", 0.0))
        high_f = float(schema.get("maximum", low_f + 100.0))
        return round(rng.uniform(low_f, max(low_f, high_f)), 2)
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "null":
        return None
    return _string(schema, rng, hint)


def _string(schema: dict[str, Any], rng: random.Random, hint: str) -> str:
    fmt = str(schema.get("format", ""))
    if fmt == "date-time":
        return format_timestamp(1_700_000_000 + rng.randint(0, 10**8))
    if fmt == "date":
        return f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if fmt == "email":
        return f"{rng.choice(WORDS)}@example.com"
    if fmt == "uri":
        return f"https://example.com/{rng.choice(WORDS)}"
    text = f"{hint} {rng.choice(WORDS)}"
    low = _int(schema.get("minLength"), 0)
    high = _int(schema.get("maxLength"), 0)
    while len(text) < low:
        text += " " + rng.choice(WORDS)
    if high:
        text = text[:high]
    return text
