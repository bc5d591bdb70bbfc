"""Seeded scenarios of weekly volume and attrition for the two-stage capacity plan.

Volume: a mean-one lognormal multiplier per scenario and week whose log follows an AR(1)
process, so forecast errors persist for weeks as real volume surprises do::

    ε[s, 1] = z[s, 1],   ε[s, w] = ρ·ε[s, w−1] + √(1 − ρ²)·z[s, w],   z ~ N(0, 1)
    volume[s, w] = exp(σ_v·ε[s, w] − σ_v²/2)                  (E[volume] = 1, sd(log) = σ_v)

Attrition: one mean-one lognormal multiplier per scenario on every tenure bucket's weekly rate,
``exp(σ_a·z_s − σ_a²/2)`` ("a year of high attrition"), capped in
:func:`planner.capacity.rollforward.tenure_attrition`.

With one scenario there is no draw: the forecast itself (all multipliers 1), so the one-scenario
model is the deterministic model. The scenarios are equally likely (sample average
approximation; Shapiro, Dentcheva & Ruszczyński, *Lectures on Stochastic Programming*, 2009,
ch. 5).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.capacity.inputs import CapacitySettings


@dataclass(frozen=True)
class ScenarioSet:
    """Sampled scenarios.

    Parameters
    ----------
    weights : numpy.ndarray
        Probability of each scenario, shape (S,), summing to 1.
    volume : numpy.ndarray
        Workload multiplier per scenario and week, shape (S, W).
    attrition : numpy.ndarray
        Attrition multiplier per scenario, shape (S,).
    """

    weights: np.ndarray
    volume: np.ndarray
    attrition: np.ndarray

    @property
    def count(self) -> int:
        return len(self.weights)


def deterministic(weeks: int) -> ScenarioSet:
    """The forecast itself: one scenario, every multiplier 1."""
    return ScenarioSet(np.ones(1), np.ones((1, weeks)), np.ones(1))


def draw_scenarios(settings: CapacitySettings) -> ScenarioSet:
    """``settings.scenarios`` seeded draws (see the module docstring); one = :func:`deterministic`."""
    n, weeks = settings.scenarios, settings.weeks
    if n == 1:
        return deterministic(weeks)
    rng = np.random.default_rng(settings.seed)
    z = rng.standard_normal((n, weeks))
    rho = settings.volume_autocorrelation
    eps = np.empty_like(z)
    eps[:, 0] = z[:, 0]
    innovation = np.sqrt(1.0 - rho * rho)
    for w in range(1, weeks):
        eps[:, w] = rho * eps[:, w - 1] + innovation * z[:, w]
    sigma = settings.volume_cv
    volume = np.exp(sigma * eps - sigma * sigma / 2.0)
    sigma_a = settings.attrition_cv
    attrition = np.exp(sigma_a * rng.standard_normal(n) - sigma_a * sigma_a / 2.0)
    return ScenarioSet(np.full(n, 1.0 / n), volume, attrition)
