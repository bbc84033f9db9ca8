"""Turning the caller's arguments into wire values, with a typed error naming the argument
before anything is sent; and parsing operation results whose type the payload names."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, overload

import attrs

from .. import types
from ..types import Content, Part, WireModel
from ..types._input import convert, from_user
from .checks import check_model
from .chunks import lazy_response
from .errors import MalformedResponseError
from .names import resolve_name
from .options import RequestOptions

if TYPE_CHECKING:
    from .options import TimeoutLike

M = TypeVar("M", bound=WireModel)
T = TypeVar("T")

#: What a single ``Content`` argument accepts (``system_instruction``, ``content``).
ContentLike: TypeAlias = "str | Part | Content | Mapping[str, Any] | Sequence[str | Part]"
#: What ``contents`` accepts: a prompt string, parts, turns, or a list mixing them.
ContentsLike: TypeAlias = (
    "str | Part | Content | Mapping[str, Any] | Sequence[str | Part | Content | Mapping[str, Any]]"
)


def request_options(
    timeout: TimeoutLike | None,
    max_retries: int | None,
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, Any] | None,
) -> RequestOptions | None:
    """The per-call options, or ``None`` when the call overrides nothing (the common case)."""
    if timeout is None and max_retries is None and extra_headers is None and extra_query is None:
        return None
    return RequestOptions(
        timeout=timeout,
        max_retries=max_retries,
        extra_headers=extra_headers,
        extra_query=extra_query,
    )


def as_model(value: Any, cls: type[M], argument: str) -> M | None:
    """``None``, an instance of ``cls``, or a dict for it (wire or Python field names, checked
    at every depth: see ``genlang_async.types._input``)."""
    if value is None:
        return value
    if isinstance(value, Mapping):
        value = from_user(cls, value, argument)
    if isinstance(value, cls):
        check_model(value, argument)
        return value
    raise TypeError(f"{argument} must be a {cls.__name__} or a dict, not {type(value).__name__}")


def as_model_list(values: Any, cls: type[M], argument: str) -> list[M] | None:
    """``None`` or a list of what :func:`as_model` accepts."""
    if values is None:
        return None
    if isinstance(values, (str, bytes, Mapping, WireModel)) or not isinstance(values, Iterable):
        raise TypeError(
            f"{argument} must be a list of {cls.__name__} (or dicts), not {type(values).__name__}"
        )
    return [as_model(value, cls, f"{argument}[{index}]") for index, value in enumerate(values)]  # type: ignore[misc]


def as_content(value: Any, argument: str, *, role: str | None = None) -> Content | None:
    """A ``Content`` from a string, a ``Part``, a list of those, a ``Content`` or a dict."""
    if value is None:
        return value
    if isinstance(value, (str, Part)):  # first: the common case, and no ABC check for it
        return Content(parts=[_as_part(value, argument)], role=role)
    if isinstance(value, (Content, Mapping)):
        return as_model(value, Content, argument)
    if isinstance(value, Iterable) and not isinstance(value, bytes):
        parts = [_as_part(item, f"{argument}[{index}]") for index, item in enumerate(value)]
        return Content(parts=parts, role=role)
    raise TypeError(
        f"{argument} must be a str, Part, Content, dict or a list of parts, "
        f"not {type(value).__name__}"
    )


@overload
def as_contents(value: Any, argument: str) -> list[Content]: ...
@overload
def as_contents(value: Any, argument: str, *, optional: bool) -> list[Content] | None: ...


def as_contents(value: Any, argument: str, *, optional: bool = False) -> list[Content] | None:
    """The conversation for ``contents``: a string (one user turn), a ``Part`` or
    ``Content``, or a list mixing ``Content`` / dicts (one turn each) with strings / parts
    (consecutive ones form one user turn). ``None`` only when ``optional``."""
    if value is None and optional:
        return None
    if isinstance(value, str) and not value:
        raise ValueError(f"{argument} must not be empty")
    if isinstance(value, (str, Part, Content, Mapping)):
        single = as_content(value, argument, role="user")
        assert single is not None
        return [single]
    if not isinstance(value, Iterable) or isinstance(value, bytes):
        raise TypeError(
            f"{argument} must be a str, Part, Content, dict or a list of them, "
            f"not {type(value).__name__}"
        )
    turns: list[Content] = []
    pending: list[Part] = []
    for index, item in enumerate(value):
        if isinstance(item, (str, Part)):
            pending.append(_as_part(item, f"{argument}[{index}]"))
            continue
        if pending:
            turns.append(Content(parts=pending, role="user"))
            pending = []
        turn = as_content(item, f"{argument}[{index}]", role="user")
        if turn is None or not isinstance(item, (Content, Mapping)):
            raise TypeError(
                f"{argument}[{index}] must be a str, Part, Content or dict, "
                f"not {type(item).__name__}"
            )
        turns.append(turn)
    if pending:
        turns.append(Content(parts=pending, role="user"))
    if not turns:
        raise ValueError(f"{argument} must not be empty")
    return turns


def _as_part(value: Any, argument: str) -> Part:
    if isinstance(value, str):
        return Part(text=value)
    if isinstance(value, (Part, Mapping)):
        part = as_model(value, Part, argument)
        assert part is not None
        return part
    raise TypeError(f"{argument} must be a str, Part or dict, not {type(value).__name__}")


def check_scalar(value: Any, expected: type | tuple[type, ...], argument: str) -> Any:
    """Reject a wrongly typed scalar argument before anything is sent."""
    if value is None:
        return value
    if isinstance(value, bool) and expected is not bool and bool not in _as_tuple(expected):
        raise TypeError(f"{argument} must be {_names(expected)}, not bool")
    if not isinstance(value, expected):
        raise TypeError(f"{argument} must be {_names(expected)}, not {type(value).__name__}")
    return value


def as_duration(value: Any, argument: str) -> datetime.timedelta | None:
    """A Duration argument: ``timedelta``, seconds as a number, or ``"3600s"`` / ``"1.5s"``."""
    return None if value is None else convert("duration", value, argument)


def as_timestamp(value: Any, argument: str) -> datetime.datetime | None:
    """A Timestamp argument: ``datetime`` or RFC 3339 text (up to 9 fractional digits)."""
    return None if value is None else convert("timestamp", value, argument)


def _as_tuple(expected: type | tuple[type, ...]) -> tuple[type, ...]:
    return expected if isinstance(expected, tuple) else (expected,)


def _names(expected: type | tuple[type, ...]) -> str:
    return " or ".join(kind.__name__ for kind in _as_tuple(expected))


def page_size(value: Any) -> int:
    """A list call's ``page_size``: a positive int (``None`` is handled by the caller)."""
    check_scalar(value, int, "page_size")
    if value < 1:
        raise ValueError(
            f"page_size must be at least 1 (or None for the server's default), not {value}"
        )
    return int(value)


