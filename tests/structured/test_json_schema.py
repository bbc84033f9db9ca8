"""JSON Schema from Python types, and JSON decoded into them (``_core.json_schema``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid
from typing import Annotated, Any, Literal, Optional, TypedDict

import attrs
import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from schema_values import attrs_classes, from_schema
from typing_extensions import NotRequired

from genlang_async import json_schema
from genlang_async._core.json_schema import SchemaValidationError, decode, to_json


class Color(enum.Enum):
    """A colour."""

    RED = "red"
    BLUE = "blue"


class Size(enum.IntEnum):
    SMALL = 1
    LARGE = 2


@attrs.define
class Ingredient:
    """Something that goes in."""

    name: Annotated[str, "what it is"]
    grams: float = attrs.field(metadata={"description": "weight in grams"})
    optional: bool = False


@dataclasses.dataclass
class Recipe:
    title: str
    ingredients: list[Ingredient]
    tags: tuple[str, ...] = ()
    servings: int | None = None
    kind: Literal["main", "dessert"] = "main"
    color: Color = dataclasses.field(default=Color.RED, metadata={"description": "plate"})


@attrs.define
class Node:
    value: int
    children: list[Node] = attrs.Factory(list)
    parent: Optional[Node] = None  # noqa: UP045 (the spelling under test)


class Movie(TypedDict):
    title: str
    year: NotRequired[int]
    ratings: dict[str, float]


@attrs.define
class Event:
    when: dt.datetime
    day: dt.date
    id: uuid.UUID
    pair: tuple[int, str]
    payload: Any = None


class Address(pydantic.BaseModel):
    street: str
    city: str


class Person(pydantic.BaseModel):
    name: str
    address: Address


@attrs.define
class Contact:
    person: Person
    note: str


def test_nested_classes_go_to_defs_with_descriptions_and_required() -> None:
    assert json_schema(Recipe) == {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "ingredients": {"type": "array", "items": {"$ref": "#/$defs/Ingredient"}},
            "tags": {"type": "array", "items": {"type": "string"}},
            "servings": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            "kind": {"type": "string", "enum": ["main", "dessert"]},
            "color": {
                "type": "string",
                "enum": ["red", "blue"],
                "description": "plate",
            },
        },
        "required": ["title", "ingredients"],
        "additionalProperties": False,
        "$defs": {
            "Ingredient": {
                "type": "object",
                "description": "Something that goes in.",
                "properties": {
                    "name": {"type": "string", "description": "what it is"},
                    "grams": {"type": "number", "description": "weight in grams"},
                    "optional": {"type": "boolean"},
                },
                "required": ["name", "grams"],
                "additionalProperties": False,
            }
        },
    }


def test_recursive_class_is_a_root_ref() -> None:
    node = {"$ref": "#/$defs/Node"}
    assert json_schema(Node) == {
        "$ref": "#/$defs/Node",
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {
                    "value": {"type": "integer"},
                    "children": {"type": "array", "items": node},
                    "parent": {"anyOf": [node, {"type": "null"}]},
                },
                "required": ["value"],
                "additionalProperties": False,
            }
        },
    }
    tree = decode(Node, {"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}]})
    assert tree.children[0].children[0] == Node(3)


def test_typed_dict_not_required_and_dict_values() -> None:
    schema = json_schema(Movie)
    assert schema["required"] == ["title", "ratings"]
    assert schema["properties"]["ratings"] == {
        "type": "object",
        "additionalProperties": {"type": "number"},
    }
    assert decode(Movie, {"title": "M", "ratings": {"imdb": 7}}) == {
        "title": "M",
        "ratings": {"imdb": 7.0},
    }


def test_scalars_formats_enums_and_top_level_containers() -> None:
    assert json_schema(Size) == {"type": "integer", "enum": [1, 2]}
    assert json_schema(Color) == {
        "type": "string",
        "enum": ["red", "blue"],
        "description": "A colour.",
    }
    assert json_schema(Literal[1, "a"]) == {"enum": [1, "a"]}
    assert json_schema(list[Annotated[int, "a count"]]) == {
        "type": "array",
        "items": {"type": "integer", "description": "a count"},
    }
    assert json_schema(Event)["properties"]["when"] == {"type": "string", "format": "date-time"}
    assert json_schema(Event)["properties"]["pair"] == {
        "type": "array",
        "prefixItems": [{"type": "integer"}, {"type": "string"}],
        "minItems": 2,
        "maxItems": 2,
    }
    event = decode(
        Event,
        {
            "when": "2025-01-02T03:04:05Z",
            "day": "2025-01-02",
            "id": "12345678-1234-5678-1234-567812345678",
            "pair": [1, "a"],
            "payload": {"free": ["form"]},
        },
    )
    assert event.when == dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    assert event.id.hex == "12345678123456781234567812345678"
    assert to_json(event)["when"] == "2025-01-02T03:04:05Z"
    assert decode(Color, "blue") is Color.BLUE
    assert decode(list[Size], [2, 1]) == [Size.LARGE, Size.SMALL]


def test_every_error_is_reported_with_its_json_path() -> None:
    with pytest.raises(SchemaValidationError) as caught:
        decode(
            Recipe,
            {
                "title": 3,
                "ingredients": [{"name": "egg", "grams": "heavy", "extra": 1}, {"grams": True}],
                "kind": "snack",
                "weird key": None,
            },
        )
    errors = {(e.path, e.message) for e in caught.value.errors}
    assert errors == {
        ("$['weird key']", "unexpected field"),
        ("$.title", "expected string, got a number"),
        ("$.ingredients[0].extra", "unexpected field"),
        ("$.ingredients[0].grams", "expected number, got a string"),
        ("$.ingredients[1].name", "required field missing"),
        ("$.ingredients[1].grams", "expected number, got a boolean"),
        ("$.kind", "expected one of 'main', 'dessert', got 'snack'"),
    }
    assert "$.title: expected string" in str(caught.value)


def test_strictness_of_scalars() -> None:
    assert decode(int, 3.0) == 3
    assert decode(float, 3) == 3.0
    for tp, value in ((int, True), (int, 3.5), (bool, 1), (str, None), (dt.date, "2025-02-30")):
        with pytest.raises(SchemaValidationError):
            decode(tp, value)
    with pytest.raises(SchemaValidationError, match=r"\$: expected integer, got a string or"):
        decode(int | None, "x")


def test_pydantic_models_nested_in_attrs() -> None:
    schema = json_schema(Contact)
    assert schema["properties"]["person"] == {"$ref": "#/$defs/Person"}
    assert set(schema["$defs"]) == {"Person", "Address"}
    assert schema["$defs"]["Person"]["properties"]["address"] == {"$ref": "#/$defs/Address"}
    contact = decode(
        Contact, {"person": {"name": "A", "address": {"street": "s", "city": "c"}}, "note": "n"}
    )
    assert contact.person.address.city == "c"
    assert to_json(contact)["person"] == {"name": "A", "address": {"street": "s", "city": "c"}}
    with pytest.raises(SchemaValidationError) as caught:
        decode(Contact, {"person": {"name": "A", "address": {"street": "s"}}, "note": "n"})
    assert [e.path for e in caught.value.errors] == ["$.person.address.city"]


def test_unsupported_types_name_the_place() -> None:
    class Plain:
        pass

    @attrs.define
    class Holder:
        value: dict[int, str]

    with pytest.raises(TypeError, match="cannot build a JSON Schema for Plain"):
        json_schema(Plain)
    with pytest.raises(TypeError, match=r"Holder.value: dict keys must be str"):
        json_schema(Holder)


def test_to_json_of_tool_results() -> None:
    assert to_json({"n": Size.SMALL, "items": (Color.RED, dt.date(2025, 1, 2))}) == {
        "n": 1,
        "items": ["red", "2025-01-02"],
    }
    assert to_json(Node(1)) == {"value": 1, "children": [], "parent": None}
    with pytest.raises(TypeError, match="cannot convert object"):
        to_json(object())


@settings(max_examples=40, deadline=None)
@given(data=st.data(), cls=attrs_classes)
def test_values_from_the_schema_parse_and_convert_back(data: st.DataObject, cls: Any) -> None:
    schema = json_schema(cls)
    value = data.draw(from_schema(schema, all_properties=True))
    parsed = decode(cls, value)
    assert isinstance(parsed, cls)
    assert to_json(parsed) == value


@settings(max_examples=20, deadline=None)
@given(data=st.data(), cls=attrs_classes)
def test_left_out_optional_members_take_their_defaults(data: st.DataObject, cls: Any) -> None:
    value = data.draw(from_schema(json_schema(cls)))
    parsed = decode(cls, value)
    for field in attrs.fields(cls):
        if field.name not in value:
            assert getattr(parsed, field.name) is None
