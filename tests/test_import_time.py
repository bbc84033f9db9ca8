"""``import genlang_async`` stays cheap: heavy modules load only when a public name is used.

Not a timing test (see ``benchmarks/import_time.py`` for the measured figures).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import sys
import genlang_async
heavy = [m for m in ("aiohttp", "cattrs", "anyio", "attrs", "typing") if m in sys.modules]
assert not heavy, heavy
assert genlang_async.__version__
genlang_async.Client
assert "aiohttp" in sys.modules
"""


def test_import_is_lazy() -> None:
    subprocess.run([sys.executable, "-c", CHECK], check=True)


def test_unknown_attribute() -> None:
    import genlang_async

    with pytest.raises(AttributeError, match="NoSuchThing"):
        genlang_async.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018
    assert "Client" in dir(genlang_async)
