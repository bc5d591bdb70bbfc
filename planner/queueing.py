"""Queueing engine: Erlang B, Erlang C, Erlang A (M/M/n+M) and a chat-concurrency model.

Every public function is vectorised: arguments are numpy arrays (or scalars) that broadcast against
each other, and the work is done with numpy/scipy array operations, never a Python loop per cell.
Scalars in give numpy scalars out.

Numerical method
----------------
Factorials and powers overflow past ~170 agents, so nothing here forms them. Everything is expressed
through the Poisson term ``g(a, w) = w**a e**-w / Gamma(a + 1)`` computed in logs
(``scipy.special.xlogy``/``gammaln``) and the regularised incomplete gamma functions
``P(a, w)``/``Q(a, w)`` (``scipy.special.gammainc``/``gammaincc``, Temme's uniform asymptotic
expansion for large arguments, DiDonato & Morris 1986):

* Erlang B is the ratio of a Poisson term to a Poisson distribution function,
  ``B(n, A) = g(n, A) / Q(n + 1, A)`` (Jagerman 1974, "Some properties of the Erlang loss function",
  Bell System Technical Journal 53(3); the same ``B`` as the recursion
  ``B(k) = A B(k-1) / (k + A B(k-1))``, and its continuous extension to real ``n``).
  Where both numbers would underflow (``n`` far below ``A``) the terminating series
  ``1/B = sum_j n (n-1) ... (n-j+1) / A**j`` is summed instead (ratio of terms ``<= (n - j)/A < 1``).
* Erlang C from Erlang B: ``C = n B / (n - A + A B)`` for ``n > A`` (Cooper 1981, *Introduction
  to Queueing Theory*, 2nd ed., eq. 2.5.7), and ``C = 1`` when ``n <= A`` (the queue is unstable).
* ``required_agents`` for Erlang C starts at a square-root staffing guess (Halfin & Whitt 1981,
  "Heavy-traffic limits for queues with many exponential servers", Operations Research 29(3)),
  evaluates Erlang B there once with the incomplete gamma form and then walks up or down with the
  recursion above (a handful of multiply/adds per agent). Every answer is checked exactly: the
  returned ``n`` meets every target and ``n - 1`` does not.
* ``required_agents`` for Erlang A starts near the square-root staffing guess (and the occupancy and
  fluid abandonment bounds) and runs a safeguarded secant search on the integers, all cells at once,
  on logit-scale margins of each target (about 2.5 exact evaluations per cell on the benchmark);
  Erlang B one agent away from the previous probe again comes from the recursion, and a probe that
  already misses the occupancy or abandonment cap skips the service level.

Erlang A (M/M/n+M)
------------------
With a mean patience ``1/theta`` the queue is Erlang A (Palm 1946; Garnett, Mandelbaum & Reiman 2002,
"Designing a call center with impatient customers", M&SOM 4(3); Mandelbaum & Zeltyn 2007,
"Service engineering in action: the Palm/Erlang-A queue, with applications to call centers").
With ``mu = 1/AHT``, ``lambda = A mu``, ``x = n mu / theta = n patience / AHT`` and
``y = lambda / theta = A patience / AHT``, the birth-death chain gives

* ``S = M(x, y) = P(x, y) / g(x, y) = sum_j y**j / ((x+1)(x+2)...(x+j))``
  (Mandelbaum & Zeltyn's ``A(x, y) = x e**y y**-x gamma(x, y)``),
* ``P(wait) = S / (1/E - 1 + S)`` with ``E = B(n, A)`` the Erlang B value,
* ``P(abandon | wait) = 1 - (x/y)(1 - 1/S)`` (``= 1/(rho S) + 1 - 1/rho``, ``rho = A/n``); when
  the queue is well staffed (``x > y``) this cancels, and the reporting functions take it instead
  as ``E[1 - e**(-theta V) | wait]`` by quadrature (below),
* the offered wait ``V`` of a waiting customer (time to reach an agent if he never gave up) has
  ``e**(-theta V) ~`` density ``x u**(x-1) e**(y(1-u)) / S`` on (0, 1) (a mixture of Beta(x, j+1)
  laws over the queue length ``j`` seen on arrival), hence
  ``P(V > t | wait) = P(x, y z) / P(x, y)`` with ``z = exp(-t/patience)`` (M&Z 2007) and
  ``P(answered within t | wait) = E[U; U >= z] = (x/y) [P(x+1, y) - P(x+1, y z)] / P(x, y)``
  (checked in the tests against the birth-death chain with hypo-exponential waits); in overload
  (``y z > x + 1``) the difference is taken from the upper tails ``Q(x+1, y z) - Q(x+1, y)``, and
  where ``P(x, y)`` would underflow (``x`` far above ``y``) in the scaled form
  ``(x/(x+1)) [M(x+1, y) - z**(x+1) e**(y(1-z)) M(x+1, y z)] / S``,
* the mean wait of all arrivals is ``P(abandon)/theta`` (Little's law); the average speed of answer
  (mean wait of *answered* contacts) is ``E[V e**(-theta V)] / (1 - P(abandon))``, computed by
  Gauss-Legendre quadrature of the log-concave integrand around its mode.

Service level with abandonment (``definition``)
-------------------------------------------------
* ``"offered"`` (default): contacts answered within ``t`` divided by *all* offered contacts,
  ``SL = 1 - P(wait) + P(wait) P(answered within t | wait)``; contacts that abandon count as missed.
* ``"answered"``: contacts answered within ``t`` divided by *answered* contacts,
  ``SL = SL_offered / (1 - P(abandon))``; abandoned contacts are left out of numerator and
  denominator. Both conventions are in use in workforce-management tools (which one a report uses
  must be stated next to the number); the formulas follow from the Erlang A quantities above.
  Without abandonment (Erlang C) they coincide:
  ``SL = 1 - C exp(-(n - A) t / AHT)`` (Gross & Harris, *Fundamentals of Queueing Theory*, §2.3).

Chat concurrency
----------------
Chat agents hold up to ``c`` sessions at once, and a session lasts longer when the agent juggles
several (Tezcan & Zhang 2014, "Routing and staffing in customer service chat systems with impatient
customers", Operations Research 62(4); Luo & Zhang 2013, "Staffing and control of instant messaging
contact centers", Operations Research 61(2), where the per-chat service rate falls with the number
of concurrent chats). This module uses the fixed-concurrency ("slot") reduction of those models that
planners use in practice: every agent is ``c`` servers and a session's handle time at concurrency
``c`` is ``AHT(c) = AHT(1) (1 + delta (c - 1))`` with the slow-down ``delta``
(:data:`DEFAULT_CHAT_SLOWDOWN`). Assumptions, stated plainly: a session's handle time is the
full-concurrency one even when the agent holds fewer chats (conservative when lightly loaded), sessions
are exponential, and any free slot of any agent can take the next chat. The queue is then an M/M/(n c)
(or M/M/(n c)+M) queue with load ``A AHT(c)/AHT(1)``; ``required_agents`` returns
``ceil(slots / c)``. ``delta`` should be calibrated from the operation's own chat logs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

__all__ = [
    "DEFAULT_CHAT_SLOWDOWN",
    "SERVICE_LEVEL_DEFINITIONS",
    "UnreachableTargetError",
    "abandon_probability",
    "average_speed_of_answer",
    "chat_handle_time_seconds",
    "chat_load",
    "erlang_b",
    "erlang_c",
    "occupancy",
    "offered_load",
    "required_agents",
    "service_level",
    "wait_probability",
]

ServiceLevelDefinition = Literal["offered", "answered"]
SERVICE_LEVEL_DEFINITIONS: tuple[str, ...] = ("offered", "answered")

#: Default relative growth of a chat session's handle time per extra concurrent session
#: (``AHT(c) = AHT(1) (1 + delta (c - 1))``); a planning assumption to be calibrated per operation.
DEFAULT_CHAT_SLOWDOWN = 0.5

# Below this log value a Poisson term is too close to underflow (e**-708) to be divided by.
_LOG_TINY = -650.0
# A series stops when the next term is below this share of the sum.
_SERIES_TOL = 1e-17
# Gauss-Legendre nodes per half of the ASA quadrature; log-drop that bounds the integration range.
_QUAD_NODES = 64
_QUAD_DROP = 46.0

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


class UnreachableTargetError(ValueError):
    """A staffing target that no number of agents can meet (the message names the cell)."""


# ----------------------------------------------------------------------------------------------
# Argument handling
# ----------------------------------------------------------------------------------------------


def _as_float(name: str, value: ArrayLike) -> FloatArray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number or an array of numbers, got {value!r}") from exc
    return arr


def _check(name: str, arr: FloatArray, *, low: float, low_open: bool = False,
           high: float = np.inf, high_open: bool = False, allow_nan: bool = False) -> None:
    """Raise ``ValueError`` naming ``name``, the first bad cell and the allowed range."""
    bad = np.isnan(arr) if not allow_nan else np.zeros(arr.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        bad |= (arr <= low) if low_open else (arr < low)
        bad |= (arr >= high) if high_open else (arr > high)
    if np.any(bad):
        flat = np.flatnonzero(bad.ravel())[0]
        where = "" if arr.ndim == 0 else f" (cell {flat})"
        lo = f"{'>' if low_open else '≥'} {low:g}"
        hi = "" if np.isinf(high) else f" and {'<' if high_open else '≤'} {high:g}"
        raise ValueError(f"{name} must be {lo}{hi}, got {float(arr.ravel()[flat])!r}{where}")


def _out(arr: NDArray, shape: tuple[int, ...]) -> NDArray:
    arr = arr.reshape(shape)
    return arr[()] if arr.ndim == 0 else arr


def _patience(patience_seconds: ArrayLike | None) -> FloatArray:
    """Patience array; ``None``, ``inf`` and ``NaN`` all mean "no abandonment" (Erlang C)."""
    if patience_seconds is None:
        return np.asarray(np.inf)
    pat = _as_float("patience_seconds", patience_seconds)
    _check("patience_seconds", pat, low=0.0, low_open=True, high=np.inf, allow_nan=True)
    return np.where(np.isnan(pat), np.inf, pat)


def _chat_factor(concurrency: ArrayLike, slowdown: float) -> tuple[FloatArray, FloatArray]:
    conc = np.asarray(concurrency)
    if conc.dtype == bool or not np.issubdtype(conc.dtype, np.number):
        raise ValueError(f"concurrency must be a whole number ≥ 1, got {concurrency!r}")
    conc_f = conc.astype(np.float64)
    if np.any(~np.isfinite(conc_f)) or np.any(conc_f < 1) or np.any(conc_f != np.round(conc_f)):
        bad = float(conc_f.ravel()[np.flatnonzero((~np.isfinite(conc_f) | (conc_f < 1)
                                             | (conc_f != np.round(conc_f))).ravel())[0]])
        raise ValueError(f"concurrency must be a whole number ≥ 1, got {bad!r}")
    if not (np.isfinite(slowdown) and slowdown >= 0):
        raise ValueError(f"slowdown must be ≥ 0, got {slowdown!r}")
    return conc_f, 1.0 + slowdown * (conc_f - 1.0)


def _definition(definition: str) -> str:
    if definition not in SERVICE_LEVEL_DEFINITIONS:
        raise ValueError(f"definition must be 'offered' or 'answered', got {definition!r}")
    return definition


# ----------------------------------------------------------------------------------------------
# Numerical kernels (flat float64 arrays in, flat arrays out)
# ----------------------------------------------------------------------------------------------


def _log_poisson(a: FloatArray, w: FloatArray) -> FloatArray:
    """``log g(a, w) = a log w - w - log Gamma(a + 1)``; ``a >= 0``, ``w >= 0``."""
    return special.xlogy(a, w) - w - special.gammaln(a + 1.0)


def _series(first_ratio: Callable[[NDArray[np.intp], int], FloatArray], size: int) -> FloatArray:
    """Sum ``sum_{j>=1} prod_{i=1..j} r_i`` for ``size`` cells; ``r_j`` from ``first_ratio(idx, j)``.

    Used where the ratios are below one, so the terms fall geometrically (and, for the asymptotic
    Erlang B series of a fractional ``n``, stopped before the terms would grow again).
    """
    term = np.ones(size)
    total = np.zeros(size)
    active = np.arange(size)
    j = 1
    while active.size and j <= 200_000:
        ratio = first_ratio(active, j)
        term[active] *= ratio
        total[active] += term[active]
        # Stop when the terms are negligible, or (asymptotic series) start to grow.
        done = (np.abs(term[active]) <= _SERIES_TOL * (1.0 + np.abs(total[active]))) | (np.abs(ratio) >= 1.0)
        active = active[~done]
        j += 1
    return total


def _erlang_b_excess(n: FloatArray, a: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Erlang B value ``B(n, A)`` and ``1/B - 1`` (the latter may be ``inf``); ``n >= 0``, ``A > 0``."""
    logg = _log_poisson(n, a)
    # The series terminates for whole n; for fractional n it is asymptotic, so it is used only
    # where the gamma form would underflow (A > ~650, where its terms first fall below 1e-17).
    use_gamma = (n >= a) | ((logg >= _LOG_TINY) & ((n > 0.5 * a) | (n != np.floor(n))))
    if use_gamma.all():  # the common case: no fancy indexing
        log_ratio = np.log(special.gammaincc(n + 1.0, a)) - logg
        return np.exp(-log_ratio), np.expm1(log_ratio)
    b = np.empty_like(n)
    excess = np.empty_like(n)
    if np.any(use_gamma):
        log_ratio = np.log(special.gammaincc(n[use_gamma] + 1.0, a[use_gamma])) - logg[use_gamma]
        b[use_gamma] = np.exp(-log_ratio)
        excess[use_gamma] = np.expm1(log_ratio)
    ser = ~use_gamma
    ns, as_ = n[ser], a[ser]
    tail = _series(lambda idx, j: (ns[idx] - (j - 1)) / as_[idx], ns.size)
    b[ser] = 1.0 / (1.0 + tail)
    excess[ser] = tail
    return b, excess


