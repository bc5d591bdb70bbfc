"""Today's people of the capacity plan from the Agents sheet (issue 11/12): FTE, precedence,
contradictions located, the source shown, and one parse of the workbook."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from models.capacity_codec import capacity_from_document, capacity_to_document
from planner import excel
from planner.capacity import plan_capacity
from planner.capacity.inputs import check_capacity
from planner.capacity.people import HEADCOUNT_TOLERANCE_FTE, agent_fte, people_today
from planner.capacity.plan import with_people_today
from planner.capacity.requirement import given_efficiency
from planner.excel import reader
from planner.excel.capacity import read_capacity, read_scenario_and_capacity, write_capacity_plan
from planner.types import InputError

SAMPLES = Path(__file__).resolve().parent.parent / "sample_inputs"
DAY = SAMPLES / "contact_center_day.xlsx"
WEEK = SAMPLES / "contact_center_week.xlsx"


def hand_count(path: Path) -> dict[str, float]:
    """FTE per group counted from the raw Agents and Contracts cells (openpyxl, not our reader):
    each agent's contract max hours ÷ 40 h, shared equally over the groups they are skilled for."""
    book = load_workbook(path, read_only=True)
    contracts = {row[0]: float(row[2]) for row in book["Contracts"].iter_rows(min_row=2, values_only=True)
                 if row[0]}
    fte: dict[str, float] = {}
    for row in book["Agents"].iter_rows(min_row=2, values_only=True):
        if not row[0]:
            continue
        groups = [g.strip() for g in str(row[3]).split(",")]
        for group in groups:
            fte[group] = fte.get(group, 0.0) + contracts[row[2]] / 40.0 / len(groups)
    return fte


@pytest.fixture(scope="module")
def week() -> tuple:
    return read_scenario_and_capacity(WEEK)


def test_fte_from_agents_equals_a_hand_count_on_the_week_sample(week: tuple) -> None:
    scenario, inputs = week
    counted = hand_count(WEEK)
    # The sample's teams (sample_inputs/make_samples.py AGENT_TEAMS), by hand: voice = 46 full-time
    # (40 h) + 14 part-time (30 h) × 0.75 + ½ × 10 voice+chat full-time + ½ × 10 students (16 h) × 0.4
    # = 46 + 10.5 + 5 + 2 = 63.5; chat = 24 + 10 × 0.75 + 5 + 2 = 38.5; e-mail = 20 + 6 × 0.75 = 24.5.
    assert counted == pytest.approx({"voice": 63.5, "chat": 38.5, "email": 24.5})
    started, people, source = with_people_today(scenario, inputs)
    for group, fte in counted.items():
        assert sum(h.fte for h in started.headcount if h.group == group) == pytest.approx(fte)
        assert people.loc[people["group"] == group, "fte"].sum() == pytest.approx(fte)
    # Conservation: nobody counted twice — the groups add up to the people's own FTE.
    contracts = {c.name: c for c in scenario.contracts}
    assert sum(h.fte for h in started.headcount) == pytest.approx(
        sum(agent_fte(contracts[a.contract], 40.0) for a in scenario.agents))
    assert "Agents sheet: 140 agents = 126.5 FTE" in source and "20 multi-skilled" in source


def test_the_tenure_split_keeps_the_headcount_rows_shares(week: tuple) -> None:
    scenario, inputs = week
    started, _, _ = with_people_today(scenario, inputs)
    typed = {(h.group, h.tenure_bucket): h.fte for h in inputs.headcount}
    voice_typed = sum(v for (g, _), v in typed.items() if g == "voice")
    for h in started.headcount:
        if h.group == "voice":
            assert h.fte / 63.5 == pytest.approx(typed[("voice", h.tenure_bucket)] / voice_typed)


def test_without_headcount_rows_a_groups_agents_count_as_tenured(week: tuple) -> None:
    scenario, inputs = week
    kept = tuple(h for h in inputs.headcount if h.group != "email")
    started, _, source = with_people_today(scenario, inputs.replace(headcount=kept))
    email = [h for h in started.headcount if h.group == "email"]
    assert [(h.tenure_bucket, round(h.fte, 6)) for h in email] == [("tenured", 24.5)]
    assert "for voice, chat; other groups tenured" in source


def test_without_agents_the_headcount_sheet_stands(week: tuple) -> None:
    scenario, inputs = week
    alone = replace(scenario, agents=())
    started, people, source = with_people_today(alone, inputs)
    assert started.headcount == inputs.headcount and people.empty
    assert source.startswith("Headcount sheet:")


