"""JSON Schema from Python types, and JSON values checked and converted into those types.

Pure: no I/O. One compiled :class:`Shape` per type knows three things: its JSON Schema, how
to turn parsed JSON into a value of the type (collecting every error with its JSON path), and
how to turn a value back into JSON.

Supported: ``str``, ``int``, ``float``, ``bool``, ``None``, ``Any``, ``datetime``, ``date``,
``uuid.UUID``, ``enum.Enum``, ``Literal``, unions (``X | None``), ``list`` / ``Sequence`` /
``tuple`` / ``dict[str, T]`` / ``Mapping[str, T]``, attrs classes, dataclasses, ``TypedDict``
(with ``NotRequired``), pydantic v2 models (when pydantic is imported), ``Annotated[T, "text"]``
for descriptions. Classes go to ``$defs`` and are referenced with ``$ref``, so nested and
recursive classes work; attrs classes, dataclasses and ``TypedDict`` are closed
(``additionalProperties: false``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import inspect
import re
import sys
import types
import typing
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Annotated, Any, Literal, Union

import attrs

__all__ = [
    "SchemaValidationError",
    "Shape",
    "ValidationIssue",
    "decode",
    "json_schema",
    "shape_of",
    "to_json",
]


@attrs.frozen
class ValidationIssue:
    """One way a JSON value does not fit a type: where (``$.items[2].price``) and why."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class SchemaValidationError(ValueError):
    """A JSON value does not fit the type; ``errors`` lists every problem with its path."""

    def __init__(self, errors: Sequence[ValidationIssue]) -> None:
        self.errors = list(errors)
        shown = "; ".join(str(e) for e in self.errors[:5])
        more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__(shown + more)


class _Invalid:
    __slots__ = ()


#: Returned by ``Shape.decode`` when the value did not fit (the errors were recorded).
INVALID: Any = _Invalid()

Errors = list[ValidationIssue]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def key_path(path: str, key: str) -> str:
    """``path`` extended by an object member (``$.a`` or ``$['a b']``)."""
    return f"{path}.{key}" if _IDENTIFIER.match(key) else f"{path}[{key!r}]"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _fail(errors: Errors, path: str, message: str) -> Any:
    errors.append(ValidationIssue(path, message))
    return INVALID


# --------------------------------------------------------------------------- shapes


class Shape:
    """A compiled type: its schema, and conversions between JSON and values."""

    #: Text for the schema's ``description`` (from ``Annotated`` or a docstring).
    description: str | None = None

    def schema(self, defs: Defs) -> dict[str, Any]:
        """The JSON Schema of this type; classes are added to ``defs``."""
        raise NotImplementedError

    def decode(self, value: Any, path: str, errors: Errors) -> Any:
        """``value`` (parsed JSON) as this type, or :data:`INVALID` after adding errors."""
        raise NotImplementedError

    def encode(self, value: Any) -> Any:
        """``value`` (of this type) as JSON."""
        raise NotImplementedError

    def described(self, defs: Defs) -> dict[str, Any]:
        """The schema, with this shape's description when it has one."""
        schema = self.schema(defs)
        if self.description and "description" not in schema:
            schema = {**schema, "description": self.description}
        return schema


class AnyShape(Shape):
    """``Any`` / ``object``: any JSON value, kept as it is."""

    def schema(self, defs: Defs) -> dict[str, Any]:
        return {}

    def decode(self, value: Any, path: str, errors: Errors) -> Any:
        return value

    def encode(self, value: Any) -> Any:
        return to_json(value)


class ScalarShape(Shape):
    """``str``, ``int``, ``float``, ``bool`` and ``None``."""

    def __init__(self, python: type[Any] | None) -> None:
        self.python = python
        self.json_type = {str: "string", int: "integer", float: "number", bool: "boolean"}.get(
            python,  # type: ignore[arg-type]
            "null",
        )

    def schema(self, defs: Defs) -> dict[str, Any]:
        return {"type": self.json_type}

    def decode(self, value: Any, path: str, errors: Errors) -> Any:
        python = self.python
        if python is None:
            return (
                value
                if value is None
                else _fail(errors, path, f"expected null, got {_kind(value)}")
            )
        if python is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if python is int and isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, python) and (python is bool or not isinstance(value, bool)):
            return value
        return _fail(errors, path, f"expected {self.json_type}, got {_kind(value)}")

    def encode(self, value: Any) -> Any:
        return value


