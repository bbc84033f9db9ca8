"""``function_declaration(fn)``: the declaration from the signature, hints and docstring;
the model's arguments converted back (``_core.declarations``)."""

from __future__ import annotations

import dataclasses
import enum
from typing import Annotated, Any, Literal

import attrs
import pytest

from genlang_async import function_declaration
from genlang_async._core.declarations import FunctionSpec, parse_docstring
from genlang_async._core.json_schema import SchemaValidationError
from genlang_async.types import FunctionDeclaration


class Unit(enum.Enum):
    CELSIUS = "celsius"
    FAHRENHEIT = "fahrenheit"


@attrs.define
class Place:
    city: str
    country: str | None = None


@dataclasses.dataclass
class Window:
    days: int
    hourly: bool = False


def google(place: Place, unit: Unit = Unit.CELSIUS, window: Window | None = None) -> dict[str, Any]:
    """Get the weather forecast.

    Args:
        place: Where to look,
            city first.
        unit (Unit): Temperature unit.

    Returns:
        The forecast.
    """
    return {}


def numpy(kind: Literal["rain", "snow"], hours: list[int]) -> None:
    """Chance of precipitation.

    Parameters
    ----------
    kind : str
        Rain or snow.
    hours : list of int
        Hours ahead.

    Returns
    -------
    None
    """


async def sphinx(query: Annotated[str, "what to search for"], limit: int = 10) -> list[str]:
    """Search the catalogue.

    :param query: ignored in favour of the annotation
    :param int limit: at most this many
        results.
    :returns: titles
    """
    return []


def test_google_style_and_classes() -> None:
    declaration = function_declaration(google)
    assert isinstance(declaration, FunctionDeclaration)
    assert declaration.name == "google"
    assert declaration.description == "Get the weather forecast."
    schema = declaration.parameters_json_schema
    assert schema["required"] == ["place"]
    assert schema["properties"]["place"] == {
        "$ref": "#/$defs/Place",
        "description": "Where to look, city first.",
    }
    assert schema["properties"]["unit"] == {
        "type": "string",
        "enum": ["celsius", "fahrenheit"],
        "description": "Temperature unit.",
    }
    assert schema["properties"]["window"] == {
        "anyOf": [{"$ref": "#/$defs/Window"}, {"type": "null"}]
    }
    assert set(schema["$defs"]) == {"Place", "Window"}


def test_numpy_and_sphinx_styles() -> None:
    numpy_schema = FunctionSpec.of(numpy).declaration
    assert numpy_schema["description"] == "Chance of precipitation."
    assert numpy_schema["parametersJsonSchema"]["properties"] == {
        "kind": {"type": "string", "enum": ["rain", "snow"], "description": "Rain or snow."},
        "hours": {"type": "array", "items": {"type": "integer"}, "description": "Hours ahead."},
    }
    sphinx_schema = FunctionSpec.of(sphinx).declaration["parametersJsonSchema"]
    assert sphinx_schema["properties"] == {
        "query": {"type": "string", "description": "what to search for"},
        "limit": {"type": "integer", "description": "at most this many results."},
    }
    assert sphinx_schema["required"] == ["query"]


def test_docstring_without_sections() -> None:
    assert parse_docstring("One line.") == ("One line.", {})
    assert parse_docstring(None) == (None, {})
    assert parse_docstring("Summary\n\nMore about it.\n") == ("Summary More about it.", {})


def test_arguments_convert_to_the_annotated_types() -> None:
    spec = FunctionSpec.of(google)
    kwargs = spec.arguments(
        {"place": {"city": "Oslo"}, "unit": "fahrenheit", "window": {"days": 2}}
    )
    assert kwargs == {
        "place": Place("Oslo"),
        "unit": Unit.FAHRENHEIT,
        "window": Window(days=2),
    }
    with pytest.raises(SchemaValidationError) as caught:
        spec.arguments({"place": {"city": 1}, "unit": "kelvin", "extra": True})
    assert {e.path for e in caught.value.errors} == {"$.extra", "$.place.city", "$.unit"}
    with pytest.raises(SchemaValidationError, match=r"\$.place: required argument missing"):
        spec.arguments(None)


def test_what_cannot_be_declared() -> None:
    def star(*args: int) -> None: ...

    def opaque(value: bytes) -> None: ...

    with pytest.raises(TypeError, match=r"star: \*args / \*\*kwargs"):
        function_declaration(star)
    with pytest.raises(TypeError, match=r"opaque\(value\): cannot build a JSON Schema"):
        function_declaration(opaque)
    with pytest.raises(TypeError, match="a tool must be a named function"):
        function_declaration(lambda: None)