def test_a_headcount_sheet_that_contradicts_the_agents_is_located(tmp_path: Path) -> None:
    book = load_workbook(DAY)
    sheet = book["Headcount"]
    assert [sheet[f"A{r}"].value for r in (2, 3, 4)] == ["voice"] * 3
    sheet["C4"] = 20.0  # voice tenured: 6.4 + 19.1 + 20 = 45.5 FTE against the agents' 63.5
    path = tmp_path / "contradiction.xlsx"
    book.save(path)
    with pytest.raises(InputError) as caught:
        read_scenario_and_capacity(path)
    found = [str(p) for p in caught.value.problems]
    assert len(found) == 1, found
    assert found[0].startswith("Headcount!C4: fte contradicts the Agents sheet")
    assert "total 45.5 FTE" in found[0] and "80 agent(s) are skilled for 'voice' = 63.5 FTE" in found[0]
    # Within the tolerance it is accepted (a rounded tenure split).
    sheet["C4"] = 38.1 + HEADCOUNT_TOLERANCE_FTE * 0.8
    book.save(path)
    assert read_scenario_and_capacity(path)[1] is not None


def test_a_bad_headcount_cell_gives_one_problem_not_a_contradiction_too(tmp_path: Path) -> None:
    book = load_workbook(DAY)
    book["Headcount"]["C3"] = -3
    path = tmp_path / "negative.xlsx"
    book.save(path)
    with pytest.raises(InputError) as caught:
        read_scenario_and_capacity(path)
    found = [str(p) for p in caught.value.problems]
    assert len(found) == 1 and found[0].startswith("Headcount!C3:"), found
    assert "not checked until this is fixed: the Headcount total of 'voice' against the Agents" in found[0]


def test_the_json_document_is_checked_against_the_agents_too(week: tuple) -> None:
    scenario, inputs = week
    document = capacity_to_document(inputs)
    document["headcount"][2]["fte"] = 0.0  # voice tenured
    loaded = capacity_from_document(document)
    with pytest.raises(InputError) as caught:
        check_capacity(loaded, scenario)
    assert [p.location for p in caught.value.problems] == ["headcount[2].fte"]


def test_one_parse_serves_the_scenario_and_the_capacity_sheets(monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[bool] = []
    real = reader.load_book

    def counting(content: bytes, *, data_only: bool) -> object:  # the real book, counted
        loads.append(data_only)
        return real(content, data_only=data_only)

    monkeypatch.setattr(reader, "load_book", counting)
    scenario, inputs = read_scenario_and_capacity(DAY)
    assert loads == [True]  # the sample has no formulas: one values load, nothing else
    monkeypatch.undo()
    assert inputs is not None
    separate = read_capacity(DAY, excel.read_workbook(DAY))
    assert separate is not None
    assert (inputs.settings, inputs.tenure_buckets, inputs.headcount, inputs.hire_classes,
            inputs.groups) == (separate.settings, separate.tenure_buckets, separate.headcount,
                               separate.hire_classes, separate.groups)
    assert len(scenario.agents) == 140


def test_the_plan_shows_where_todays_people_come_from_and_round_trips(tmp_path: Path) -> None:
    scenario, inputs = read_scenario_and_capacity(DAY)
    assert inputs is not None
    inputs = inputs.replace(settings=replace(inputs.settings, scenarios=2, weeks=12),
                            hire_classes=tuple(replace(c, start_weeks=(5, 7)) for c in inputs.hire_classes),
                            weeks=None)
    groups = tuple(g.name for g in scenario.staffing_groups)
    plan = plan_capacity(scenario, inputs, efficiency=given_efficiency(1.08, groups, "the test"),
                         compare_rule=False)
    assert plan.summary["people_source"].startswith("Agents sheet: 140 agents = 126.5 FTE")
    assert plan.summary["people_today_fte[voice]"] == pytest.approx(63.5)
    # Week 1 head count of the plan is today's people (no class has started yet).
    first = plan.weekly[plan.weekly["week"] == 1].set_index("group")["headcount_fte"]
    assert first.to_dict() == pytest.approx({"voice": 63.5, "chat": 38.5, "email": 24.5})
    path = tmp_path / "capacity.xlsx"
    write_capacity_plan(plan, path)
    rows = list(load_workbook(path)["CapacityPlan"].iter_rows(values_only=True))
    source = next(r[1] for r in rows if r[0] == "People today from")
    assert source == plan.summary["people_source"]
    header = next(i for i, r in enumerate(rows) if r[0] == "Group" and r[1] == "Contract")
    table = [r[:5] for r in rows[header + 1: header + 1 + len(plan.people)]]
    expected = [tuple(r) for r in plan.people.itertuples(index=False)]
    assert [r[:4] for r in table] == [r[:4] for r in expected]
    assert [r[4] for r in table] == pytest.approx([r[4] for r in expected])
    people = people_today(scenario.agents, scenario.contracts, groups, 40.0)
    assert sum(r[4] for r in table) == pytest.approx(people.total_fte)
