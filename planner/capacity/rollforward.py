"""Supply of people week by week: the NICE roll-forward and the cohort coefficients of the model.

The roll-forward
----------------
NICE ESP's capacity planner rolls the staff forward from the hires the planner types in
(NICE, *ESP Long-Term Planning / Capacity Planner* user guide; quoted in issue 12)::

    FTE(w) = max(0, FTE(w−1) − attrition(w−1)) + hires(w − training_weeks)

:func:`roll_forward` is that formula, exactly (attrition in FTE per week, or as a rate of the week's
FTE). It is the "hires given, no optimisation" special case of the model in
:mod:`planner.capacity.model`: with one tenure bucket, no attrition in training, no nesting and
no overtime the model's productive FTE equals it (a test checks this to the FTE).

Cohorts through tenure
----------------------
The model instead follows every cohort through its tenure, with attrition by tenure (new hires
leave more) and a proficiency ramp (Gans & Zhou 2002, "Managing learning and turnover in employee
staffing", *Operations Research* 50(6): hires join at low productivity and learn while some
leave). The survival of one person of tenure τ₀ (weeks since the start of training) at week 1 is::

    S(w; τ₀) = Π_{j=0}^{w−2} (1 − a(τ₀ + j))          (S(1) = 1)

with ``a(τ)`` the weekly attrition share of the tenure bucket of τ (times the scenario's attrition
multiplier, capped at :data:`MAX_WEEKLY_ATTRITION`). One hire of a class starting in week ``t``
is, in week ``w ≥ t`` (tenure ``k = w − t``): on the payroll ``S_c(k) = Π_{j<k} (1 − a(j))``,
productive ``S_c(k)·p(k)`` with ``p`` the class's proficiency (0 in training, the nesting ramp,
then 1), and out of training (may work overtime) ``S_c(k)·[k ≥ training]``. These coefficients
are linear in the class size, which keeps the optimiser a small MIP.

The people today (``Headcount``) in a bounded bucket ``[lo, hi)`` are spread evenly over its
tenures; in the open-ended last bucket they start at its lower bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.capacity.inputs import CapacityInputs, HireClass

MAX_WEEKLY_ATTRITION = 0.95
"""Cap on a scenario's weekly attrition share after its multiplier (a share below 1)."""


def roll_forward(
    initial_fte: float,
    attrition: np.ndarray | list[float],
    hires: np.ndarray | list[float],
    training_weeks: int,
    *,
    attrition_is_rate: bool = False,
) -> np.ndarray:
    """The NICE ESP roll-forward of available FTE.

    ``FTE(w) = max(0, FTE(w−1) − attrition(w−1)) + hires(w − training_weeks)``, with
    ``FTE(1) = initial_fte + hires(1 − training_weeks)`` (hires before week 1 are none).

    Parameters
    ----------
    initial_fte : float
        Available FTE at the start of week 1 (≥ 0).
    attrition : array of float, length W
        FTE leaving in week w (or, with ``attrition_is_rate``, the share of week w's FTE leaving).
    hires : array of float, length W
        FTE starting training in week w.
    training_weeks : int
        Weeks from the start of training to the first available week (≥ 0).
    attrition_is_rate : bool
        Read ``attrition`` as a share of the week's FTE instead of FTE.

    Returns
    -------
    numpy.ndarray
        Available FTE per week, length W.
    """
    attrition = np.asarray(attrition, dtype=float)
    hires = np.asarray(hires, dtype=float)
    if attrition.shape != hires.shape or attrition.ndim != 1:
        raise ValueError(
            f"attrition and hires must be 1-d arrays of one length, got {attrition.shape} and {hires.shape}"
        )
    if training_weeks < 0:
        raise ValueError(f"training_weeks must be ≥ 0, got {training_weeks}")
    weeks = len(hires)
    fte = np.zeros(weeks)
    for w in range(weeks):
        arriving = hires[w - training_weeks] if w - training_weeks >= 0 else 0.0
        if w == 0:
            fte[w] = initial_fte + arriving
            continue
        leaving = attrition[w - 1] * fte[w - 1] if attrition_is_rate else attrition[w - 1]
        fte[w] = max(0.0, fte[w - 1] - leaving) + arriving
    return fte