def field_mask(value: str | Sequence[str] | None) -> str | None:
    """``update_mask`` as the API wants it: comma-separated wire field paths."""
    if value is None or isinstance(value, str):
        return value
    return ",".join(check_scalar(path, str, "update_mask[]") for path in value)


def merged_resource(resource: Any, cls: type[M], argument: str, fields: dict[str, Any]) -> M:
    """The resource to send: ``resource`` (object or dict) with the given fields set over it."""
    base = as_model(resource, cls, argument)
    given = {name: value for name, value in fields.items() if value is not None}
    if base is None:
        return cls(**given)
    return attrs.evolve(base, **given) if given else base


def update_mask_for(
    update_mask: str | Sequence[str] | None, body: Mapping[str, Any], writable: frozenset[str]
) -> str:
    """The caller's mask, else every writable field the body sets."""
    explicit = field_mask(update_mask)
    if explicit is not None:
        return explicit
    mask = ",".join(name for name in body if name in writable)
    if not mask:
        raise ValueError("nothing to update: set at least one field (or pass update_mask)")
    return mask


def as_list(values: Any, expected: type | tuple[type, ...], argument: str) -> list[Any] | None:
    """``None`` or a list of scalars (a lone string is refused: it is not a list)."""
    if values is None:
        return None
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise TypeError(f"{argument} must be a list, not {type(values).__name__}")
    return [check_scalar(value, expected, f"{argument}[]") for value in values]


