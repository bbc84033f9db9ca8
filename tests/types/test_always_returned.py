"""Fields the API always returns are typed without ``None`` (``always_returned.json``): each
entry is backed by its evidence, takes proto3's default when absent, and round-trips."""

from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path
from typing import Any

import attrs
import pytest
from conftest import TEST_KEY, LoopbackServer
from test_types_fixtures import BODY_TYPES, FIXTURES, body_of, sse_events

import genlang_async.types as T
from genlang_async import Client
from genlang_async.types._defaults import always_set

API_DIR = Path(__file__).resolve().parents[2] / "tools" / "codegen" / "api"
API: dict[str, Any] = json.loads((API_DIR / "v1beta.json").read_text())
ALWAYS: dict[str, list[str]] = json.loads((API_DIR / "always_returned.json").read_text())["fields"]
SCHEMAS: dict[str, Any] = API["schemas"]


def attr_of(key: str) -> tuple[type[Any], str]:
    schema, _, wire = key.partition(".")
    cls = getattr(T, schema)
    (attr,) = [a for a, w, _kind in cls._wire_ if w == wire]
    return cls, attr


def field_of(key: str) -> dict[str, Any]:
    schema, _, wire = key.partition(".")
    (field,) = [f for f in SCHEMAS[schema]["fields"] if f["name"] == wire]
    return field


# ----------------------------------------------------------------------------- evidence


def recorded_instances() -> dict[str, list[dict[str, Any]]]:
    """Schema -> every object of it in the recordings (walked through typed fields)."""
    found: dict[str, list[dict[str, Any]]] = {}

    def walk(name: str, data: Any) -> None:
        if not isinstance(data, dict) or name not in SCHEMAS:
            return
        found.setdefault(name, []).append(data)
        for f in SCHEMAS[name]["fields"]:
            value = data.get(f["name"])
            inner = f.get("items") if f["type"] == "array" else f
            if inner and inner["type"] == "ref":
                for item in value if isinstance(value, list) else [value]:
                    walk(inner["ref"], item)

    for path in sorted(FIXTURES.glob("*/*.json")):
        response = json.loads(path.read_text())["response"]
        category = path.parent.name
        if category == "errors":
            walk("Status", body_of(response)["error"])
        elif category == "stream_sse":
            for event in sse_events(response["body_text"]):
                walk("GenerateContentResponse", event)
        elif category == "stream_json":
            for event in json.loads(response["body_text"]):
                walk("GenerateContentResponse", event)
        else:
            name = "GenerateContentResponse" if category == "generate" else None
            name = name or BODY_TYPES[f"{category}/{path.stem}"]
            if name is not None:
                body = body_of(response)
                walk(name, body)
                if name == "Operation":  # a batch's metadata is a GenerateContentBatch
                    walk("GenerateContentBatch", body.get("metadata"))
    return found


RECORDED = recorded_instances()


@pytest.mark.parametrize("key", sorted(k for k, why in ALWAYS.items() if "recorded" in why))
def test_recorded_fields_are_in_every_recording(key: str) -> None:
    schema, _, wire = key.partition(".")
    instances = RECORDED.get(schema, [])
    assert instances, f"{schema} is not in any recording"
    missing = [data for data in instances if data.get(wire) is None]
    assert not missing, f"{key} is missing from {len(missing)} of {len(instances)} recordings"


@pytest.mark.parametrize("key", sorted(ALWAYS))
def test_every_entry_has_its_evidence(key: str) -> None:
    why = ALWAYS[key]
    assert why
    assert set(why) <= {"required", "recorded", "identifier"}
    field = field_of(key)
    assert not field.get("write_only")
    if "required" in why:
        assert field.get("required"), key
    if "identifier" in why:
        assert field["name"] == "name", key
        assert field["type"] == "string", key


def test_required_but_not_returned_stays_optional() -> None:
    """The spec flag alone is not enough: the live API leaves ``Model.baseModelId`` out."""
    assert field_of("Model.baseModelId").get("required")
    models = RECORDED["Model"]
    assert models
    assert all("baseModelId" not in m for m in models)
    assert T.Model.from_dict({"name": "models/m"}).base_model_id is None


# ----------------------------------------------------------------------------- typing


def test_exactly_the_listed_fields_are_typed_without_none() -> None:
    listed: dict[type[Any], set[str]] = {}
    for key in ALWAYS:
        cls, attr = attr_of(key)
        listed.setdefault(cls, set()).add(attr)
    assert len(ALWAYS) == 49
    for name in SCHEMAS:
        cls = getattr(T, name)
        assert set(always_set(cls)) == listed.get(cls, set()), name
        for field in attrs.fields(cls):
            optional = "None" in str(field.type)
            assert optional == (field.name not in listed.get(cls, set())), (name, field.name)


@pytest.mark.parametrize("key", sorted(ALWAYS))
def test_absent_field_takes_the_proto3_default(key: str) -> None:
    cls, attr = attr_of(key)
    field = field_of(key)
    value = getattr(cls.from_dict({}), attr)
    kind = field["type"]
    if kind == "enum":
        assert value is getattr(T, field["enum"])(API["enums"][field["enum"]]["values"][0])
        assert value.endswith("_UNSPECIFIED")
    elif kind == "ref":
        assert value == getattr(T, field["ref"])()
    else:
        expected = {"string": "", "int32": 0, "int64": 0, "array": [], "struct": {}}[kind]
        assert value == expected
        assert type(value) is type(expected)
    assert getattr(cls(), attr) == value
    assert cls.from_dict({}).to_dict() == {}
    assert repr(cls()) == f"{cls.__name__}()"


