"""generateAnswer (AQA) over inline passages or a semantic retriever source."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from genlang_async.emulator import _retrieval
from genlang_async.emulator._embeddings import cosine, embed
from genlang_async.emulator._errors import invalid
from genlang_async.emulator._generation import _last_user_text, content_text, validate_contents
from genlang_async.emulator._lookup import resolve
from genlang_async.emulator._responses import json_response
from genlang_async.emulator._routing import Ctx, route

_STYLES = ("ABSTRACTIVE", "EXTRACTIVE", "VERBOSE")


def _snippet(text: str, words: int = 40) -> str:
    return " ".join(text.split()[:words])


@route("POST", "/v1beta/{model=models/*}:generateAnswer", "models.generateAnswer")
async def generate_answer(ctx: Ctx) -> web.StreamResponse:
    body = await ctx.json(required=True)
    resolve(ctx.state, ctx.params["model"], "generateAnswer")
    contents = validate_contents(body.get("contents"), "GenerateAnswerRequest.contents")
    if body.get("answerStyle") not in _STYLES:
        raise invalid(
            "* GenerateAnswerRequest.answer_style: answer_style must be one of "
            + ", ".join(_STYLES)
            + "\n"
        )
    question = _last_user_text(contents)
    best: tuple[float, str, dict[str, Any]] | None = None
    inline, retriever = body.get("inlinePassages"), body.get("semanticRetriever")
    if inline is not None and retriever is not None:
        raise invalid("Only one of inline_passages and semantic_retriever may be set.")
    if isinstance(inline, dict):
        passages = inline.get("passages")
        if not isinstance(passages, list) or not passages:
            raise invalid("* GenerateAnswerRequest.inline_passages.passages: must not be empty\n")
        query = embed(question)
        for passage in passages:
            text = content_text((passage or {}).get("content"))
            score = cosine(query, embed(text))
            source = {"groundingPassage": {"passageId": str(passage.get("id", "")), "partIndex": 0}}
            if best is None or score > best[0]:
                best = (score, text, {"sourceId": source, "content": passage.get("content")})
    elif isinstance(retriever, dict):
        source_name = retriever.get("source")
        if not isinstance(source_name, str) or not source_name.startswith("corpora/"):
            raise invalid("* SemanticRetrieverConfig.source: must name a corpus or document\n")
        ctx.state.get(source_name, "Corpus" if source_name.count("/") == 1 else "Document")
        query_text = content_text(retriever.get("query")) or question
        ranked = _retrieval.rank(
            ctx.state,
            source_name,
            query_text,
            filters=_retrieval.validate_filters(retriever.get("metadataFilters")),
            limit=int(retriever.get("maxChunksCount") or 5),
        )
        minimum = float(retriever.get("minimumRelevanceScore") or 0.0)
        for score, chunk in ranked:
            if score < minimum:
                continue
            text = str((chunk.get("data") or {}).get("stringValue", ""))
            source = {"semanticRetrieverChunk": {"source": source_name, "chunk": chunk["name"]}}
            best = (score, text, {"sourceId": source, "content": {"parts": [{"text": text}]}})
            break
    else:
        raise invalid("One of inline_passages or semantic_retriever must be set.")
    answer: dict[str, Any] = {"index": 0, "finishReason": "STOP"}
    if best is None:
        answer["content"] = {
            "parts": [{"text": "The sources do not answer this."}],
            "role": "model",
        }
        probability = 0.05
    else:
        answer["content"] = {
            "parts": [{"text": f"According to the sources: {_snippet(best[1])}"}],
            "role": "model",
        }
        answer["groundingAttributions"] = [best[2]]
        probability = max(0.0, min(1.0, 0.5 + best[0] / 2))
    return json_response({"answer": answer, "answerableProbability": round(probability, 6)})