def _log_m(a: FloatArray, w: FloatArray) -> FloatArray:
    """``log M(a, w)``, ``M(a, w) = P(a, w)/g(a, w) = sum_j w**j / ((a+1)...(a+j))``; ``a, w >= 0``."""
    logg = _log_poisson(a, w)
    positive = (w > 0) & (a > 0)
    use_gamma = positive & ((w >= a) | (logg >= _LOG_TINY))
    if use_gamma.all():  # the common case: no fancy indexing
        return np.log(special.gammainc(a, w)) - logg
    out = np.zeros_like(a)
    zero_a = (a == 0) & (w > 0)
    out[zero_a] = w[zero_a]  # M(0, w) = e**w
    if np.any(use_gamma):
        out[use_gamma] = np.log(special.gammainc(a[use_gamma], w[use_gamma])) - logg[use_gamma]
    ser = positive & ~use_gamma
    if np.any(ser):
        a_s, w_s = a[ser], w[ser]
        out[ser] = np.log1p(_series(lambda idx, j: w_s[idx] / (a_s[idx] + j), a_s.size))
    return out


def _erlang_c_from_b(n: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """``C = n B / (n - A + A B)`` for ``n > A``, else 1 (Cooper 1981, eq. 2.5.7)."""
    stable = n > a
    return np.where(stable, n * b / np.where(stable, n - a + a * b, 1.0), 1.0)


def _erlang_c_kpis(n: FloatArray, a: FloatArray, aht: FloatArray, t: FloatArray | None,
                   b: FloatArray | None = None) -> dict[str, FloatArray]:
    """Erlang C measures for flat arrays; ``load == 0`` gives no waiting."""
    pos = a > 0
    if b is None:
        b = np.zeros_like(n)
        if np.any(pos):
            b[pos] = _erlang_b_excess(n[pos], a[pos])[0]
    c = np.where(pos, _erlang_c_from_b(n, a, b), 0.0)
    stable = (n > a) | ~pos
    gap = np.where(stable, n - a, 1.0)
    kpis = {
        "wait": c,
        "abandon": np.zeros_like(n),
        "asa": np.where(stable, c * aht / gap, np.inf),
        "occupancy": np.where(n > 0, np.minimum(a / np.where(n > 0, n, 1.0), 1.0), np.where(pos, 1.0, 0.0)),
    }
    if t is not None:
        sl = np.where(stable, 1.0 - c * np.exp(-gap * t / aht), 0.0)
        kpis["sl_offered"] = sl
        kpis["sl_answered"] = sl
    return kpis


def _erlang_a_kpis(n: FloatArray, a: FloatArray, aht: FloatArray, pat: FloatArray,
                   t: FloatArray | None, *, want_asa: bool = False,
                   erlang_b: FloatArray | None = None, precise: bool = True,
                   definition: str | None = None,
                   caps: tuple[FloatArray, FloatArray] | None = None) -> dict[str, FloatArray]:
    """Erlang A (M/M/n+M) measures for flat arrays with finite patience (formulas in the module doc).

    ``erlang_b`` optionally gives ``B(n, A)`` per cell (NaN = compute it); the result carries the
    values used under the key ``"erlang_b"``. ``precise`` takes ``P(abandon | wait)`` of
    well-staffed cells (``x > y``, where ``1 - (x/y)(1 - 1/S)`` cancels) from quadrature; the staffing
    search, which only compares it with caps of a few percent, skips that. With ``t``, the service
    level is given for ``definition`` only (``None``: both definitions). ``caps`` (occupancy and
    abandonment caps per cell, NaN = none) leaves the service level NaN in cells over either cap:
    the staffing search knows those fail without it.
    """
    size = n.size
    pos = a > 0
    none = pos & (n == 0)  # nobody is ever served
    live = pos & (n > 0)
    everyone = bool(live.all())  # the common case: skip the fancy indexing
    if everyone:  # every one of these is computed below
        wait = no_wait = ab_wait = sl_wait = log_s = b_all = np.empty(0)
    else:
        wait = np.where(none, 1.0, 0.0)
        no_wait = np.where(none, 0.0, 1.0)
        ab_wait = wait.copy()
        sl_wait = np.zeros(size)
        log_s = np.zeros(size)
        b_all = np.where(n == 0, 1.0, 0.0)
    x = n * pat / aht
    y = a * pat / aht
    if np.any(live):

        def pick(v: FloatArray) -> FloatArray:
            return v if everyone else v[live]

        def put(into: FloatArray, v: FloatArray) -> FloatArray:
            if everyone:
                return v
            into[live] = v
            return into

        nl, al, xl, yl = pick(n), pick(a), pick(x), pick(y)
        if erlang_b is None:
            b_live, excess = _erlang_b_excess(nl, al)
        else:
            b_live = pick(erlang_b).copy()
            excess = (1.0 - b_live) / b_live
            missing = np.isnan(b_live)
            if np.any(missing):
                b_live[missing], excess[missing] = _erlang_b_excess(nl[missing], al[missing])
        b_all = put(b_all, b_live)
        # P(x, y) is representable unless x is far above y; there the series for M takes over.
        log_g = special.xlogy(xl, yl) - yl - special.gammaln(xl + 1.0)
        p_xy = special.gammainc(xl, yl)
        direct = (yl >= xl) | (log_g >= _LOG_TINY)
        ls = np.log(p_xy) - log_g
        if not direct.all():
            ls[~direct] = _log_m(xl[~direct], yl[~direct])
        x_over_y = xl / yl
        answered_wait = x_over_y * -np.expm1(-ls)  # E[e^(-theta V) | wait] = P(served | wait)
        log_s = put(log_s, ls)
        ratio = excess * np.exp(-ls)  # P(no wait) / P(wait)
        wait = put(wait, 1.0 / (1.0 + ratio))
        no_wait = put(no_wait, 1.0 / (1.0 + 1.0 / ratio))  # not 1 - wait: keeps its digits when tiny
        abandon_wait = np.clip(1.0 - answered_wait, 0.0, 1.0)
        if precise:
            staffed = (xl > yl) & (abandon_wait < 0.5)
            if np.any(staffed):
                abandon_wait[staffed] = _wait_integral(xl[staffed], yl[staffed], ls[staffed],
                                                       served_wait=False)
                answered_wait = np.where(staffed, 1.0 - abandon_wait, answered_wait)
        ab_wait = put(ab_wait, abandon_wait)
        if t is not None:
            parts = (xl, yl, pick(t) / pick(pat), p_xy, ls, x_over_y, answered_wait, direct)
            over_cap = None
            if caps is not None and everyone:
                abandon = wait * ab_wait
                over_cap = ((np.minimum(a * (1.0 - abandon) / n, 1.0) > caps[0])
                            | (abandon > caps[1]))
            if over_cap is not None and np.any(over_cap):
                need = np.flatnonzero(~over_cap)
                sl_wait = np.full(size, np.nan)
                sl_wait[need] = _answered_within(*(np.take(v, need) for v in parts))
            else:
                sl_wait = put(sl_wait, _answered_within(*parts))
    abandon = wait * ab_wait
    if everyone:  # n > 0 in every cell
        occ = a * (1.0 - abandon) / n
    else:
        occ = np.where(n > 0, a * (1.0 - abandon) / np.where(n > 0, n, 1.0), np.where(pos, 1.0, 0.0))
    kpis: dict[str, FloatArray] = {"wait": wait, "abandon": abandon, "occupancy": np.minimum(occ, 1.0),
                                   "erlang_b": b_all}
    if t is not None:
        sl_off = no_wait + wait * sl_wait
        if not everyone:
            sl_off = np.where(none, 0.0, sl_off)
        kpis["sl_offered"] = sl_off
        if definition != "offered":
            answered = 1.0 - abandon
            safe = np.where(answered > 0, answered, 1.0)
            kpis["sl_answered"] = np.where(answered > 0, np.minimum(sl_off / safe, 1.0), 0.0)
    if want_asa:
        asa = np.zeros(size)
        asa[none] = np.inf
        if np.any(live):
            served_wait = _wait_integral(x[live], y[live], log_s[live], served_wait=True) * pat[live]
            asa[live] = wait[live] * served_wait / (1.0 - abandon[live])
        kpis["asa"] = asa
    return kpis


def _answered_within(x: FloatArray, y: FloatArray, tl: FloatArray, p_xy: FloatArray, log_s: FloatArray,
                     x_over_y: FloatArray, answered_wait: FloatArray,
                     direct: NDArray[np.bool_]) -> FloatArray:
    """``P(answered within t | wait)`` of Erlang A for live cells (Mandelbaum & Zeltyn 2007).

    ``tl = t / patience``; ``p_xy = P(x, y)``, ``log_s = log S``, ``x_over_y = x / y`` and
    ``answered_wait = P(served | wait)`` as computed by :func:`_erlang_a_kpis`; ``direct`` marks the
    cells where ``P(x, y)`` is representable (elsewhere the scaled form with ``M`` is used).
    Formulas in the module docstring.
    """
    yz = y * np.exp(-tl)
    # Served after waiting longer than t: (x/y) P(x+1, y z) / P(x, y); scaled by M elsewhere.
    if direct.all():
        late = x_over_y * special.gammainc(x + 1.0, yz) / p_xy
    else:
        late = np.empty(x.size)
        late[direct] = x_over_y[direct] * special.gammainc(x[direct] + 1.0, yz[direct]) / p_xy[direct]
        xs, ys, ts, lss = x[~direct], y[~direct], tl[~direct], log_s[~direct]
        late[~direct] = (xs / (xs + 1.0)) * np.exp(
            -(xs + 1.0) * ts + ys * -np.expm1(-ts) - lss + _log_m(xs + 1.0, yz[~direct]))
    within = np.clip(answered_wait - late, 0.0, 1.0)
    # Overloaded cells (y z > x + 1): both P(x+1, .) are near 1 and their difference
    # cancels; take it from the upper tails instead, Q(x+1, y z) - Q(x+1, y).
    tails = direct & (yz > x + 1.0)
    if np.any(tails):
        xq, yq = x[tails], y[tails]
        within[tails] = np.clip((xq / yq) * (special.gammaincc(xq + 1.0, yz[tails])
                                             - special.gammaincc(xq + 1.0, yq)) / p_xy[tails],
                                0.0, 1.0)
    return np.where(tl > 0, within, 0.0)


def _wait_integral(x: FloatArray, y: FloatArray, log_s: FloatArray, *, served_wait: bool) -> FloatArray:
    """An expectation over the offered wait of a waiting contact, by quadrature (Erlang A).

    With ``v = theta V`` the offered wait has density ``(x/S) exp(-x v + y (1 - e**-v))``
    (module docstring). ``served_wait=True`` gives ``E[v e**-v | wait]`` (mean wait of those served,
    times the share served; multiply by the patience for seconds), ``False`` gives
    ``E[1 - e**-v | wait] = P(abandon | wait)`` without the cancellation of the closed form when the
    queue is well staffed. Both integrands are log-concave in ``v``: the mode is found by Newton's
    method from the left (the derivative of the log is convex and decreasing, so the iteration is
    monotone), the range is widened until the log-integrand has dropped by ``_QUAD_DROP`` on each
    side, and each half is integrated by ``_QUAD_NODES``-point Gauss-Legendre.
    """

    def logf(v: FloatArray, xx: FloatArray, yy: FloatArray) -> FloatArray:
        head = np.log(v) - v if served_wait else np.log(-np.expm1(-v))
        return head - xx * v - yy * np.expm1(-v)

    def slopes(v: FloatArray, xx: FloatArray, yy: FloatArray) -> tuple[FloatArray, FloatArray]:
        ey = yy * np.exp(-v)
        if served_wait:
            return 1.0 / v - 1.0 - xx + ey, -1.0 / v**2 - ey
        em1 = np.expm1(v)
        return 1.0 / em1 - xx + ey, -(em1 + 1.0) / em1**2 - ey

    v = 1.0 / (x + 2.0 + y)
    active = np.arange(x.size)
    for _ in range(300):
        if not active.size:
            break
        va = v[active]
        d1, d2 = slopes(va, x[active], y[active])
        step = -d1 / d2
        v[active] = va + step
        active = active[np.abs(step) > 1e-15 * v[active]]
    mode = v
    peak = logf(mode, x, y)
    width = 1.0 / np.sqrt(-slopes(mode, x, y)[1])
    nodes, weights = np.polynomial.legendre.leggauss(_QUAD_NODES)
    total = np.zeros_like(x)
    for side in (-1.0, 1.0):
        dist = width.copy()
        active = np.arange(x.size)
        for _ in range(200):
            if not active.size:
                break
            end = mode[active] + side * dist[active]
            if side < 0:
                dropped = (end <= 0) | (logf(np.maximum(end, 1e-300), x[active], y[active])
                                        <= peak[active] - _QUAD_DROP)
            else:
                dropped = logf(end, x[active], y[active]) <= peak[active] - _QUAD_DROP
            dist[active[~dropped]] *= 2.0
            active = active[~dropped]
        lo = np.maximum(mode - dist, 0.0) if side < 0 else mode
        hi = mode if side < 0 else mode + dist
        half = 0.5 * (hi - lo)
        pts = (lo + half)[:, None] + half[:, None] * nodes[None, :]
        with np.errstate(divide="ignore"):
            vals = np.exp(logf(pts, x[:, None], y[:, None]) - peak[:, None])
        total += half * (vals @ weights)
    return np.exp(np.log(x) - log_s + peak) * total


def _kpis(n: FloatArray, a: FloatArray, aht: FloatArray, t: FloatArray | None, pat: FloatArray,
          *, want_asa: bool = False) -> dict[str, FloatArray]:
    """Measures for flat arrays, Erlang A where ``pat`` is finite, Erlang C elsewhere."""
    finite = np.isfinite(pat)
    if not np.any(finite):
        return _erlang_c_kpis(n, a, aht, t)
    if np.all(finite):
        return _erlang_a_kpis(n, a, aht, pat, t, want_asa=want_asa)
    ck = _erlang_c_kpis(n[~finite], a[~finite], aht[~finite], None if t is None else t[~finite])
    ak = _erlang_a_kpis(n[finite], a[finite], aht[finite], pat[finite],
                        None if t is None else t[finite], want_asa=want_asa)
    merged: dict[str, FloatArray] = {}
    for key in ak:
        if key not in ck:
            continue
        out = np.empty(n.size)
        out[~finite] = ck[key]
        out[finite] = ak[key]
        merged[key] = out
    return merged


def _prepare(agents: ArrayLike, load: ArrayLike, aht_seconds: ArrayLike | None,
             answer_seconds: ArrayLike | None, patience_seconds: ArrayLike | None,
             concurrency: ArrayLike, slowdown: float) -> tuple[tuple[int, ...], list[FloatArray]]:
    n = _as_float("agents", agents)
    _check("agents", n, low=0.0)
    a = _as_float("load", load)
    _check("load", a, low=0.0)
    aht = _as_float("aht_seconds", 1.0 if aht_seconds is None else aht_seconds)
    _check("aht_seconds", aht, low=0.0, low_open=True)
    t = _as_float("answer_seconds", 0.0 if answer_seconds is None else answer_seconds)
    _check("answer_seconds", t, low=0.0)
    pat = _patience(patience_seconds)
    conc, factor = _chat_factor(concurrency, slowdown)
    arrays = np.broadcast_arrays(n, a, aht, t, pat, conc, factor)
    shape = arrays[0].shape
    n_b, a_b, aht_b, t_b, pat_b, conc_b, fac_b = (np.ascontiguousarray(x, dtype=np.float64).ravel()
                                                  for x in arrays)
    # Chat: n agents are n*c servers; load and handle time scale with AHT(c)/AHT(1).
    return shape, [n_b * conc_b, a_b * fac_b, aht_b * fac_b, t_b, pat_b]


# ----------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------


def offered_load(contacts: ArrayLike, aht_seconds: ArrayLike, interval_seconds: ArrayLike) -> FloatArray:
    """Offered load (traffic intensity) in Erlangs.

    Parameters
    ----------
    contacts : array_like
        Contacts arriving in the interval (≥ 0).
    aht_seconds : array_like
        Average handle time per contact, seconds (> 0).
    interval_seconds : array_like
        Interval length, seconds (> 0).

    Returns
    -------
    ndarray or float
        ``A = contacts * aht_seconds / interval_seconds`` Erlangs (Erlang 1917; Cooper 1981, §1.3).
    """
    contacts_a = _as_float("contacts", contacts)
    _check("contacts", contacts_a, low=0.0)
    aht = _as_float("aht_seconds", aht_seconds)
    _check("aht_seconds", aht, low=0.0, low_open=True)
    interval = _as_float("interval_seconds", interval_seconds)
    _check("interval_seconds", interval, low=0.0, low_open=True)
    load = contacts_a * aht / interval
    return load[()] if load.ndim == 0 else load


def chat_handle_time_seconds(aht_seconds: ArrayLike, concurrency: ArrayLike,
                             slowdown: float = DEFAULT_CHAT_SLOWDOWN) -> FloatArray:
    """Handle time of one chat session when an agent holds ``concurrency`` sessions, seconds.

    Parameters
    ----------
    aht_seconds : array_like
        Handle time of a session handled alone, seconds (> 0).
    concurrency : array_like of int
        Sessions held at once (≥ 1).
    slowdown : float
        Relative growth per extra session, ``delta`` (≥ 0).

    Returns
    -------
    ndarray or float
        ``AHT(c) = AHT(1) (1 + delta (c - 1))`` seconds — the linear practitioner form of the
        concurrency-dependent service rate of Tezcan & Zhang (2014) / Luo & Zhang (2013); see the
        module docstring for what the model assumes.
    """
    aht = _as_float("aht_seconds", aht_seconds)
    _check("aht_seconds", aht, low=0.0, low_open=True)
    _, factor = _chat_factor(concurrency, slowdown)
    out = aht * factor
    return out[()] if np.ndim(out) == 0 else out


def chat_load(load: ArrayLike, concurrency: ArrayLike, slowdown: float = DEFAULT_CHAT_SLOWDOWN) -> FloatArray:
    """Load on the chat *slots*, Erlangs: ``A (1 + delta (c - 1))`` (sessions × AHT(c) / interval).

    Parameters
    ----------
    load : array_like
        Offered load at the single-session handle time, Erlangs.
    concurrency : array_like of int
        Sessions per agent (≥ 1).
    slowdown : float
        Relative handle-time growth per extra session (≥ 0).

    Returns
    -------
    ndarray or float
        Slot load in Erlangs (module docstring, "Chat concurrency").
    """
    a = _as_float("load", load)
    _check("load", a, low=0.0)
    _, factor = _chat_factor(concurrency, slowdown)
    out = a * factor
    return out[()] if np.ndim(out) == 0 else out


def erlang_b(agents: ArrayLike, load: ArrayLike) -> FloatArray:
    """Erlang B blocking probability of an M/M/n/n loss system.

    Parameters
    ----------
    agents : array_like
        Servers ``n`` (≥ 0; real values use the incomplete-gamma continuation).
    load : array_like
        Offered load ``A``, Erlangs (≥ 0).

    Returns
    -------
    ndarray or float
        ``B(n, A)``, identical to the recursion ``B(k) = A B(k-1) / (k + A B(k-1))``, ``B(0) = 1``
        (Erlang 1917), computed as ``g(n, A) / Q(n + 1, A)`` (Jagerman 1974) — stable to 6,000+
        servers. ``B(n, 0) = 0`` for ``n > 0`` and ``B(0, A) = 1``.
    """
    n = _as_float("agents", agents)
    _check("agents", n, low=0.0)
    a = _as_float("load", load)
    _check("load", a, low=0.0)
    nb, ab = np.broadcast_arrays(n, a)
    shape = nb.shape
    nf, af = nb.astype(np.float64).ravel(), ab.astype(np.float64).ravel()
    out = np.where(nf == 0, 1.0, 0.0)
    pos = (af > 0) & (nf > 0)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        if np.any(pos):
            out[pos] = _erlang_b_excess(nf[pos], af[pos])[0]
    return _out(out, shape)


def erlang_c(agents: ArrayLike, load: ArrayLike) -> FloatArray:
    """Erlang C probability that a contact waits, M/M/n.

    Parameters
    ----------
    agents : array_like
        Agents ``n`` (≥ 0).
    load : array_like
        Offered load ``A``, Erlangs (≥ 0).

    Returns
    -------
    ndarray or float
        ``C(n, A) = n B / (n - A + A B)`` with ``B = B(n, A)`` for ``n > A`` (Cooper 1981, eq. 2.5.7);
        ``1`` when ``n <= A`` (unstable queue: everyone waits); ``0`` when ``A = 0``.
    """
    shape, (n, a, aht, _, _) = _prepare(agents, load, None, None, None, 1, DEFAULT_CHAT_SLOWDOWN)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        out = _erlang_c_kpis(n, a, aht, None)["wait"]
    return _out(out, shape)


def wait_probability(agents: ArrayLike, load: ArrayLike, aht_seconds: ArrayLike = 1.0,
                     patience_seconds: ArrayLike | None = None, *, concurrency: ArrayLike = 1,
                     slowdown: float = DEFAULT_CHAT_SLOWDOWN) -> FloatArray:
    """Probability that a contact has to wait (Erlang C, or Erlang A with a patience).

    Parameters
    ----------
    agents, load : array_like
        Agents (≥ 0) and offered load in Erlangs (≥ 0).
    aht_seconds : array_like
        Average handle time, seconds (> 0); only matters with a patience.
    patience_seconds : array_like or None
        Mean patience, seconds (> 0); ``None``/``inf``/``NaN`` = no abandonment.
    concurrency : array_like of int
        Chat sessions per agent (module docstring).
    slowdown : float
        Chat handle-time growth per extra session.

    Returns
    -------
    ndarray or float
        Erlang C ``C(n, A)``, or Erlang A ``S / (1/E - 1 + S)`` (Mandelbaum & Zeltyn 2007).
    """
    shape, (n, a, aht, _, pat) = _prepare(agents, load, aht_seconds, None, patience_seconds,
                                          concurrency, slowdown)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        out = _kpis(n, a, aht, None, pat)["wait"]
    return _out(out, shape)


def service_level(agents: ArrayLike, load: ArrayLike, aht_seconds: ArrayLike, answer_seconds: ArrayLike,
                  patience_seconds: ArrayLike | None = None, *,
                  definition: ServiceLevelDefinition = "offered", concurrency: ArrayLike = 1,
                  slowdown: float = DEFAULT_CHAT_SLOWDOWN) -> FloatArray:
    """Share of contacts answered within ``answer_seconds``.

    Parameters
    ----------
    agents : array_like
        Agents (≥ 0).
    load : array_like
        Offered load, Erlangs (≥ 0).
    aht_seconds : array_like
        Average handle time, seconds (> 0).
    answer_seconds : array_like
        Service-level threshold ``t``, seconds (≥ 0).
    patience_seconds : array_like or None
        Mean patience, seconds; ``None``/``inf``/``NaN`` = Erlang C, finite = Erlang A.
    definition : {"offered", "answered"}
        ``"offered"``: answered within ``t`` / all offered contacts (abandoned contacts count as
        missed); ``"answered"``: answered within ``t`` / answered contacts. Equal for Erlang C.
    concurrency : array_like of int
        Chat sessions per agent (module docstring, "Chat concurrency").
    slowdown : float
        Chat handle-time growth per extra session.

    Returns
    -------
    ndarray or float
        Erlang C: ``1 - C exp(-(n - A) t / AHT)`` (0 when ``n <= A``). Erlang A: formulas of
        Mandelbaum & Zeltyn (2007) in the module docstring.
    """
    key = "sl_" + _definition(definition)
    shape, (n, a, aht, t, pat) = _prepare(agents, load, aht_seconds, answer_seconds, patience_seconds,
                                          concurrency, slowdown)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        out = _kpis(n, a, aht, t, pat)[key]
    return _out(out, shape)


def average_speed_of_answer(agents: ArrayLike, load: ArrayLike, aht_seconds: ArrayLike,
                            patience_seconds: ArrayLike | None = None, *, concurrency: ArrayLike = 1,
                            slowdown: float = DEFAULT_CHAT_SLOWDOWN) -> FloatArray:
    """Average speed of answer: mean wait of answered contacts, seconds.

    Parameters
    ----------
    agents, load, aht_seconds : array_like
        Agents (≥ 0), offered load in Erlangs (≥ 0), average handle time in seconds (> 0).
    patience_seconds : array_like or None
        Mean patience, seconds; ``None``/``inf``/``NaN`` = Erlang C.
    concurrency : array_like of int
        Chat sessions per agent.
    slowdown : float
        Chat handle-time growth per extra session.

    Returns
    -------
    ndarray or float
        Erlang C: ``C AHT / (n - A)`` (Cooper 1981, eq. 2.5.10), ``inf`` when ``n <= A``.
        Erlang A: ``E[V e**(-theta V)] / (1 - P(abandon))`` — waits of contacts that are answered,
        including zero waits (module docstring); ``inf`` with 0 agents and a positive load.
    """
    shape, (n, a, aht, _, pat) = _prepare(agents, load, aht_seconds, None, patience_seconds,
                                          concurrency, slowdown)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        out = _kpis(n, a, aht, None, pat, want_asa=True)["asa"]
    return _out(out, shape)


def occupancy(agents: ArrayLike, load: ArrayLike, aht_seconds: ArrayLike | None = None,
              patience_seconds: ArrayLike | None = None, *, concurrency: ArrayLike = 1,
              slowdown: float = DEFAULT_CHAT_SLOWDOWN) -> FloatArray:
    """Agent occupancy: share of agent time spent handling contacts.

    Parameters
    ----------
    agents, load : array_like
        Agents (≥ 0) and offered load in Erlangs (≥ 0).
    aht_seconds : array_like or None
        Average handle time, seconds; needed only with a patience.
    patience_seconds : array_like or None
        Mean patience, seconds; ``None`` = Erlang C.
    concurrency : array_like of int
        Chat sessions per agent; occupancy is then of the ``n c`` slots.
    slowdown : float
        Chat handle-time growth per extra session.

    Returns
    -------
    ndarray or float
        Carried load / agents: Erlang C ``min(A/n, 1)``; Erlang A ``A (1 - P(abandon)) / n``
        (Mandelbaum & Zeltyn 2007). ``1`` with 0 agents and a positive load, ``0`` with no load.
    """
    if patience_seconds is not None and aht_seconds is None:
        raise ValueError("aht_seconds is required with patience_seconds (Erlang A)")
    shape, (n, a, aht, _, pat) = _prepare(agents, load, aht_seconds, None, patience_seconds,
                                          concurrency, slowdown)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        out = _kpis(n, a, aht, None, pat)["occupancy"]
    return _out(out, shape)


def abandon_probability(agents: ArrayLike, load: ArrayLike, aht_seconds: ArrayLike,
                        patience_seconds: ArrayLike | None, *, concurrency: ArrayLike = 1,
                        slowdown: float = DEFAULT_CHAT_SLOWDOWN) -> FloatArray:
    """Probability that a contact abandons before being answered (Erlang A, M/M/n+M).

    Parameters
    ----------
    agents, load, aht_seconds : array_like
        Agents (≥ 0), offered load in Erlangs (≥ 0), average handle time in seconds (> 0).
    patience_seconds : array_like or None
        Mean patience, seconds (> 0); ``None``/``inf`` gives 0.
    concurrency : array_like of int
        Chat sessions per agent.
    slowdown : float
        Chat handle-time growth per extra session.

    Returns
    -------
    ndarray or float
        ``P(wait) [1 - (x/y)(1 - 1/S)]`` (Mandelbaum & Zeltyn 2007; module docstring).
    """
    shape, (n, a, aht, _, pat) = _prepare(agents, load, aht_seconds, None, patience_seconds,
                                          concurrency, slowdown)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        out = _kpis(n, a, aht, None, pat)["abandon"]
    return _out(out, shape)


# ----------------------------------------------------------------------------------------------
# Staffing: smallest number of agents meeting every target
# ----------------------------------------------------------------------------------------------


def _target(name: str, value: ArrayLike | None, *, low: float, high: float, low_open: bool = False,
            high_open: bool = False) -> FloatArray:
    """Target array with NaN meaning "no target in this cell"; ``None`` = no target anywhere."""
    if value is None:
        return np.asarray(np.nan)
    arr = _as_float(name, value)
    _check(name, arr, low=low, high=high, low_open=low_open, high_open=high_open, allow_nan=True)
    return arr


def _halfin_whitt_beta(a: FloatArray, aht: FloatArray, sl: FloatArray, t: FloatArray,
                       asa: FloatArray) -> FloatArray:
    """Square-root staffing ``n ~ A + beta sqrt(A)`` guess (Halfin & Whitt 1981).

    ``P(wait) ~ alpha(beta) = [1 + beta Phi(beta)/phi(beta)]**-1``; ``beta`` solves
    ``alpha(beta) exp(-beta sqrt(A) t/AHT) = 1 - SL`` and ``alpha(beta) AHT / (beta sqrt(A)) = ASA``
    by Newton's method (both left sides are log-convex and decreasing, so Newton from the left is
    monotone). Only a starting point: the exact search corrects it.
    """
    root_a = np.sqrt(a)
    beta = np.zeros_like(a)

    def log_alpha(b: FloatArray) -> tuple[FloatArray, FloatArray]:
        ratio = np.sqrt(2.0 * np.pi) * special.ndtr(b) * np.exp(0.5 * b * b)
        return -np.log1p(b * ratio), -(ratio + b + b * b * ratio) / (1.0 + b * ratio)

    has_sl = ~np.isnan(sl)
    if np.any(has_sl):
        c = (root_a * t / aht)[has_sl]
        goal = np.log1p(-np.minimum(sl[has_sl], 1.0 - 1e-15))
        # Two Newton steps from b = 0; the first in closed form (log alpha(0) = 0, with slope
        # -sqrt(2 pi) / 2), the same numbers as the general step gives there.
        b = np.clip(goal / (-np.sqrt(2.0 * np.pi) * 0.5 - c), 0.0, 12.0)
        la, dla = log_alpha(b)
        beta[has_sl] = np.clip(b - (la - b * c - goal) / (dla - c), 0.0, 12.0)
    has_asa = ~np.isnan(asa)
    if np.any(has_asa):
        goal = np.log(np.maximum(asa[has_asa], 1e-300) * root_a[has_asa] / aht[has_asa])
        b = np.full(goal.size, 1e-6)
        for _ in range(12):
            la, dla = log_alpha(b)
            b = np.clip(b - (la - np.log(b) - goal) / (dla - 1.0 / b), 1e-9, 12.0)
        beta[has_asa] = np.maximum(beta[has_asa], b)
    return beta


def _erlang_c_pass(k: FloatArray, a: FloatArray, aht: FloatArray, sl: FloatArray, t: FloatArray,
                   occ: FloatArray, asa: FloatArray, b: FloatArray) -> NDArray[np.bool_]:
    stable = k > a
    gap = np.where(stable, k - a, 1.0)
    c = k * b / (gap + a * b)
    ok = stable & (a / k <= occ)
    ok &= np.isnan(sl) | (1.0 - c * np.exp(-gap * t / aht) >= sl)
    ok &= np.isnan(asa) | (c * aht / gap <= asa)
    return ok


def _required_erlang_c(a: FloatArray, aht: FloatArray, sl: FloatArray, t: FloatArray, occ: FloatArray,
                       asa: FloatArray, cap: FloatArray, known_fail: FloatArray | None = None
                       ) -> tuple[IntArray, NDArray[np.bool_]]:
    """Smallest ``k`` (all ``a > 0``) meeting the Erlang C targets; also a flag for cells over ``cap``.

    Start at the square-root staffing guess, evaluate ``B`` there exactly, then walk with
    ``B(k+1) = A B / (k + 1 + A B)`` upward or ``B(k-1) = k B / (A (1 - B))`` downward. With
    ``known_fail`` (a count known to miss a target in each cell, e.g. from monotonicity; a cap
    known to pass is ``cap``) the walk starts one above it and only goes up.
    """
    lower = np.maximum(np.floor(a) + 1.0, np.floor(a / occ))
    if known_fail is None:
        beta = _halfin_whitt_beta(a, aht, sl, t, asa)
        start = np.maximum(lower, np.floor(a + beta * np.sqrt(a)) - 1.0)
    else:
        lower = np.maximum(lower, known_fail + 1.0)
        start = lower
    b = _erlang_b_excess(start, a)[0]
    ok = _erlang_c_pass(start, a, aht, sl, t, occ, asa, b)
    answer = start.copy()
    over = np.zeros(a.size, dtype=bool)
    # Upward walk for cells that fail at the start.
    idx = np.flatnonzero(~ok)
    k, bk = start[idx], b[idx]
    while idx.size:
        ab = a[idx] * bk
        k = k + 1.0
        bk = ab / (k + ab)
        passed = _erlang_c_pass(k, a[idx], aht[idx], sl[idx], t[idx], occ[idx], asa[idx], bk)
        beyond = ~passed & (k >= cap[idx])
        answer[idx[passed]] = k[passed]
        over[idx[beyond]] = True
        keep = ~(passed | beyond)
        idx, k, bk = idx[keep], k[keep], bk[keep]
    # Downward walk for cells that pass at the start (the guess was high).
    idx = np.flatnonzero(ok & (start > lower))
    k, bk = start[idx], b[idx]
    while idx.size:
        bk = k * bk / (a[idx] * (1.0 - bk))
        k = k - 1.0
        passed = _erlang_c_pass(k, a[idx], aht[idx], sl[idx], t[idx], occ[idx], asa[idx], bk)
        answer[idx[passed]] = k[passed]
        keep = passed & (k > lower[idx])
        idx, k, bk = idx[keep], k[keep], bk[keep]
    return answer.astype(np.int64), over


def _search(slacks: Callable[[NDArray[np.intp], FloatArray], tuple[NDArray[np.bool_], FloatArray]],
            start: FloatArray, lower: FloatArray, upper: FloatArray,
            first_step_scale: tuple[FloatArray, FloatArray] | None = None, *,
            upper_passes: bool = False) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Smallest integer in ``[lower, upper]`` meeting every target, for all cells at once.

    ``slacks(idx, n)`` returns whether each cell meets every target and one row per target
    (``NaN`` = no target in that cell), each increasing in ``n`` and ``>= 0`` where the target is met,
    on a scale where it is close to linear (logits of probabilities). The answer is the largest of
    the per-target roots, so each probe takes a secant step per target (from the last two probes)
    and moves to the largest estimate — a safeguarded secant method on the integers: the first step
    is one agent, or with ``first_step_scale = (up, down)`` (typical agents per unit of margin) up
    ``ceil(up * largest shortfall)`` agents from a failing start and down
    ``floor(min(down * margin))`` agents (``down`` per target and cell) from a passing one, at least
    one; a missing slope doubles the step, an estimate outside the bracket
    ``(largest failing, smallest passing)`` is moved to the nearest untested value inside it, a
    step down from above is doubled (the margins are concave in ``n``), and after eight probes the
    bracket is bisected.
    Every answer ``n`` passes and ``n - 1`` fails (or ``n = lower``). Also returns a flag for cells
    where even ``upper`` fails. With ``upper_passes`` (``upper`` is known to meet every target, and
    ``lower - 1`` to miss one — a bracket from monotonicity) ``upper`` is never probed, and a
    bracket of one (``upper = lower``) needs no probe at all.
    """
    size = start.size
    answer = np.empty(size)
    over = np.zeros(size, dtype=bool)
    # State of the cells still searching, compacted every round.
    idx = np.arange(size)
    low, up_cap = lower.copy(), upper.copy()
    lo = lower - 1.0  # largest value known to fail (lower - 1: none yet)
    hi = upper.copy() if upper_passes else np.full(size, np.inf)  # smallest value known to pass
    px = np.full(size, np.nan)
    pf: FloatArray | None = None
    step = np.ones(size)
    scale = first_step_scale
    x = np.clip(start, lower, upper)
    rounds = 0
    if upper_passes:
        x = np.minimum(x, np.maximum(lower, upper - 1.0))
        known = upper <= lower
        if np.any(known):
            answer[known] = upper[known]
            keep = np.flatnonzero(~known)
            idx, x, lo, hi, px, step, low, up_cap = (
                v[keep] for v in (idx, x, lo, hi, px, step, low, up_cap))
            if scale is not None:
                scale = (scale[0][keep], np.take(scale[1], keep, axis=1))
    while idx.size:
        ok, f = slacks(idx, x)
        if pf is None:
            pf = np.full(f.shape, np.nan)
        hi = np.where(ok, x, hi)
        lo = np.where(ok, lo, x)
        beyond = ~ok & (x >= up_cap)
        done = beyond | (hi - lo <= 1.0)
        if np.any(done):
            answer[idx[done]] = np.where(beyond[done], up_cap[done], hi[done])
            over[idx[done]] = beyond[done]
            keep = np.flatnonzero(~done)
            idx, x, ok, lo, hi, px, step, low, up_cap = (
                v[keep] for v in (idx, x, ok, lo, hi, px, step, low, up_cap))
            f, pf = np.take(f, keep, axis=1), np.take(pf, keep, axis=1)
            if scale is not None:
                scale = (scale[0][keep], np.take(scale[1], keep, axis=1))
            if not idx.size:
                break
        rounds += 1
        # Per-target secant roots; a target without a usable slope says "up" when failing.
        with np.errstate(invalid="ignore", divide="ignore"):
            slope = (f - pf) / (x - px)
            root = x - f / slope
        # (-inf where a target is absent: f is NaN there)
        root = np.where(np.isfinite(root) & (slope > 0), root, np.where(f < 0, np.inf, -np.inf))
        estimate = root.max(axis=0)
        first = np.isnan(px)
        going_up = ~ok
        # Unbracketed: go at least one step, and double the step when there is no estimate.
        # Margins are concave in n, so from above a secant undershoots the distance: double it.
        reach = np.where(np.isfinite(estimate),
                         np.abs(np.ceil(estimate) - x) * np.where(going_up, 1.0, 2.0), 2.0 * step)
        if rounds == 1:
            first_reach = np.ones(x.size)
            if scale is not None:
                up_scale, down_scale = scale
                # fmin skips NaN (absent targets); no target at all gives the 1e9 cap.
                below = -np.fmin(f, 0.0).min(axis=0) * up_scale
                above = np.fmin.reduce(f * down_scale, axis=0)
                first_reach = np.where(going_up, np.ceil(np.fmin(below, 1e9)),
                                       np.floor(np.fmin(above, 1e9)))
            reach = np.where(first, first_reach, reach)
        step = np.maximum(reach, 1.0)
        outward = np.where(going_up, x + step, x - step)
        # Bracketed: the estimate, moved inside the bracket when it falls at or beyond an end
        # ("the answer is that end": probe its neighbour); bisection after eight rounds.
        bracketed = np.isfinite(hi) & (lo >= low)
        if rounds < 8:
            inner = np.clip(np.ceil(np.clip(estimate, -1e300, 1e300)), lo + 1.0, hi - 1.0)
        else:
            inner = np.floor(0.5 * (lo + np.where(np.isfinite(hi), hi, lo)))
        px, pf = x, f
        x = np.clip(np.where(bracketed, inner, outward), np.maximum(lo + 1.0, low),
                    np.minimum(hi - 1.0, up_cap))
    return answer, over


def required_agents(load: ArrayLike, aht_seconds: ArrayLike, service_level: ArrayLike | None,
                    answer_seconds: ArrayLike | None, max_occupancy: ArrayLike = 1.0,
                    max_asa_seconds: ArrayLike | None = None, patience_seconds: ArrayLike | None = None,
                    max_abandon: ArrayLike | None = None, *, concurrency: ArrayLike = 1,
                    definition: ServiceLevelDefinition = "offered",
                    slowdown: float = DEFAULT_CHAT_SLOWDOWN,
                    bracket: tuple[ArrayLike, ArrayLike] | None = None) -> IntArray:
    """Smallest whole number of agents per cell that meets every target given.

    Parameters
    ----------
    load : array_like
        Offered load, Erlangs (≥ 0; for chat: at the single-session handle time).
    aht_seconds : array_like
        Average handle time, seconds (> 0; for chat: of a session handled alone).
    service_level : array_like or None
        Target share answered within ``answer_seconds``, in (0, 1]; ``None``/``NaN`` = no target.
    answer_seconds : array_like or None
        Service-level threshold, seconds (≥ 0); given together with ``service_level``.
    max_occupancy : array_like
        Occupancy cap in (0, 1] (Erlang C: ``n >= A / max_occupancy``; Erlang A: model occupancy).
    max_asa_seconds : array_like or None
        Cap on the average speed of answer, seconds (≥ 0); ``None``/``NaN`` = no cap.
    patience_seconds : array_like or None
        Mean patience, seconds; finite = Erlang A (M/M/n+M), ``None``/``inf``/``NaN`` = Erlang C.
    max_abandon : array_like or None
        Cap on the abandonment probability in [0, 1); needs a finite patience.
    concurrency : array_like of int
        Chat sessions per agent (≥ 1); > 1 applies the chat model of the module docstring and
        returns ``ceil(slots / concurrency)``.
    definition : {"offered", "answered"}
        Service-level definition with abandonment (see :func:`service_level`).
    slowdown : float
        Chat handle-time growth per extra session (≥ 0).
    bracket : (array_like, array_like), optional
        ``(lower, upper)`` agents per cell known to hold the answer — e.g. the answers at two
        points that bound this one in contact count and handle time, between which required
        agents are monotone. The search then runs inside the bracket only (``upper`` is taken
        as meeting every target and ``lower - 1`` as missing one, without probing them; equal
        ends need no probe), so the answer is the same as without it whenever the bracket is
        right, in fewer evaluations. Not checked: a wrong bracket gives a wrong answer.

    Returns
    -------
    ndarray of int64 (or numpy int for scalar inputs)
        Agents; 0 where the load is 0. Erlang C answers always exceed the load (stability); with
        abandonment fewer agents than the load is a valid answer. Each answer ``n`` meets every
        target and ``n - 1`` misses at least one (all measures are monotone in ``n``).

    Raises
    ------
    UnreachableTargetError
        A target no staffing can meet (service level 1, ASA 0 or abandonment 0 with a positive
        load, or a target needing more than ``A + 100 sqrt(A) + 1000`` agents); names the cell.
    ValueError
        An argument outside its range (names the argument, the cell and the range).
    """
    definition = _definition(definition)
    a = _as_float("load", load)
    _check("load", a, low=0.0)
    aht = _as_float("aht_seconds", aht_seconds)
    _check("aht_seconds", aht, low=0.0, low_open=True)
    if (service_level is None) != (answer_seconds is None):
        raise ValueError("service_level and answer_seconds go together: give both or neither")
    sl = _target("service_level", service_level, low=0.0, high=1.0, low_open=True)
    t = _target("answer_seconds", answer_seconds, low=0.0, high=np.inf)
    occ = _as_float("max_occupancy", max_occupancy)
    _check("max_occupancy", occ, low=0.0, low_open=True, high=1.0)
    asa = _target("max_asa_seconds", max_asa_seconds, low=0.0, high=np.inf)
    pat = _patience(patience_seconds)
    ab = _target("max_abandon", max_abandon, low=0.0, high=1.0, high_open=True)
    conc, factor = _chat_factor(concurrency, slowdown)
    known = (np.nan, np.nan) if bracket is None else (_as_float("bracket lower", bracket[0]),
                                                        _as_float("bracket upper", bracket[1]))
    arrays = np.broadcast_arrays(a, aht, sl, t, occ, asa, pat, ab, conc, factor, *known)
    shape = arrays[0].shape
    a, aht, sl, t, occ, asa, pat, ab, conc, factor, known_low, known_high = (
        np.ascontiguousarray(x, dtype=np.float64).ravel() for x in arrays)
    sl = np.where(np.isnan(t), np.nan, sl)
    t = np.where(np.isnan(sl), 0.0, t)
    no_patience = ~np.isfinite(pat)
    if np.any(no_patience & ~np.isnan(ab)):
        cell = int(np.flatnonzero(no_patience & ~np.isnan(ab))[0])
        raise ValueError(f"max_abandon needs a finite patience_seconds (cell {cell})")
    slot_load = a * factor
    slot_aht = aht * factor
    pos = a > 0
    impossible = pos & ((sl >= 1.0) | (asa == 0.0) | (ab == 0.0))
    if np.any(impossible):
        cell = int(np.flatnonzero(impossible)[0])
        raise UnreachableTargetError(
            f"cell {cell}: no staffing meets service level {sl[cell]:g}, max ASA {asa[cell]:g} s or "
            f"max abandonment {ab[cell]:g} with a load of {a[cell]:g} Erlangs "
            "(a positive load always has some waiting and abandonment)")
    cap = np.ceil(slot_load) + 100.0 * np.ceil(np.sqrt(slot_load)) + 1000.0
    slots = np.zeros(a.size)
    over = np.zeros(a.size, dtype=bool)
    fail_below: FloatArray | None = None
    if bracket is not None:
        # agents in [lower, upper] ⇔ sessions in ((lower − 1)·c, upper·c]; equal ends are the answer
        _check("bracket lower", known_low, low=0.0)
        _check("bracket upper", known_high, low=0.0)
        if np.any(known_high < known_low):
            cell = int(np.flatnonzero(known_high < known_low)[0])
            raise ValueError(f"bracket upper must be ≥ bracket lower (cell {cell})")
        settled = pos & (known_high == known_low)
        slots[settled] = known_high[settled] * conc[settled]
        pos = pos & ~settled
        cap = np.where(pos, known_high * conc, cap)
        fail_below = np.maximum(known_low - 1.0, 0.0) * conc
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        erl_c = np.flatnonzero(pos & no_patience)
        if erl_c.size:
            k, too_many = _required_erlang_c(slot_load[erl_c], slot_aht[erl_c], sl[erl_c], t[erl_c],
                                             occ[erl_c], asa[erl_c], cap[erl_c],
                                             None if fail_below is None else fail_below[erl_c])
            slots[erl_c] = k
            over[erl_c] = too_many
        erl_a = np.flatnonzero(pos & ~no_patience)
        if erl_a.size:
            k, too_many = _required_erlang_a(slot_load[erl_a], slot_aht[erl_a], sl[erl_a], t[erl_a],
                                             occ[erl_a], asa[erl_a], pat[erl_a], ab[erl_a], cap[erl_a],
                                             definition,
                                             None if fail_below is None else fail_below[erl_a])
            slots[erl_a] = k
            over[erl_a] = too_many
    if np.any(over):
        cell = int(np.flatnonzero(over)[0])
        raise UnreachableTargetError(
            f"cell {cell}: the targets need more than {cap[cell]:.0f} agents for a load of "
            f"{a[cell]:g} Erlangs (service level {sl[cell]:g} in {t[cell]:g} s, max ASA {asa[cell]:g} s)")
    agents = np.ceil(slots / conc).astype(np.int64)
    return _out(agents, shape)


def _required_erlang_a(a: FloatArray, aht: FloatArray, sl: FloatArray, t: FloatArray, occ: FloatArray,
                       asa: FloatArray, pat: FloatArray, ab: FloatArray, cap: FloatArray,
                       definition: str, known_fail: FloatArray | None = None
                       ) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Smallest agents meeting Erlang A targets (all ``a > 0``): exact, safeguarded secant search.

    The start is one agent below the largest of: the square-root staffing guess for the
    service-level/ASA targets (Erlang C; abandonment usually lowers the answer), ``A / max_occupancy``
    and the fluid answer ``A (1 - max_abandon)`` for an abandonment cap. With ``known_fail`` (a
    count known to miss a target per cell) ``cap`` is taken as known to pass, and the search runs
    strictly between the two.
    """
    key = "sl_" + definition
    want_sl = bool(np.any(~np.isnan(sl)))
    want_asa = bool(np.any(~np.isnan(asa)))

    def logit(p: FloatArray) -> FloatArray:
        p = np.clip(p, 1e-300, 1.0 - 1e-16)
        return np.log(p / (1.0 - p))

    logit_occ = np.where(occ < 1.0, logit(occ), np.nan)  # occupancy <= 1 always: no margin needed
    logit_ab = logit(ab)
    logit_sl = logit(sl)
    last_n = np.full(a.size, np.nan)
    last_b = np.full(a.size, np.nan)

    def slacks(idx: NDArray[np.intp], k: FloatArray) -> tuple[NDArray[np.bool_], FloatArray]:
        # Whether every target is met, and per target a logit-scale margin (NaN = no target).
        # Erlang B one agent away from the last probe comes from the recursion (upward always;
        # downward only while B <= 1/2, where it loses at most a factor 2 of accuracy).
        prev_n, prev_b, load = last_n[idx], last_b[idx], a[idx]
        carried = load * prev_b
        b = np.where(k == prev_n + 1.0, carried / (k + carried),
                     np.where((k == prev_n - 1.0) & (prev_b <= 0.5),
                              prev_n * prev_b / (load * (1.0 - prev_b)), np.nan))
        cap_occ, cap_ab = occ[idx], ab[idx]
        kp = _erlang_a_kpis(k, load, aht[idx], pat[idx], t[idx] if want_sl else None,
                            want_asa=want_asa, erlang_b=b, precise=False, definition=definition,
                            caps=(cap_occ, cap_ab) if want_sl else None)
        last_n[idx], last_b[idx] = k, kp["erlang_b"]
        ok = (kp["occupancy"] <= cap_occ) & (np.isnan(cap_ab) | (kp["abandon"] <= cap_ab))
        columns = [logit_occ[idx] - logit(kp["occupancy"]), logit_ab[idx] - logit(kp["abandon"])]
        if want_sl:
            target = sl[idx]
            ok &= np.isnan(target) | (kp[key] >= target)
            columns.append(logit(kp[key]) - logit_sl[idx])
        if want_asa:
            cap_asa = asa[idx]
            ok &= np.isnan(cap_asa) | (kp["asa"] <= cap_asa)
            columns.append(np.log(cap_asa) - np.log(kp["asa"]))
        return ok, np.stack(columns)

    start = np.ones(a.size)
    queue_target = ~np.isnan(sl) | ~np.isnan(asa)
    if known_fail is not None:  # a bracket from monotonicity: start at its bottom
        queue_target[:] = False
        start = np.maximum(known_fail + 1.0, 1.0)
    if np.any(queue_target):
        qi = np.flatnonzero(queue_target)
        aq = a[qi]
        beta = _halfin_whitt_beta(aq, aht[qi], sl[qi], t[qi], asa[qi])
        start[qi] = np.maximum(np.floor(aq) + 1.0, np.floor(aq + beta * np.sqrt(aq)) + 1.0)
    start = np.maximum(start, np.ceil(a / occ))
    start = np.where(np.isnan(ab), start, np.maximum(start, np.ceil(a * (1.0 - np.nan_to_num(ab)))))
    start = np.minimum(np.maximum(start - 1.0, 1.0), cap)  # abandonment usually saves an agent
    # First step, in agents per logit unit of margin at the start (measured on the benchmark cells,
    # answer - start against the margins there): a failing start lies about 0.65 sqrt(A) per unit
    # of its largest shortfall below the answer, and 0.5 sqrt(A) gave the fewest probes; a passing
    # start lies a median 0.5 (service level), 0.8 (abandonment) or 0.95 (occupancy) sqrt(A) per
    # unit above the nearest root, and stepping about 1.25 times that far gave the fewest probes
    # (an overshoot brackets the answer, and the secant then closes in from both sides).
    root_a = np.sqrt(a)
    down = [1.2, 1.0] + ([0.6] if want_sl else []) + ([0.6] if want_asa else [])
    if known_fail is not None:
        return _search(slacks, start, np.maximum(known_fail + 1.0, 1.0), cap,
                       first_step_scale=(0.5 * root_a, np.array(down)[:, None] * root_a),
                       upper_passes=True)
    return _search(slacks, start, np.ones(a.size), cap,
                   first_step_scale=(0.5 * root_a, np.array(down)[:, None] * root_a))