def test_present_values_are_kept() -> None:
    wire = {
        "name": "files/abc",
        "uri": "https://example.test/files/abc",
        "mimeType": "audio/mpeg",
        "sizeBytes": "1234",
        "state": "ACTIVE",
        "displayName": "song",
    }
    file = T.File.from_dict(wire)
    assert file.name.startswith("files/")
    assert (file.uri, file.mime_type, file.size_bytes) == (wire["uri"], "audio/mpeg", 1234)
    assert file.state is T.FileState.ACTIVE
    assert file.extra is None
    assert file.to_dict() == wire
    call = T.FunctionCall.from_dict({"name": "get_weather", "args": {"city": "Oslo"}})
    assert call.name.upper() == "GET_WEATHER"
    assert call.args["city"] == "Oslo"


def test_mutable_defaults_are_not_shared() -> None:
    a, b = T.EmbedContentResponse(), T.EmbedContentResponse.from_dict({})
    a.embedding.values.append(1.0)
    assert b.embedding.values == []
    assert T.ContentEmbedding().values == []
    assert a.to_dict() == {"embedding": {"values": [1.0]}}
    c, d = T.FunctionCall(), T.FunctionCall.from_dict({})
    c.args["x"] = 1
    assert d.args == {}
    assert T.Content().parts == []


# ----------------------------------------------------------------------------- round trips


@pytest.mark.parametrize(
    ("cls", "wire"),
    [
        (T.File, {"name": "", "uri": "u"}),
        (T.File, {"sizeBytes": "0", "state": "STATE_UNSPECIFIED"}),
        (T.EmbedContentResponse, {"embedding": {}}),
        (T.FunctionCall, {"name": "f", "args": {}}),
        (T.Content, {"parts": [], "role": "model"}),
        (T.Status, {"code": 0, "message": ""}),
        (T.SafetyRating, {"category": 0, "probability": "NEGLIGIBLE"}),
    ],
)
def test_a_default_spelled_out_is_written_back(cls: type[Any], wire: dict[str, Any]) -> None:
    """Canonical proto3 JSON leaves defaults out; a body that spells one out still comes back
    as it was (the value is also kept in ``extra``), on the fast and the checked path."""
    for data in (wire, OrderedDict(wire)):
        obj = cls.from_dict(data)
        assert obj.to_dict() == wire
        assert cls.from_dict(obj.to_dict()) == obj


def test_a_null_or_cleared_field_round_trips() -> None:
    nulled = T.File.from_dict({"name": None, "uri": "u"})
    assert nulled.name == ""
    assert nulled.to_dict() == {"name": None, "uri": "u"}
    file = T.File.from_dict({"name": "files/a"})
    file.name = ""  # back at the default: left out, as proto3 JSON does
    assert file.to_dict() == {}
    built = T.File(name="files/b", state=T.FileState.ACTIVE)
    assert built.to_dict() == {"name": "files/b", "state": "ACTIVE"}
    assert T.File.from_dict(built.to_dict()) == built


def test_a_wrong_type_is_still_a_named_error() -> None:
    with pytest.raises(ValueError, match=r"File\.sizeBytes"):
        T.File.from_dict({"sizeBytes": "many"})


# ----------------------------------------------------------------------------- end to end


@pytest.mark.usefixtures("no_key_env")
async def test_a_response_missing_them_gives_defaults(server: LoopbackServer) -> None:
    server.reply("GET", "/v1beta/files/abc", (200, {"displayName": "x"}))
    call = {"functionCall": {"id": "1"}}
    answer = {"candidates": [{"content": {"parts": [call]}}, {"content": {"role": "model"}}]}
    server.reply("POST", "/v1beta/models/m:generateContent", (200, answer))
    server.reply("POST", "/v1beta/models/m:embedContent", (200, {}))
    async with Client(api_key=TEST_KEY, base_url=server.url, max_retries=0) as client:
        file = await client.files.get("abc")
        response = await client.models.generate_content("m", contents="hi")
        embedded = await client.models.embed_content("m", content="hi")
    assert (file.name, file.uri, file.size_bytes, file.display_name) == ("", "", 0, "x")
    assert file.state is T.FileState.STATE_UNSPECIFIED
    (function_call,) = response.function_calls
    assert (function_call.name, function_call.args, function_call.id) == ("", {}, "1")
    assert response.candidates is not None
    second = response.candidates[1].content
    assert second is not None
    assert second.parts == []
    assert embedded.embedding.values == []


def test_the_wire_format_guide_lists_them() -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "wire-format.md").read_text()
    section = guide.split("## Fields the API always returns", 1)[1].split("\n## ", 1)[0]
    shown = set()
    for line in section.splitlines():
        cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
        if line.startswith("| `") and len(cells) == 2:
            shown |= {(cells[0], attr.strip().strip("`")) for attr in cells[1].split(",")}
    listed = set()
    for key in ALWAYS:
        cls, attr = attr_of(key)
        listed.add((cls.__name__, attr))
    assert shown == listed