class FormattedShape(Shape):
    """A string with a ``format``: ``datetime`` (``date-time``), ``date``, ``uuid``."""

    def __init__(self, python: type[Any]) -> None:
        self.python = python
        self.format = {dt.datetime: "date-time", dt.date: "date", uuid.UUID: "uuid"}[python]

    def schema(self, defs: Defs) -> dict[str, Any]:
        return {"type": "string", "format": self.format}

    def decode(self, value: Any, path: str, errors: Errors) -> Any:
        if not isinstance(value, str):
            return _fail(errors, path, f"expected a {self.format} string, got {_kind(value)}")
        try:
            if self.python is uuid.UUID:
                return uuid.UUID(value)
            if self.python is dt.datetime:
                return dt.datetime.fromisoformat(_iso_datetime(value))
            return dt.date.fromisoformat(value)
        except ValueError:
            return _fail(errors, path, f"not a valid {self.format}: {value!r}")

    def encode(self, value: Any) -> Any:
        return _format(value)


_FRACTION = re.compile(r"(T\d\d:\d\d:\d\d)\.(\d+)")


def _iso_datetime(text: str) -> str:
    """An RFC 3339 timestamp in the form ``datetime.fromisoformat`` reads on Python 3.10
    too: ``+00:00`` for ``Z``, the fraction of a second in 6 digits."""
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    return _FRACTION.sub(lambda m: f"{m[1]}.{(m[2] + '00000')[:6]}", text)


def _format(value: dt.date | uuid.UUID) -> str:
    """A date, datetime (UTC written as ``Z``) or UUID as its JSON string."""
    if isinstance(value, dt.date):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return str(value)


class ChoiceShape(Shape):
    """``enum.Enum`` (by value) and ``Literal[...]``: one of fixed JSON scalars."""

    def __init__(self, values: list[Any], members: list[Any] | None = None) -> None:
        self.values = values
        self.members = members

    def schema(self, defs: Defs) -> dict[str, Any]:
        schema: dict[str, Any] = {}
        kinds = {ScalarShape(type(v)).json_type for v in self.values}
        if len(kinds) == 1:
            schema["type"] = kinds.pop()
        schema["enum"] = list(self.values)
        return schema

    def decode(self, value: Any, path: str, errors: Errors) -> Any:
        for index, choice in enumerate(self.values):
            if value == choice and type(value) is type(choice):
                return self.members[index] if self.members is not None else choice
        allowed = ", ".join(repr(v) for v in self.values)
        return _fail(errors, path, f"expected one of {allowed}, got {value!r}")

    def encode(self, value: Any) -> Any:
        return value.value if isinstance(value, enum.Enum) else value


class UnionShape(Shape):
    """``X | Y | ...``: the first option the value fits (``anyOf``)."""

    def __init__(self, options: list[Shape]) -> None:
        self.options = options

    def schema(self, defs: Defs) -> dict[str, Any]:
        return {"anyOf": [option.described(defs) for option in self.options]}

    def decode(self, value: Any, path: str, errors: Errors) -> Any:
        problems: Errors = []
        for option in self.options:
            attempt: Errors = []
            result = option.decode(value, path, attempt)
            if result is not INVALID:
                return result
            problems += attempt
        if all(p.path == path for p in problems):
            return _fail(errors, path, " or ".join(p.message for p in problems))
        errors += problems
        return INVALID

    def encode(self, value: Any) -> Any:
        for option in self.options:
            if _fits(option, value):
                return option.encode(value)
        return to_json(value)


