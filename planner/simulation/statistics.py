"""Confidence intervals over independent replications.

Every KPI is a ratio of two totals (answered within the threshold / offered, waiting seconds /
answered, busy / available seconds). Over ``R`` independent replications with totals ``Y_r`` and
``X_r`` the estimate is the ratio of the sums ``θ = ΣY / ΣX`` (the KPI of all simulated contacts
pooled, which converges to ``E[Y] / E[X]``), and its standard error comes from the delta method
for a ratio of means, ``se² = Σ (Y_r − θ X_r)² / (R (R − 1) X̄²)`` (Law, *Simulation Modeling and
Analysis*, 5th ed., 2015, on ratio estimators; Cochran, *Sampling Techniques*, 3rd ed., 1977,
ch. 6). The interval is ``θ ± t_{R−1, 0.975} se`` (Student's t), clipped to the KPI's range. With
one replication there is no interval (NaN bounds).

For shares (``share=True``: service level, abandonment, deadlines met) the interval is at least as
wide as the Wilson score interval of the pooled counts (Wilson 1927, "Probable inference, the law
of succession, and statistical inference", JASA 22(158)): when every replication of a quiet
interval answers 100 % in time, the replication spread is zero and the delta-method interval
would collapse to a point; the Wilson interval keeps the uncertainty of the few contacts seen.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

CONFIDENCE = 0.95
"""Two-sided confidence level of every simulated interval."""


def wilson_interval(successes: np.ndarray, trials: np.ndarray, confidence: float = CONFIDENCE
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial share, per cell (NaN where ``trials`` is 0).

    ``(p + z²/2n ± z √(p(1−p)/n + z²/4n²)) / (1 + z²/n)`` with ``z`` the normal quantile
    (Wilson 1927).
    """
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.asarray(successes, dtype=float) / n
        z = stats.norm.ppf(0.5 + confidence / 2.0)
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.where(n > 0, centre - half, np.nan), np.where(n > 0, centre + half, np.nan)


def ratio_interval(numerator: np.ndarray, denominator: np.ndarray, *, low: float = -np.inf,
                   high: float = np.inf, confidence: float = CONFIDENCE, share: bool = False
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pooled ratio and its confidence interval per column.

    Parameters
    ----------
    numerator, denominator : numpy.ndarray, shape (R, K)
        Per replication (rows) and cell (columns) totals.
    low, high : float
        Range of the ratio (e.g. 0 and 1 for a share) the bounds are clipped to.
    confidence : float
        Two-sided level in (0, 1).
    share : bool
        The ratio is a share of counts: widen to at least the Wilson interval (module docstring).

    Returns
    -------
    estimate, ci_low, ci_high : numpy.ndarray, shape (K,)
        NaN where the denominator is 0 in every replication; NaN bounds with one replication.
    """
    y = np.atleast_2d(np.asarray(numerator, dtype=float))
    x = np.atleast_2d(np.asarray(denominator, dtype=float))
    r = y.shape[0]
    total_x = x.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        theta = np.where(total_x > 0, y.sum(axis=0) / np.where(total_x > 0, total_x, 1.0), np.nan)
        if r < 2:
            nan = np.full(theta.shape, np.nan)
            return theta, nan, nan.copy()
        mean_x = total_x / r
        resid = y - theta * x
        se = np.sqrt((resid ** 2).sum(axis=0) / (r * (r - 1))) / mean_x
    half = stats.t.ppf(0.5 + confidence / 2.0, r - 1) * se
    lo, hi = theta - half, theta + half
    if share:
        w_lo, w_hi = wilson_interval(y.sum(axis=0), total_x, confidence)
        lo, hi = np.fmin(lo, w_lo), np.fmax(hi, w_hi)
    return theta, np.clip(lo, low, high), np.clip(hi, low, high)


def mean_interval(values: np.ndarray, *, low: float = -np.inf, high: float = np.inf,
                  confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean over replications (rows) with a Student-t interval per column; NaN bounds for R < 2."""
    v = np.atleast_2d(np.asarray(values, dtype=float))
    r = v.shape[0]
    mean = v.mean(axis=0)
    if r < 2:
        nan = np.full(mean.shape, np.nan)
        return mean, nan, nan.copy()
    half = stats.t.ppf(0.5 + confidence / 2.0, r - 1) * v.std(axis=0, ddof=1) / np.sqrt(r)
    return mean, np.clip(mean - half, low, high), np.clip(mean + half, low, high)
