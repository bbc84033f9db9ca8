"""Resource-name validation and bare-id completion.

A *pattern* is one of the API's name templates: literal collection segments and wildcard
segments, written ``*`` (``"corpora/*/documents/*"``) or ``{placeholder}``
(``"corpora/{corpus}/documents/{document}"``). :func:`resolve_name` accepts a full name
matching one of the patterns, or a bare id completed with the first single-wildcard pattern
(``"gemini-2.5-flash"`` -> ``"models/gemini-2.5-flash"``).

An id segment is 1+ characters from the URL-safe set ``A-Z a-z 0-9 - . _ ~ ! $ & ' ( ) + , ; = @``
(``.`` and ``..`` alone are refused). That covers every id the API issues or accepts (model ids
have dots and dashes) and keeps out what would change the request URL: ``/ ? # % :``,
whitespace, control and non-ASCII characters, ``*`` and braces.
"""

from __future__ import annotations

import functools
import re

__all__ = ["resolve_name"]

_ID_CHARSET = r"[A-Za-z0-9\-._~!$&'()+,;=@]"
_ID = rf"(?!\.\.?(?:/|\Z)){_ID_CHARSET}+"  # "." and ".." alone would be path traversal
_ID_RE = re.compile(_ID)
_ID_CHAR_RE = re.compile(_ID_CHARSET)
_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_COLLECTION_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*")


class _Pattern:
    __slots__ = ("display", "prefix", "regex", "wildcards")

    def __init__(self, pattern: str) -> None:
        segments = pattern.split("/")
        parts: list[str] = []
        shown: list[str] = []
        previous = ""
        for segment in segments:
            placeholder = _PLACEHOLDER_RE.fullmatch(segment)
            if segment == "*" or placeholder:
                parts.append(_ID)
                shown.append("{%s}" % (placeholder[1] if placeholder else _singular(previous)))
            elif _COLLECTION_RE.fullmatch(segment):
                parts.append(re.escape(segment))
                shown.append(segment)
                previous = segment
            else:
                raise ValueError(f"invalid resource name pattern {pattern!r}")
        self.regex = re.compile("/".join(parts))
        self.display = "/".join(shown)
        self.wildcards = sum(1 for s in shown if s.startswith("{"))
        # Completion prefix for bare ids: only for "collection/.../*" with one wildcard, last.
        self.prefix = (
            pattern[: pattern.rfind("/") + 1]
            if self.wildcards == 1 and shown[-1].startswith("{") and len(segments) > 1
            else None
        )


def _singular(collection: str) -> str:
    """``"corpora"`` -> ``"corpus"``, ``"batches"`` -> ``"batch"``, ``"tunedModels"`` ->
    ``"tuned_model"``; ``"id"`` when there is no preceding collection."""
    if not collection:
        return "id"
    word = re.sub(r"(?<!^)(?=[A-Z])", "_", collection).lower()
    if word.endswith("ora"):
        return word[:-3] + "us"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s"):
        return word[:-1]
    return word


@functools.lru_cache(maxsize=512)
def _compile(pattern: str) -> _Pattern:
    return _Pattern(pattern)


@functools.lru_cache(maxsize=512)
def _compile_all(patterns: tuple[str, ...]) -> tuple[tuple[_Pattern, ...], str | None]:
    compiled = tuple(_compile(p) for p in patterns)
    prefix = next((p.prefix for p in compiled if p.prefix is not None), None)
    return compiled, prefix


def resolve_name(value: object, *patterns: str, argument: str = "name") -> str:
    """Return the full resource name for ``value``, or raise if it fits none of ``patterns``.

    - a full name matching one of the patterns is returned unchanged;
    - a bare id (no ``/``) is completed with the collection prefix of the first pattern that
      has exactly one wildcard, at its end (``"abc"`` + ``"files/*"`` -> ``"files/abc"``);
    - anything else raises :class:`ValueError` naming the expected form; a non-``str`` value
      raises :class:`TypeError`. ``argument`` is the parameter name used in those messages.

    >>> resolve_name("gemini-2.5-flash", "models/*", "tunedModels/*", argument="model")
    'models/gemini-2.5-flash'
    >>> resolve_name("tunedModels/my-model", "models/*", "tunedModels/*", argument="model")
    'tunedModels/my-model'
    """
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be a str, got {type(value).__name__}")
    return _resolve(value, patterns, argument)


@functools.lru_cache(maxsize=1024)  # the same few names come back on every call
def _resolve(value: str, patterns: tuple[str, ...], argument: str) -> str:
    if not patterns:
        raise TypeError("resolve_name() needs at least one pattern")
    compiled, prefix = _compile_all(patterns)
    for pattern in compiled:
        if pattern.regex.fullmatch(value):
            return value
    if prefix is not None and "/" not in value and _ID_RE.fullmatch(value):
        return prefix + value
    raise ValueError(_message(value, compiled, prefix, argument))


def _message(value: str, compiled: tuple[_Pattern, ...], prefix: str | None, arg: str) -> str:
    forms = " or ".join(repr(p.display) for p in compiled)
    bare = f" (or a bare id, completed to '{prefix}{{id}}')" if prefix is not None else ""
    text = f"{arg} must look like {forms}{bare}, got {value!r}"
    bad = sorted(
        {c for segment in value.split("/") for c in segment if not _ID_CHAR_RE.fullmatch(c)}
    )
    if bad:
        text += f"; not allowed in an id: {''.join(bad)!r}"
    elif "" in value.split("/"):
        text += "; it has an empty segment"
    return text