def tenure_attrition(inputs: CapacityInputs, length: int, multipliers: np.ndarray) -> np.ndarray:
    """Weekly attrition share by scenario and tenure week.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(multipliers), length)``: ``min(a(τ) × multiplier, MAX_WEEKLY_ATTRITION)``.
    """
    base = np.asarray(inputs.attrition_by_tenure(length), dtype=float)
    return np.minimum(np.outer(np.asarray(multipliers, dtype=float), base), MAX_WEEKLY_ATTRITION)


def survival_curve(attrition: np.ndarray, weeks: int, start_tenure: int = 0) -> np.ndarray:
    """Share still employed at each of ``weeks`` weeks of a person of ``start_tenure`` at week 1.

    ``S(w) = Π_{j=0}^{w−2} (1 − a[start_tenure + j])`` for w = 1 … weeks, per scenario row of
    ``attrition`` (shape ``(scenarios, tenures)``). Returns shape ``(scenarios, weeks)``.
    """
    stay = 1.0 - attrition[:, start_tenure : start_tenure + weeks - 1]
    ones = np.ones((attrition.shape[0], 1))
    return np.concatenate([ones, np.cumprod(stay, axis=1)], axis=1)


def existing_headcount(inputs: CapacityInputs, group: str, attrition: np.ndarray) -> np.ndarray:
    """People of ``group`` today still employed in each week, FTE, shape ``(scenarios, weeks)``.

    ``attrition`` is :func:`tenure_attrition` over at least ``max bucket bound + weeks`` tenures.
    """
    weeks = inputs.settings.weeks
    total = np.zeros((attrition.shape[0], weeks))
    low = 0
    for bucket in inputs.tenure_buckets:
        fte = sum(h.fte for h in inputs.headcount if h.group == group and h.tenure_bucket == bucket.name)
        high = bucket.max_tenure_weeks
        tenures = [low] if high is None else list(range(low, high))
        if fte > 0:
            share = fte / len(tenures)
            for tau in tenures:
                total += share * survival_curve(attrition, weeks, tau)
        low = high if high is not None else low
    return total


@dataclass(frozen=True)
class ClassCoefficients:
    """Per hire of one class start: what one person contributes in each week and scenario.

    Arrays have shape ``(scenarios, weeks)``; all are 0 before the start week.

    Parameters
    ----------
    headcount : numpy.ndarray
        On the payroll (trainees included), FTE per hire.
    productive : numpy.ndarray
        Output in tenured-agent FTE per hire (survival × proficiency).
    ready : numpy.ndarray
        Out of training (may work overtime or take VTO), FTE per hire.
    in_training : numpy.ndarray
        In the classroom (uses a trainer seat), FTE per hire.
    """

    headcount: np.ndarray
    productive: np.ndarray
    ready: np.ndarray
    in_training: np.ndarray


def class_coefficients(
    hire_class: HireClass, start_week: int, attrition: np.ndarray, weeks: int
) -> ClassCoefficients:
    """:class:`ClassCoefficients` of one hire of ``hire_class`` starting in ``start_week`` (1-based).

    ``attrition`` is :func:`tenure_attrition` (scenarios × tenures ≥ ``weeks``).
    """
    scenarios = attrition.shape[0]
    span = weeks - start_week + 1
    head = np.zeros((scenarios, weeks))
    prod = np.zeros((scenarios, weeks))
    ready = np.zeros((scenarios, weeks))
    train = np.zeros((scenarios, weeks))
    if span <= 0:
        return ClassCoefficients(head, prod, ready, train)
    alive = survival_curve(attrition, span, 0)
    proficiency = np.array([hire_class.proficiency(k) for k in range(span)])
    trained = (np.arange(span) >= hire_class.training_weeks).astype(float)
    head[:, start_week - 1 :] = alive
    prod[:, start_week - 1 :] = alive * proficiency
    ready[:, start_week - 1 :] = alive * trained
    train[:, start_week - 1 :] = alive * (1.0 - trained)
    return ClassCoefficients(head, prod, ready, train)
