"""The event engine against the project's own Erlang C / Erlang A / chat formulas, and its rules.

Stationary runs: constant staffing and arrival rate over a long horizon (the first hour dropped as
warm-up); the simulated KPI's 95 % confidence interval over replications must contain the value of
:func:`planner.staffing.queue_kpis` (Erlang C: Gross & Harris; Erlang A: Mandelbaum & Zeltyn 2007;
chat: the slot model of :mod:`planner.queueing`). The seeds are fixed, so each run is repeatable.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from planner import staffing
from planner.simulation.agents import Stretches, available_cells, cells_from_staffing, stretches
from planner.simulation.email import clock_start, deadline_met
from planner.simulation.engine import serve_fcfs
from planner.simulation.inputs import (
    GAP_BREAK,
    GAP_SHIFT_END,
    SimulationInputError,
    SimulationOptions,
)
from planner.simulation.replications import (
    TALLY_FIELDS,
    overlap_seconds,
    replication_rng,
    simulate_group,
)
from planner.simulation.statistics import mean_interval, ratio_interval
from tests.simulation_helpers import INTERVAL_SECONDS, queue_group

WARM_UP = 4  # intervals (one hour) dropped from the stationary runs


def _stationary(group, replications: int, seed: int = 7) -> dict[str, np.ndarray]:
    totals = {name: [] for name in ("offered", "answered", "abandoned", "within", "wait_sum", "busy",
                                    "available")}
    for r in range(replications):
        tally = simulate_group(group, replication_rng(seed, r, 0), shrinkage="none")
        for name in totals:
            totals[name].append(getattr(tally, name)[WARM_UP:].sum())
    return {name: np.array(values)[:, None] for name, values in totals.items()}


def _inside(value: float, numerator: np.ndarray, denominator: np.ndarray) -> tuple[float, float, float]:
    est, low, high = ratio_interval(numerator, denominator)
    assert low[0] <= value <= high[0], f"formula {value:.4f} outside simulated [{low[0]:.4f}, {high[0]:.4f}]"
    return float(est[0]), float(low[0]), float(high[0])


@pytest.mark.parametrize(("agents", "contacts", "aht"), [(12, 36.0, 240.0), (30, 110.0, 210.0)])
def test_stationary_run_reproduces_erlang_c(agents: int, contacts: float, aht: float) -> None:
    n_t = 100
    group = queue_group(np.full(n_t, contacts), np.full(n_t, agents), aht)
    totals = _stationary(group, replications=12)
    formula = staffing.queue_kpis(np.array([agents]), np.array([contacts * aht / INTERVAL_SECONDS]),
                                  np.array([aht]), 20.0, None)
    _inside(float(formula["service_level"][0]), totals["within"], totals["offered"])
    _inside(float(formula["asa_seconds"][0]), totals["wait_sum"], totals["answered"])
    _inside(float(formula["occupancy"][0]), totals["busy"], totals["available"])
    assert totals["abandoned"].sum() == 0  # no patience: nobody abandons


def test_stationary_run_reproduces_erlang_a() -> None:
    n_t, agents, contacts, aht, patience = 100, 10, 40.0, 240.0, 150.0  # overloaded: ρ = 1.07
    group = queue_group(np.full(n_t, contacts), np.full(n_t, agents), aht, patience_seconds=patience)
    totals = _stationary(group, replications=12)
    formula = staffing.queue_kpis(np.array([agents]), np.array([contacts * aht / INTERVAL_SECONDS]),
                                  np.array([aht]), 20.0, patience)
    _inside(float(formula["service_level"][0]), totals["within"], totals["offered"])
    _inside(float(formula["abandon"][0]), totals["abandoned"], totals["offered"])
    _inside(float(formula["asa_seconds"][0]), totals["wait_sum"], totals["answered"])
    _inside(float(formula["occupancy"][0]), totals["busy"], totals["available"])


def test_chat_slots_reproduce_the_concurrency_model() -> None:
    from planner.simulation.chat import session_handle_seconds

    n_t, agents, contacts, aht = 100, 8, 40.0, 300.0
    session = float(session_handle_seconds(np.array([aht]), 2, 0.5)[0])  # AHT(2) = 1.5 AHT(1)
    assert session == pytest.approx(450.0)
    group = queue_group(np.full(n_t, contacts), np.full(n_t, agents), session, slots=2, kind="chat",
                        answer_seconds=60.0)
    totals = _stationary(group, replications=12)
    formula = staffing.queue_kpis(np.array([agents]), np.array([contacts * aht / INTERVAL_SECONDS]),
                                  np.array([aht]), 60.0, None, concurrency=2)
    _inside(float(formula["service_level"][0]), totals["within"], totals["offered"])
    _inside(float(formula["occupancy"][0]), totals["busy"], totals["available"])


def test_same_seed_same_numbers_and_replications_are_independent_of_each_other() -> None:
    group = queue_group([20, 40, 30, 10], [3, 6, 5, 2], 200.0, patience_seconds=90.0)
    first = simulate_group(group, replication_rng(42, 3, 0))
    again = simulate_group(group, replication_rng(42, 3, 0))
    other = simulate_group(group, replication_rng(43, 3, 0))
    for name in TALLY_FIELDS:
        np.testing.assert_array_equal(getattr(first, name), getattr(again, name))
    assert any(not np.array_equal(getattr(first, n), getattr(other, n)) for n in TALLY_FIELDS)
    # replication 3 of group 0 does not depend on what else runs: its stream is (seed, 3, 0)
    assert not np.array_equal(simulate_group(group, replication_rng(42, 2, 0)).within, first.within)


def test_agent_less_interval_carries_the_queue_into_the_next_interval() -> None:
    contacts = [10.0, 10.0, 12.0, 10.0, 10.0]
    group = queue_group(contacts, [3, 3, 0, 3, 3], 120.0)  # nobody works 00:30–00:45
    tally = simulate_group(group, replication_rng(5, 0, 0), shrinkage="none")
    assert tally.offered[2] > 0
    # nobody answers in the empty interval: its contacts wait into the next one ...
    assert tally.within[2] == 0
    assert tally.queue_start[3] >= tally.offered[2]
    assert tally.wait_sum[2] / tally.answered[2] > 0.0
    # ... and are all answered there (no patience), none lost
    assert tally.answered.sum() == tally.offered.sum()
    assert tally.queue_end[2] == tally.queue_start[3]
    # the empty interval has no agent time apart from contacts finished past 00:30
    assert tally.available[2] <= tally.busy[2] + 1e-9


def _servers(start: list[float], end: list[float], rest: list[float], gap: list[int],
             nxt: list[int], first: list[int], base: list[int] | None = None) -> Stretches:
    n = len(start)
    prev = np.full(n, -1, dtype=np.int64)
    for j, k in enumerate(nxt):
        if k >= 0:
            prev[k] = j
    return Stretches(np.array(start, float), np.array(end, float), np.array(rest, float),
                     np.array(gap, np.int8), np.array(nxt, np.int64), prev, np.array(first, np.int64),
                     np.zeros(n, np.int64), np.arange(n, dtype=np.int64) if base is None
                     else np.array(base, np.int64))


def test_agent_finishes_the_contact_before_a_late_break_and_before_going_home() -> None:
    # one agent: works 0–900 s, 15-minute break 900–1800 s, works 1800–2700 s, then the shift ends
    servers = _servers([0.0, 1800.0], [900.0, 2700.0], [900.0, 0.0], [GAP_BREAK, GAP_SHIFT_END],
                       [1, -1], [0])
    arrival = np.array([800.0, 850.0, 2600.0])
    handle = np.array([300.0, 60.0, 400.0])
    out = serve_fcfs(arrival, handle, np.full(3, np.inf), servers)
    assert out.start[0] == 800.0
    assert out.busy_until[0] == 1100.0  # break starts 200 s late ...
    assert out.actual_start[1] == 2000.0  # ... lasts its 15 minutes, so work resumes 200 s late
    assert out.start[1] == 2000.0  # the contact waiting through the break is answered then
    assert out.start[2] == 2600.0
    assert out.busy_until[1] == 3000.0  # 300 s of overtime after the shift end at 2700 s


def test_the_slots_of_a_chat_agent_take_one_break_after_the_last_session() -> None:
    # one agent, two slots: works 0–900 s, break 900–1800 s, works 1800–2700 s
    servers = _servers([0.0, 1800.0, 0.0, 1800.0], [900.0, 2700.0, 900.0, 2700.0],
                       [900.0, 0.0, 900.0, 0.0], [GAP_BREAK, GAP_SHIFT_END] * 2, [1, -1, 3, -1], [0, 2],
                       base=[0, 1, 0, 1])
    arrival = np.array([100.0, 200.0, 2000.0])
    handle = np.array([850.0, 1000.0, 60.0])  # sessions end 950 s and 1200 s: the break runs 1200–2100
    out = serve_fcfs(arrival, handle, np.full(3, np.inf), servers)
    assert out.start[2] == 2100.0  # not 2000 s: the first slot cannot come back before its agent
    assert out.actual_start[1] == 2100.0 and out.actual_start[3] == 2100.0


def test_impatient_contacts_leave_without_taking_an_agent() -> None:
    servers = _servers([0.0], [10_000.0], [0.0], [GAP_SHIFT_END], [-1], [0])
    arrival = np.array([0.0, 10.0, 20.0])
    handle = np.array([100.0, 50.0, 50.0])
    give_up = np.array([np.inf, 60.0, np.inf])  # the second gives up at 60 s, before the agent is free
    out = serve_fcfs(arrival, handle, give_up, servers)
    assert np.isnan(out.start[1])
    assert out.start[2] == 100.0  # the third is next, right after the first


def test_busy_and_available_time_are_conserved() -> None:
    group = queue_group([30.0] * 6, [5] * 6, 150.0)
    tally = simulate_group(group, replication_rng(1, 0, 0), shrinkage="none")
    assert tally.available.sum() >= 5 * 6 * INTERVAL_SECONDS - 1e-6
    assert np.all(tally.busy <= tally.available + 1e-6)
    edges = np.array([0.0, 10.0, 20.0, 30.0])
    np.testing.assert_allclose(overlap_seconds(np.array([5.0, 12.0]), np.array([15.0, 40.0]), edges),
                               [5.0, 13.0, 10.0])


def test_shrinkage_takes_the_expected_share_of_agents_away() -> None:
    cells = cells_from_staffing(np.array([10, 10, 7, 3]))
    rng = np.random.default_rng(3)
    shares = np.array([0.2, 0.25, 0.5, 0.0])
    counts = np.stack([np.bincount(cells.cell_interval[available_cells(cells, shares, "interval", rng, 4)],
                                   minlength=4) for _ in range(4000)])
    expected = np.array([10, 10, 7, 3]) * (1 - shares)
    # each draw rounds the expected number of agents up or down, never further
    assert np.all(np.abs(counts - expected) < 1.0)
    np.testing.assert_allclose(counts.mean(axis=0), expected, atol=0.03)
    none = available_cells(cells, shares, "none", rng, 4)
    assert none.all()


def test_stretches_keep_breaks_and_shift_ends_apart() -> None:
    cells = cells_from_staffing(np.array([1, 1, 0, 1]))
    spans = stretches(cells, np.ones(cells.cell_row.size, dtype=bool), INTERVAL_SECONDS)
    np.testing.assert_allclose(spans.start, [0.0, 3 * INTERVAL_SECONDS])
    np.testing.assert_allclose(spans.end, [2 * INTERVAL_SECONDS, 4 * INTERVAL_SECONDS])
    assert list(spans.gap) == [GAP_SHIFT_END, GAP_SHIFT_END]
    doubled = stretches(cells, np.ones(cells.cell_row.size, dtype=bool), INTERVAL_SECONDS, slots=2)
    assert doubled.start.size == 4 and doubled.first.size == 4


def test_email_clock_starts_at_the_opening_and_deadlines_are_checked_per_contact() -> None:
    is_open = np.array([False, False, True, True])
    arrival = np.array([100.0, 2000.0, 2500.0])
    clock = clock_start(arrival, np.array([0, 2, 2]), is_open, INTERVAL_SECONDS)
    np.testing.assert_allclose(clock, [1800.0, 2000.0, 2500.0])
    met = deadline_met(np.array([1800.0 + 3600.0, np.nan, 2500.0 + 3601.0]), clock, 3600.0)
    assert list(met) == [True, False, False]


def test_ratio_interval_is_the_delta_method_and_needs_two_replications() -> None:
    y = np.array([[8.0], [9.0], [7.0], [10.0]])
    x = np.array([[10.0], [10.0], [10.0], [10.0]])
    est, low, high = ratio_interval(y, x)
    # equal denominators: the ratio interval is the t interval of the per-replication shares
    mean, lo, hi = mean_interval(y / x)
    assert est[0] == pytest.approx(0.85) == mean[0]
    assert low[0] == pytest.approx(lo[0]) and high[0] == pytest.approx(hi[0])
    one = ratio_interval(y[:1], x[:1])
    assert one[0][0] == pytest.approx(0.8) and math.isnan(one[1][0]) and math.isnan(one[2][0])
    assert math.isnan(ratio_interval(np.zeros((3, 1)), np.zeros((3, 1)))[0][0])


@pytest.mark.parametrize(("field", "value", "message"), [
    ("replications", 0, "replications must be a whole number ≥ 1"),
    ("replications", 2.5, "replications must be a whole number ≥ 1"),
    ("seed", -1, "seed must be a whole number ≥ 0"),
    ("handle_time", "gamma", "handle_time must be one of exponential, lognormal"),
    ("handle_time_cv", 0.0, "handle_time_cv must be a number > 0"),
    ("shrinkage", "half", "shrinkage must be one of interval, absence, none"),
])
def test_bad_options_are_refused_by_name(field: str, value: object, message: str) -> None:
    with pytest.raises(SimulationInputError, match=message):
        SimulationOptions(**{field: value})  # type: ignore[arg-type]


def test_lognormal_handle_times_have_the_asked_mean_and_cv() -> None:
    from planner.simulation.arrivals import draw_arrivals

    drawn = draw_arrivals(np.full(50, 400.0), np.full(50, 300.0), INTERVAL_SECONDS, math.inf,
                          np.random.default_rng(11), distribution="lognormal", cv=0.5)
    assert drawn.handle.mean() == pytest.approx(300.0, rel=0.02)
    assert drawn.handle.std() / drawn.handle.mean() == pytest.approx(0.5, rel=0.05)
    assert np.all(np.diff(drawn.time) >= 0) and np.all(np.isinf(drawn.give_up))


def test_share_intervals_do_not_collapse_when_every_replication_agrees() -> None:
    from planner.simulation.statistics import wilson_interval

    within = np.full((10, 1), 6.0)
    offered = np.full((10, 1), 6.0)  # every replication: 6 of 6 in time
    est, low, high = ratio_interval(within, offered, low=0.0, high=1.0)
    assert est[0] == 1.0 and low[0] == high[0] == 1.0  # the delta method alone collapses
    est, low, high = ratio_interval(within, offered, low=0.0, high=1.0, share=True)
    w_low, _ = wilson_interval(np.array([60.0]), np.array([60.0]))
    assert low[0] == pytest.approx(w_low[0]) and 0.9 < low[0] < 1.0 and high[0] == 1.0
    # 8 of 10 at 95 % by the score formula worked by hand: centre 0.7167, half-width 0.2266
    lo, hi = wilson_interval(np.array([8.0]), np.array([10.0]))
    assert lo[0] == pytest.approx(0.490, abs=1e-3) and hi[0] == pytest.approx(0.943, abs=1e-3)
