"""Tests of the human/automation mix recommendation (the planner/mix package, issue 6).

The references are independent of the search: every combination of the candidate grid is costed
by calling ``demand.live_demand`` + ``staffing.requirements`` directly, and the recommendation
must be the cheapest of them.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from planner import demand, mix, queueing, staffing
from planner.types import Deflection, MixSettings, Scenario
from tests.conftest import SMALL_CHANNELS, build_small_scenario

# Three pairs that all load the pooled voice team: tech and healthcare deflect voice contacts,
# retail chat escalates its failed bot sessions into voice. One coupled component.
COUPLED = (
    Deflection("tech", "voice", self_service_share=0.3, containment_rate=0.5,
               escalation_channel="voice", escalation_aht_multiplier=1.2,
               automation_cost_per_attempt=0.5),
    Deflection("healthcare", "voice", self_service_share=0.2, containment_rate=0.3,
               escalation_channel="voice", escalation_aht_multiplier=1.4,
               automation_cost_per_attempt=0.5),
    Deflection("retail", "chat", self_service_share=0.4, containment_rate=0.5,
               escalation_channel="voice", escalation_aht_multiplier=1.5,
               automation_cost_per_attempt=0.3),
)


def coupled_scenario(**mix_fields: float | None) -> Scenario:
    settings = MixSettings(**{"grid_step": 0.2, "experience_cost_per_unwanted_contact": 1.0,
                              **mix_fields})
    return build_small_scenario(deflections=COUPLED, mix=settings)


def exact_costs(scenario: Scenario, shares: dict[tuple[str, str], float]) -> tuple[float, float, bool]:
    """(total, labour + automation, service-level floor met) straight from demand + staffing."""
    live = demand.live_demand(scenario, self_service_shares=shares)
    req = staffing.requirements(scenario, live)
    hours = scenario.settings.interval_minutes / 60.0
    cost = {g.name: float(np.mean([t.cost_per_hour for t in scenario.templates_of(g.name)]))
            if scenario.templates_of(g.name) else mix.DEFAULT_COST_PER_HOUR
            for g in scenario.staffing_groups}
    labour = float((req["required_scheduled"] * req["group"].map(cost)).sum() * hours)
    automation = experience = 0.0
    for d in scenario.deflections:
        offered = scenario.forecast.loc[(scenario.forecast["segment"] == d.segment)
                                        & (scenario.forecast["channel"] == d.channel), "contacts"].sum()
        attempts = shares[(d.segment, d.channel)] * offered
        automation += attempts * d.automation_cost_per_attempt
        experience += (attempts * scenario.segment(d.segment).prefers_human_share
                       * scenario.mix.experience_cost_per_unwanted_contact)
    floor = scenario.mix.min_service_level
    ok = True
    if floor is not None:
        for _, rows in req[req["kind"] != "email"].groupby("group"):
            weight = rows["live_contacts"].to_numpy()
            if weight.sum() > 0:
                sl = np.nan_to_num(rows["service_level"].to_numpy(), nan=1.0)
                ok &= float((sl * weight).sum() / weight.sum()) >= floor - 1e-12
    return labour + automation + experience, labour + automation, ok


def brute_force(scenario: Scenario) -> tuple[float, dict[tuple[str, str], float], int]:
    """Cheapest feasible combination of the candidate grid, by enumerating all of them."""
    settings = scenario.mix
    grids = {}
    for d in scenario.deflections:
        upper = scenario.segment(d.segment).max_self_service_share
        if settings.min_human_share is not None:
            upper = min(upper, 1.0 - settings.min_human_share)
        values = {round(i * settings.grid_step, 12)
                  for i in range(math.floor(upper / settings.grid_step + 1e-9) + 1)}
        values.add(upper)
        if d.self_service_share <= upper:
            values.add(d.self_service_share)
        grids[(d.segment, d.channel)] = sorted(values)
    best, best_shares, count = math.inf, {}, 0
    for combo in itertools.product(*grids.values()):
        shares = dict(zip(grids, combo, strict=True))
        total, spend, ok = exact_costs(scenario, shares)
        count += 1
        if not ok or (settings.budget is not None and spend > settings.budget):
            continue
        if total < best:
            best, best_shares = total, shares
    return best, best_shares, count


def recommended(result: mix.MixResult) -> dict[tuple[str, str], float]:
    frame = result.pairs
    return {(s, c): float(r) for s, c, r in zip(frame["segment"], frame["channel"],
                                                  frame["recommended_share"], strict=True)
            if not math.isnan(frame.loc[(frame["segment"] == s) & (frame["channel"] == c),
                                        "containment_rate"].iloc[0])}


@pytest.fixture(scope="module")
def coupled_reference() -> tuple[float, dict[tuple[str, str], float], int]:
    return brute_force(coupled_scenario())


@pytest.fixture(scope="module")
def coupled_result() -> mix.MixResult:
    return mix.recommend_mix(coupled_scenario())


# -- optimality -------------------------------------------------------------------------------

def test_recommendation_is_the_cheapest_combination_on_the_grid(coupled_reference, coupled_result):
    best, best_shares, count = coupled_reference
    assert count == 6 * 3 * 4  # tech {0,.2,.3,.4,.6,.8} × healthcare {0,.2,.4} × retail {0,.2,.4,.6}
    total, _, _ = exact_costs(coupled_scenario(), recommended(coupled_result))
    assert total == pytest.approx(best, rel=1e-9)
    assert coupled_result.summary["total_cost_recommended"] == pytest.approx(best, rel=1e-9)
    assert coupled_result.summary["proved_optimal"] == 1.0
    assert coupled_result.status == "optimal"
    assert recommended(coupled_result) == best_shares  # unique minimum here


def test_cheapest_also_when_the_optimum_is_interior():
    """At a lower preference price tech voice stops at 60 % of an 80 % cap (staffing steps)."""
    scenario = coupled_scenario(experience_cost_per_unwanted_contact=0.5)
    best, best_shares, _ = brute_force(scenario)
    result = mix.recommend_mix(scenario)
    assert best_shares[("tech", "voice")] == 0.6
    assert exact_costs(scenario, recommended(result))[0] == pytest.approx(best, rel=1e-9)


def test_branch_and_bound_finds_the_same_minimum(coupled_reference):
    """Forcing the branch-and-bound path (no outright enumeration) gives the grid minimum too."""
    result = mix.recommend_mix(coupled_scenario(), options=mix.SearchOptions(search="branch"))
    total, _, _ = exact_costs(coupled_scenario(), recommended(result))
    assert total == pytest.approx(coupled_reference[0], rel=1e-9)


def test_budget_is_respected_and_the_constrained_minimum_found(coupled_result):
    unconstrained = recommended(coupled_result)
    _, spend, _ = exact_costs(coupled_scenario(), unconstrained)
    # a budget below the unconstrained optimum's spend (so it binds) but reachable
    scenario = coupled_scenario(budget=spend - 1.0)
    best, best_shares, _ = brute_force(scenario)
    assert best_shares != unconstrained
    result = mix.recommend_mix(scenario)
    total, result_spend, _ = exact_costs(scenario, recommended(result))
    assert result_spend <= spend - 1.0
    assert total == pytest.approx(best, rel=1e-9)


def test_no_feasible_combination_is_reported_not_hidden():
    result = mix.recommend_mix(coupled_scenario(budget=1.0))
    assert result.status == "infeasible"
    assert result.summary["feasible"] == 0.0
    assert "no combination" in result.message
    assert all("no combination" in line for line in result.reasons
               if "no self-service is configured" not in line)
    shares = recommended(result)
    assert shares == {(d.segment, d.channel): d.self_service_share for d in COUPLED}


def test_service_level_floor_is_checked_on_every_combination(coupled_reference):
    """Pooled voice SL ranges 0.831–0.847 over the grid; a 0.84 floor excludes the free optimum."""
    scenario = coupled_scenario(min_service_level=0.84)
    best, best_shares, _ = brute_force(scenario)
    assert best_shares != coupled_reference[1]  # the floor binds
    result = mix.recommend_mix(scenario)
    total, _, ok = exact_costs(scenario, recommended(result))
    assert ok
    assert total == pytest.approx(best, rel=1e-9)
    unreachable = mix.recommend_mix(coupled_scenario(min_service_level=0.85))
    assert unreachable.status == "infeasible"


# -- the fast group evaluation equals the staffing module --------------------------------------

def test_search_labour_equals_pooled_requirements_for_random_shares():
    """Group tables and row evaluation give Σ required_scheduled × hours × cost of staffing."""
    scenario = build_small_scenario(mix=MixSettings(grid_step=0.1))  # voice, chat (x2), email
    model = mix._build_model(scenario)
    rng = np.random.default_rng(7)
    for _ in range(4):
        shares = {pi: float(rng.choice(p.grid)) for pi, p in enumerate(model.pairs)}
        live = demand.live_demand(scenario, mix._shares_by_key(model, shares))
        req = staffing.requirements(scenario, live)
        for gi, group in enumerate(model.groups):
            row = np.array([[shares[pi] for pi in group.scope]], dtype=float).reshape(1, -1)
            direct, _ = model._rows(gi, row, None)
            table, _ = model.group_values(gi, row) if model.table(gi) else (direct, None)
            expected = (req.loc[req["group"] == group.name, "required_scheduled"].sum()
                        * group.cost_per_interval)
            assert direct[0] == pytest.approx(expected, rel=1e-12)
            assert table[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("channel", [
    SMALL_CHANNELS[0],                                   # voice, Erlang C
    replace(SMALL_CHANNELS[0], patience_seconds=180.0),  # voice, Erlang A (the week sample)
    SMALL_CHANNELS[1],                                   # chat, concurrency 2
], ids=["erlang-c", "erlang-a", "chat"])
def test_required_agents_are_monotone_as_the_bounds_assume(channel):
    """Required agents rise with the contact count at a fixed handle time and with handle time at
    a fixed contact count — the property the search's bounds rest on (see mix._box_extremes)."""
    contacts = np.linspace(0.5, 120.0, 80)[:, None]        # per 15-minute interval
    aht = np.linspace(120.0, 900.0, 50)[None, :]           # seconds
    load = contacts * aht / 900.0                           # Erlangs
    agents = queueing.required_agents(
        load, np.broadcast_to(aht, load.shape), channel.service_level, channel.answer_seconds,
        max_occupancy=channel.max_occupancy, patience_seconds=channel.patience_seconds,
        concurrency=channel.concurrency)
    assert np.all(np.diff(agents, axis=0) >= 0)
    assert np.all(np.diff(agents, axis=1) >= 0)


