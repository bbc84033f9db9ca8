"""PaLM-era methods: generateText, generateMessage, embedText, batchEmbedText, token counts."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from genlang_async.emulator import _tokens
from genlang_async.emulator._embeddings import embed
from genlang_async.emulator._errors import invalid
from genlang_async.emulator._generation import _ratings
from genlang_async.emulator._lookup import resolve
from genlang_async.emulator._responses import json_response
from genlang_async.emulator._routing import Ctx, route
from genlang_async.emulator._textgen import reply, rng_for, seed_of


def _candidate_count(body: dict[str, Any]) -> int:
    count = body.get("candidateCount", 1)
    if not isinstance(count, int) or not 1 <= count <= 8:
        raise invalid("candidate_count must be between 1 and 8.")
    return count


def _text_prompt(body: dict[str, Any], method: str) -> str:
    prompt = body.get("prompt")
    if not isinstance(prompt, dict) or not isinstance(prompt.get("text"), str):
        raise invalid(f"* {method}Request.prompt.text: prompt text is not specified\n")
    return str(prompt["text"])


def _messages(body: dict[str, Any], method: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    prompt = body.get("prompt")
    messages = prompt.get("messages") if isinstance(prompt, dict) else None
    if not isinstance(messages, list) or not messages:
        raise invalid(f"* {method}Request.prompt.messages: messages is not specified\n")
    for message in messages:
        if not isinstance(message, dict) or not isinstance(message.get("content"), str):
            raise invalid(f"* {method}Request.prompt.messages: each message needs content\n")
    assert isinstance(prompt, dict)
    return prompt, messages


def _message_tokens(prompt: dict[str, Any]) -> int:
    total = _tokens.count_text(str(prompt.get("context", "")))
    for example in prompt.get("examples") or []:
        for key in ("input", "output"):
            total += _tokens.count_text(str((example.get(key) or {}).get("content", "")))
    for message in prompt.get("messages") or []:
        total += _tokens.count_text(str(message.get("content", "")))
    return total


async def generate_text(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json(required=True)
    resolve(ctx.state, ctx.params["model"], "generateText")
    text = _text_prompt(body, "GenerateText")
    max_tokens = body.get("maxOutputTokens") or 0
    stops = [s for s in body.get("stopSequences") or [] if isinstance(s, str) and s]
    candidates = []
    for index in range(_candidate_count(body)):
        output = reply(text, rng_for(seed_of(ctx.params["model"], body, index)))
        for stop in stops:
            if stop in output:
                output = output[: output.index(stop)]
        if max_tokens:
            output = _tokens.truncate(output, max_tokens)
        candidates.append({"output": output, "safetyRatings": _ratings()})
    return json_response({"candidates": candidates})


for _prefix in ("models", "tunedModels"):
    route("POST", f"/v1beta/{{model={_prefix}/*}}:generateText", f"{_prefix}.generateText")(
        generate_text
    )


@route("POST", "/v1beta/{model=models/*}:generateMessage", "models.generateMessage")
async def generate_message(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json(required=True)
    resolve(ctx.state, ctx.params["model"], "generateMessage")
    _, messages = _messages(body, "GenerateMessage")
    last = str(messages[-1]["content"])
    candidates = [
        {"author": "1", "content": reply(last, rng_for(seed_of(ctx.params["model"], body, i)))}
        for i in range(_candidate_count(body))
    ]
    return json_response({"candidates": candidates, "messages": messages})


@route("POST", "/v1beta/{model=models/*}:countMessageTokens", "models.countMessageTokens")
async def count_message_tokens(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json(required=True)
    resolve(ctx.state, ctx.params["model"], "countMessageTokens")
    prompt, _ = _messages(body, "CountMessageTokens")
    return json_response({"tokenCount": _message_tokens(prompt)})


@route("POST", "/v1beta/{model=models/*}:countTextTokens", "models.countTextTokens")
async def count_text_tokens(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json(required=True)
    resolve(ctx.state, ctx.params["model"], "countTextTokens")
    return json_response({"tokenCount": _tokens.count_text(_text_prompt(body, "CountTextTokens"))})


@route("POST", "/v1beta/{model=models/*}:embedText", "models.embedText")
async def embed_text(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json(required=True)
    resolve(ctx.state, ctx.params["model"], "embedText")
    text = body.get("text")
    if not isinstance(text, str) or not text:
        raise invalid("* EmbedTextRequest.text: text is not specified\n")
    return json_response({"embedding": {"value": embed(text, ctx.settings.embedding_dimensions)}})


@route("POST", "/v1beta/{model=models/*}:batchEmbedText", "models.batchEmbedText")
async def batch_embed_text(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json(required=True)
    resolve(ctx.state, ctx.params["model"], "batchEmbedText")
    texts = body.get("texts")
    if texts is None and isinstance(body.get("requests"), list):
        texts = [r.get("text") if isinstance(r, dict) else None for r in body["requests"]]
    if not isinstance(texts, list) or not texts:
        raise invalid("* BatchEmbedTextRequest.texts: texts or requests must be set\n")
    if len(texts) > 100:
        raise invalid("* BatchEmbedTextRequest.texts: at most 100 texts can be in one batch\n")
    if not all(isinstance(t, str) and t for t in texts):
        raise invalid("* BatchEmbedTextRequest.texts: every text must be a non-empty string\n")
    dims = ctx.settings.embedding_dimensions
    return json_response({"embeddings": [{"value": embed(t, dims)} for t in texts]})
