"""Tests of resource-name validation and bare-id completion."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genlang_async._core.names import resolve_name

MODEL_PATTERNS = ("models/*", "tunedModels/*")


@pytest.mark.parametrize(
    ("value", "pattern", "expected"),
    [
        ("gemini-2.5-flash", "models/*", "models/gemini-2.5-flash"),
        ("gemini-2.0-flash-001", "models/*", "models/gemini-2.0-flash-001"),
        ("abc", "files/*", "files/abc"),
        ("abc123", "cachedContents/*", "cachedContents/abc123"),
        ("my-corpus", "corpora/*", "corpora/my-corpus"),
        ("b1", "batches/*", "batches/b1"),
        ("x", "models/{model}", "models/x"),
    ],
)
def test_bare_id_completed(value: str, pattern: str, expected: str) -> None:
    assert resolve_name(value, pattern) == expected


@pytest.mark.parametrize(
    ("value", "pattern"),
    [
        ("models/gemini-2.5-flash", "models/*"),
        ("files/abc", "files/*"),
        ("corpora/c/documents/d", "corpora/*/documents/*"),
        ("corpora/c/documents/d/chunks/k", "corpora/*/documents/*/chunks/*"),
        ("tunedModels/t/permissions/p", "tunedModels/*/permissions/*"),
        ("tunedModels/t/operations/o", "tunedModels/*/operations/*"),
        ("fileSearchStores/s/documents/d", "fileSearchStores/*/documents/*"),
        ("fileSearchStores/s/upload/operations/o", "fileSearchStores/*/upload/operations/*"),
        ("corpora/c/documents/d", "corpora/{corpus}/documents/{document}"),
        ("batches", "batches"),  # a literal pattern (``{name=batches}`` in the API)
    ],
)
def test_full_name_returned_as_is(value: str, pattern: str) -> None:
    assert resolve_name(value, pattern) == value


def test_several_patterns_first_match_wins() -> None:
    assert resolve_name("gemini-2.5-flash", *MODEL_PATTERNS) == "models/gemini-2.5-flash"
    assert resolve_name("models/gemini-2.5-flash", *MODEL_PATTERNS) == "models/gemini-2.5-flash"
    assert resolve_name("tunedModels/my-tune", *MODEL_PATTERNS) == "tunedModels/my-tune"
    # Completion uses the first pattern that can complete a bare id.
    assert resolve_name("x", "corpora/*/documents/*", "files/*") == "files/x"


def test_wrong_collection_rejected() -> None:
    with pytest.raises(ValueError, match=r"name must look like 'models/\{model\}'.*'files/abc'"):
        resolve_name("files/abc", "models/*")
    with pytest.raises(ValueError, match="'tunedModels/x'"):
        resolve_name("tunedModels/x", "models/*")
    with pytest.raises(ValueError, match="'Models/x'"):
        resolve_name("Models/x", "models/*")  # collection names are case-sensitive


def test_partial_name_rejected_with_expected_form() -> None:
    expected = "name must look like 'corpora/{corpus}/documents/{document}', got 'corpora/x'"
    with pytest.raises(ValueError, match="corpora") as info:
        resolve_name("corpora/x", "corpora/*/documents/*")
    assert str(info.value) == expected


def test_bare_id_not_completed_for_multi_wildcard_pattern() -> None:
    with pytest.raises(ValueError, match="got 'doc'"):
        resolve_name("doc", "corpora/*/documents/*")


def test_bare_id_not_completed_for_literal_pattern() -> None:
    with pytest.raises(ValueError, match="got 'other'"):
        resolve_name("other", "batches")


def test_message_mentions_bare_id_when_completable() -> None:
    with pytest.raises(ValueError, match=r"or a bare id, completed to 'models/\{id\}'"):
        resolve_name("a/b", "models/*", argument="model")


def test_argument_name_used_in_messages() -> None:
    with pytest.raises(ValueError, match=r"^model must look like 'models/\{model\}' or "):
        resolve_name("files/x", *MODEL_PATTERNS, argument="model")
    with pytest.raises(TypeError, match=r"^parent must be a str, got int$"):
        resolve_name(3, "corpora/*", argument="parent")


def test_placeholder_names() -> None:
    message = ""
    try:
        resolve_name("?", "tunedModels/*/permissions/*", "cachedContents/*", "batches/*")
    except ValueError as exc:
        message = str(exc)
    assert "'tunedModels/{tuned_model}/permissions/{permission}'" in message
    assert "'cachedContents/{cached_content}'" in message
    assert "'batches/{batch}'" in message


@pytest.mark.parametrize("value", [None, b"models/x", 1, ["models/x"]])
def test_non_str_rejected(value: object) -> None:
    with pytest.raises(TypeError, match="name must be a str"):
        resolve_name(value, "models/*")


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        "gemini 2.5",
        " gemini",
        "gemini\n",
        "gemini\t",
        "a?b",
        "a#b",
        "a%2Fb",
        "a:generateContent",
        ".",
        "..",
        "a*",
        "{x}",
        "caf\u00e9",
        "a\x00",
        "models/",
        "models//x",
        "models/x/",
        "/models/x",
        "models/..",
        "models/.",
        "models/a b",
        "models/x:generateContent",
        "models/x?alt=sse",
        "https://example.com/v1beta/models/x",
    ],
)
def test_invalid_values_rejected(value: str) -> None:
    with pytest.raises(ValueError, match="name must look like"):
        resolve_name(value, "models/*")


def test_message_names_bad_characters() -> None:
    with pytest.raises(ValueError, match=r"not allowed in an id: ' \?'"):
        resolve_name("models/a b?", "models/*")
    with pytest.raises(ValueError, match="empty segment"):
        resolve_name("models//x", "models/*")


def test_dots_allowed_inside_ids() -> None:
    assert resolve_name("...x", "models/*") == "models/...x"
    assert resolve_name("models/a..b", "models/*") == "models/a..b"


@pytest.mark.parametrize("pattern", ["", "models/", "models/**", "models/{x", "a b/*", "*/x/"])
def test_invalid_pattern(pattern: str) -> None:
    with pytest.raises(ValueError, match="invalid resource name pattern"):
        resolve_name("x", pattern)


def test_no_pattern() -> None:
    with pytest.raises(TypeError, match="at least one pattern"):
        resolve_name("x")


# --- properties -----------------------------------------------------------------------------

ID_ALPHABET = "ABCXYZabcxyz0189-._~!$&'()+,;=@"
ids = st.text(alphabet=ID_ALPHABET, min_size=1, max_size=40).filter(lambda s: s not in {".", ".."})
collections = st.sampled_from(
    ["models", "tunedModels", "files", "cachedContents", "corpora", "batches", "fileSearchStores"]
)


@given(collections, ids)
def test_any_valid_id_completes_then_validates(collection: str, id_: str) -> None:
    pattern = f"{collection}/*"
    name = resolve_name(id_, pattern)
    assert name == f"{collection}/{id_}"
    assert resolve_name(name, pattern) == name


@given(st.lists(st.tuples(collections, ids), min_size=1, max_size=4))
def test_any_full_name_round_trips(pairs: list[tuple[str, str]]) -> None:
    pattern = "/".join(f"{collection}/*" for collection, _ in pairs)
    name = "/".join(f"{collection}/{id_}" for collection, id_ in pairs)
    assert resolve_name(name, pattern) == name
    assert resolve_name(name, "batches/*", pattern) == name


@given(st.text(max_size=30))
def test_arbitrary_text_is_a_name_or_a_value_error(text: str) -> None:
    try:
        name = resolve_name(text, "models/*", "tunedModels/*")
    except ValueError:
        return
    assert re.fullmatch(r"(models|tunedModels)/[A-Za-z0-9\-._~!$&'()+,;=@]+", name)
    assert name.split("/")[1] not in {".", ".."}