def test_at_a_fixed_load_erlang_a_can_need_fewer_agents_for_longer_calls():
    """Why the bounds are not taken in load: with patience, longer calls at the same load
    abandon more, and fewer agents meet the target (so load-based bounds would be wrong)."""
    voice = replace(SMALL_CHANNELS[0], patience_seconds=180.0)
    agents = queueing.required_agents(np.full(50, 40.0), np.linspace(120.0, 900.0, 50),
                                      voice.service_level, voice.answer_seconds,
                                      max_occupancy=voice.max_occupancy,
                                      patience_seconds=voice.patience_seconds)
    assert np.any(np.diff(agents) < 0)


# -- constraints ----------------------------------------------------------------------------------

def test_every_share_stays_within_cap_and_human_floor():
    scenario = build_small_scenario(mix=MixSettings(grid_step=0.1, min_human_share=0.7,
                                                    experience_cost_per_unwanted_contact=0.0))
    result = mix.recommend_mix(scenario)
    caps = {s.name: s.max_self_service_share for s in scenario.segments}
    for _, row in result.pairs.iterrows():
        assert row["recommended_share"] <= caps[row["segment"]] + 1e-12
        assert row["recommended_share"] <= 0.3 + 1e-12
    assert any("min human share 70%" in line for line in result.reasons)


