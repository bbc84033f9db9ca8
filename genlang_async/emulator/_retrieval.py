"""Semantic retrieval over corpora chunks: metadata filters and cosine ranking."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._embeddings import cosine, embed
from ._errors import invalid
from ._state import State

_DIMENSIONS = 768


def chunk_vector(state: State, chunk: dict[str, Any]) -> Sequence[float]:
    name = str(chunk["name"])
    vector = state.embeddings.get(name)
    if vector is None:
        vector = embed(str((chunk.get("data") or {}).get("stringValue", "")), _DIMENSIONS)
        state.embeddings[name] = vector
    return vector


def _metadata_map(items: list[Any]) -> dict[str, dict[str, Any]]:
    return {str(m.get("key")): m for m in items or [] if isinstance(m, dict)}


def _condition_ok(meta: dict[str, Any] | None, condition: dict[str, Any]) -> bool:
    if meta is None:
        return False
    op = condition.get("operation", "EQUAL")
    if "numericValue" in condition:
        if "numericValue" not in meta:
            return False
        left, right = float(meta["numericValue"]), float(condition["numericValue"])
        return {
            "LESS": left < right,
            "LESS_EQUAL": left <= right,
            "EQUAL": left == right,
            "GREATER_EQUAL": left >= right,
            "GREATER": left > right,
            "NOT_EQUAL": left != right,
        }.get(op, False)
    wanted = condition.get("stringValue")
    if "stringListValue" in meta:
        values = (meta.get("stringListValue") or {}).get("values") or []
        if op == "INCLUDES":
            return wanted in values
        if op == "EXCLUDES":
            return wanted not in values
        return False
    value = meta.get("stringValue")
    if op == "EQUAL":
        return bool(value == wanted)
    if op == "NOT_EQUAL":
        return bool(value != wanted)
    return False


def validate_filters(filters: Any) -> list[dict[str, Any]]:
    if filters is None:
        return []
    if not isinstance(filters, list):
        raise invalid("metadataFilters must be a list.")
    for item in filters:
        if not isinstance(item, dict) or not item.get("key") or not item.get("conditions"):
            raise invalid("Each metadata filter needs a key and at least one condition.")
    return filters


def passes(filters: list[dict[str, Any]], *metadata_lists: list[Any]) -> bool:
    """Filters are ANDed; the conditions inside one filter are ORed."""
    merged: dict[str, dict[str, Any]] = {}
    for items in metadata_lists:
        merged.update(_metadata_map(items))
    for item in filters:
        meta = merged.get(str(item["key"]))
        if not any(_condition_ok(meta, c) for c in item["conditions"] if isinstance(c, dict)):
            return False
    return True


def rank(
    state: State,
    source: str,
    query: str,
    *,
    filters: list[dict[str, Any]],
    limit: int,
) -> list[tuple[float, dict[str, Any]]]:
    """Chunks below ``source`` (a corpus or a document), best match first."""
    if source.count("/") == 1:
        documents = state.children(source, "documents")
    else:
        documents = [state.get(source, "Document")]
    query_vector = embed(query, _DIMENSIONS)
    scored: list[tuple[float, dict[str, Any]]] = []
    for document in documents:
        for chunk in state.children(str(document["name"]), "chunks"):
            if not passes(
                filters, document.get("customMetadata") or [], chunk.get("customMetadata") or []
            ):
                continue
            scored.append((cosine(query_vector, chunk_vector(state, chunk)), chunk))
    scored.sort(key=lambda pair: -pair[0])
    return scored[:limit]