def as_mapping(value: Any, argument: str) -> dict[str, Any] | None:
    """``None`` or a JSON object given as a mapping."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"{argument} must be a dict, not {type(value).__name__}")
    return dict(value)


def model_name(value: Any) -> str | None:
    """A ``model`` field: a bare model id is completed to ``models/{id}``."""
    if value is None:
        return None
    return resolve_name(value, "models/*", "tunedModels/*", argument="model")


def fill_field(value: Any, attr: str, name: str) -> Any:
    """Set ``attr`` (``model``, ``parent``) of a sub-request, or of each in a list, to the
    name from the path when the caller left it unset (the API wants it repeated there)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [fill_field(item, attr, name) for item in value]
    given = getattr(value, attr, None)
    if not given:  # unset: ``None``, or ``""`` for a field typed without None (a batch's model)
        return attrs.evolve(value, **{attr: name})
    if attr == "model" and isinstance(given, str) and "/" not in given:
        # A bare model id ("gemini-embedding-001"), completed as the method's own argument is.
        return attrs.evolve(value, model=resolve_name(given, "models/*", argument="model"))
    return value


def batch_output(cls: type[M]) -> Callable[[dict[str, Any]], M]:
    """Parser of a batch operation's result: the output itself (as the live API sends it,
    with an ``@type``) or wrapped in ``{"output": ...}`` (as the API description has it)."""

    def parse(data: dict[str, Any]) -> M:
        output = data.get("output")
        if isinstance(output, dict) and len(data.keys() - {"@type"}) == 1:
            return cls.from_dict(output)
        return cls.from_dict({k: v for k, v in data.items() if k != "@type"})

    return parse


def optional_name(value: Any, *patterns: str, argument: str) -> str | None:
    """``None``, or a resource name checked (and a bare id completed) like path names."""
    if value is None:
        return None
    return resolve_name(value, *patterns, argument=argument)


def parse_any(data: dict[str, Any]) -> Any:
    """An operation result whose type only its ``@type`` tells: the matching typed message
    when this SDK knows it, else the plain dict."""
    type_url = data.get("@type")
    if isinstance(type_url, str):
        cls = getattr(types, type_url.rsplit(".", 1)[-1], None)
        if isinstance(cls, type) and issubclass(cls, WireModel):
            return cls.from_dict(data)
    return data


def parse_response(cls: type[M], data: Any) -> M:
    """The typed result of a call; :class:`MalformedResponseError` when the body does not fit
    (a JSON array, string, number or null, or a field of the wrong shape). A
    ``GenerateContentResponse`` is typed on first use (see ``_core.chunks.lazy_response``)."""
    if cls is types.GenerateContentResponse:
        return lazy_response(json_object(data, cls.__name__))  # type: ignore[return-value]
    try:
        return cls.from_dict(json_object(data, cls.__name__))
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise MalformedResponseError(
            f"the {cls.__name__} in the response is malformed: {exc}"
        ) from exc


def json_object(data: Any, what: str) -> dict[str, Any]:
    """``data`` if it is a JSON object, else :class:`MalformedResponseError`."""
    if not isinstance(data, dict):
        raise MalformedResponseError(f"expected a JSON object ({what}), got {_json_kind(data)}")
    return data


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    return {list: "an array", str: "a string", bool: "a boolean"}.get(type(value), "a number")