def test_pairs_whose_bot_escalates_too_much_stay_at_zero():
    scenario = coupled_scenario(max_escalation_rate=0.6)  # healthcare voice escalates 70 %
    result = mix.recommend_mix(scenario)
    row = result.pairs.set_index(["segment", "channel"]).loc[("healthcare", "voice")]
    assert row["recommended_share"] == 0.0
    assert "escalates 70% of attempts, above the 60% maximum" in row["reason"]


def test_grid_holds_zero_steps_current_and_upper():
    grid = mix._share_grid(0.05, 0.66, 0.33)
    assert grid[0] == 0.0 and grid[-1] == 0.66
    assert 0.33 in grid and 0.65 in grid
    assert np.all(np.diff(grid) > 0)


# -- outputs --------------------------------------------------------------------------------------

def test_costs_add_up_from_the_columns(coupled_result):
    scenario = coupled_scenario()
    pairs = coupled_result.pairs
    price = scenario.mix.experience_cost_per_unwanted_contact
    for _, row in pairs.iterrows():
        for when in ("current", "recommended"):
            assert row[f"total_cost_{when}"] == pytest.approx(
                row[f"labour_cost_{when}"] + row[f"automation_cost_{when}"]
                + row[f"experience_cost_{when}"], rel=1e-12)
        d = scenario.deflection(row["segment"], row["channel"])
        if d is None:
            continue
        assert row["automation_cost_recommended"] == pytest.approx(
            row["attempts"] * d.automation_cost_per_attempt)
        assert row["experience_cost_recommended"] == pytest.approx(
            row["attempts"] * scenario.segment(row["segment"]).prefers_human_share * price)
        assert row["contained"] + row["escalations"] == pytest.approx(row["attempts"])
    summary = coupled_result.summary
    assert summary["total_cost_recommended"] == pytest.approx(pairs["total_cost_recommended"].sum())
    assert summary["total_cost_current"] == pytest.approx(pairs["total_cost_current"].sum())
    # pooled labour attributed to pairs adds up to the whole requirement's cost
    assert pairs["labour_cost_recommended"].sum() == pytest.approx(summary["labour_cost_recommended"])
    current = {(d.segment, d.channel): d.self_service_share for d in COUPLED}
    assert summary["total_cost_current"] == pytest.approx(exact_costs(scenario, current)[0])
    assert summary["total_cost_recommended"] <= summary["total_cost_current"] + 1e-9
    assert summary["evaluations"] > 0 and summary["seconds"] > 0


