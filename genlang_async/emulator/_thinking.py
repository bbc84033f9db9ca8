"""Thinking models: thought tokens, thought signatures and the checks the live API makes."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from . import _tokens
from ._errors import invalid
from ._models import model_id, model_version
from ._textgen import rng_for, sentence

_LEVELS = ("MINIMAL", "LOW", "MEDIUM", "HIGH")


def is_gemini3(model: dict[str, Any]) -> bool:
    """Gemini 3 models, and aliases the live API resolves to one (``gemini-flash-latest``)."""
    return model_version(model).startswith(("gemini-3", "nano-banana"))


def thinks(model: dict[str, Any], config: dict[str, Any]) -> bool:
    """Whether this request makes the model think (``thinkingBudget: 0`` turns it off)."""
    budget = (config.get("thinkingConfig") or {}).get("thinkingBudget")
    return bool(model.get("thinking")) and budget != 0


def thought_text(seed: int) -> str:
    """The (deterministic) thought summary; its tokens are ``thoughtsTokenCount``."""
    return "**Considering the request**\n\n" + sentence(rng_for(seed, "t"))


def thought_tokens(text: str, config: dict[str, Any]) -> int:
    budget = (config.get("thinkingConfig") or {}).get("thinkingBudget")
    count = _tokens.count_text(text)
    return min(count, budget) if isinstance(budget, int) and budget > 0 else count


def signature(seed: int, index: int) -> str:
    """An opaque base64 ``thoughtSignature`` (deterministic, like every emulator answer)."""
    digest = b"".join(hashlib.sha256(f"{seed}:{index}:{k}".encode()).digest() for k in range(3))
    return base64.b64encode(b"\x12" + digest[:95]).decode()


def sign_parts(parts: list[dict[str, Any]], model: dict[str, Any], seed: int) -> None:
    """Add ``thoughtSignature`` as the live API does: on the first function call of a turn,
    and (Gemini 3) on the last part of a turn without calls."""
    calls = [p for p in parts if "functionCall" in p]
    if calls:
        calls[0]["thoughtSignature"] = signature(seed, 0)
    elif is_gemini3(model) and parts and not parts[-1].get("thought"):
        parts[-1]["thoughtSignature"] = signature(seed, len(parts))


def validate_thinking(config: dict[str, Any], model: dict[str, Any]) -> None:
    """The thinking-config checks seen in the live API's answers."""
    thinking = config.get("thinkingConfig") or {}
    if "thinkingBudget" in thinking and "thinkingLevel" in thinking:
        raise invalid("You can only set only one of thinking budget and thinking level.")
    level = thinking.get("thinkingLevel")
    if level is None or level == "THINKING_LEVEL_UNSPECIFIED" or not is_gemini3(model):
        return
    supported = _supported_levels(model)
    if level not in supported:
        raise invalid(
            f"Thinking level {level} is not supported for this model. "
            "Please retry with other thinking level."
        )


def _supported_levels(model: dict[str, Any]) -> tuple[str, ...]:
    if "flash" in model_id(model):
        return _LEVELS
    return ("LOW", "HIGH")


def check_signatures(contents: list[Any], model: dict[str, Any]) -> None:
    """Gemini 3: every step of the current turn must send back its first call's signature."""
    if not is_gemini3(model):
        return
    start = 0
    for index, content in enumerate(contents):
        parts = content.get("parts") or []
        if content.get("role", "user") in ("user", "") and any(
            "functionResponse" not in p for p in parts if isinstance(p, dict)
        ):
            start = index + 1
    for index in range(start, len(contents)):
        content = contents[index]
        if content.get("role") != "model":
            continue
        calls = [p for p in content.get("parts") or [] if "functionCall" in p]
        if calls and not calls[0].get("thoughtSignature"):
            name = (calls[0].get("functionCall") or {}).get("name", "")
            raise invalid(
                "Function call is missing a thought_signature in functionCall parts. This is "
                "required for tools to work correctly, and missing thought_signature may lead "
                f"to degraded model performance. Additional data, function call "
                f"`default_api:{name}` , position {index + 1}. Please refer to "
                "https://ai.google.dev/gemini-api/docs/thought-signatures for more details."
            )
