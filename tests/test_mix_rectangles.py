"""The shortcuts of the fast mix tables (issue 14) give exactly the numbers of the plain evaluation.

* ``queueing.required_agents(..., bracket=(lower, upper))`` — the search run inside agents known
  to hold the answer — equals the unbracketed search: on the published Erlang C worked example
  and on seeded random cells (Erlang C, Erlang A, chat, with ASA and abandonment caps), for
  brackets of every width around the true answer;
* ``mix.required_by_rectangles`` — rectangles of (contacts, handle time) points settled by their
  corners — equals evaluating every point, on seeded random point clouds;
* on the week sample, the voice and chat tables (main and sensitivity run) equal the labour of
  evaluating each combination directly, on a seeded sample of combinations.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from planner import mix, queueing

WEEK = Path(__file__).resolve().parents[1] / "sample_inputs" / "contact_center_week.xlsx"

TARGETS = {
    "erlang-c": {"service_level": 0.8, "answer_seconds": 20.0, "max_occupancy": 0.85},
    "erlang-a": {"service_level": 0.8, "answer_seconds": 20.0, "max_occupancy": 0.85,
                 "patience_seconds": 180.0},
    "chat": {"service_level": 0.8, "answer_seconds": 60.0, "max_occupancy": 0.85, "concurrency": 2},
    "erlang-a-caps": {"service_level": 0.9, "answer_seconds": 30.0, "max_occupancy": 0.9,
                      "patience_seconds": 60.0, "max_abandon": 0.05, "max_asa_seconds": 20.0},
    "erlang-c-asa": {"service_level": 0.7, "answer_seconds": 15.0, "max_occupancy": 0.95,
                     "max_asa_seconds": 10.0},
}


def agents(load: np.ndarray, aht: np.ndarray, targets: dict, bracket: tuple | None = None) -> np.ndarray:
    return np.asarray(queueing.required_agents(load, aht, targets["service_level"], targets["answer_seconds"],
                                               max_occupancy=targets["max_occupancy"],
                                               max_asa_seconds=targets.get("max_asa_seconds"),
                                               patience_seconds=targets.get("patience_seconds"),
                                               max_abandon=targets.get("max_abandon"),
                                               concurrency=targets.get("concurrency", 1), bracket=bracket))


def test_bracket_keeps_the_published_worked_example():
    """Call Centre Helper's worked example (10 Erlangs, AHT 180 s, 80 % in 20 s → 14 agents; see
    tests/test_queueing.py): any bracket holding 14 gives 14."""
    for lower, upper in [(14, 14), (13, 14), (14, 15), (10, 20), (0, 14), (14, 40)]:
        got = queueing.required_agents(10.0, 180.0, 0.8, 20.0, max_occupancy=0.85, bracket=(lower, upper))
        assert got == 14


@pytest.mark.parametrize("kind", list(TARGETS))
def test_bracketed_search_equals_the_plain_one_on_random_cells(kind):
    rng = np.random.default_rng(20260105)
    cells = 3000
    contacts = rng.uniform(0.5, 150.0, cells)      # per 15-minute interval
    aht = rng.uniform(90.0, 900.0, cells)          # seconds
    load = contacts * aht / 900.0                  # Erlangs
    plain = agents(load, aht, TARGETS[kind])
    assert plain.min() >= 1 and np.unique(plain).size > 20
    for width in range(4):
        below = rng.integers(0, width + 1, cells)
        lower = np.maximum(plain - below, 0)
        upper = lower + width
        upper = np.maximum(upper, plain)
        np.testing.assert_array_equal(agents(load, aht, TARGETS[kind], (lower, upper)), plain)


def test_bracket_with_zero_load_and_bad_brackets():
    load = np.array([0.0, 5.0])
    got = queueing.required_agents(load, 300.0, 0.8, 20.0, bracket=(np.array([0, 8]), np.array([0, 9])))
    np.testing.assert_array_equal(got, queueing.required_agents(load, 300.0, 0.8, 20.0))
    with pytest.raises(ValueError, match="bracket upper must be ≥ bracket lower"):
        queueing.required_agents(5.0, 300.0, 0.8, 20.0, bracket=(9, 8))
    with pytest.raises(ValueError, match="bracket lower must be ≥ 0"):
        queueing.required_agents(5.0, 300.0, 0.8, 20.0, bracket=(-1, 8))


# -- rectangles equal every point ------------------------------------------------------------------

def net_of(targets: dict):
    def net_agents(contacts, workload, lower, upper):
        # as the mix's staffing curve: a cell with work but no contacts counts one contact
        aht = workload * 900.0 / np.where(contacts > 0, contacts, 1.0)
        return agents(workload, aht, targets, None if lower is None else (lower, upper))
    return net_agents


@pytest.mark.parametrize("kind", ["erlang-c", "erlang-a", "chat"])
@pytest.mark.parametrize("settings", [{}, {"start_bins": 3, "exact_points": 1, "chunk_points": 500}],
                         ids=["defaults", "small-bins-and-blocks"])
def test_rectangles_equal_every_point(kind, settings):
    """Seeded clouds: per interval an affine image of a 3-pair share grid (as in the mix model),
    plus intervals with no workload, one point only, or contacts without workload."""
    rng = np.random.default_rng(14)
    grids = [np.linspace(0.0, 0.7, 15), np.linspace(0.0, 0.4, 9), np.linspace(0.0, 0.3, 7)]
    shares = np.array(list(itertools.product(*grids)))            # (K, 3)
    n_t = 24
    base_c = rng.uniform(2.0, 30.0, n_t)
    base_w = base_c * rng.uniform(150.0, 600.0, n_t) / 900.0
    d_c = rng.uniform(-0.2, 0.1, (3, n_t)) * base_c  # as in the samples: a few agents' spread
    d_w = rng.uniform(-0.2, 0.15, (3, n_t)) * base_w
    contacts = np.maximum(base_c[:, None] + d_c.T @ shares.T, 0.0)
    workload = np.maximum(base_w[:, None] + d_w.T @ shares.T, 0.0)
    workload[3] = 0.0                                       # no work in this interval
    contacts[5, :] = contacts[5, 0]
    workload[5, :] = workload[5, 0]                         # one point, repeated …
    contacts[5, :4] = 0.0                                   # … and work without contacts
    contacts[7, :10] = 0.0                                  # work without contacts
    workload[9, 3:] = 0.0                                   # contacts without work
    net_agents = net_of(TARGETS[kind])
    fast, cells = mix.required_by_rectangles(contacts, workload, net_agents, **settings)
    busy = workload > 0
    every = np.zeros(contacts.shape, dtype=np.int64)
    every[busy] = net_agents(contacts[busy], workload[busy], None, None)
    assert every[5, 0] > 0 and every[5, 4] > 0  # work without contacts needs agents too
    np.testing.assert_array_equal(fast, every)
    if not settings:  # with the defaults, fewer evaluations than points
        assert cells < busy.sum() / 2
    assert np.unique(every[busy]).size > 5
    levels = np.array([np.unique(row[row > 0]).size for row in every])
    assert (levels >= 2).sum() >= n_t // 2  # the rectangles have boundaries to find


def test_rectangles_of_nothing():
    empty = np.zeros((4, 6))
    net, cells = mix.required_by_rectangles(empty, empty, net_of(TARGETS["erlang-c"]))
    assert cells == 0 and not net.any()


# -- the week sample ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def week():
    from planner.excel import read_workbook

    return read_workbook(WEEK)


@pytest.mark.parametrize("drop", [0.0, mix.SENSITIVITY_CONTAINMENT_DROP], ids=["main", "sensitivity"])
def test_week_tables_equal_the_evaluation_of_each_combination(week, drop):
    model = mix._build_model(week, drop)
    rng = np.random.default_rng(3)
    checked = 0
    for gi, group in enumerate(model.groups):
        if group.kind == "email":
            continue
        fast, ok = model.table(gi)
        grids = [model.pairs[pi].grid for pi in group.scope]
        combos = np.array(list(itertools.product(*grids)), dtype=float)
        pick = rng.choice(combos.shape[0], size=min(150, combos.shape[0]), replace=False)
        direct, _ = model._rows(gi, combos[pick], None)
        np.testing.assert_array_equal(fast[pick], direct)
        assert ok.all()
        checked += pick.size
    assert checked == 300


def test_search_options_are_checked():
    with pytest.raises(ValueError, match="table must be 'boxes' or 'every'"):
        mix.SearchOptions(table="fast")
    with pytest.raises(ValueError, match="search must be 'auto' or 'branch'"):
        mix.SearchOptions(search="greedy")
    with pytest.raises(ValueError, match="branch_time_limit_seconds must be ≥ 0"):
        mix.SearchOptions(branch_time_limit_seconds=-1.0)