def test_frontier_is_lowest_at_the_recommendation(coupled_result):
    frontier = coupled_result.frontier
    assert list(frontier.columns) == list(mix.FRONTIER_COLUMNS)
    shares = recommended(coupled_result)
    for (segment, channel), rows in frontier.groupby(["segment", "channel"]):
        at = rows.loc[np.isclose(rows["share"], shares[(segment, channel)])]
        assert len(at) == 1
        assert at["total_cost"].iloc[0] == pytest.approx(rows.loc[rows["feasible"], "total_cost"].min())
        # every frontier point at the recommendation is the whole plan's recommended cost
        assert at["total_cost"].iloc[0] == pytest.approx(
            coupled_result.summary["total_cost_recommended"], rel=1e-9)
        assert np.allclose(rows["total_cost"], rows["labour_cost"] + rows["automation_cost"]
                           + rows["experience_cost"])


def test_sensitivity_reports_the_lower_containment_run(coupled_result):
    sens = coupled_result.sensitivity
    assert list(sens.columns) == list(mix.SENSITIVITY_COLUMNS)
    assert list(zip(sens["segment"], sens["channel"], strict=True)) == [
        (d.segment, d.channel) for d in COUPLED]
    low = replace(coupled_scenario(), deflections=tuple(
        replace(d, containment_rate=d.containment_rate - 0.1) for d in COUPLED))
    best, _, _ = brute_force(low)
    for _, row in sens.iterrows():
        assert row["flips"] == (abs(row["recommended_share"] - row["recommended_share_low_containment"])
                                > 1e-9)
    low_shares = dict(zip(zip(sens["segment"], sens["channel"], strict=True),
                          sens["recommended_share_low_containment"], strict=True))
    # the low-containment recommendation is the grid minimum of the low-containment scenario
    assert exact_costs(low, low_shares)[0] == pytest.approx(best, rel=1e-9)


