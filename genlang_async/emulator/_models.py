"""The fixed catalogue of fake base models served by ``models.list`` / ``models.get``."""

from __future__ import annotations

from typing import Any

GEMINI_METHODS = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"]
EMBED_METHODS = ["embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent"]

#: Methods a model supports implicitly when it lists the key method.
IMPLIED_BY = {
    "streamGenerateContent": "generateContent",
    "batchEmbedContents": "embedContent",
    "batchEmbedText": "embedText",
}

# (id, version, display name, input limit, output limit, methods, thinking, topK)
_GEMINI: list[tuple[str, str, str, int, int, bool, int]] = [
    ("gemini-2.5-flash", "001", "Gemini 2.5 Flash", 1048576, 65536, True, 64),
    ("gemini-2.5-pro", "2.5", "Gemini 2.5 Pro", 1048576, 65536, True, 64),
    ("gemini-2.5-flash-lite", "001", "Gemini 2.5 Flash-Lite", 1048576, 65536, True, 64),
    ("gemini-2.0-flash", "2.0", "Gemini 2.0 Flash", 1048576, 8192, False, 40),
    ("gemini-2.0-flash-001", "2.0", "Gemini 2.0 Flash 001", 1048576, 8192, False, 40),
    ("gemini-2.0-flash-lite", "2.0", "Gemini 2.0 Flash-Lite", 1048576, 8192, False, 40),
    ("gemini-2.0-flash-lite-001", "2.0", "Gemini 2.0 Flash-Lite 001", 1048576, 8192, False, 40),
    ("gemini-2.0-flash-exp", "2.0", "Gemini 2.0 Flash Experimental", 1048576, 8192, False, 40),
    (
        "gemini-2.0-flash-exp-image-generation",
        "2.0",
        "Gemini 2.0 Flash Image",
        1048576,
        8192,
        False,
        40,
    ),
    ("gemini-2.0-flash-thinking-exp", "2.0", "Gemini 2.0 Flash Thinking", 1048576, 65536, True, 64),
    ("gemini-2.0-pro-exp", "2.0", "Gemini 2.0 Pro Experimental", 1048576, 65536, False, 64),
    ("gemini-flash-latest", "latest", "Gemini Flash Latest", 1048576, 65536, True, 64),
    ("gemini-flash-lite-latest", "latest", "Gemini Flash-Lite Latest", 1048576, 65536, True, 64),
    ("gemini-pro-latest", "latest", "Gemini Pro Latest", 1048576, 65536, True, 64),
    (
        "gemini-2.5-flash-preview-09-2025",
        "2.5",
        "Gemini 2.5 Flash Preview Sep 2025",
        1048576,
        65536,
        True,
        64,
    ),
    (
        "gemini-2.5-flash-lite-preview-09-2025",
        "2.5",
        "Gemini 2.5 Flash-Lite Preview Sep 2025",
        1048576,
        65536,
        True,
        64,
    ),
    (
        "gemini-2.5-flash-preview-05-20",
        "2.5",
        "Gemini 2.5 Flash Preview 05-20",
        1048576,
        65536,
        True,
        64,
    ),
    (
        "gemini-2.5-pro-preview-06-05",
        "2.5",
        "Gemini 2.5 Pro Preview 06-05",
        1048576,
        65536,
        True,
        64,
    ),
    (
        "gemini-2.5-pro-preview-05-06",
        "2.5",
        "Gemini 2.5 Pro Preview 05-06",
        1048576,
        65536,
        True,
        64,
    ),
    ("gemini-2.5-flash-image", "2.0", "Gemini 2.5 Flash Image", 32768, 32768, False, 64),
    ("gemini-2.5-flash-preview-tts", "2.5", "Gemini 2.5 Flash Preview TTS", 8192, 16384, False, 64),
    ("gemini-2.5-pro-preview-tts", "2.5", "Gemini 2.5 Pro Preview TTS", 8192, 16384, False, 64),
    (
        "gemini-2.5-computer-use-preview-10-2025",
        "2.5",
        "Gemini 2.5 Computer Use Preview",
        131072,
        65536,
        True,
        64,
    ),
    (
        "gemini-3-pro-preview",
        "3-pro-preview-11-2025",
        "Gemini 3 Pro Preview",
        1048576,
        65536,
        True,
        64,
    ),
    (
        "gemini-3-flash-preview",
        "3-flash-preview-12-2025",
        "Gemini 3 Flash Preview",
        1048576,
        65536,
        True,
        64,
    ),
    ("gemini-3-pro-image-preview", "3.0", "Gemini 3 Pro Image Preview", 131072, 32768, True, 64),
    ("gemini-1.5-flash", "001", "Gemini 1.5 Flash", 1000000, 8192, False, 40),
    ("gemini-1.5-flash-001", "001", "Gemini 1.5 Flash 001", 1000000, 8192, False, 64),
    ("gemini-1.5-flash-002", "002", "Gemini 1.5 Flash 002", 1000000, 8192, False, 40),
    ("gemini-1.5-flash-8b", "001", "Gemini 1.5 Flash-8B", 1000000, 8192, False, 40),
    ("gemini-1.5-flash-8b-001", "001", "Gemini 1.5 Flash-8B 001", 1000000, 8192, False, 40),
    ("gemini-1.5-pro", "001", "Gemini 1.5 Pro", 2000000, 8192, False, 40),
    ("gemini-1.5-pro-001", "001", "Gemini 1.5 Pro 001", 2000000, 8192, False, 64),
    ("gemini-1.5-pro-002", "002", "Gemini 1.5 Pro 002", 2000000, 8192, False, 40),
    ("gemini-exp-1206", "2.5", "Gemini Experimental 1206", 1048576, 65536, True, 64),
    (
        "learnlm-2.0-flash-experimental",
        "2.0",
        "LearnLM 2.0 Flash Experimental",
        1048576,
        32768,
        False,
        64,
    ),
    (
        "gemini-robotics-er-1.5-preview",
        "1.5-preview",
        "Gemini Robotics-ER 1.5 Preview",
        1048576,
        65536,
        True,
        64,
    ),
    ("gemini-2.0-flash-live-001", "001", "Gemini 2.0 Flash Live", 131072, 8192, False, 40),
    ("gemini-live-2.5-flash-preview", "001", "Gemini Live 2.5 Flash", 1048576, 8192, False, 64),
    ("gemma-3-1b-it", "001", "Gemma 3 1B", 32768, 8192, False, 64),
    ("gemma-3-4b-it", "001", "Gemma 3 4B", 32768, 8192, False, 64),
    ("gemma-3-12b-it", "001", "Gemma 3 12B", 32768, 8192, False, 64),
    ("gemma-3-27b-it", "001", "Gemma 3 27B", 131072, 8192, False, 64),
    ("gemma-3n-e2b-it", "001", "Gemma 3n E2B", 8192, 2048, False, 64),
    ("gemma-3n-e4b-it", "001", "Gemma 3n E4B", 8192, 2048, False, 64),
]


