"""``python -m benchmarks``: run the benchmark harness (see ``benchmarks/README.md``)."""

from __future__ import annotations

import sys

from .harness import main

sys.exit(main())
