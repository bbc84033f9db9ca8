"""``python benchmarks/run.py [options]``: the same as ``python -m benchmarks``."""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.harness import main

    sys.exit(main())
