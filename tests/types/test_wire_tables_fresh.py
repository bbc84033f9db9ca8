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


def test_every_enum_value_has_a_number_or_is_listed_without_one() -> None:
    """A value of the API description either has its published number or is listed under
    ``unnumbered`` (no published proto numbers it); never both, and the docs name them."""
    api = wire_tables.json.loads(wire_tables.API_FILE.read_text())
    table = wire_tables.json.loads(wire_tables.NUMBERS_FILE.read_text())
    numbers, unnumbered = table["enums"], table["unnumbered"]["enums"]
    for name, enum in api["enums"].items():
        numbered = set(numbers.get(name, {}))
        listed = set(unnumbered.get(name, []))
        assert not numbered & listed, name
        assert numbered | listed == set(enum["values"]), name
    docs = (ROOT / "docs" / "wire-format.md").read_text()
    section = docs.split("## Enums without published numbers")[1].split("\n## ")[0]
    for name, values in unnumbered.items():
        spelled = values[0] if len(values) == 1 else name.removeprefix("ThinkingConfig")
        assert f"`{spelled}`" in section, name