def test_reasons_name_the_deciding_cost():
    expensive = mix.recommend_mix(coupled_scenario(experience_cost_per_unwanted_contact=50.0))
    reasons = dict(zip(zip(expensive.pairs["segment"], expensive.pairs["channel"], strict=True),
                       expensive.pairs["reason"], strict=True))
    assert reasons[("healthcare", "voice")] == ("healthcare voice: lowered from 20% to 0% — "
                                                "preference cost exceeds labour saving")
    cheap = mix.recommend_mix(coupled_scenario(experience_cost_per_unwanted_contact=0.0))
    line = cheap.pairs.set_index(["segment", "channel"]).loc[("tech", "voice"), "reason"]
    assert line == "tech voice: raised from 30% to 60% — automation cost exceeds labour saving"
    assert len(cheap.reasons) == len(cheap.pairs)


def test_reason_at_the_cap_quotes_the_last_step():
    scenario = coupled_scenario()
    model = mix._build_model(scenario)
    pair = model.pairs[0]  # tech voice, cap 0.8
    frontier = pd.DataFrame({"segment": "tech", "channel": "voice", "share": [0.6, 0.8],
                             "labour_cost": [1000.0, 900.0], "automation_cost": [10.0, 20.0],
                             "experience_cost": [5.0, 8.0], "total_cost": [1015.0, 928.0],
                             "feasible": True})
    assert mix._reason(pair, 0.8, frontier, True) == (
        "tech voice: raised from 30% to 80% (the segment's cap) — labour saving of the last step "
        "(100) exceeds its automation and preference cost (13)")


def test_progress_runs_from_zero_to_one():
    seen: list[float] = []
    mix.recommend_mix(coupled_scenario(), progress=lambda f, _m: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in seen)
    assert seen == sorted(seen)


def test_pair_columns_match_the_contract(coupled_result):
    assert list(coupled_result.pairs.columns) == list(mix.PAIR_COLUMNS)
    assert isinstance(coupled_result.pairs, pd.DataFrame)


# -- the plan workbook and the CLI -------------------------------------------------------------

def test_mix_sheet_recomputes_total_cost_from_its_own_columns(tmp_path):
    """Every number in the Mix sheet can be traced: totals = labour + automation + experience,
    automation = attempts × price per attempt, experience = attempts × prefers-human × price."""
    openpyxl = pytest.importorskip("openpyxl")
    from planner import excel, pipeline

    scenario = coupled_scenario()
    plan = pipeline.run_plan(scenario, schedule=False, mix=True)
    path = tmp_path / "plan.xlsx"
    excel.write_plan(plan, path)
    sheet = openpyxl.load_workbook(path, data_only=True)["Mix"]
    header = [cell.value for cell in sheet[1]]
    assert header[:len(mix.PAIR_COLUMNS)] == list(mix.PAIR_COLUMNS)
    col = {name: header.index(name) for name in mix.PAIR_COLUMNS}
    rows = []
    for values in sheet.iter_rows(min_row=2, values_only=True):
        if values[0] is None:
            break
        rows.append(values)
    assert len(rows) == len(plan.mix.pairs)
    price = scenario.mix.experience_cost_per_unwanted_contact
    total_now = total_rec = 0.0
    for values in rows:
        for when in ("current", "recommended"):
            assert values[col[f"total_cost_{when}"]] == pytest.approx(
                values[col[f"labour_cost_{when}"]] + values[col[f"automation_cost_{when}"]]
                + values[col[f"experience_cost_{when}"]], rel=1e-9)
        d = scenario.deflection(values[col["segment"]], values[col["channel"]])
        if d is not None:
            attempts = values[col["attempts"]]
            assert values[col["automation_cost_recommended"]] == pytest.approx(
                attempts * d.automation_cost_per_attempt)
            assert values[col["experience_cost_recommended"]] == pytest.approx(
                attempts * scenario.segment(d.segment).prefers_human_share * price)
        total_now += values[col["total_cost_current"]]
        total_rec += values[col["total_cost_recommended"]]
    assert total_now == pytest.approx(plan.mix.summary["total_cost_current"], rel=1e-9)
    assert total_rec == pytest.approx(plan.mix.summary["total_cost_recommended"], rel=1e-9)
    # and the recommended total is the brute-force grid minimum of this scenario
    assert total_rec == pytest.approx(brute_force(scenario)[0], rel=1e-9)


