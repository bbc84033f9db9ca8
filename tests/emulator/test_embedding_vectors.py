"""The emulator's embeddings: the same numbers and the same response bytes as before they
were computed and written sparsely, and :class:`SparseVector` behaving as a tuple of floats."""

from __future__ import annotations

import copy
import hashlib
import json
import math
import pickle
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genlang_async.emulator._embeddings import _features, _slot, embed
from genlang_async.emulator._pretty import SparseVector, pretty_json

from .conftest import Api

# Written down from the emulator before its embeddings were made sparse (dense lists, the
# standard encoder's output): what clients, tests and recordings have seen all along.
CAT_8 = [0.377897, 0.1133691, 0.377897, -0.62353005, 0.13226395, 0.51016095, 0.13226395, 0.13226395]
RIVERS_NONZERO = {
    14: -0.31718074, 64: 0.11101326, 135: -0.11101326, 180: -0.11101326, 189: 0.31718074,
    195: -0.11101326, 203: 0.11101326, 209: 0.11101326, 327: 0.31718074, 336: 0.11101326,
    340: 0.31718074, 359: 0.11101326, 376: 0.11101326, 384: -0.31718074, 415: 0.11101326,
    478: -0.11101326, 514: 0.11101326, 532: -0.11101326, 536: 0.11101326, 553: 0.11101326,
    554: 0.11101326, 570: -0.11101326, 578: -0.11101326, 622: -0.11101326, 668: 0.11101326,
    675: 0.11101326, 716: -0.11101326, 751: 0.31718074, 761: 0.11101326, 763: -0.11101326,
    765: -0.31718074,
}  # fmt: skip
TEXTS = [
    "the cat sat on the mat",
    "",
    "Ünïcödé façade 東京 42",
    "a a a a",
    "x y x y",
    "note 7: a short line about rivers",
    "The quick brown fox jumps over the lazy dog. " * 20,
]
BATCH_SHA256 = "742a3bebf7f9b5cb4210404f86c12c4e715285a8d4728d24a727068a310a9761"
SINGLE_SHA256 = {
    3: "0cde2ae702bcff49f55561f5a5542a4d2d686a0d358ea6e6f9add35bf57bc42f",
    64: "ecf8e4e812534bedd43e7b64514d47402384ebbc9df5e76caa731dd0f164f074",
    768: "b7fd8ee5c5bf846ebc1a2f49e159279776a45d843c1cbeb0d03c53e5d8ee5ca9",
    3072: "ea00602446eae9c4aab91739b9b51ba13c2e5464a0a983eab41c19818c7db6b1",
}


def test_vectors_keep_their_known_values() -> None:
    assert list(embed("the cat sat on the mat", 8)) == CAT_8
    rivers = embed("note 7: a short line about rivers")
    assert len(rivers) == 768
    assert {i: v for i, v in enumerate(rivers) if v} == RIVERS_NONZERO
    assert list(embed("", 5)) == [1.0, 0.0, 0.0, 0.0, 0.0]  # no features: a unit vector
    assert math.isclose(math.fsum(v * v for v in embed(TEXTS[-1], 3072)), 1.0, rel_tol=1e-6)


async def test_responses_keep_their_bytes(api: Api) -> None:
    base = api.base + "/v1beta/models/gemini-embedding-001"
    headers = {"x-goog-api-key": "test-key"}
    requests = [
        {"model": "models/gemini-embedding-001", "content": {"parts": [{"text": t}]}} for t in TEXTS
    ]
    async with api.session.post(
        base + ":batchEmbedContents", json={"requests": requests}, headers=headers
    ) as answer:
        assert answer.status == 200
        assert hashlib.sha256(await answer.read()).hexdigest() == BATCH_SHA256
    for dimensions, digest in SINGLE_SHA256.items():
        body = {"content": {"parts": [{"text": TEXTS[0]}]}, "outputDimensionality": dimensions}
        async with api.session.post(base + ":embedContent", json=body, headers=headers) as answer:
            raw = await answer.read()
        assert hashlib.sha256(raw).hexdigest() == digest
        assert raw.decode() == json.dumps(json.loads(raw), indent=2) + "\n"  # pretty-printed


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet="ab c1", max_size=30) | st.text(max_size=30),
    dimensions=st.integers(1, 40) | st.sampled_from([768, 3072]),
)
def test_the_same_vector_as_a_dense_computation(text: str, dimensions: int) -> None:
    dense = [0.0] * dimensions
    for word in re.findall(r"\w+", text.lower()):
        for feature, weight in _features(word):
            index, sign = _slot(feature, dimensions)
            dense[index] += sign * weight
    norm = math.sqrt(sum(value * value for value in dense))
    expected = [round(value / norm, 8) for value in dense] if norm else [1.0, *dense[1:]]
    vector = embed(text, dimensions)
    assert list(vector) == expected
    assert [value for _, value in vector.entries] == [vector[i] for i, _ in vector.entries]


def test_a_sparse_vector_is_a_tuple_of_floats() -> None:
    vector = SparseVector(40, [(3, 0.5), (39, -0.25), (3, 0.75)])  # an index's last entry counts
    assert vector == (0.0,) * 3 + (0.75,) + (0.0,) * 35 + (-0.25,)
    assert vector.entries == ((3, 0.75), (39, -0.25))
    assert json.dumps(vector) == json.dumps(list(vector))
    assert pickle.loads(pickle.dumps(vector)) == vector
    clone = copy.deepcopy(vector)
    assert clone == vector
    assert clone.entries == vector.entries
    assert type(clone) is SparseVector
    with pytest.raises(TypeError):
        vector[0] = 1.0  # type: ignore[index]
    with pytest.raises(IndexError):
        SparseVector(4, [(4, 1.0)])
    with pytest.raises(IndexError):
        SparseVector(4, [(-1, 1.0)])
    with pytest.raises(TypeError):
        SparseVector(4, [(1, 1)])  # type: ignore[list-item]
    assert SparseVector(0) == ()


def _vectors(draw: Any) -> SparseVector:
    length = draw(st.integers(0, 90))
    indexes = st.integers(0, length - 1) if length else st.nothing()
    numbers = st.floats() | st.sampled_from([0.0, -0.0, 1e-05, 1e16, -1.5])
    entries = draw(st.lists(st.tuples(indexes, numbers), max_size=12 if length else 0))
    return SparseVector(length, entries)


vectors = st.composite(_vectors)()


@settings(max_examples=150, deadline=None)
@given(value=st.recursive(vectors, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.text(max_size=4), inner, max_size=3), max_leaves=6))  # fmt: skip
def test_written_like_the_standard_encoder(value: Any) -> None:
    assert pretty_json(value) == json.dumps(value, indent=2)


@pytest.mark.parametrize(
    "key", ["outputDimensionality", "output_dimensionality", "output\\u005fdimensionality"]
)
async def test_a_field_name_is_read_however_written(api: Api, key: str) -> None:
    # The emulator skips turning proto names into JSON names when the text shows none.
    raw = '{"content": {"parts": [{"text": "cat"}]}, "' + key + '": 5}'
    async with api.session.post(
        api.base + "/v1beta/models/gemini-embedding-001:embedContent",
        data=raw.encode(),
        headers={"x-goog-api-key": "test-key", "Content-Type": "application/json"},
    ) as answer:
        assert answer.status == 200
        assert len((await answer.json())["embedding"]["values"]) == 5
