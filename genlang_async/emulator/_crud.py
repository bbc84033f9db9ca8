"""Small helpers shared by the resource route modules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._errors import failed_precondition, invalid
from ._pagination import page_body
from ._state import State
from ._wire import JSON, format_timestamp, now, slug


def stamp() -> str:
    return format_timestamp(now())


def update_mask(query: Any, body: JSON, allowed: tuple[str, ...]) -> list[str]:
    """Fields to update: ``updateMask`` (comma list, snake or camel case) or the body's keys."""
    raw = query.get("updateMask") or query.get("update_mask")
    if raw:
        fields = [_camel(f.strip()) for f in str(raw).split(",") if f.strip()]
    else:
        fields = [k for k in body if k in allowed]
    for field in fields:
        if field not in allowed:
            raise invalid(
                f"Field {field!r} cannot be updated; updatable fields: {', '.join(allowed)}."
            )
    return fields


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def child_name(state: State, parent: str, collection: str, requested: Any, display: Any) -> str:
    """``parent/collection/<id>``: the requested name/id, or a generated one."""
    prefix = f"{parent}/{collection}" if parent else collection
    if requested:
        name = str(requested)
        if not name.startswith(prefix + "/"):
            name = f"{prefix}/{name}"
        tail = name[len(prefix) + 1 :]
        if not tail or "/" in tail or len(tail) > 40 or tail != tail.lower():
            raise invalid(f"Invalid resource name {name!r}.")
        if name in state.resources:
            raise invalid(f"{name} already exists.")
        return name
    return state.unique_name(prefix, slug(str(display)) if display else "")


def require_force_or_empty(state: State, name: str, force: Any) -> None:
    if str(force).lower() in ("true", "1"):
        return
    if state.has_children(name):
        raise failed_precondition(
            f"{name} is not empty; delete its children first or pass force=true."
        )


def metadata_list(value: Any, field: str, limit: int = 20) -> list[JSON]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > limit:
        raise invalid(f"{field} must be a list of at most {limit} entries.")
    for item in value:
        if not isinstance(item, dict) or not item.get("key"):
            raise invalid(f"Every {field} entry needs a key.")
        if not any(k in item for k in ("stringValue", "stringListValue", "numericValue")):
            raise invalid(f"{field} entry {item['key']!r} needs a value.")
    return value


def children_page(
    state: State,
    query: Mapping[str, str],
    parent: str,
    parent_kind: str,
    collection: str,
    *,
    default: int,
    maximum: int,
) -> JSON:
    """A list body of ``parent``'s ``collection`` (404 when the parent does not exist)."""
    state.get(parent, parent_kind)
    items = state.children(parent, collection)
    return page_body(
        items, query, collection, kind=f"{parent}/{collection}", default=default, maximum=maximum
    )
