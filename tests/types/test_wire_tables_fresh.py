"""The enum-number tables match what tools/codegen/wire_tables.py writes."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools.codegen import wire_tables  # noqa: E402


def test_wire_tables_are_fresh() -> None:
    stale = [p.name for p, text in wire_tables.outputs().items() if p.read_text() != text]
    assert not stale, f"run `python -m tools.codegen.wire_tables` ({stale} are stale)"


def test_numbers_agree_with_the_recorded_int_enum_answer() -> None:
    """Recorded (``$alt=json;enum-encoding=int``): modality 1 is TEXT, categories 7-10."""
    numbers = wire_tables.json.loads(wire_tables.NUMBERS_FILE.read_text())["enums"]
    assert numbers["GenerativeLanguageModality"]["TEXT"] == 1
    assert numbers["HarmCategory"]["HARM_CATEGORY_HARASSMENT"] == 7
    assert numbers["HarmCategory"]["HARM_CATEGORY_DANGEROUS_CONTENT"] == 10
    assert numbers["SafetyRatingProbability"]["NEGLIGIBLE"] == 1
    assert numbers["CandidateFinishReason"]["LANGUAGE"] == 6  # not the list order