class ListShape(Shape):
    """``list[T]`` / ``Sequence[T]`` / ``tuple[T, ...]`` (``tuple`` when ``as_tuple``)."""

    def __init__(self, item: Shape, *, as_tuple: bool = False) -> None:
        self.item = item
        self.as_tuple = as_tuple

    def schema(self, defs: Defs) -> dict[str, Any]:
        return {"type": "array", "items": self.item.described(defs)}

    def decode(self, value: Any, path: str, errors: Errors) -> Any:
        if not isinstance(value, list):
            return _fail(errors, path, f"expected an array, got {_kind(value)}")
        before = len(errors)
        items = [self.item.decode(v, f"{path}[{i}]", errors) for i, v in enumerate(value)]
        if len(errors) > before:
            return INVALID
        return tuple(items) if self.as_tuple else items

    def encode(self, value: Any) -> Any:
        return [self.item.encode(v) for v in value]


class TupleShape(Shape):
    """``tuple[X, Y]``: an array of fixed length (``prefixItems``)."""

    def __init__(self, items: list[Shape]) -> None:
        self.items = items

    def schema(self, defs: Defs) -> dict[str, Any]:
        count = len(self.items)
        return {
            "type": "array",
            "prefixItems": [item.described(defs) for item in self.items],
            "minItems": count,
            "maxItems": count,
        }

    def decode(self, value: Any, path: str, errors: Errors) -> Any:
        if not isinstance(value, list):
            return _fail(errors, path, f"expected an array, got {_kind(value)}")
        if len(value) != len(self.items):
            return _fail(errors, path, f"expected {len(self.items)} items, got {len(value)}")
        before = len(errors)
        items = tuple(
            shape.decode(v, f"{path}[{i}]", errors)
            for i, (shape, v) in enumerate(zip(self.items, value, strict=True))
        )
        return INVALID if len(errors) > before else items

    def encode(self, value: Any) -> Any:
        return [shape.encode(v) for shape, v in zip(self.items, value, strict=True)]


class DictShape(Shape):
    """``dict[str, T]`` / ``Mapping[str, T]``: an object with any keys."""

    def __init__(self, value: Shape) -> None:
        self.value = value

    def schema(self, defs: Defs) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": self.value.described(defs)}

    def decode(self, value: Any, path: str, errors: Errors) -> Any:
        if not isinstance(value, dict):
            return _fail(errors, path, f"expected an object, got {_kind(value)}")
        before = len(errors)
        out = {k: self.value.decode(v, key_path(path, k), errors) for k, v in value.items()}
        return INVALID if len(errors) > before else out

    def encode(self, value: Any) -> Any:
        return {str(k): self.value.encode(v) for k, v in value.items()}


@attrs.define
class Field:
    """One member of a class shape: JSON key, constructor argument, type, required or not."""

    key: str
    argument: str
    shape: Shape
    required: bool
    description: str | None = None


class ClassShape(Shape):
    """attrs classes, dataclasses and ``TypedDict``: a closed object, defined in ``$defs``."""

    def __init__(self, cls: type[Any], *, is_typed_dict: bool = False) -> None:
        self.cls = cls
        self.is_typed_dict = is_typed_dict
        self.fields: list[Field] = []
        self.doc = _docstring(cls)

    def schema(self, defs: Defs) -> dict[str, Any]:
        return defs.ref(self, self.cls.__name__, self.body)

    def body(self, defs: Defs) -> dict[str, Any]:
        """The object schema itself (what ``$defs`` holds)."""
        properties = {}
        for field in self.fields:
            prop = field.shape.described(defs)
            if field.description:
                prop = {**prop, "description": field.description}
            properties[field.key] = prop
        schema: dict[str, Any] = {"type": "object"}
        if self.doc:
            schema["description"] = self.doc
        schema["properties"] = properties
        required = [f.key for f in self.fields if f.required]
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
        return schema

    def decode(self, value: Any, path: str, errors: Errors) -> Any:
        if not isinstance(value, dict):
            return _fail(errors, path, f"expected an object, got {_kind(value)}")
        before = len(errors)
        known = {f.key for f in self.fields}
        for key in value:
            if key not in known:
                _fail(errors, key_path(path, key), "unexpected field")
        arguments = {}
        for field in self.fields:
            if field.key in value:
                item = field.shape.decode(value[field.key], key_path(path, field.key), errors)
                arguments[field.argument] = item
            elif field.required:
                _fail(errors, key_path(path, field.key), "required field missing")
        if len(errors) > before:
            return INVALID
        try:
            return arguments if self.is_typed_dict else self.cls(**arguments)
        except (TypeError, ValueError) as exc:  # a validator of the class refused the values
            return _fail(errors, path, f"{self.cls.__name__}: {exc}")

    def encode(self, value: Any) -> Any:
        if self.is_typed_dict:
            return {f.key: f.shape.encode(value[f.key]) for f in self.fields if f.key in value}
        return {f.key: f.shape.encode(getattr(value, f.key)) for f in self.fields}


