"""Render a results JSON as a text or Markdown table: ``python -m benchmarks.report FILE``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def _number(value: float) -> str:
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _cell(row: dict[str, Any], runner: str, notes: list[str]) -> str:
    cell = row["results"].get(runner)
    if cell is None:
        return "-"
    if cell["status"] != "ok":
        note = f"{runner}: {cell['status']} ({_reason(cell)})"
        if note not in notes:
            notes.append(note)
        return f"{cell['status']} [{notes.index(note) + 1}]"
    text = f"{_number(cell['median'])} {row['unit']}"
    target = row["target"]
    extra = []
    if runner != "raw" and "ratio" in cell:
        if target is not None and target["kind"] == "delta":
            extra.append(f"{cell['delta']:+.1f} {row['unit']}")
        else:
            extra.append(f"{cell['ratio']:.2f}x")
    verdict = cell.get("meets_target")
    if verdict is not None:
        extra.append("ok" if verdict else "MISS")
    return f"{text} ({', '.join(extra)})" if extra else text


def _reason(cell: dict[str, Any]) -> str:
    reason = str(cell.get("reason", "?"))
    if cell["status"] == "n/a" and not reason.startswith("not "):
        reason = f"not available: {reason}"
    return reason


def render(results: dict[str, Any], fmt: str = "text") -> str:
    runners: list[str] = results["config"]["runners"]
    header = ["metric", *[f"{r}{' (floor)' if r == 'raw' else ''}" for r in runners], "target"]
    notes: list[str] = []
    body = [
        [
            row["title"],
            *[_cell(row, r, notes) for r in runners],
            row["target"]["text"] if row["target"] else "(info)",
        ]
        for row in results["metrics"].values()
    ]
    if fmt == "markdown":
        lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
        lines += ["| " + " | ".join(cells) + " |" for cells in body]
        lines += [""] + [f"{i}. {note}" for i, note in enumerate(notes, 1)]
    else:
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
        fmt_row = "  ".join(f"{{:<{w}}}" for w in widths)
        lines = [fmt_row.format(*header), "  ".join("-" * w for w in widths)]
        lines += [fmt_row.format(*cells) for cells in body]
        lines += [""] + [f"[{i}] {note}" for i, note in enumerate(notes, 1)]
    env = results["environment"]
    mode = "quick smoke run, numbers meaningless" if results["config"]["quick"] else "full run"
    cfg = results["config"]
    rounds = f"{cfg['rounds']} rounds"
    rounds += f" ({cfg['import_rounds']} import, {cfg['upload_rounds']} upload)"
    lines.append(
        f"{results['started']} | {mode} | medians of {rounds} | "
        f"python {env['python']} | {env['cpu_count']} CPUs | "
        f"loadavg {env['loadavg_start']} -> {env['loadavg_end']}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__)
    parser.add_argument("file")
    parser.add_argument("--format", choices=["text", "markdown"], default="text")
    args = parser.parse_args(argv)
    with open(args.file) as f:
        results = json.load(f)
    sys.stdout.write(render(results, args.format) + "\n")


if __name__ == "__main__":
    main()
