"""Resolving the model a generation method runs on (base models and tuned models)."""

from __future__ import annotations

from typing import Any

from ._errors import ApiError, failed_precondition, not_found
from ._models import model_version, supports
from ._state import State


def model_not_found(name: str, method: str) -> ApiError:
    return not_found(
        f"{name} is not found for API version v1beta, or is not supported for {method}. "
        "Call ListModels to see the list of available models and their supported methods."
    )


#: What the API lets a tuned model do (``asyncBatchEmbedContent`` embeds as its base would).
_TUNED_METHODS = frozenset(
    {
        "generateContent",
        "streamGenerateContent",
        "generateText",
        "batchGenerateContent",
        "asyncBatchEmbedContent",
    }
)


def resolve(state: State, name: str, method: str) -> tuple[dict[str, Any], str]:
    """(base model, modelVersion) for ``models/x``, ``tunedModels/x`` or ``dynamic/x`` (served
    like ``models/x``); 404 when unusable."""
    if name.startswith("dynamic/"):
        return resolve(state, "models/" + name.removeprefix("dynamic/"), method)
    if name.startswith("tunedModels/"):
        tuned = state.get(name, "Tuned model")
        if tuned.get("state") != "ACTIVE":
            raise failed_precondition(f"Tuned model {name} is not active yet.")
        base = state.models.get(str(tuned.get("baseModel", "")))
        if base is None:
            base = state.models["models/gemini-2.5-flash"]
        if method in _TUNED_METHODS:
            return base, name
        raise model_not_found(name, method)
    model = state.models.get(name)
    if model is None or not supports(model, method):
        raise model_not_found(name, method)
    return model, model_version(model)
