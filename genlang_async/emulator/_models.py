"""The fixed catalogue of base models served by ``models.list`` / ``models.get``."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

#: Methods a model supports implicitly when it lists the key method.
IMPLIED_BY = {
    "streamGenerateContent": "generateContent",
    "batchEmbedContents": "embedContent",
    "batchEmbedText": "embedText",
}

#: ``modelVersion`` of aliases, as the live API answers them (others answer their own id).
_VERSIONS = {"gemini-flash-latest": "gemini-3.6-flash"}


@functools.cache
def _data() -> dict[str, Any]:
    text = Path(__file__).with_name("_catalogue.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def catalogue() -> list[dict[str, Any]]:
    """All base models, in ``models.list`` order (fresh copies).

    The first page is the live API's recorded first page, verbatim; later pages hold the
    few models other recordings use, and the legacy models the PaLM methods need.
    """
    data = _data()
    return copy.deepcopy(data["recorded"] + data["more"])


def model_id(model: dict[str, Any]) -> str:
    return str(model["name"]).rsplit("/", 1)[-1]


def model_version(model: dict[str, Any]) -> str:
    """The ``modelVersion`` answers of this model report."""
    return _VERSIONS.get(model_id(model), model_id(model))


def supports(model: dict[str, Any], method: str) -> bool:
    methods = model.get("supportedGenerationMethods") or []
    return method in methods or IMPLIED_BY.get(method, "") in methods
