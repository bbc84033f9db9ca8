"""Client-wide and per-call settings: :class:`Timeout` and :class:`RequestOptions`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeAlias

import attrs

__all__ = ["DEFAULT_TIMEOUT", "RequestOptions", "Timeout", "TimeoutLike"]


def _check_seconds(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"Timeout.{attribute.name} must be a number of seconds or None")
    if math.isnan(value) or value <= 0:
        raise ValueError(f"Timeout.{attribute.name} must be > 0 (or None for no limit)")


@attrs.frozen
class Timeout:
    """Time limits in seconds; ``None`` means no limit.

    Attributes:
        connect: to open a TCP (and TLS) connection.
        read: the longest wait for the next bytes of a response (also for the first bytes,
            while the model is thinking). For streams this is the per-chunk limit.
        total: the whole of one unary request attempt, from sending to the last byte of the
            body; ``None`` (the default) sets no overall deadline, as ``read`` already fails a
            stalled connection. Streams are not bounded by ``total``, only by ``read`` per
            chunk.
        pool: the longest wait for a free connection when all ``max_connections`` are in
            use; then :class:`PoolTimeoutError` is raised. ``None`` (the default) means the
            ``connect`` limit. Applies to the client's own pool (not a caller's
            ``http_session``).

    A plain number given where a timeout is expected means ``Timeout(total=number)``.
    """

    connect: float | None = attrs.field(default=10.0, validator=_check_seconds)
    read: float | None = attrs.field(default=300.0, validator=_check_seconds)
    total: float | None = attrs.field(default=None, validator=_check_seconds)
    pool: float | None = attrs.field(default=None, validator=_check_seconds)

    @property
    def pool_wait(self) -> float | None:
        """The pool limit in effect: ``pool``, else ``connect``."""
        return self.connect if self.pool is None else self.pool

    @classmethod
    def coerce(cls, value: TimeoutLike | None) -> Timeout:
        """Accept a :class:`Timeout`, a number (the total) or ``None`` (no limits at all)."""
        if isinstance(value, Timeout):
            return value
        if value is None:
            return cls(connect=None, read=None, total=None)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(
                f"timeout must be a Timeout, a number of seconds or None, not {value!r}"
            )
        return cls(total=float(value))


TimeoutLike: TypeAlias = Timeout | float
DEFAULT_TIMEOUT = Timeout()

_SECRET_HEADERS = frozenset({"x-goog-api-key", "authorization", "proxy-authorization", "cookie"})


def _mapping_or_none(value: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    return None if value is None else dict(value)


def _redacted_headers(headers: Mapping[str, str] | None) -> str:
    if headers is None:
        return "None"
    shown = {k: ("<redacted>" if k.lower() in _SECRET_HEADERS else v) for k, v in headers.items()}
    return repr(shown)


@attrs.frozen(repr=False)
class RequestOptions:
    """Per-call overrides; ``None`` keeps the client's setting.

    Attributes:
        timeout: a :class:`Timeout` (replaces the client's), or a number: the total for
            this call, keeping the client's connect and read limits.
        max_retries: retries after the first attempt for this call.
        extra_headers: sent in addition to (and over) the client's headers.
        extra_query: added to the query string (over parameters of the same name).
    """

    timeout: Timeout | float | None = None
    max_retries: int | None = None
    extra_headers: Mapping[str, str] | None = attrs.field(default=None, converter=_mapping_or_none)
    extra_query: Mapping[str, Any] | None = attrs.field(default=None, converter=_mapping_or_none)

    def __attrs_post_init__(self) -> None:
        if self.timeout is not None:
            Timeout.coerce(self.timeout)
        if self.max_retries is not None and (
            isinstance(self.max_retries, bool)
            or not isinstance(self.max_retries, int)
            or self.max_retries < 0
        ):
            raise ValueError("max_retries must be an integer >= 0")

    def __repr__(self) -> str:
        return (
            f"RequestOptions(timeout={self.timeout!r}, max_retries={self.max_retries!r}, "
            f"extra_headers={_redacted_headers(self.extra_headers)}, "
            f"extra_query={self.extra_query!r})"
        )