class PydanticShape(Shape):
    """A pydantic v2 model: its own schema, validation and dump."""

    def __init__(self, cls: Any) -> None:
        self.cls = cls

    def schema(self, defs: Defs) -> dict[str, Any]:
        def body(defs: Defs) -> dict[str, Any]:
            schema: dict[str, Any] = self.cls.model_json_schema(ref_template="#/$defs/{model}")
            for name, sub in schema.pop("$defs", {}).items():
                defs.definitions.setdefault(name, sub)
            return schema

        return defs.ref(self, self.cls.__name__, body)

    def decode(self, value: Any, path: str, errors: Errors) -> Any:
        import pydantic

        try:
            return self.cls.model_validate(value)
        except pydantic.ValidationError as exc:
            for error in exc.errors():
                where = path
                for piece in error["loc"]:
                    where = (
                        f"{where}[{piece}]" if isinstance(piece, int) else key_path(where, piece)
                    )
                errors.append(ValidationIssue(where, error["msg"]))
            return INVALID

    def encode(self, value: Any) -> Any:
        return value.model_dump(mode="json")


class DescribedShape(Shape):
    """``Annotated[T, "text"]``: ``T`` with a description at this place of use."""

    def __init__(self, inner: Shape) -> None:
        self.inner = inner

    def schema(self, defs: Defs) -> dict[str, Any]:
        return self.inner.described(defs)

    def decode(self, value: Any, path: str, errors: Errors) -> Any:
        return self.inner.decode(value, path, errors)

    def encode(self, value: Any) -> Any:
        return self.inner.encode(value)


class Defs:
    """The ``$defs`` being built for one schema: one entry per class, named after it."""

    def __init__(self) -> None:
        self.definitions: dict[str, dict[str, Any]] = {}
        self.names: dict[int, str] = {}
        self.uses: dict[str, int] = {}

    def ref(self, shape: Shape, name: str, body: Any) -> dict[str, Any]:
        """``{"$ref": ...}`` to ``shape``'s definition, built by ``body(defs)`` on first use."""
        key = id(shape)
        if key not in self.names:
            unique, n = name, 1
            while unique in self.uses:
                n += 1
                unique = f"{name}{n}"
            self.names[key] = unique
            self.uses[unique] = 0
            self.definitions[unique] = {}
            self.definitions[unique] = body(self)
        unique = self.names[key]
        self.uses[unique] += 1
        return {"$ref": f"#/$defs/{unique}"}


# --------------------------------------------------------------------------- compiling

_SCALARS: tuple[Any, ...] = (str, int, float, bool)
_FORMATTED: tuple[Any, ...] = (dt.datetime, dt.date, uuid.UUID)
_UNION_TYPES: tuple[Any, ...] = (Union, types.UnionType)
_SEQUENCES: tuple[Any, ...] = (list, Sequence, typing.Sequence, typing.List)  # noqa: UP006
_MAPPINGS: tuple[Any, ...] = (dict, Mapping, typing.Mapping, typing.Dict)  # noqa: UP006
_DEFAULT_DOCS = ("An enumeration.", "Create a collection of name/value pairs.")

_cache: dict[Any, Shape] = {}


def shape_of(tp: Any) -> Shape:
    """The compiled shape of ``tp`` (cached); ``TypeError`` for an unsupported type."""
    try:
        return _cache[tp]
    except KeyError:
        pass
    except TypeError:  # unhashable (e.g. Annotated with a dict in it)
        return _Compiler().compile(tp, "")
    shape = _Compiler().compile(tp, "")
    _cache[tp] = shape
    return shape


