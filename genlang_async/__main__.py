"""``python -m genlang_async`` runs the ``genlang`` command line."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
