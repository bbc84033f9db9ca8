"""The rows of the results table: what is measured, from which samples, against which target."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

RATIO = "ratio"  # value / raw <= limit
DELTA = "delta"  # value - raw <= limit
ABSOLUTE = "absolute"  # value <= limit, for every client
AT_LEAST = "at_least"  # value / raw >= limit (throughput)


@dataclass(frozen=True)
class Target:
    kind: str
    limit: float
    text: str

    def check(self, value: float, raw: float | None) -> bool | None:
        if self.kind == ABSOLUTE:
            return value <= self.limit
        if raw is None or raw == 0:
            return None
        if self.kind == RATIO:
            return value / raw <= self.limit
        if self.kind == AT_LEAST:
            return value / raw >= self.limit
        return value - raw <= self.limit


@dataclass(frozen=True)
class Row:
    key: str
    title: str
    unit: str
    #: Sample set the value comes from (``job`` key in the results) and the field to read.
    job: str
    field: str
    target: Target | None = None
    higher_is_better: bool = False
    #: For derived rows: the value is median(job) - median(minus_job) of the same field.
    minus_job: str | None = None


def rows(concurrencies: list[int], open_streams: int, upload_mib: float) -> list[Row]:
    """All table rows for a configuration (titles carry the configured sizes)."""
    out = [
        Row(
            f"unary_cpu_per_call_c{c}",
            f"unary CPU/call, concurrency {c}",
            "us",
            f"unary_c{c}",
            "cpu_per_call_us",
            Target(RATIO, 1.15, "<= 1.15x raw"),
        )
        for c in concurrencies
    ]
    out += [
        Row(
            f"unary_gc_share_c{c}",
            f"unary GC share of client CPU, concurrency {c}",
            "%",
            f"unary_c{c}",
            "gc_share_pct",
            Target(DELTA, 3.0, "<= raw + 3 points"),
        )
        for c in concurrencies
        if c == max(concurrencies)
    ]
    small = upload_mib / 4
    out += [
        Row(
            "stream_cpu_per_chunk",
            "stream CPU/chunk",
            "us",
            "stream",
            "cpu_per_chunk_us",
            Target(RATIO, 1.2, "<= 1.2x raw"),
        ),
        Row(
            "stream_text_cpu_per_chunk",
            "stream CPU/chunk, text_stream",
            "us",
            "stream_text",
            "cpu_per_chunk_us",
            Target(RATIO, 1.2, "<= 1.2x raw"),
        ),
        Row(
            "dense_models_page",
            "models.list page of 1,000 models: CPU/call",
            "us",
            "dense_models_page",
            "cpu_per_call_us",
            Target(RATIO, 1.3, "<= 1.3x raw"),
        ),
        Row(
            "dense_embeddings",
            "100 embeddings of 3,072 floats: CPU/call",
            "us",
            "dense_embeddings",
            "cpu_per_call_us",
            Target(RATIO, 1.3, "<= 1.3x raw"),
        ),
        Row(
            "open_streams_per_stream",
            f"{open_streams:,} open streams: RSS per stream",
            "KiB",
            "open_streams",
            "per_stream_kib",
            Target(RATIO, 1.1, "<= 1.1x raw"),
        ),
        Row(
            "open_streams_peak_rss",
            f"{open_streams:,} open streams: peak RSS",
            "MiB",
            "open_streams",
            "peak_rss_mib",
            Target(ABSOLUTE, 150.0, "< 150 MiB total"),
        ),
        Row(
            "import_wall",
            "import wall time (package)",
            "ms",
            "import_pkg",
            "wall_ms",
            Target(RATIO, 1.15, "<= 1.15x deps"),
        ),
        Row(
            "import_rss",
            "import RSS growth (package)",
            "MiB",
            "import_pkg",
            "rss_mib",
            Target(DELTA, 5.0, "<= deps + 5 MiB"),
        ),
        Row(
            "import_client_wall",
            "import wall time (Client)",
            "ms",
            "import_client",
            "wall_ms",
            Target(RATIO, 1.15, "<= 1.15x deps"),
        ),
        Row(
            "import_client_rss",
            "import RSS growth (Client)",
            "MiB",
            "import_client",
            "rss_mib",
            Target(DELTA, 5.0, "<= deps + 5 MiB"),
        ),
        Row(
            "upload_throughput",
            f"upload {upload_mib:g} MiB: throughput",
            "MiB/s",
            "upload_full",
            "throughput_mib_s",
            Target(AT_LEAST, 0.9, ">= 0.9x raw"),
            higher_is_better=True,
        ),
        Row(
            "upload_rss_growth_during",
            f"upload {upload_mib:g} MiB: RSS growth while uploading",
            "MiB",
            "upload_full",
            "rss_growth_mib",
            Target(ABSOLUTE, 64.0, "< 64 MiB"),
        ),
        Row(
            "upload_peak_rss",
            f"upload {upload_mib:g} MiB: peak RSS",
            "MiB",
            "upload_full",
            "peak_rss_mib",
        ),
        Row(
            "upload_rss_growth",
            f"upload peak RSS, {upload_mib:g} MiB minus {small:g} MiB",
            "MiB",
            "upload_full",
            "peak_rss_mib",
            Target(ABSOLUTE, 16.0, "flat: <= 16 MiB"),
            minus_job="upload_small",
        ),
    ]
    return out


def _values(samples: list[dict[str, Any]], field: str) -> list[float]:
    return [float(s[field]) for s in samples if s.get("status") == "ok" and field in s]


def _not_ok(samples: list[dict[str, Any]]) -> dict[str, Any] | None:
    for sample in samples:
        if sample.get("status") != "ok":
            return sample
    return None


def summarize(
    row: Row, runners: list[str], jobs: dict[str, dict[str, list[dict[str, Any]]]]
) -> dict[str, Any]:
    """Median per runner, ratio to raw, and the target verdict, for one row."""
    cells: dict[str, dict[str, Any]] = {}
    medians: dict[str, float] = {}
    for runner in runners:
        samples = jobs.get(row.job, {}).get(runner, [])
        values = _values(samples, row.field)
        cell: dict[str, Any]
        if row.minus_job is not None:
            base = _values(jobs.get(row.minus_job, {}).get(runner, []), row.field)
            if values and base:
                cell = {"status": "ok", "median": statistics.median(values)}
                cell["median"] -= statistics.median(base)
                cell["samples"] = len(values) + len(base)
            else:
                bad = _not_ok(samples + jobs.get(row.minus_job, {}).get(runner, []))
                cell = _missing(bad)
        elif values:
            cell = {
                "status": "ok",
                "median": statistics.median(values),
                "min": min(values),
                "max": max(values),
                "samples": len(values),
            }
        else:
            cell = _missing(_not_ok(samples))
        if cell["status"] == "ok":
            medians[runner] = cell["median"]
        cells[runner] = cell
    raw = medians.get("raw")
    for runner, cell in cells.items():
        if cell["status"] != "ok":
            continue
        if raw and row.minus_job is None:
            cell["ratio"] = cell["median"] / raw
            cell["delta"] = cell["median"] - raw
        if row.target is not None and (runner != "raw" or row.target.kind == ABSOLUTE):
            cell["meets_target"] = row.target.check(cell["median"], raw)
    return {
        "title": row.title,
        "unit": row.unit,
        "higher_is_better": row.higher_is_better,
        "target": None if row.target is None else row.target.__dict__,
        "results": cells,
    }


def _missing(sample: dict[str, Any] | None) -> dict[str, Any]:
    if sample is None:
        return {"status": "n/a", "reason": "not run"}
    return {"status": sample.get("status", "error"), "reason": sample.get("reason", "?")}