def json_schema(tp: Any) -> dict[str, Any]:
    """The JSON Schema of ``tp``, as sent in ``responseJsonSchema``.

    Classes (attrs, dataclasses, ``TypedDict``, pydantic models) are defined under
    ``$defs``; a root class is written inline unless it refers to itself.
    """
    shape = shape_of(tp)
    defs = Defs()
    schema = shape.described(defs)
    ref = schema.get("$ref", "")
    root = ref.rpartition("/")[2]
    if ref and defs.uses.get(root) == 1:
        schema = {**defs.definitions.pop(root), **{k: v for k, v in schema.items() if k != "$ref"}}
    if defs.definitions:
        schema["$defs"] = defs.definitions
    return schema


def decode(tp: Any, value: Any) -> Any:
    """``value`` (parsed JSON) converted to ``tp``; :class:`SchemaValidationError` otherwise."""
    errors: Errors = []
    result = shape_of(tp).decode(value, "$", errors)
    if result is INVALID:
        raise SchemaValidationError(errors)
    return result


class _Compiler:
    def __init__(self) -> None:
        self.classes: dict[Any, Shape] = {}

    def compile(self, tp: Any, where: str) -> Shape:
        if tp in _cache if _hashable(tp) else False:
            return _cache[tp]
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is Annotated:
            shape = self.compile(args[0], where)
            texts = [a for a in tp.__metadata__ if isinstance(a, str)]
            if texts:
                shape = _with_description(shape, " ".join(texts))
            return shape
        if tp is Any or tp is object:
            return AnyShape()
        if tp is None or tp is type(None):
            return ScalarShape(None)
        if tp in _SCALARS:
            return ScalarShape(tp)
        if tp in _FORMATTED:
            return FormattedShape(tp)
        if origin is Literal:
            return ChoiceShape(list(args))
        if origin in _UNION_TYPES:
            return UnionShape([self.compile(a, where) for a in args])
        if origin in _SEQUENCES or tp in _SEQUENCES:
            return ListShape(self.compile(args[0] if args else Any, where))
        if origin is tuple or tp is tuple:
            if not args or (len(args) == 2 and args[1] is Ellipsis):
                return ListShape(self.compile(args[0] if args else Any, where), as_tuple=True)
            return TupleShape([self.compile(a, where) for a in args])
        if origin in _MAPPINGS or tp in _MAPPINGS:
            if args and args[0] is not str:
                raise TypeError(
                    f"{_at(where)}dict keys must be str (JSON object keys), not {args[0]}"
                )
            return DictShape(self.compile(args[1] if args else Any, where))
        if isinstance(tp, type):
            return self.compile_class(tp, where)
        raise TypeError(f"{_at(where)}cannot build a JSON Schema for {tp!r}")

    def compile_class(self, cls: type[Any], where: str) -> Shape:
        if issubclass(cls, enum.Enum):
            members = list(cls)
            shape: Shape = ChoiceShape([m.value for m in members], members)
            shape.description = _docstring(cls)
            return shape
        if cls in self.classes:
            return self.classes[cls]
        if _is_pydantic(cls):
            return PydanticShape(cls)
        is_typed_dict = typing.is_typeddict(cls)
        if not (attrs.has(cls) or dataclasses.is_dataclass(cls) or is_typed_dict):
            raise TypeError(
                f"{_at(where)}cannot build a JSON Schema for {cls.__name__} (use an attrs class, "
                "a dataclass, a TypedDict, an Enum or a pydantic model)"
            )
        shape = self.classes[cls] = ClassShape(cls, is_typed_dict=is_typed_dict)
        shape.fields = list(self.class_fields(cls, is_typed_dict))
        return shape

    def class_fields(self, cls: type[Any], is_typed_dict: bool) -> Iterator[Field]:
        try:
            hints = typing.get_type_hints(cls, include_extras=True)
        except (NameError, TypeError) as exc:
            raise TypeError(f"cannot resolve the annotations of {cls.__name__}: {exc}") from exc
        name = cls.__name__
        if is_typed_dict:
            for key, hint in hints.items():
                shape = self.compile(_plain(hint), f"{name}.{key}")
                yield Field(key, key, shape, _typed_dict_required(cls, key, hint))
        elif attrs.has(cls):
            for a in attrs.fields(cls):
                if a.init:
                    shape = self.compile(hints.get(a.name, a.type or Any), f"{name}.{a.name}")
                    required = a.default is attrs.NOTHING
                    description = a.metadata.get("description")
                    yield Field(a.name, a.alias or a.name, shape, required, description)
        else:
            for f in dataclasses.fields(cls):
                if f.init:
                    shape = self.compile(hints.get(f.name, Any), f"{name}.{f.name}")
                    factory = f.default_factory
                    required = f.default is dataclasses.MISSING and factory is dataclasses.MISSING
                    description = f.metadata.get("description")
                    yield Field(f.name, f.name, shape, required, description)