def _gemini(entry: tuple[str, str, str, int, int, bool, int]) -> dict[str, Any]:
    model_id, version, display, limit_in, limit_out, thinking, top_k = entry
    methods = list(GEMINI_METHODS)
    if model_id.startswith("gemma"):
        methods = ["generateContent", "countTokens"]
    if model_id == "gemini-1.5-flash-001":
        methods.append("createTunedModel")
    if "live" in model_id:
        methods = ["bidiGenerateContent", "countTokens"]
    model: dict[str, Any] = {
        "name": f"models/{model_id}",
        "baseModelId": model_id,
        "version": version,
        "displayName": display,
        "description": f"Emulated {display}.",
        "inputTokenLimit": limit_in,
        "outputTokenLimit": limit_out,
        "supportedGenerationMethods": methods,
        "temperature": 1,
        "topP": 0.95,
        "topK": top_k,
        "maxTemperature": 2,
    }
    if thinking:
        model["thinking"] = True
    return model


def _plain(
    model_id: str,
    version: str,
    display: str,
    limit_in: int,
    limit_out: int,
    methods: list[str],
    **extra: Any,
) -> dict[str, Any]:
    model: dict[str, Any] = {
        "name": f"models/{model_id}",
        "baseModelId": model_id,
        "version": version,
        "displayName": display,
        "description": f"Emulated {display}.",
        "inputTokenLimit": limit_in,
        "outputTokenLimit": limit_out,
        "supportedGenerationMethods": methods,
    }
    model.update(extra)
    return model


def catalogue() -> list[dict[str, Any]]:
    """All base models, in ``models.list`` order (fresh copies)."""
    models = [_gemini(e) for e in _GEMINI]
    models += [
        _plain("gemini-embedding-001", "001", "Gemini Embedding 001", 2048, 1, EMBED_METHODS),
        _plain(
            "gemini-embedding-exp-03-07",
            "exp-03-07",
            "Gemini Embedding Experimental",
            8192,
            1,
            EMBED_METHODS,
        ),
        _plain("text-embedding-004", "004", "Text Embedding 004", 2048, 1, ["embedContent"]),
        _plain("embedding-001", "001", "Embedding 001", 2048, 1, ["embedContent"]),
        _plain(
            "embedding-gecko-001",
            "001",
            "Embedding Gecko",
            1024,
            1,
            ["embedText", "countTextTokens"],
        ),
        _plain(
            "text-bison-001",
            "001",
            "PaLM 2 (Legacy)",
            8196,
            1024,
            ["generateText", "countTextTokens", "createTunedTextModel"],
            temperature=0.7,
            topP=0.95,
            topK=40,
        ),
        _plain(
            "chat-bison-001",
            "001",
            "PaLM 2 Chat (Legacy)",
            4096,
            1024,
            ["generateMessage", "countMessageTokens"],
            temperature=0.25,
            topP=0.95,
            topK=40,
        ),
        _plain(
            "aqa",
            "001",
            "Model that performs Attributed Question Answering.",
            7168,
            1024,
            ["generateAnswer"],
            temperature=0.2,
            topP=1,
            topK=40,
        ),
        _plain("imagen-4.0-generate-001", "001", "Imagen 4", 480, 8192, ["predict"]),
        _plain("imagen-4.0-ultra-generate-001", "001", "Imagen 4 Ultra", 480, 8192, ["predict"]),
        _plain("imagen-4.0-fast-generate-001", "001", "Imagen 4 Fast", 480, 8192, ["predict"]),
        _plain("imagen-3.0-generate-002", "002", "Imagen 3.0", 480, 8192, ["predict"]),
        _plain("veo-3.0-generate-001", "3.0", "Veo 3", 480, 8192, ["predictLongRunning"]),
        _plain("veo-3.0-fast-generate-001", "3.0", "Veo 3 fast", 480, 8192, ["predictLongRunning"]),
        _plain("veo-2.0-generate-001", "2.0", "Veo 2", 480, 8192, ["predictLongRunning"]),
        _plain("veo-3.1-generate-preview", "3.1", "Veo 3.1", 480, 8192, ["predictLongRunning"]),
    ]
    return models


def supports(model: dict[str, Any], method: str) -> bool:
    methods = model.get("supportedGenerationMethods") or []
    return method in methods or IMPLIED_BY.get(method, "") in methods
