"""genlang_async: an async-first SDK for the Gemini API."""

from __future__ import annotations

from ._version import __version__

__all__ = ["__version__"]
