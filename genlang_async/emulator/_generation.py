"""The deterministic generation engine behind generateContent and friends.

Every answer is a pure function of the request: the same request gives the same response.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import _thinking, _tokens
from ._errors import invalid
from ._models import model_id
from ._schema_values import example_value
from ._textgen import reply, response_id, rng_for, seed_of

BLOCK_TRIGGER = "EMULATOR_BLOCK_PROMPT"
PROHIBITED_TRIGGER = "EMULATOR_PROHIBITED_PROMPT"
SAFETY_TRIGGER = "EMULATOR_SAFETY_STOP"

_VALID_ROLES = ("user", "model", "function", "")
_JSON_MIME = "application/json"
_ENUM_MIME = "text/x.enum"


def _ratings(high: str | None = None) -> list[dict[str, Any]]:
    """Safety ratings as the recorded blocks carry them: the four categories in this order,
    ``category`` and ``probability`` only (no ``blocked`` flag), ``high`` rated ``HIGH``."""
    categories = (
        "HARM_CATEGORY_SEXUALLY_EXPLICIT",
        "HARM_CATEGORY_HATE_SPEECH",
        "HARM_CATEGORY_HARASSMENT",
        "HARM_CATEGORY_DANGEROUS_CONTENT",
    )
    return [
        {"category": c, "probability": "HIGH" if c == high else "NEGLIGIBLE"} for c in categories
    ]


def _prompt_feedback(text: str) -> dict[str, Any] | None:
    """The ``promptFeedback`` of a blocked prompt (a trigger in ``text``), else None."""
    if PROHIBITED_TRIGGER in text:
        return {"blockReason": "PROHIBITED_CONTENT"}
    if BLOCK_TRIGGER in text:
        return {"blockReason": "SAFETY", "safetyRatings": _ratings("HARM_CATEGORY_HATE_SPEECH")}
    return None


# -- request helpers -------------------------------------------------------------------------


def validate_contents(contents: Any, field: str = "GenerateContentRequest.contents") -> list[Any]:
    if not isinstance(contents, list) or not contents:
        raise invalid(f"* {field}: contents is not specified\n")
    for content in contents:
        if not isinstance(content, dict):
            raise invalid(f"Invalid value at '{field}': expected an object.")
        role = content.get("role", "")
        if role not in _VALID_ROLES:
            raise invalid("Please use a valid role: user, model.")
        parts = content.get("parts")
        if not isinstance(parts, list) or not parts:
            raise invalid(f"* {field}.parts: contents.parts must not be empty.\n")
        for part in parts:
            if not isinstance(part, dict):
                raise invalid(f"Invalid value at '{field}.parts': expected an object.")
    return contents


def texts(contents: Any) -> list[str]:
    out: list[str] = []
    if isinstance(contents, dict):
        contents = [contents]
    for content in contents or []:
        if isinstance(content, dict):
            for part in content.get("parts") or []:
                if isinstance(part, dict) and isinstance(part.get("text"), str):
                    out.append(part["text"])
    return out


def content_text(content: Any) -> str:
    return " ".join(texts(content))


def _last_user_text(contents: list[Any]) -> str:
    for content in reversed(contents):
        if content.get("role", "user") in ("user", ""):
            text = content_text(content)
            if text:
                return text
    return content_text(contents[-1]) if contents else ""


def prompt_counts(body: dict[str, Any], cached: dict[str, Any] | None = None) -> dict[str, int]:
    """Prompt tokens per modality: contents + systemInstruction + tools (+ cached content)."""
    counts = _tokens.count_contents(body.get("contents") or [])
    system = body.get("systemInstruction")
    if isinstance(system, dict):
        counts = _tokens.merge(counts, _tokens.count_contents([system]))
    if body.get("tools"):
        counts = _tokens.merge(counts, {"TEXT": _tokens.count_text(json.dumps(body["tools"]))})
    return counts


def cached_counts(cached: dict[str, Any] | None) -> dict[str, int]:
    if not cached:
        return {}
    return prompt_counts(cached)


def _config(body: dict[str, Any]) -> dict[str, Any]:
    config = body.get("generationConfig") or {}
    if not isinstance(config, dict):
        raise invalid("Invalid value at 'generation_config': expected an object.")
    return config


def validate_config(config: dict[str, Any], model: dict[str, Any]) -> None:
    count = config.get("candidateCount", 1)
    if not isinstance(count, int) or not 1 <= count <= 8:
        raise invalid("* GenerateContentRequest.generation_config.candidate_count: must be 1..8\n")
    max_tokens = config.get("maxOutputTokens")
    if max_tokens is not None and (not isinstance(max_tokens, int) or max_tokens < 0):
        raise invalid(
            "* GenerateContentRequest.generation_config.max_output_tokens: must be >= 0\n"
        )
    limit_out = model.get("outputTokenLimit")
    if isinstance(max_tokens, int) and isinstance(limit_out, int) and max_tokens > limit_out:
        raise invalid(
            f"Unable to submit request because it has a maxOutputTokens value of {max_tokens} "
            f"but the supported range is from 1 (inclusive) to {limit_out + 1} (exclusive). "
            "Update the value and try again."
        )
    penalties = (config.get("presencePenalty"), config.get("frequencyPenalty"))
    if model.get("thinking") and any(p for p in penalties):
        raise invalid(f"Penalty is not enabled for {model['name']}")
    stops = config.get("stopSequences", [])
    if not isinstance(stops, list) or len(stops) > 5:
        raise invalid("* GenerateContentRequest.generation_config.stop_sequences: at most 5\n")
    temperature = config.get("temperature")
    limit = model.get("maxTemperature", 2)
    if temperature is not None and (
        not isinstance(temperature, (int, float)) or not 0 <= temperature <= limit
    ):
        raise invalid(
            f"* GenerateContentRequest.generation_config.temperature: must be in [0, {limit}]\n"
        )
    _thinking.validate_thinking(config, model)
    schema_given = "responseSchema" in config or "responseJsonSchema" in config
    mime = config.get("responseMimeType", "text/plain")
    if schema_given and mime not in (_JSON_MIME, _ENUM_MIME):
        raise invalid(
            "* GenerateContentRequest.generation_config.response_mime_type: "
            "response_mime_type must be application/json or text/x.enum when a schema is set.\n"
        )


def _declarations(body: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for tool in body.get("tools") or []:
        if isinstance(tool, dict):
            for decl in tool.get("functionDeclarations") or []:
                if isinstance(decl, dict) and isinstance(decl.get("name"), str):
                    out.append(decl)
    return out


def _function_calls(body: dict[str, Any], prompt: str, seed: int) -> list[dict[str, Any]]:
    """Which functions to call (see docs/emulator.md, "Function calling")."""
    decls = _declarations(body)
    if not decls:
        return []
    calling = (body.get("toolConfig") or {}).get("functionCallingConfig") or {}
    mode = calling.get("mode", "AUTO")
    allowed = calling.get("allowedFunctionNames") or []
    if allowed:
        decls = [d for d in decls if d["name"] in allowed]
    if mode == "NONE" or not decls:
        return []
    contents = body.get("contents") or []
    answered = bool(contents) and any(
        isinstance(p, dict) and "functionResponse" in p for p in contents[-1].get("parts") or []
    )
    named = [d for d in decls if re.search(rf"(?<![\w-]){re.escape(d['name'])}(?![\w-])", prompt)]
    chosen = named or decls[:1] if mode == "ANY" else [] if answered else named
    calls = []
    for decl in chosen:
        schema = decl.get("parameters") or decl.get("parametersJsonSchema")
        args = example_value(schema, rng_for(seed, decl["name"])) if schema else {}
        calls.append({"functionCall": {"name": decl["name"], "args": args or {}}})
    return calls


def _structured_text(config: dict[str, Any], prompt: str, seed: int) -> str | None:
    mime = config.get("responseMimeType")
    rng = rng_for(seed, "json")
    if mime == _ENUM_MIME:
        schema = config.get("responseSchema") or config.get("responseJsonSchema") or {}
        values = schema.get("enum") or ["UNKNOWN"]
        return str(rng.choice(values))
    if mime != _JSON_MIME:
        return None
    schema = config.get("responseJsonSchema") or config.get("_responseJsonSchema")
    if schema is None:
        schema = config.get("responseSchema")
    if schema is None:
        return json.dumps({"response": reply(prompt, rng)})
    return json.dumps(example_value(schema, rng))


def _apply_stops(text: str, stops: list[Any]) -> str:
    cut = len(text)
    for stop in stops:
        if isinstance(stop, str) and stop:
            index = text.find(stop)
            if index != -1:
                cut = min(cut, index)
    return text[:cut]


def generate(
    model: dict[str, Any],
    body: dict[str, Any],
    *,
    cached: dict[str, Any] | None = None,
    model_version: str | None = None,
) -> dict[str, Any]:
    """A complete ``GenerateContentResponse`` for a validated request body."""
    contents = validate_contents(body.get("contents"))
    config = _config(body)
    validate_config(config, model)
    seed = seed_of(model_id(model), body, (cached or {}).get("name"))
    prompt_by_modality = _tokens.merge(prompt_counts(body), cached_counts(cached))
    prompt_tokens = sum(prompt_by_modality.values())
    limit_in = model.get("inputTokenLimit")
    if isinstance(limit_in, int) and prompt_tokens >= limit_in:
        raise invalid(
            f"The input token count ({prompt_tokens}) exceeds the maximum number of tokens "
            f"allowed ({limit_in - 1})."
        )
    _thinking.check_signatures(contents, model)
    version = model_version or model_id(model)
    all_text = " ".join(texts(contents) + texts(body.get("systemInstruction")))
    usage: dict[str, Any] = {
        "promptTokenCount": prompt_tokens,
        "totalTokenCount": prompt_tokens,
        "promptTokensDetails": _tokens.details(prompt_by_modality),
    }
    if cached:
        cached_tokens = sum(cached_counts(cached).values())
        usage["cachedContentTokenCount"] = cached_tokens
        usage["cacheTokensDetails"] = _tokens.details(cached_counts(cached))
    base: dict[str, Any] = {"modelVersion": version, "responseId": response_id(seed)}
    feedback = _prompt_feedback(all_text)
    if feedback is not None:
        return {"promptFeedback": feedback, "usageMetadata": usage, **base}
    prompt = _last_user_text(contents)
    candidates: list[dict[str, Any]] = []
    candidate_tokens = 0
    thought_tokens = 0
    max_tokens = config.get("maxOutputTokens") or 0
    stops = config.get("stopSequences") or []
    include_thoughts = bool((config.get("thinkingConfig") or {}).get("includeThoughts"))
    thinking = _thinking.thinks(model, config)
    unsafe = SAFETY_TRIGGER in all_text
    for index in range(int(config.get("candidateCount", 1))):
        cand_seed = seed_of(seed, index)
        rng = rng_for(cand_seed)
        candidate: dict[str, Any] = {"index": index}
        parts: list[dict[str, Any]] = []
        if thinking:
            thought = _thinking.thought_text(cand_seed)
            thought_tokens += _thinking.thought_tokens(thought, config)
            if include_thoughts:
                parts.append({"text": thought, "thought": True})
        calls = [] if unsafe else _function_calls(body, prompt, cand_seed)
        finish = "STOP"
        if calls:
            parts.extend(calls)
            candidate_tokens += sum(_tokens.part_tokens(c)[1] for c in calls)
            candidate["finishMessage"] = "Model generated function call(s)."
        else:
            text = _structured_text(config, prompt, cand_seed)
            if text is None:
                answered = [
                    p["functionResponse"]
                    for p in contents[-1].get("parts") or []
                    if isinstance(p, dict) and isinstance(p.get("functionResponse"), dict)
                ]
                if answered:
                    summary = json.dumps(answered[0].get("response", {}), sort_keys=True)
                    text = f"Emulated answer using {answered[0].get('name')}: {summary}"
                else:
                    text = reply(prompt, rng)
            text = _apply_stops(text, stops)
            if unsafe:  # stopped half-way, as the recorded SAFETY stop
                text = _tokens.truncate(text, max(1, _tokens.count_text(text) // 2))
                finish = "SAFETY"
            elif max_tokens and _tokens.count_text(text) > max_tokens:
                text = _tokens.truncate(text, max_tokens)
                finish = "MAX_TOKENS"
            parts.append({"text": text})
            candidate_tokens += _tokens.count_text(text)
        if thinking:
            _thinking.sign_parts(parts, model, cand_seed)
        candidate["content"] = {"parts": parts, "role": "model"}
        candidate["finishReason"] = finish
        if unsafe:
            candidate["safetyRatings"] = _ratings("HARM_CATEGORY_HARASSMENT")
        candidates.append(candidate)
    usage["candidatesTokenCount"] = candidate_tokens
    if thought_tokens:
        usage["thoughtsTokenCount"] = thought_tokens
    usage["totalTokenCount"] = prompt_tokens + candidate_tokens + thought_tokens
    ordered_usage: dict[str, Any] = {
        k: usage[k]
        for k in (
            "promptTokenCount",
            "cachedContentTokenCount",
            "candidatesTokenCount",
            "totalTokenCount",
            "promptTokensDetails",
            "cacheTokensDetails",
            "thoughtsTokenCount",
        )
        if k in usage and usage[k] != []
    }
    if _gemini2_shape(model):
        _reshape_gemini2(candidates, ordered_usage, candidate_tokens, seed)
    return {"candidates": candidates, "usageMetadata": ordered_usage, **base}


def _gemini2_shape(model: dict[str, Any]) -> bool:
    return model_id(model).startswith("gemini-2.0")


def _reshape_gemini2(
    candidates: list[dict[str, Any]], usage: dict[str, Any], tokens: int, seed: int
) -> None:
    """Gemini 2.0 answers as recorded (2026): no candidate ``index``, ``avgLogprobs``, and
    ``candidatesTokensDetails`` in the usage."""
    for candidate in candidates:
        candidate.pop("index", None)
        if "content" in candidate:
            candidate["avgLogprobs"] = -round(rng_for(seed, "logprobs").random(), 12)
    if tokens:
        usage["candidatesTokensDetails"] = [{"modality": "TEXT", "tokenCount": tokens}]


def stream_chunks(response: dict[str, Any], pieces: int) -> list[dict[str, Any]]:
    """Split a full response into ``pieces`` stream chunks (fewer for very short answers)."""
    candidates = response.get("candidates")
    if not candidates:
        return [response]
    usage = response.get("usageMetadata", {})
    longest = 0
    for cand in candidates:
        for part in (cand.get("content") or {}).get("parts", []):
            if "text" in part and not part.get("thought"):
                longest = max(longest, _tokens.count_text(part["text"]))
    count = max(1, min(pieces, longest))
    split: list[list[list[dict[str, Any]]]] = []
    for cand in candidates:
        per_chunk: list[list[dict[str, Any]]] = [[] for _ in range(count)]
        for part in (cand.get("content") or {}).get("parts", []):
            if "text" in part and not part.get("thought"):
                for k, piece in enumerate(_tokens.split_pieces(part["text"], count)):
                    if piece or k == count - 1:
                        per_chunk[k].append({"text": piece})
                if "thoughtSignature" in part:  # streamed as an empty signed part at the end
                    per_chunk[-1].append({"text": "", "thoughtSignature": part["thoughtSignature"]})
            elif part.get("thought"):
                per_chunk[0].append(part)
            else:
                per_chunk[-1].append(part)
        split.append(per_chunk)
    chunks: list[dict[str, Any]] = []
    prompt_usage = {k: usage[k] for k in ("promptTokenCount", "promptTokensDetails") if k in usage}
    for k in range(count):
        last = k == count - 1
        out_candidates = []
        for cand, per_chunk in zip(candidates, split, strict=False):
            out: dict[str, Any] = {}
            if "content" in cand:
                out["content"] = {"parts": per_chunk[k] or [{"text": ""}], "role": "model"}
            if last:
                for key in ("finishReason", "safetyRatings", "finishMessage"):
                    if key in cand:
                        out[key] = cand[key]
            if "index" in cand:
                out["index"] = cand["index"]
            out_candidates.append(out)
        chunk: dict[str, Any] = {"candidates": out_candidates}
        if last:
            chunk["usageMetadata"] = usage
        else:
            chunk["usageMetadata"] = {
                **prompt_usage,
                "totalTokenCount": usage.get("promptTokenCount", 0),
            }
        chunk["modelVersion"] = response["modelVersion"]
        chunk["responseId"] = response["responseId"]
        chunks.append(chunk)
    return chunks
