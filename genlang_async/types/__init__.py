"""Typed API messages of the Gemini API (``v1beta``), generated from the API description.

Every class converts to and from wire JSON through one converter::

    r = GenerateContentResponse.from_dict(payload)
    r.text, r.function_calls, r.to_dict() == payload

Names load lazily: importing this package costs next to nothing, and a domain module (content,
files, batches, ...) is imported the first time one of its names is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._base import WireEnum as WireEnum
from ._base import WireModel as WireModel
from ._generated_index import MODULE_OF

if TYPE_CHECKING:
    from genlang_async.types._convert import Duration as Duration
    from genlang_async.types._convert import Timestamp as Timestamp

    from ._generated_index import *  # noqa: F403

_EXTRA = {"Duration": "genlang_async.types._convert", "Timestamp": "genlang_async.types._convert"}

__all__ = sorted([*MODULE_OF, *_EXTRA, "WireEnum", "WireModel"])


def __getattr__(name: str) -> Any:
    module = MODULE_OF.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    elif name in _EXTRA:
        value = getattr(importlib.import_module(_EXTRA[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)
