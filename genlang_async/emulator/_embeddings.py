"""Deterministic, L2-normalised hashed bag-of-words + char-trigram embeddings."""

from __future__ import annotations

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


def embed(text: str, dimensions: int = 768) -> list[float]:
    """A unit vector for ``text``; texts sharing words and trigrams get close vectors."""
    dimensions = max(1, dimensions)
    vector = [0.0] * dimensions
    for feature, weight in _features(text):
        digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
        index = int.from_bytes(digest[:4], "big") % dimensions
        sign = 1.0 if digest[4] & 1 else -1.0
        vector[index] += sign * weight
    norm = math.sqrt(sum(v * v for v in vector))
    if norm == 0.0:
        vector[0] = 1.0
        return vector
    return [round(v / norm, 8) for v in vector]


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    n = min(len(a), len(b))
    dot = sum(a[i] * b[i] for i in range(n))
    na = math.sqrt(sum(x * x for x in a[:n])) or 1.0
    nb = math.sqrt(sum(x * x for x in b[:n])) or 1.0
    return dot / (na * nb)
