"""``pageSize`` / ``pageToken`` / ``nextPageToken`` over in-memory lists."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from ._errors import invalid

T = TypeVar("T")
_INT32_MAX = 2**31 - 1


def _encode(kind: str, offset: int) -> str:
    raw = f"{kind}:{offset}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(kind: str, token: str) -> int:
    try:
        padded = token + "=" * (-len(token) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        prefix, _, number = text.rpartition(":")
        offset = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise invalid("Invalid page token.") from exc
    if prefix != kind or offset < 0:
        raise invalid("Invalid page token.")
    return offset


def page_size(query: Mapping[str, str], default: int, maximum: int) -> int:
    raw = query.get("pageSize", query.get("page_size"))
    if raw is None or raw == "":
        return default
    try:
        size = int(raw)
    except ValueError:
        size = _INT32_MAX + 1
    if size > _INT32_MAX:
        raise invalid(f"Invalid value at 'page_size' (TYPE_INT32), \"{raw}\"")
    if size < 0:
        raise invalid("page_size must not be negative.")
    if size == 0:
        return default
    return min(size, maximum)


def paginate(
    items: Sequence[T],
    query: Mapping[str, str],
    *,
    kind: str,
    default: int,
    maximum: int,
) -> tuple[list[T], str | None]:
    """One page of ``items`` and the token of the next page (``None`` on the last page)."""
    size = page_size(query, default, maximum)
    token = query.get("pageToken", query.get("page_token", ""))
    offset = _decode(kind, token) if token else 0
    if offset > len(items):
        raise invalid("Invalid page token.")
    page = list(items[offset : offset + size])
    end = offset + len(page)
    return page, (_encode(kind, end) if end < len(items) else None)


def list_body(field: str, page: list[Any], next_token: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {field: page} if page else {}
    if next_token:
        body["nextPageToken"] = next_token
    return body


def page_body(
    items: Sequence[Any],
    query: Mapping[str, str],
    field: str,
    *,
    kind: str,
    default: int,
    maximum: int,
) -> dict[str, Any]:
    """The body of a list response: one page of ``items`` under ``field``, and the token."""
    page, token = paginate(items, query, kind=kind, default=default, maximum=maximum)
    return list_body(field, page, token)