def _at(where: str) -> str:
    """The place in a type an error is about, as a message prefix (``"Invoice.lines: "``)."""
    return f"{where}: " if where else ""


def _hashable(tp: Any) -> bool:
    try:
        hash(tp)
    except TypeError:
        return False
    return True


def _typed_dict_required(cls: Any, key: str, hint: Any) -> bool:
    """Whether a ``TypedDict`` key is required (``Required`` / ``NotRequired`` win over
    ``total``; read from the hint too, as string annotations hide them from the class)."""
    marker: str | None = getattr(typing.get_origin(hint), "_name", None)
    if marker in ("Required", "NotRequired"):
        return marker == "Required"
    required: frozenset[str] = cls.__required_keys__
    return key in required


def _plain(hint: Any) -> Any:
    """A TypedDict member's type without ``Required`` / ``NotRequired`` / ``ReadOnly``."""
    origin = typing.get_origin(hint)
    if origin is not None and getattr(origin, "_name", None) in (
        "Required",
        "NotRequired",
        "ReadOnly",
    ):
        return _plain(typing.get_args(hint)[0])
    return hint


def _with_description(shape: Shape, text: str) -> Shape:
    described = DescribedShape(shape)
    described.description = text
    return described


def _docstring(cls: type[Any]) -> str | None:
    doc = cls.__dict__.get("__doc__")
    if not isinstance(doc, str) or doc in _DEFAULT_DOCS:
        return None
    if dataclasses.is_dataclass(cls) and doc.startswith(f"{cls.__name__}("):
        return None  # the signature dataclasses write when there is no docstring
    return inspect.cleandoc(doc) or None


def _is_pydantic(cls: type[Any]) -> bool:
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and issubclass(cls, pydantic.BaseModel)


def _fits(shape: Shape, value: Any) -> bool:
    """Whether ``value`` (a Python value) is of the type ``shape`` describes (for encoding)."""
    if isinstance(shape, ScalarShape):
        if shape.python is None:
            return value is None
        if isinstance(value, bool):
            return shape.python is bool
        return isinstance(value, shape.python) or (shape.python is float and isinstance(value, int))
    if isinstance(shape, FormattedShape):
        return isinstance(value, shape.python) and (
            shape.python is not dt.date or not isinstance(value, dt.datetime)
        )
    if isinstance(shape, ChoiceShape):
        if shape.members is not None:
            return value in shape.members
        return any(value == v and type(value) is type(v) for v in shape.values)
    if isinstance(shape, ClassShape):
        return isinstance(value, dict) if shape.is_typed_dict else isinstance(value, shape.cls)
    if isinstance(shape, PydanticShape):
        return isinstance(value, shape.cls)
    if isinstance(shape, (ListShape, TupleShape)):
        return isinstance(value, (list, tuple))
    if isinstance(shape, DictShape):
        return isinstance(value, Mapping)
    if isinstance(shape, UnionShape):
        return any(_fits(option, value) for option in shape.options)
    return True


def to_json(value: Any) -> Any:
    """Any supported Python value as JSON: attrs classes, dataclasses, pydantic models, enums,
    dates, mappings, sequences and scalars (what tools may return)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, enum.Enum):
        return to_json(value.value)
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json(v) for v in value]
    if isinstance(value, _FORMATTED):
        return _format(value)
    cls = type(value)
    if attrs.has(cls) or dataclasses.is_dataclass(cls) or _is_pydantic(cls):
        return shape_of(cls).encode(value)
    raise TypeError(f"cannot convert {cls.__name__} to JSON")
