"""Deterministic, L2-normalised hashed bag-of-words + char-trigram embeddings."""

from __future__ import annotations

import functools
import hashlib
import math
import operator
import re
from collections.abc import Sequence
from itertools import chain, repeat

from ._pretty import SparseVector

_WORD_RE = re.compile(r"\w+")


def _features(word: str) -> list[tuple[str, float]]:
    """The features of one (lower-cased) word: itself, then its padded trigrams."""
    features = [("w:" + word, 1.0)]
    padded = f"^{word}$"
    for i in range(len(padded) - 2):
        features.append(("t:" + padded[i : i + 3], 0.35))
    return features


@functools.lru_cache(maxsize=1 << 16)
def _slot(feature: str, dimensions: int) -> tuple[int, float]:
    """Where a feature lands in the vector, and with which sign (a hash, remembered)."""
    digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
    return int.from_bytes(digest[:4], "big") % dimensions, 1.0 if digest[4] & 1 else -1.0


@functools.lru_cache(maxsize=1 << 15)
def _word_slots(word: str, dimensions: int) -> tuple[tuple[int, float], ...]:
    """What one word adds to a vector: ``(index, signed weight)`` per feature, in feature
    order (a pure function of the word, remembered: texts share most of their words)."""
    slots = []
    for feature, weight in _features(word):
        index, sign = _slot(feature, dimensions)
        slots.append((index, sign * weight))
    return tuple(slots)


def _feature_sums(text: str, dimensions: int) -> dict[int, float]:
    """Each touched index of the vector, with the sum of the signed weights landing there
    (added in word order, then feature order)."""
    sums: dict[int, float] = {}
    get = sums.get
    words = _WORD_RE.findall(text.lower())
    for index, value in chain.from_iterable(map(_word_slots, words, repeat(dimensions))):
        sums[index] = get(index, 0.0) + value
    return sums


def embed(text: str, dimensions: int = 768) -> SparseVector:
    """A unit vector for ``text``; texts sharing words and trigrams get close vectors.

    Only the few entries the features touch are non-zero; the vector knows which (a
    :class:`SparseVector`), so writing it out costs little more than those entries."""
    dimensions = max(1, dimensions)
    sums = _feature_sums(text, dimensions)
    # Sorted by index, as the norm is summed (an entry that cancelled out to 0.0 adds 0.0).
    indexes = sorted(sums)
    values = list(map(sums.__getitem__, indexes))
    norm = math.sqrt(sum(map(operator.mul, values, values)))
    if norm == 0.0:  # no features, or all cancelled out
        return SparseVector.from_sorted(dimensions, (0,), (1.0,))
    # A text's entries take a handful of distinct values: each is scaled and rounded (which
    # costs as much as formatting a float) once.
    scaled = {value: round(value / norm, 8) for value in set(values)}
    return SparseVector.from_sorted(dimensions, indexes, list(map(scaled.__getitem__, values)))


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    n = min(len(a), len(b))
    dot = sum(a[i] * b[i] for i in range(n))
    na = math.sqrt(sum(x * x for x in a[:n])) or 1.0
    nb = math.sqrt(sum(x * x for x in b[:n])) or 1.0
    return dot / (na * nb)
