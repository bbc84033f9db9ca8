"""The typed ``google.rpc`` error details, at the import path ``docs/errors.md`` shows.

They live in ``genlang_async._core.error_details``; this module only names them.
"""

from __future__ import annotations

from ._core.error_details import *  # noqa: F403
from ._core.error_details import __all__ as __all__
