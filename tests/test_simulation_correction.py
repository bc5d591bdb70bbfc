"""The iterative staffing algorithm (Feldman, Mandelbaum, Massey & Whitt 2008) on small queues."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from planner import queueing
from planner.simulation import SimulationInputs, SimulationOptions
from planner.simulation.correction import correct_requirements, isa_staffing
from tests.simulation_helpers import INTERVAL_SECONDS, queue_group


def test_isa_staffing_is_the_least_staffing_with_delay_probability_at_most_alpha() -> None:
    samples = np.array([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]])
    # P(L >= s) = (10 - s)/10: ≤ 0.2 from s = 8 on, ≤ 0.05 only from s = 10
    assert isa_staffing(samples, np.array([0.2]))[0] == 8
    assert isa_staffing(samples, np.array([0.05]))[0] == 10
    assert isa_staffing(samples, np.array([1.0]))[0] == 0
    # brute force on random samples
    rng = np.random.default_rng(1)
    many = rng.poisson(12, size=(50, 40))
    alpha = rng.uniform(0.02, 0.5, size=50)
    got = isa_staffing(many, alpha)
    for row, a, s in zip(many, alpha, got, strict=True):
        assert (row >= s).mean() <= a + 1e-12
        assert s == 0 or (row >= s - 1).mean() > a


def _inputs_and_requirements(contacts: list[float], aht: float, patience: float,
                             target: float = 0.8) -> tuple[SimulationInputs, pd.DataFrame]:
    n_t = len(contacts)
    load = np.asarray(contacts) * aht / INTERVAL_SECONDS
    pat = None if math.isinf(patience) else patience
    net = np.asarray(queueing.required_agents(load, aht, target, 20.0, 1.0, patience_seconds=pat))
    group = queue_group(contacts, net, aht, patience_seconds=patience)
    starts = pd.date_range("2026-01-05 08:00", periods=n_t, freq="15min")
    requirements = pd.DataFrame({
        "interval_start": starts, "group": "g", "workload_erlangs": load, "aht_seconds": aht,
        "net_agents": net, "required_scheduled": net, "shrinkage": 0.0, "max_occupancy": 1.0,
        "target_service_level": target})
    inputs = SimulationInputs(groups=(group,), interval_starts=pd.DatetimeIndex(starts),
                              predicted=pd.DataFrame(), options=SimulationOptions(seed=4))
    return inputs, requirements


def test_a_stationary_queue_keeps_the_formulas_staffing() -> None:
    inputs, requirements = _inputs_and_requirements([60.0] * 24, 300.0, 180.0)
    correction = correct_requirements(inputs, requirements, replications=30, sl_rounds=0)
    change = correction.intervals["change"].to_numpy()[4:]  # after the first hour's warm-up
    # sampling noise moves single intervals by one agent either way, never more, and not on average
    assert np.abs(change).max() <= 1
    assert abs(change.mean()) <= 0.25
    assert correction.iterations["g"] <= 3


def test_a_dip_after_a_busy_interval_gets_agents_and_meets_the_target() -> None:
    # a busy hour, then a quiet interval: the formula staffs the quiet one as if it started empty
    contacts = [80.0, 80.0, 80.0, 80.0, 15.0, 80.0, 80.0, 80.0]
    inputs, requirements = _inputs_and_requirements(contacts, 360.0, math.inf)
    correction = correct_requirements(inputs, requirements, replications=30)
    rows = correction.intervals
    assert rows["corrected_net"].iloc[4] > rows["analytic_net"].iloc[4]
    met = rows["simulated_service_level"] >= rows["target_service_level"] - 1e-9
    assert met.iloc[1:].all(), rows[["analytic_net", "corrected_net", "simulated_service_level"]]
    moved = correction.moved
    assert moved["added_agent_hours"].sum() == pytest.approx(
        (rows["corrected_net"] - rows["analytic_net"]).clip(lower=0).sum() * 0.25)
    assert correction.requirements["net_agents_analytic"].tolist() == rows["analytic_net"].tolist()
    assert "adds" in correction.notes[0]


def test_correction_needs_two_replications() -> None:
    inputs, requirements = _inputs_and_requirements([20.0] * 4, 300.0, math.inf)
    with pytest.raises(ValueError, match="replications must be ≥ 2"):
        correct_requirements(inputs, requirements, replications=1)