def test_cli_mix_prints_the_recommendation(tmp_path, capsys):
    from planner import cli, excel

    path = tmp_path / "scenario.xlsx"
    excel.write_scenario(coupled_scenario(), path)
    assert cli.main(["mix", str(path)]) == 0
    out = capsys.readouterr().out
    assert "status: optimal" in out
    assert "healthcare voice: lowered from 20% to 0%" in out
    assert "grid optimum proved: yes" in out
    assert cli.main(["mix", str(path), "--json"]) == 0
    import json

    payload = json.loads(capsys.readouterr().out)
    assert payload["status"] == "optimal"
    # every (segment, channel) with demand, in the scenario's order; only deflected ones can move
    assert [(p["segment"], p["channel"]) for p in payload["pairs"]][:3] == [
        ("tech", "voice"), ("tech", "chat"), ("tech", "email")]
    assert {p["segment"] for p in payload["pairs"] if p["recommended_share"] != p["current_share"]} \
        <= {"tech", "healthcare", "retail"}
    assert len(payload["reasons"]) == len(payload["pairs"]) == 9


def test_cli_mix_reports_bad_workbook(tmp_path, capsys):
    from planner import cli

    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook")
    assert cli.main(["mix", str(path)]) == 1
    assert "planner mix:" in capsys.readouterr().err


def test_bot_escalating_into_a_closed_channel_stays_off():
    """Email arrives around the clock; escalating it to voice (08:00–20:00) would put live calls
    on a closed channel, which live_demand rejects — so the pair is kept at 0 and says why."""
    scenario = build_small_scenario(
        deflections=(Deflection("tech", "email", 0.0, 0.5, "voice"),),
        mix=MixSettings(grid_step=0.25))
    result = mix.recommend_mix(scenario)
    row = result.pairs.set_index(["segment", "channel"]).loc[("tech", "email")]
    assert row["recommended_share"] == 0.0
    assert "escalations would reach voice while that channel is closed" in row["reason"]


def test_without_deflections_nothing_moves():
    result = mix.recommend_mix(build_small_scenario(deflections=()))
    assert result.status == "optimal"
    assert result.summary["total_cost_recommended"] == pytest.approx(result.summary["total_cost_current"])
    assert result.summary["contacts_moved"] == 0.0
    assert len(result.frontier) == 0 and len(result.sensitivity) == 0
    assert (result.pairs["recommended_share"] == 0.0).all()


def test_a_stopped_branch_and_bound_is_not_called_optimal():
    options = mix.SearchOptions(search="branch", branch_time_limit_seconds=0.0)
    result = mix.recommend_mix(coupled_scenario(), options=options)
    assert result.status == "feasible"
    assert result.summary["proved_optimal"] == 0.0
    assert "not proved the grid minimum" in result.message
    # what it returns is still a valid plan: every share on the grid and within its cap
    for _, row in result.pairs.iterrows():
        assert 0.0 <= row["recommended_share"] <= row["cap"] + 1e-12


