"""Typed ``google.rpc`` error details carried in ``error.details`` of an API error body.

Each class converts from and to its wire form (a camelCase dict with an ``@type`` key):
``Cls.from_dict(d)`` and ``obj.to_dict()``. Fields left at their empty default are omitted
by ``to_dict`` (as proto3 JSON does). A detail whose ``@type`` is unknown, or that cannot be
read, is kept as the plain dict it arrived as, so nothing from the server is lost.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from typing import Any, ClassVar, TypeAlias

import attrs

__all__ = [
    "BadRequest",
    "DebugInfo",
    "ErrorDetail",
    "ErrorInfo",
    "FieldViolation",
    "Help",
    "HelpLink",
    "LocalizedMessage",
    "PreconditionFailure",
    "PreconditionViolation",
    "QuotaFailure",
    "QuotaViolation",
    "RequestInfo",
    "ResourceInfo",
    "RetryInfo",
    "format_duration",
    "parse_duration",
    "parse_error_details",
]

_RPC = "type.googleapis.com/google.rpc."
_DURATION = re.compile(r"^\s*(-?)(\d+)(?:\.(\d{1,9}))?s\s*$")


def parse_duration(value: str) -> _dt.timedelta | None:
    """Parse a protobuf JSON duration such as ``"3.5s"``; ``None`` if it is not one."""
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    sign, whole, frac = match.groups()
    nanos = int((frac or "").ljust(9, "0"))
    delta = _dt.timedelta(seconds=int(whole), microseconds=nanos / 1000)
    return -delta if sign else delta


def format_duration(value: _dt.timedelta) -> str:
    """Format a timedelta as a protobuf JSON duration (``"3.5s"``, ``"34s"``)."""
    micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    sign = "-" if micros < 0 else ""
    whole, frac = divmod(abs(micros), 1_000_000)
    if frac:
        return f"{sign}{whole}.{frac:06d}".rstrip("0") + "s"
    return f"{sign}{whole}s"


def _str(d: Mapping[str, Any], key: str) -> str:
    value = d.get(key, "")
    if not isinstance(value, str):
        raise TypeError(f"{key} must be a string")
    return value


def _str_map(d: Mapping[str, Any], key: str) -> dict[str, str]:
    value = d.get(key) or {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{key} must be an object")
    return {str(k): str(v) for k, v in value.items()}


def _list(d: Mapping[str, Any], key: str) -> list[Any]:
    value = d.get(key) or []
    if not isinstance(value, list):
        raise TypeError(f"{key} must be a list")
    return value


def _int64(d: Mapping[str, Any], key: str) -> int | None:
    value = d.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"{key} must be an integer")
    return int(value)


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value not in ("", None, {}, [], ()):
        out[key] = value


@attrs.frozen
class ErrorInfo:
    """Why an error happened: a machine-readable ``reason`` within a ``domain``."""

    TYPE_URL: ClassVar[str] = _RPC + "ErrorInfo"
    reason: str = ""
    domain: str = ""
    metadata: Mapping[str, str] = attrs.field(factory=dict)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ErrorInfo:
        return cls(_str(d, "reason"), _str(d, "domain"), _str_map(d, "metadata"))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": self.TYPE_URL}
        _put(out, "reason", self.reason)
        _put(out, "domain", self.domain)
        _put(out, "metadata", dict(self.metadata))
        return out


@attrs.frozen
class RetryInfo:
    """How long the server asks the client to wait before retrying."""

    TYPE_URL: ClassVar[str] = _RPC + "RetryInfo"
    retry_delay: _dt.timedelta | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RetryInfo:
        raw = d.get("retryDelay")
        if raw is None:
            return cls()
        delay = parse_duration(raw)
        if delay is None:
            raise ValueError(f"bad retryDelay {raw!r}")
        return cls(delay)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": self.TYPE_URL}
        if self.retry_delay is not None:
            out["retryDelay"] = format_duration(self.retry_delay)
        return out


@attrs.frozen
class QuotaViolation:
    """One exceeded quota."""

    subject: str = ""
    description: str = ""
    api_service: str = ""
    quota_metric: str = ""
    quota_id: str = ""
    quota_dimensions: Mapping[str, str] = attrs.field(factory=dict)
    quota_value: int | None = None
    future_quota_value: int | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> QuotaViolation:
        return cls(
            subject=_str(d, "subject"),
            description=_str(d, "description"),
            api_service=_str(d, "apiService"),
            quota_metric=_str(d, "quotaMetric"),
            quota_id=_str(d, "quotaId"),
            quota_dimensions=_str_map(d, "quotaDimensions"),
            quota_value=_int64(d, "quotaValue"),
            future_quota_value=_int64(d, "futureQuotaValue"),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        _put(out, "subject", self.subject)
        _put(out, "description", self.description)
        _put(out, "apiService", self.api_service)
        _put(out, "quotaMetric", self.quota_metric)
        _put(out, "quotaId", self.quota_id)
        _put(out, "quotaDimensions", dict(self.quota_dimensions))
        if self.quota_value is not None:
            out["quotaValue"] = str(self.quota_value)
        if self.future_quota_value is not None:
            out["futureQuotaValue"] = str(self.future_quota_value)
        return out


@attrs.frozen
class QuotaFailure:
    """Which quotas were exceeded."""

    TYPE_URL: ClassVar[str] = _RPC + "QuotaFailure"
    violations: tuple[QuotaViolation, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> QuotaFailure:
        return cls(tuple(QuotaViolation.from_dict(v) for v in _list(d, "violations")))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": self.TYPE_URL}
        _put(out, "violations", [v.to_dict() for v in self.violations])
        return out


@attrs.frozen
class PreconditionViolation:
    """One failed precondition."""

    type: str = ""
    subject: str = ""
    description: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PreconditionViolation:
        return cls(_str(d, "type"), _str(d, "subject"), _str(d, "description"))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        _put(out, "type", self.type)
        _put(out, "subject", self.subject)
        _put(out, "description", self.description)
        return out


@attrs.frozen
class PreconditionFailure:
    """Preconditions the request did not meet."""

    TYPE_URL: ClassVar[str] = _RPC + "PreconditionFailure"
    violations: tuple[PreconditionViolation, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PreconditionFailure:
        return cls(tuple(PreconditionViolation.from_dict(v) for v in _list(d, "violations")))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": self.TYPE_URL}
        _put(out, "violations", [v.to_dict() for v in self.violations])
        return out


@attrs.frozen
class LocalizedMessage:
    """An error message in a given locale."""

    TYPE_URL: ClassVar[str] = _RPC + "LocalizedMessage"
    locale: str = ""
    message: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LocalizedMessage:
        return cls(_str(d, "locale"), _str(d, "message"))

    def to_dict(self, *, with_type: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": self.TYPE_URL} if with_type else {}
        _put(out, "locale", self.locale)
        _put(out, "message", self.message)
        return out


@attrs.frozen
class FieldViolation:
    """One invalid request field."""

    field: str = ""
    description: str = ""
    reason: str = ""
    localized_message: LocalizedMessage | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FieldViolation:
        raw = d.get("localizedMessage")
        return cls(
            field=_str(d, "field"),
            description=_str(d, "description"),
            reason=_str(d, "reason"),
            localized_message=LocalizedMessage.from_dict(raw) if raw is not None else None,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        _put(out, "field", self.field)
        _put(out, "description", self.description)
        _put(out, "reason", self.reason)
        if self.localized_message is not None:
            out["localizedMessage"] = self.localized_message.to_dict(with_type=False)
        return out


@attrs.frozen
class BadRequest:
    """Which request fields were invalid, and why."""

    TYPE_URL: ClassVar[str] = _RPC + "BadRequest"
    field_violations: tuple[FieldViolation, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> BadRequest:
        return cls(tuple(FieldViolation.from_dict(v) for v in _list(d, "fieldViolations")))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": self.TYPE_URL}
        _put(out, "fieldViolations", [v.to_dict() for v in self.field_violations])
        return out


@attrs.frozen
class HelpLink:
    """A link to documentation about the error."""

    description: str = ""
    url: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> HelpLink:
        return cls(_str(d, "description"), _str(d, "url"))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        _put(out, "description", self.description)
        _put(out, "url", self.url)
        return out


@attrs.frozen
class Help:
    """Links that may help with the error."""

    TYPE_URL: ClassVar[str] = _RPC + "Help"
    links: tuple[HelpLink, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Help:
        return cls(tuple(HelpLink.from_dict(v) for v in _list(d, "links")))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": self.TYPE_URL}
        _put(out, "links", [v.to_dict() for v in self.links])
        return out


@attrs.frozen
class DebugInfo:
    """Server-side debugging text."""

    TYPE_URL: ClassVar[str] = _RPC + "DebugInfo"
    stack_entries: tuple[str, ...] = ()
    detail: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> DebugInfo:
        return cls(tuple(str(s) for s in _list(d, "stackEntries")), _str(d, "detail"))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": self.TYPE_URL}
        _put(out, "stackEntries", list(self.stack_entries))
        _put(out, "detail", self.detail)
        return out


@attrs.frozen
class RequestInfo:
    """Identifies the failed request for support."""

    TYPE_URL: ClassVar[str] = _RPC + "RequestInfo"
    request_id: str = ""
    serving_data: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RequestInfo:
        return cls(_str(d, "requestId"), _str(d, "servingData"))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": self.TYPE_URL}
        _put(out, "requestId", self.request_id)
        _put(out, "servingData", self.serving_data)
        return out


@attrs.frozen
class ResourceInfo:
    """The resource the error is about."""

    TYPE_URL: ClassVar[str] = _RPC + "ResourceInfo"
    resource_type: str = ""
    resource_name: str = ""
    owner: str = ""
    description: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ResourceInfo:
        return cls(
            _str(d, "resourceType"),
            _str(d, "resourceName"),
            _str(d, "owner"),
            _str(d, "description"),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": self.TYPE_URL}
        _put(out, "resourceType", self.resource_type)
        _put(out, "resourceName", self.resource_name)
        _put(out, "owner", self.owner)
        _put(out, "description", self.description)
        return out


ErrorDetail: TypeAlias = (
    ErrorInfo
    | RetryInfo
    | QuotaFailure
    | PreconditionFailure
    | BadRequest
    | Help
    | LocalizedMessage
    | DebugInfo
    | RequestInfo
    | ResourceInfo
    | dict[str, Any]
)

_BY_TYPE: dict[str, Any] = {
    cls.TYPE_URL: cls
    for cls in (
        ErrorInfo,
        RetryInfo,
        QuotaFailure,
        PreconditionFailure,
        BadRequest,
        Help,
        LocalizedMessage,
        DebugInfo,
        RequestInfo,
        ResourceInfo,
    )
}


def parse_error_details(raw: Any) -> tuple[ErrorDetail, ...]:
    """Turn the ``details`` list of an error body into typed details.

    Unknown ``@type`` values and malformed entries stay plain dicts; anything that is not a
    list gives an empty tuple.
    """
    if not isinstance(raw, list):
        return ()
    out: list[ErrorDetail] = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        cls = _BY_TYPE.get(item.get("@type", ""))
        if cls is None:
            out.append(item)
            continue
        try:
            out.append(cls.from_dict(item))
        except (TypeError, ValueError, AttributeError):
            out.append(item)
    return tuple(out)
