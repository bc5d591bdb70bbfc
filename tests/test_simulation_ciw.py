"""Cross-check of the event engine against ``ciw`` (Palmer et al. 2019, "Ciw: an open-source discrete
event simulation library", Journal of Simulation 13(1)) on small time-varying cases with abandonment.

Both simulators replay the same system: Poisson arrivals with a rate constant per 15-minute
interval (ciw ``PoissonIntervals``), exponential service and patience, and a server schedule that
changes at interval boundaries without pre-emption. ciw replaces every server at a schedule change
(a busy one finishes its customer first), so our engine gets fresh servers per staffing period
(:func:`tests.simulation_helpers.period_cells`) — the same system. Per-interval service level and
abandonment and the totals must agree within the confidence interval of their difference, with a
Bonferroni correction over all comparisons of a case (family-wise 95 %).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from planner.simulation.replications import replication_rng, simulate_group
from tests.simulation_helpers import INTERVAL_SECONDS, period_cells, queue_group

ciw = pytest.importorskip("ciw")

CASES = {
    "ramp with a lunch dip": ([3, 5, 5, 2, 4, 4, 3, 1], [20, 35, 40, 30, 30, 28, 20, 10], 180.0, 120.0),
    "overload then recovery": ([2, 2, 6, 6, 3, 3], [15, 30, 30, 20, 10, 10], 240.0, 200.0),
}


def _ciw_run(staffing: list[int], contacts: list[float], aht: float, patience: float,
             seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_t = len(contacts)
    ends = [INTERVAL_SECONDS * (i + 1) for i in range(n_t)]
    numbers, shift_ends = [], []
    for i, level in enumerate(staffing):
        if numbers and numbers[-1] == level:
            shift_ends[-1] = ends[i]
        else:
            numbers.append(level)
            shift_ends.append(ends[i])
    numbers.append(0)  # nobody after the horizon: whoever still waits gives up
    shift_ends.append(1e9)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.PoissonIntervals([c / INTERVAL_SECONDS for c in contacts], ends,
                                                          max_sample_date=ends[-1])],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / aht)],
        number_of_servers=[ciw.Schedule(numbers_of_servers=numbers, shift_end_dates=shift_ends,
                                        preemption=False)],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1.0 / patience)])
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(ends[-1] + 50 * patience + 50 * aht)
    records = sim.get_all_records()
    arrival = np.array([r.arrival_date for r in records])
    served = np.array([r.record_type == "service" for r in records])
    wait = np.array([r.waiting_time for r in records])
    index = np.minimum((arrival // INTERVAL_SECONDS).astype(int), n_t - 1)
    offered = np.bincount(index, minlength=n_t).astype(float)
    within = np.bincount(index, weights=(served & (wait <= 20.0)).astype(float), minlength=n_t)
    abandoned = np.bincount(index, weights=(~served).astype(float), minlength=n_t)
    return offered, within, abandoned


def _ratio(num: np.ndarray, den: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pooled ratio per column and its delta-method standard error over the rows."""
    r = num.shape[0]
    theta = num.sum(axis=0) / den.sum(axis=0)
    se = np.sqrt(((num - theta * den) ** 2).sum(axis=0) / (r * (r - 1))) / den.mean(axis=0)
    return theta, se


@pytest.mark.parametrize("case", sorted(CASES))
def test_engine_agrees_with_ciw_on_time_varying_staffing_with_abandonment(case: str) -> None:
    staffing, contacts, aht, patience = CASES[case]
    reps = 150
    group = queue_group(contacts, staffing, aht, patience_seconds=patience, cells=period_cells(staffing))
    ours = [simulate_group(group, replication_rng(2026, r, 0), shrinkage="none") for r in range(reps)]
    theirs = [_ciw_run(staffing, contacts, aht, patience, seed=1000 + r) for r in range(reps)]
    mine = {"offered": np.stack([t.offered for t in ours]), "within": np.stack([t.within for t in ours]),
            "abandoned": np.stack([t.abandoned for t in ours])}
    other = {k: np.stack([run[i] for run in theirs])
             for i, k in enumerate(("offered", "within", "abandoned"))}
    for frame in (mine, other):  # the totals as one more column
        for key in frame:
            frame[key] = np.column_stack([frame[key], frame[key].sum(axis=1)])
    comparisons = 2 * mine["offered"].shape[1]
    z = stats.norm.ppf(1.0 - 0.05 / (2 * comparisons))
    for kpi in ("within", "abandoned"):
        a, se_a = _ratio(mine[kpi], mine["offered"])
        b, se_b = _ratio(other[kpi], other["offered"])
        gap = np.abs(a - b)
        bound = z * np.sqrt(se_a ** 2 + se_b ** 2)
        assert np.all(gap <= bound), (kpi, np.round(a, 3), np.round(b, 3), np.round(bound, 3))
    # the offered counts are the same Poisson process in both
    assert mine["offered"][:, -1].mean() == pytest.approx(sum(contacts), rel=0.05)
    assert other["offered"][:, -1].mean() == pytest.approx(sum(contacts), rel=0.05)
    assert math.isfinite(float(mine["within"].sum()))
