"""Function declarations from Python callables, and call arguments converted for them (pure).

The declaration's name is the function's ``__name__``; its description is the docstring's
summary (the text before the first argument section); the parameters are a JSON Schema
object built from the signature and type hints by :mod:`.json_schema`, each described by the
docstring's Google (``Args:``), NumPy (``Parameters`` / ``----------``) or Sphinx
(``:param name:``) argument section, or by ``Annotated[T, "text"]``.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from .json_schema import (
    INVALID,
    Defs,
    Errors,
    SchemaValidationError,
    Shape,
    ValidationIssue,
    key_path,
    shape_of,
)

__all__ = ["FunctionSpec", "parse_docstring"]

_GOOGLE_HEADERS = frozenset({"args", "arguments", "parameters", "params", "keyword args"})
_OTHER_GOOGLE_HEADERS = frozenset(
    {"returns", "return", "yields", "raises", "examples", "example", "notes", "note", "see also"}
)
_GOOGLE_ITEM = re.compile(r"(\*{0,2}\w+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)")
_NUMPY_ITEM = re.compile(r"(\w+)\s*(?::.*)?")
_SPHINX_PARAM = re.compile(r":param\s+(?:[^:]*\s)?(\w+)\s*:\s*(.*)")
_SPHINX_FIELD = re.compile(r":(?:param|type|returns?|rtype|raises?)\b")


def parse_docstring(doc: str | None) -> tuple[str | None, dict[str, str]]:
    """A docstring's summary (the text before its first section) and the description of
    each argument, from Google, NumPy or Sphinx style sections."""
    if not doc:
        return None, {}
    lines = inspect.cleandoc(doc).splitlines()
    summary: list[str] = []
    params: dict[str, str] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        header = stripped.rstrip(":").lower()
        underlined = index + 1 < len(lines) and set(lines[index + 1].strip()) == {"-"}
        if underlined:  # NumPy: "Parameters" then "----------"
            end = _section_end(lines, index + 2, numpy=True)
            if header in ("parameters", "other parameters"):
                params.update(_numpy_items(lines[index + 2 : end]))
            index = end
        elif stripped.endswith(":") and header in _GOOGLE_HEADERS | _OTHER_GOOGLE_HEADERS:
            end = _section_end(lines, index + 1, numpy=False)
            if header in _GOOGLE_HEADERS:
                params.update(_google_items(lines[index + 1 : end]))
            index = end
        elif _SPHINX_FIELD.match(stripped):
            match = _SPHINX_PARAM.match(stripped)
            text = [match[2]] if match else []
            index += 1
            while index < len(lines) and lines[index].startswith((" ", "\t")):
                text.append(lines[index].strip())
                index += 1
            if match:
                params[match[1]] = _joined(text)
        else:
            if not params:
                summary.append(stripped)
            index += 1
    return _joined(summary) or None, params


def _section_end(lines: list[str], start: int, *, numpy: bool) -> int:
    """Where a section ends: a blank line then an unindented line, or the next NumPy
    header, or (Google) the first unindented line."""
    index = start
    while index < len(lines):
        line = lines[index]
        if numpy:
            if index + 1 < len(lines) and set(lines[index + 1].strip()) == {"-"} and line.strip():
                return index
        elif line.strip() and not line.startswith((" ", "\t")):
            return index
        index += 1
    return index


def _google_items(lines: list[str]) -> Iterator[tuple[str, str]]:
    indent = min((len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()), default=0)

    def item(line: str) -> tuple[str, str] | None:
        match = _GOOGLE_ITEM.fullmatch(line.strip())
        if match and len(line) - len(line.lstrip()) == indent:
            return match[1].lstrip("*"), match[3]
        return None

    return _items(lines, item)


def _numpy_items(lines: list[str]) -> Iterator[tuple[str, str]]:
    def item(line: str) -> tuple[str, str] | None:
        match = _NUMPY_ITEM.fullmatch(line.strip())
        return (match[1], "") if match and not line.startswith((" ", "\t")) else None

    return _items(lines, item)


def _items(
    lines: list[str], item: Callable[[str], tuple[str, str] | None]
) -> Iterator[tuple[str, str]]:
    """``(name, description)`` per argument: ``item(line)`` says where one starts (its name
    and the text on that line); the lines after it continue its description."""
    name: str | None = None
    text: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        found = item(line)
        if found is None:
            text.append(line.strip())
            continue
        if name:
            yield name, _joined(text)
        name, text = found[0], [found[1]]
    if name:
        yield name, _joined(text)


def _joined(lines: list[str]) -> str:
    return " ".join(part for part in lines if part).strip()


@attrs.define
class _Parameter:
    name: str
    shape: Shape
    required: bool
    description: str | None


@attrs.define
class FunctionSpec:
    """A callable as the model sees it: its declaration (wire JSON) and how to turn the
    model's arguments into keyword arguments for it."""

    name: str
    declaration: dict[str, Any]
    parameters: list[_Parameter]

    @classmethod
    def of(cls, fn: Callable[..., Any]) -> FunctionSpec:
        """Read ``fn``'s signature, hints and docstring; ``TypeError`` naming the parameter
        when one cannot be declared (``*args``, ``**kwargs``, an unsupported type)."""
        name = getattr(fn, "__name__", None)
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(f"a tool must be a named function, not {fn!r}")
        try:
            signature = inspect.signature(fn)
            hints = typing.get_type_hints(fn, include_extras=True)
        except (NameError, TypeError, ValueError) as exc:
            raise TypeError(f"cannot read the signature of {name}: {exc}") from exc
        summary, described = parse_docstring(inspect.getdoc(fn))
        parameters = []
        for param in signature.parameters.values():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                raise TypeError(f"{name}: *args / **kwargs cannot be declared to the model")
            if param.kind is param.POSITIONAL_ONLY:
                raise TypeError(f"{name}: positional-only parameters cannot be passed by name")
            try:
                shape = shape_of(hints.get(param.name, Any))
            except TypeError as exc:
                raise TypeError(f"{name}({param.name}): {exc}") from None
            required = param.default is param.empty
            parameters.append(_Parameter(param.name, shape, required, described.get(param.name)))
        declaration: dict[str, Any] = {"name": name}
        if summary:
            declaration["description"] = summary
        declaration["parametersJsonSchema"] = _parameters_schema(parameters)
        return cls(name, declaration, parameters)

    def arguments(self, args: Any) -> dict[str, Any]:
        """The model's ``args`` (a JSON object) as keyword arguments of the annotated types;
        :class:`SchemaValidationError` listing every problem with its JSON path."""
        if args is None:
            args = {}
        if not isinstance(args, dict):
            raise SchemaValidationError([ValidationIssue("$", "the arguments are not an object")])
        errors: Errors = []
        known = {p.name for p in self.parameters}
        for key in args:
            if key not in known:
                errors.append(ValidationIssue(key_path("$", key), "unexpected argument"))
        out = {}
        for param in self.parameters:
            if param.name in args:
                value = param.shape.decode(args[param.name], key_path("$", param.name), errors)
                if value is not INVALID:
                    out[param.name] = value
            elif param.required:
                errors.append(
                    ValidationIssue(key_path("$", param.name), "required argument missing")
                )
        if errors:
            raise SchemaValidationError(errors)
        return out


def _parameters_schema(parameters: list[_Parameter]) -> dict[str, Any]:
    defs = Defs()
    properties = {}
    for param in parameters:
        schema = param.shape.described(defs)
        if param.description and "description" not in schema:
            schema = {**schema, "description": param.description}
        properties[param.name] = schema
    out: dict[str, Any] = {"type": "object", "properties": properties}
    required = [p.name for p in parameters if p.required]
    if required:
        out["required"] = required
    if defs.definitions:
        out["$defs"] = defs.definitions
    return out
