"""Smoke test of the benchmark harness: ``--quick`` mode, tiny counts, no timing assertions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks import harness

    return harness


def _run(harness: Any, tmp_path: Path, *args: str) -> dict[str, Any]:
    code = harness.main(["--quick", "--quiet", "--output-dir", str(tmp_path), *args])
    (out,) = tmp_path.glob("bench-*-quick.json")
    results: dict[str, Any] = json.loads(out.read_text())
    assert code == 0, results["samples"]
    return results


def _assert_well_formed(results: dict[str, Any], runners: list[str]) -> None:
    assert results["schema"] == 1
    assert results["config"]["quick"] is True
    assert results["config"]["runners"] == runners
    assert results["metrics"], "no metric rows"
    for key, row in results["metrics"].items():
        assert set(row) >= {"title", "unit", "target", "results"}, key
        assert set(row["results"]) == set(runners), key
        for runner, cell in row["results"].items():
            assert cell["status"] in {"ok", "n/a"}, (key, runner, cell)
            if cell["status"] == "ok":
                assert isinstance(cell["median"], float), (key, runner)
            else:
                assert cell["reason"], (key, runner)


def test_quick_raw_and_genlang(
    harness: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = _run(harness, tmp_path, "--runners", "raw,genlang", "--strict")
    _assert_well_formed(results, ["raw", "genlang"])
    expected = {
        "unary_cpu_per_call_c32",
        "unary_cpu_per_call_c128",
        "unary_gc_share_c128",
        "stream_cpu_per_chunk",
        "stream_text_cpu_per_chunk",
        "dense_models_page",
        "dense_embeddings",
        "open_streams_per_stream",
        "open_streams_peak_rss",
        "import_wall",
        "import_rss",
        "import_client_wall",
        "import_client_rss",
        "upload_throughput",
        "upload_rss_growth_during",
        "upload_peak_rss",
        "upload_rss_growth",
    }
    assert set(results["metrics"]) == expected
    # raw aiohttp is the floor: it must always produce every number.
    for key, row in results["metrics"].items():
        assert row["results"]["raw"]["status"] == "ok", (key, row["results"]["raw"])
    assert results["metrics"]["stream_cpu_per_chunk"]["results"]["raw"]["median"] > 0
    table = capsys.readouterr().out
    assert "raw (floor)" in table
    assert "genlang" in table


def test_quick_genai(harness: Any, tmp_path: Path) -> None:
    pytest.importorskip("google.genai")
    results = _run(harness, tmp_path, "--runners", "raw,genai", "--metrics", "stream")
    _assert_well_formed(results, ["raw", "genai"])
    cell = results["metrics"]["stream_cpu_per_chunk"]["results"]["genai"]
    assert cell["status"] == "ok", cell
    assert "ratio" in cell