# -- the table from bounding rectangles (issue 14) equals the table of every combination -----------
@pytest.mark.parametrize("step", [0.05, 0.1])
def test_tables_from_rectangles_equal_every_combination(step):
    """The fast table (whole rectangles of (contacts, handle time) points settled by their two
    bounding corners) must give, combination by combination, the labour of evaluating each one —
    on the small scenario with every pair of its deflections, at two grid steps."""
    scenario = build_small_scenario(mix=MixSettings(grid_step=step))
    model = mix._build_model(scenario)
    checked = 0
    for gi, group in enumerate(model.groups):
        if group.kind == "email" or not group.scope:
            continue
        fast, ok = model._table_by_boxes(gi)
        grids = [model.pairs[pi].grid for pi in group.scope]
        combos = np.array(list(itertools.product(*grids)), dtype=float)
        every, _ = model._rows(gi, combos, None)
        np.testing.assert_array_equal(fast, every)
        assert ok.all()
        checked += combos.shape[0]
    assert checked > 50


def test_the_recommendation_is_the_same_with_either_table():
    scenario = build_small_scenario()
    fast = mix.recommend_mix(scenario)
    every = mix.recommend_mix(scenario, options=mix.SearchOptions(table="every"))
    pd.testing.assert_frame_equal(fast.pairs, every.pairs)
    pd.testing.assert_frame_equal(fast.frontier, every.frontier)
    pd.testing.assert_frame_equal(fast.sensitivity, every.sensitivity)
    assert fast.summary["evaluations"] < every.summary["evaluations"]


def test_deferred_rows_equal_deferred_staffing_row_by_row():
    """The e-mail table's batched level rule equals ``staffing.deferred_staffing`` on every row."""
    from planner.demand import open_mask

    scenario = build_small_scenario()
    channel = scenario.channel("email")
    is_open = open_mask(channel, scenario.settings.interval_starts())
    rng = np.random.default_rng(20260105)
    base = np.where(np.arange(is_open.size) % 7 == 0, 0.0, rng.gamma(2.0, 600.0, is_open.size))
    rows = base[None, :] * rng.uniform(0.2, 3.0, (40, 1)) + rng.uniform(0, 400, (40, is_open.size))
    fast = mix.deferred_net_agents(rows, is_open, channel.response_hours, 15, channel.max_occupancy)
    for row, got in zip(rows, fast, strict=True):
        want = staffing.deferred_staffing(row, np.zeros_like(row), is_open, channel.response_hours, 15,
                                          channel.max_occupancy)["net_agents"]
        np.testing.assert_array_equal(got, want)
    assert fast.sum() > 0


def test_one_pair_escalating_into_a_closed_channel_leaves_the_others_free():
    """Pairs of different segments share a ``live_demand`` call when the basis is built; when
    one of them cannot move (its escalations would reach closed voice), only that one is kept at
    0 and the others' basis is the one of calling ``live_demand`` for them alone."""
    deflections = (Deflection("tech", "email", 0.0, 0.5, "voice"),
                   Deflection("retail", "voice", 0.2, 0.5, "voice", automation_cost_per_attempt=0.3))
    scenario = build_small_scenario(deflections=deflections, mix=MixSettings(grid_step=0.25))
    model = mix._build_model(scenario)
    blocked, free = model.pairs
    assert (blocked.segment, blocked.channel) == ("tech", "email")
    assert blocked.grid.tolist() == [0.0] and "while that channel is closed" in blocked.excluded_reason
    assert free.grid.size > 1
    alone = {("tech", "email"): 0.0, ("retail", "voice"): float(free.grid.max())}
    base = demand.live_demand(scenario, {("tech", "email"): 0.0, ("retail", "voice"): 0.0})
    moved = demand.live_demand(scenario, alone)
    voice = next(gi for gi, g in enumerate(model.groups) if g.name == "voice")
    # only retail's voice rows move (one per interval, in interval order)
    rows = ((base["channel"] == "voice") & (base["segment"] == "retail")).to_numpy()
    expected = ((moved["live_contacts"].to_numpy()[rows] - base["live_contacts"].to_numpy()[rows])
                / free.grid.max())
    np.testing.assert_array_equal(model.groups[voice].d_contacts[1], expected)
    assert np.any(expected != 0)
