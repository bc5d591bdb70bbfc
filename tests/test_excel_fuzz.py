"""Property-based fuzzing of the workbook reader: a hand-edited workbook never crashes it.

Every case applies 1–4 random edits (``tests/workbook_mutations.py``) to the day sample, the week
sample or the annotated template, then reads it. The property: the reader returns a scenario, or
raises :class:`planner.types.InputError` whose every problem names a ``Sheet!Cell`` location.
Nothing else may escape. The bounded run here is a few hundred examples; the long seeded run is
``benchmarks/fuzz_workbooks.py`` (≥ 10,000 cases).
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from planner import demand, excel, staffing
from planner.types import InputError, Scenario

from .workbook_mutations import mutate, unlocated

SAMPLES = Path(__file__).resolve().parents[1] / "sample_inputs"


@pytest.fixture(scope="module")
def base_workbooks() -> dict[str, bytes]:
    template = io.BytesIO()
    excel.write_template(template)
    return {
        "day sample": (SAMPLES / "contact_center_day.xlsx").read_bytes(),
        "week sample": (SAMPLES / "contact_center_week.xlsx").read_bytes(),
        "template": template.getvalue(),
    }


def _read_or_located_error(content: bytes) -> Scenario | None:
    """The scenario, or None after checking that every problem is located."""
    try:
        return excel.read_workbook(content)
    except InputError as exc:
        assert exc.problems, "an InputError must carry at least one problem"
        assert unlocated(exc.problems) == [], f"problems without a location: {unlocated(exc.problems)}"
        return None


def _fuzz(examples: int) -> settings:
    # Hypothesis draws the seed of each case; the edits are drawn from it exactly as in
    # benchmarks/fuzz_workbooks.py, so a failing seed reproduces there. Shrinking a seed means
    # nothing, so the shrink phase is off; derandomize keeps CI runs identical.
    return settings(max_examples=examples, deadline=None, derandomize=True,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _edited(content: bytes, seed: int) -> bytes:
    edited, edits = mutate(content, random.Random(seed).choice)
    note(f"seed {seed}: {'; '.join(map(str, edits))}")
    return edited


@pytest.mark.parametrize("base", ["day sample", "template"])
@_fuzz(100)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_edited_workbook_reads_or_names_every_problem(base_workbooks: dict[str, bytes], base: str,
                                                      seed: int) -> None:
    _read_or_located_error(_edited(base_workbooks[base], seed))


@_fuzz(20)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_edited_week_sample_reads_or_names_every_problem_and_staffs(base_workbooks: dict[str, bytes],
                                                                    seed: int) -> None:
    """The week sample, and when it still reads, demand and staffing raise only located problems."""
    content = _edited(base_workbooks["week sample"], seed)
    scenario = _read_or_located_error(content)
    if scenario is None:
        return
    try:
        staffing.requirements(scenario, demand.live_demand(scenario))
    except InputError as exc:
        assert unlocated(exc.problems) == []


def test_chat_template_with_negative_length_names_its_length_cell(base_workbooks: dict[str, bytes]) -> None:
    """The case of issue 15: −5 typed into the length of ``chat 4h`` in the day sample."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(base_workbooks["day sample"]))
    sheet = book["ShiftTemplates"]
    headers = [c.value for c in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "chat 4h")
    column = headers.index("length_minutes") + 1
    sheet.cell(row, column).value = -5
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InputError) as caught:
        excel.read_workbook(out.getvalue())
    problems = caught.value.problems
    letter = openpyxl.utils.get_column_letter(column)
    assert [p.location for p in problems] == [f"ShiftTemplates!{letter}{row}"]
    assert "length_minutes" in str(problems[0]) and "-5" in problems[0].message
    # The break rules of that template could not be checked against its length: said, not crashed.
    assert "not checked until this is fixed" in problems[0].message
