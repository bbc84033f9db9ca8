"""How much ``from_dict`` (and ``to_dict``) cost next to ``json.loads`` of the same response.

    python benchmarks/convert_speed.py [FIXTURE_DIR]

Bodies come from ``tests/fixtures/real/generate/*.json`` (or FIXTURE_DIR); for each one the
compact JSON bytes are decoded with ``json.loads`` and the decoded dict is structured with
``GenerateContentResponse.from_dict``.  Ratios are structuring time / ``json.loads`` time.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def best(stmt: object, number: int) -> float:
    """Best per-call time in microseconds over a few repeats."""
    times = timeit.repeat(stmt, number=number, repeat=7)  # type: ignore[arg-type]
    return min(times) / number * 1e6


def fixture_dir() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    return ROOT / "tests" / "fixtures" / "real" / "generate"


def import_time(stmt: str) -> float:
    code = f"import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.check_output([sys.executable, "-c", code], cwd=ROOT, text=True))
        for _ in range(5)
    ]
    return statistics.median(runs) * 1e3


def main() -> None:
    from genlang_async.types import GenerateContentResponse

    rows = []
    for path in sorted(fixture_dir().glob("*.json")):
        body = json.loads(path.read_text())["response"]["body_json"]
        raw = json.dumps(body, separators=(",", ":")).encode()
        GenerateContentResponse.from_dict(body)  # build the hooks once
        number = max(50, 2_000_000 // max(len(raw), 1))
        t_loads = best(lambda raw=raw: json.loads(raw), number)
        t_struct = best(lambda body=body: GenerateContentResponse.from_dict(body), number)
        obj = GenerateContentResponse.from_dict(body)
        t_unstruct = best(obj.to_dict, number)
        rows.append((path.stem, len(raw), t_loads, t_struct, t_unstruct))

    print(
        f"{'fixture':48} {'bytes':>7} {'loads us':>9} {'from_dict':>9} {'ratio':>6} {'to_dict':>8}"
    )
    for name, size, t_loads, t_struct, t_unstruct in rows:
        print(
            f"{name[:48]:48} {size:7d} {t_loads:9.2f} {t_struct:9.2f} "
            f"{t_struct / t_loads:6.2f} {t_unstruct:8.2f}"
        )
    ratios = [r[3] / r[2] for r in rows]
    print(f"\nmedian from_dict / json.loads ratio: {statistics.median(ratios):.2f}")
    typical = min(rows, key=lambda r: abs(r[1] - 1500))
    print(f"typical (~1.5 KB, {typical[0]}): ratio {typical[3] / typical[2]:.2f}")
    print(f"\nimport genlang_async:            {import_time('import genlang_async'):.1f} ms")
    print(f"import genlang_async.types:      {import_time('import genlang_async.types'):.1f} ms")
    print(
        "types.GenerateContentResponse:   "
        f"{import_time('from genlang_async.types import GenerateContentResponse'):.1f} ms"
    )
    all_names = "import genlang_async.types as T; [getattr(T, n) for n in T.__all__]"
    print(f"every name of types:             {import_time(all_names):.1f} ms")
    first = (
        "from genlang_async.types import GenerateContentResponse as G; "
        "G.from_dict({'candidates': [{'content': {'parts': [{'text': 'x'}]}}]})"
    )
    print(f"import + first from_dict:        {import_time(first):.1f} ms")


if __name__ == "__main__":
    main()
