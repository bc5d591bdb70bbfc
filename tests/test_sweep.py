"""Scenario sweeps: grid parsing (every problem named), points applied as plain data, the sweep's
numbers against direct pipeline runs and their monotonicity, the CLI and the results workbook."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from planner import sweep
from planner.cli import main
from planner.excel.sweep import write_sweep
from planner.pipeline import run_plan
from planner.types import InputError
from tests.conftest import build_small_scenario

ROOT = Path(__file__).resolve().parents[1]
DAY_SAMPLE = ROOT / "sample_inputs" / "contact_center_day.xlsx"


@pytest.fixture(scope="module")
def base():
    return build_small_scenario()


@pytest.fixture(scope="module")
def swept(base):
    grid = sweep.parse_grid(["volume=-10%,0,+10%", "service_level[voice]=0.7,0.8,0.9"], base)
    return sweep.run_sweep(base, grid)


# -- grid parsing -----------------------------------------------------------------------------


def test_grid_values_in_percent_shares_ranges_and_targets(base):
    grid = sweep.parse_grid(["volume=-10%,0,+10", "aht[chat]=-5%:5%:5%",
                             "self_service=30%,0.5", "service_level=0.7:0.9:0.1"], base)
    assert [a.key for a in grid.axes] == ["volume", "aht[chat]", "self_service", "service_level"]
    assert grid.axes[0].values == (-0.1, 0.0, 0.1)
    assert grid.axes[1].values == (-0.05, 0.0, 0.05)
    assert grid.axes[2].values == (0.3, 0.5)
    assert grid.axes[3].values == (0.7, 0.8, 0.9)
    assert grid.size == 3 * 3 * 2 * 3
    points = grid.points()
    assert len(points) == grid.size
    assert points[0] == {"volume": -0.1, "aht[chat]": -0.05, "self_service": 0.3, "service_level": 0.7}
    assert points[1]["service_level"] == 0.8  # the last axis moves fastest


@pytest.mark.parametrize(("specs", "needles"), [
    (["speed=1,2"], ["speed", "not a sweep parameter", "volume, aht"]),
    (["volume="], ["volume", "has no values"]),
    (["volume=a,b"], ["volume", "not a number", "change in percent"]),
    (["service_level=0.7,1.2"], ["service_level", "120%", "out of range", "(0, 1)"]),
    (["volume=-150%"], ["volume", "-150%", "out of range"]),
    (["volume=0", "volume=10%"], ["given twice"]),
    (["service_level[phone]=0.8"], ["unknown channel 'phone'", "voice, chat, email"]),
    (["volume[voice]=0"], ["whole scenario"]),
    (["volume"], ["NAME=VALUES"]),
    ([], ["at least one axis"]),
    (["volume=0:100%:1%", "aht=0:20%:1%"], ["2,121 points", "101 × 21", "at most 2,000"]),
])
def test_a_bad_grid_is_refused_naming_the_axis_and_what_is_allowed(base, specs, needles):
    with pytest.raises(InputError) as caught:
        sweep.parse_grid(specs, base)
    text = str(caught.value)
    for needle in needles:
        assert needle in text


def test_every_problem_of_a_grid_is_reported_at_once(base):
    with pytest.raises(InputError) as caught:
        sweep.parse_grid(["speed=1", "volume=", "shrinkage=1.5"], base)
    assert [p.field for p in caught.value.problems] == ["speed", "volume", "shrinkage"]
    assert all(p.location.startswith("--grid ") for p in caught.value.problems)


def test_a_json_grid_reads_like_the_command_line(base):
    grid = sweep.grid_from_json({"volume": ["-10%", 0, "+10%"], "service_level": "0.7,0.8"}, base)
    assert grid == sweep.parse_grid(["volume=-10%,0,+10%", "service_level=0.7,0.8"], base)
    with pytest.raises(InputError, match=r"body\.grid"):
        sweep.grid_from_json([], base)


# -- applying a point ---------------------------------------------------------------------------


def test_a_point_changes_exactly_what_it_names(base):
    changed, notes = sweep.apply_point(base, {"volume": 0.1, "aht[chat]": -0.2,
                                              "service_level[voice]": 0.9})
    np.testing.assert_allclose(changed.forecast["contacts"], base.forecast["contacts"] * 1.1)
    assert changed.channel("chat").aht_seconds == pytest.approx(base.channel("chat").aht_seconds * 0.8)
    assert changed.channel("voice").aht_seconds == base.channel("voice").aht_seconds
    assert changed.channel("voice").service_level == 0.9
    assert changed.channel("chat").service_level == base.channel("chat").service_level
    assert notes == ()
    assert base.forecast["contacts"].sum() == build_small_scenario().forecast["contacts"].sum()


def test_a_self_service_share_above_a_segments_cap_is_capped_and_said(base):
    changed, notes = sweep.apply_point(base, {"self_service": 0.5})
    shares = {(d.segment, d.channel): d.self_service_share for d in changed.deflections}
    assert shares[("healthcare", "voice")] == 0.4  # healthcare's max_self_service_share
    assert shares[("tech", "voice")] == 0.5
    assert any("healthcare" in n and "capped" in n for n in notes)


def test_a_service_level_on_an_email_channel_is_refused(base):
    with pytest.raises(InputError, match="e-mail channel"):
        sweep.apply_point(base, {"service_level[email]": 0.8})


# -- the sweep's numbers --------------------------------------------------------------------------


def test_each_point_equals_a_direct_run_of_the_pipeline(base, swept):
    row = swept.points.iloc[4]  # volume 0, voice service level 80 % = the base scenario
    assert row["label"] == "volume=0%, service_level[voice]=80%"
    plan = run_plan(base, schedule=False)
    assert row["required_fte"] == plan.kpis["required_fte"]
    assert row["mix_total_cost_recommended"] == plan.mix.summary["total_cost_recommended"]
    decisions = swept.decisions[swept.decisions["point"] == 4]
    np.testing.assert_array_equal(decisions["recommended_share"], plan.mix.pairs["recommended_share"])


def test_more_volume_needs_more_agents_and_a_higher_target_costs_more(swept):
    points = swept.points
    assert (points["status"] == "ok").all()
    by = points.set_index(["volume", "service_level[voice]"])
    for level in (0.7, 0.8, 0.9):
        fte = by.xs(level, level=1)["required_fte"].to_numpy()
        assert np.all(np.diff(fte) > 0)
    for volume in (-0.1, 0.0, 0.1):
        cost = by.xs(volume, level=0)["total_cost"].to_numpy()
        assert np.all(np.diff(cost) >= 0)
    # the contact-weighted mean target (voice + chat) rises with the voice target alone
    for volume in (-0.1, 0.0, 0.1):
        target = by.xs(volume, level=0)["service_level_target"].to_numpy()
        assert np.all(np.diff(target) > 0) and np.all((target > 0.7) & (target < 0.9))
    assert math.isclose(points.loc[0, "total_cost"],
                        points.loc[0, "requirement_labour_cost"] + points.loc[0, "automation_cost"])


def test_the_mix_decisions_stay_within_each_segments_cap(base, swept):
    caps = {s.name: s.max_self_service_share for s in base.segments}
    decisions = swept.decisions
    pairs = len(base.segments) * len(base.channels)  # every pair with demand, configured or not
    assert len(decisions) == len(swept.points) * pairs
    assert (decisions["recommended_share"] <= decisions["segment"].map(caps) + 1e-12).all()


def test_the_results_workbook_has_the_points_the_decisions_and_native_charts(swept, tmp_path):
    path = tmp_path / "sweep.xlsx"
    write_sweep(swept, path)
    book = load_workbook(path)
    assert book.sheetnames[:4] == ["About", "Points", "Mix decisions", "Charts"]
    points = book["Points"]
    assert points.max_row == len(swept.points) + 1
    titles = [c.value for c in points[1]]
    assert "required FTE (40 h/week)" in titles and "total cost (labour + automation) (USD)" in titles
    assert book["Mix decisions"].max_row == len(swept.points) + 1
    assert len(book["Charts"]._charts) == 3
    column = titles.index("required FTE (40 h/week)") + 1
    sheet_fte = [points.cell(row=r, column=column).value for r in range(2, points.max_row + 1)]
    np.testing.assert_allclose(sheet_fte, swept.points["required_fte"])


# -- the command line ---------------------------------------------------------------------------


def test_planner_sweep_on_the_day_sample(tmp_path, capsys):
    out = tmp_path / "day_sweep.xlsx"
    code = main(["sweep", str(DAY_SAMPLE), "--grid", "volume=0,+10%", "--serial", "-o", str(out),
                 "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    document = json.loads(captured.out)
    assert [p["label"] for p in document["points"]] == ["volume=0%", "volume=+10%"]
    assert document["points"][1]["required_fte"] > document["points"][0]["required_fte"]
    assert "serially" in document["executor"]
    assert "[100%] sweep: 2 of 2 points done" in captured.err
    assert load_workbook(out)["Points"].max_row == 3
    frame = pd.DataFrame(document["decisions"])
    assert set(frame["point"]) == {0, 1}


def test_planner_sweep_with_a_bad_grid_exits_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "never.xlsx"
    code = main(["sweep", str(DAY_SAMPLE), "--grid", "speed=1", "--grid", "volume=", "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert "2 problem(s)" in captured.err
    assert "speed is not a sweep parameter" in captured.err
    assert "volume has no values" in captured.err
    assert not out.exists()
