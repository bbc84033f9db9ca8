"""Deterministic, L2-normalised hashed bag-of-words + char-trigram embeddings."""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections.abc import Sequence

_WORD_RE = re.compile(r"\w+")


def _features(text: str) -> list[tuple[str, float]]:
    features: list[tuple[str, float]] = []
    for word in _WORD_RE.findall(text.lower()):
        features.append(("w:" + word, 1.0))
        padded = f"^{word}$"
        for i in range(len(padded) - 2):
            features.append(("t:" + padded[i : i + 3], 0.35))
    return features


@functools.lru_cache(maxsize=1 << 16)
def _slot(feature: str, dimensions: int) -> tuple[int, float]:
    """Where a feature lands in the vector, and with which sign (a hash, remembered)."""
    digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
    return int.from_bytes(digest[:4], "big") % dimensions, 1.0 if digest[4] & 1 else -1.0


def embed(text: str, dimensions: int = 768) -> list[float]:
    """A unit vector for ``text``; texts sharing words and trigrams get close vectors."""
    dimensions = max(1, dimensions)
    # Only the few entries the features touch are non-zero: work on those alone.
    touched: dict[int, float] = {}
    for feature, weight in _features(text):
        index, sign = _slot(feature, dimensions)
        touched[index] = touched.get(index, 0.0) + sign * weight
    vector = [0.0] * dimensions
    norm = math.sqrt(sum(touched[i] * touched[i] for i in sorted(touched) if touched[i]))
    if norm == 0.0:
        vector[0] = 1.0
        return vector
    for index, value in touched.items():
        if value:
            vector[index] = round(value / norm, 8)
    return vector


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    n = min(len(a), len(b))
    dot = sum(a[i] * b[i] for i in range(n))
    na = math.sqrt(sum(x * x for x in a[:n])) or 1.0
    nb = math.sqrt(sum(x * x for x in b[:n])) or 1.0
    return dot / (na * nb)
