"""Tests of planner.queueing against published figures and independent high-precision computations.

The references below are computed with mpmath at 50 significant digits straight from the definitions
(the Erlang B recursion, the Erlang A birth-death chain and the tagged-customer chain), not from the
incomplete-gamma forms the module uses, so agreement to 1e-9 checks the method as well as the code.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

from planner import queueing as q

mp.mp.dps = 50
REL = 1e-9


# ---------------------------------------------------------------------------------------------
# Independent references (mpmath, from the definitions)
# ---------------------------------------------------------------------------------------------


def mp_erlang_b(n: int, load: float) -> mp.mpf:
    """Erlang's recursion B(k) = A B(k-1) / (k + A B(k-1)), B(0) = 1, in 50-digit arithmetic."""
    a = mp.mpf(load)
    b = mp.mpf(1)
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


def mp_erlang_c_kpis(n: int, load: float, aht: float, t: float) -> dict[str, mp.mpf]:
    a = mp.mpf(load)
    b = mp_erlang_b(n, load)
    c = n * b / (n - a + a * b)
    return {
        "wait": c,
        "sl": 1 - c * mp.exp(-(n - a) * mp.mpf(t) / aht),
        "asa": c * aht / (n - a),
    }


def mp_erlang_a(n: int, load: float, aht: float, patience: float, t: float) -> dict[str, mp.mpf]:
    """Erlang A from the birth-death chain (Palm 1946) and the tagged-customer chain.

    States k <= n: pi_k ∝ A^k/k!; above n: p_j = prod_{i=1..j} lambda/(n mu + i theta).
    A customer who finds j waiting is served with probability prod_{i=0..j} (n mu + i theta) /
    (n mu + (i+1) theta) = x/(x+j+1) (each step: the queue ahead moves before his own patience runs
    out), and his expected wait on the way to being served is x/(theta (x+j+1)) sum_{i<=j} 1/(x+i+1)
    (the sojourn in each state is independent of how it ends). P(answered within t) uses the
    incomplete-gamma law with mpmath's own gamma function; that law is checked against the chain
    with hypo-exponential waits in test_erlang_a_service_level_law_against_the_chain.
    """
    mu = mp.mpf(1) / aht
    theta = mp.mpf(1) / patience
    lam = mp.mpf(load) * mu
    e = mp_erlang_b(n, load)
    below = 1 / e - 1  # sum_{k<n} pi_k / pi_n
    x = n * mu / theta
    y = lam / theta
    total = mp.mpf(0)
    served = mp.mpf(0)
    served_wait = mp.mpf(0)
    p = mp.mpf(1)
    harmonic = mp.mpf(0)
    j = 0
    while True:
        harmonic += 1 / (x + j + 1)
        total += p
        served += p * x / (x + j + 1)
        served_wait += p * x / (x + j + 1) * harmonic / theta
        j += 1
        p *= lam / (n * mu + j * theta)
        if j > y and p < mp.mpf(10) ** -45 * total:
            break
    wait = total / (below + total)
    abandon = wait * (1 - served / total)
    asa = wait * (served_wait / total) / (1 - abandon)
    z = mp.exp(-mp.mpf(t) / patience)
    # P(answered within t | wait): (x/y)[P(x+1, y) - P(x+1, y z)] / P(x, y) with mpmath's own
    # regularised incomplete gamma (the law is checked against the chain in test_erlang_a_sl_chain).
    pg = mp.gammainc
    within = (x / y) * (pg(x + 1, 0, y, regularized=True) - pg(x + 1, 0, y * z, regularized=True)) \
        / pg(x, 0, y, regularized=True)
    sl_off = 1 - wait + wait * within
    return {"wait": wait, "abandon": abandon, "asa": asa, "sl_offered": sl_off,
            "sl_answered": sl_off / (1 - abandon)}


def mp_answered_within_chain(n: int, load: float, aht: float, patience: float, t: float) -> mp.mpf:
    """P(answered within t) for small systems by the chain alone (no incomplete gamma).

    Given j waiting ahead, the offered wait is hypo-exponential with rates r_i = n mu + i theta,
    i = 0..j, density sum_i c_i r_i e^{-r_i v}, c_i = prod_{k != i} r_k / (r_k - r_i); answered
    within t means V <= t and patience > V: integral_0^t e^{-theta v} f(v) dv.
    """
    mp.mp.dps = 80
    try:
        mu = mp.mpf(1) / aht
        theta = mp.mpf(1) / patience
        lam = mp.mpf(load) * mu
        e = mp_erlang_b(n, load)
        below = 1 / e - 1
        total = mp.mpf(0)
        within = mp.mpf(0)
        p = mp.mpf(1)
        j = 0
        while p > mp.mpf(10) ** -40:
            rates = [n * mu + i * theta for i in range(j + 1)]
            prob = mp.mpf(0)
            for i, r in enumerate(rates):
                c = mp.mpf(1)
                for k, rk in enumerate(rates):
                    if k != i:
                        c *= rk / (rk - r)
                prob += c * r * (1 - mp.exp(-(r + theta) * t)) / (r + theta)
            total += p
            within += p * prob
            j += 1
            p *= lam / (n * mu + j * theta)
        wait = total / (below + total)
        return 1 - wait + wait * within / total
    finally:
        mp.mp.dps = 50


def close(actual: float, expected: mp.mpf, rel: float = REL) -> bool:
    return math.isclose(float(actual), float(expected), rel_tol=rel, abs_tol=1e-300)


# ---------------------------------------------------------------------------------------------
# Published worked example
# ---------------------------------------------------------------------------------------------


def test_published_worked_example():
    """100 contacts in 30 minutes, AHT 180 s, 80 % answered in 20 s -> 10 Erlangs, 14 agents,
    P(wait) 17.41 %, service level 88.84 %, ASA 7.84 s, occupancy 71.4 %, 20 scheduled at 30 %
    shrinkage: the worked example of Call Centre Helper's tutorial "Erlang C Formula - Made Simple
    With an Easy Worked Example" (callcentrehelper.com), published with more digits in
    * the pyworkforce README (https://pypi.org/project/pyworkforce/0.1.0/): raw_positions 14,
      positions 20, service_level 0.8883500191794669, occupancy 0.7142857142857143,
      waiting_probability 0.1741319335950498;
    * the CRAN ErlangC package documentation
      (https://rdocumentation.org/packages/ErlangC/versions/0.1.0): wait_probability 0.1741319,
      service_level 0.88835, average_speed_of_answer 7.83593701177724 s, agents 14.
    """
    load = q.offered_load(100, 180, 30 * 60)
    assert load == pytest.approx(10.0)
    agents = q.required_agents(load, 180, 0.8, 20, max_occupancy=0.85)
    assert agents == 14
    assert q.erlang_c(agents, load) == pytest.approx(0.1741319335950498, rel=1e-12)
    assert q.service_level(agents, load, 180, 20) == pytest.approx(0.8883500191794669, rel=1e-12)
    assert q.average_speed_of_answer(agents, load, 180) == pytest.approx(7.83593701177724, rel=1e-12)
    assert q.occupancy(agents, load) == pytest.approx(0.7142857142857143, rel=1e-15)
    assert round(float(q.erlang_c(agents, load)), 4) == 0.1741
    assert round(float(q.service_level(agents, load, 180, 20)), 4) == 0.8884
    assert round(float(q.average_speed_of_answer(agents, load, 180)), 2) == 7.84
    assert math.ceil(agents / (1 - 0.3) - 1e-9) == 20
    # 13 agents miss the target (the answer is the smallest).
    assert q.service_level(13, load, 180, 20) < 0.8


# ---------------------------------------------------------------------------------------------
# Exactness against 50-digit references, 0.05 to 5,000 Erlangs
# ---------------------------------------------------------------------------------------------

ERLANG_C_CASES = [
    (1, 0.05, 180.0, 20.0),
    (2, 0.05, 30.0, 0.0),
    (3, 1.7, 300.0, 15.0),
    (14, 10.0, 180.0, 20.0),
    (55, 48.0, 240.0, 15.0),
    (171, 160.0, 200.0, 30.0),
    (600, 571.3, 420.0, 20.0),
    (1046, 1000.0, 180.0, 20.0),
    (5000, 4950.5, 180.0, 20.0),
    (5080, 5000.0, 300.0, 10.0),
    (6000, 5000.0, 180.0, 60.0),
]


@pytest.mark.parametrize(("n", "load", "aht", "t"), ERLANG_C_CASES)
def test_erlang_c_matches_high_precision(n, load, aht, t):
    ref = mp_erlang_c_kpis(n, load, aht, t)
    assert close(q.erlang_b(n, load), mp_erlang_b(n, load))
    assert close(q.erlang_c(n, load), ref["wait"])
    assert close(q.service_level(n, load, aht, t), ref["sl"])
    assert close(q.average_speed_of_answer(n, load, aht), ref["asa"])


def test_erlang_b_deep_overload_and_overstaffing():
    # n far below A (series branch) and n far above A (tiny blocking, no overflow).
    for n, load in [(10, 5000.0), (1000, 4999.0), (2400, 5000.0), (3700, 5000.0), (300, 0.05)]:
        ref = mp_erlang_b(n, load)
        got = q.erlang_b(n, load)
        if ref < mp.mpf(10) ** -300:
            assert got < 1e-290
        else:
            assert close(got, ref), (n, load, float(got), float(ref))


@pytest.mark.parametrize(("n", "load"), [(0.3, 1.0), (2.5, 10.0), (7.25, 3.0), (14.6, 10.0), (999.5, 1000.0),
                                         (120.5, 2000.0)])
def test_erlang_b_fractional_agents_is_the_gamma_continuation(n, load):
    """Fractional agents (staffing evaluates net = working x (1 - shrinkage)) follow the continuation
    B(x, A) = A^x e^-A / Gamma(x + 1) / Q(x + 1, A) (Jagerman 1974), here in 50-digit mpmath."""
    a = mp.mpf(load)
    ref = a ** n * mp.exp(-a) / mp.gamma(n + 1) / mp.gammainc(n + 1, a, mp.inf, regularized=True)
    assert close(q.erlang_b(n, load), ref)
    lower, upper = q.erlang_b(math.floor(n), load), q.erlang_b(math.ceil(n), load)
    assert upper < q.erlang_b(n, load) < lower


ERLANG_A_CASES = [
    # n, load, aht, patience, t
    (1, 0.05, 180.0, 60.0, 20.0),
    (3, 2.0, 300.0, 120.0, 0.0),
    (12, 10.0, 180.0, 120.0, 20.0),
    (9, 10.0, 180.0, 60.0, 30.0),  # fewer agents than the load
    (50, 60.0, 240.0, 30.0, 10.0),  # heavy overload, short patience
    (180, 160.0, 200.0, 600.0, 30.0),
    (990, 1000.0, 180.0, 180.0, 20.0),
    (1010, 1000.0, 300.0, 3600.0, 20.0),
    (4900, 5000.0, 180.0, 120.0, 20.0),
    (5020, 5000.0, 180.0, 300.0, 15.0),
    (3000, 5000.0, 180.0, 60.0, 20.0),  # 60 % of the load staffed: upper-tail service level branch
    (5000, 4000.0, 200.0, 100.0, 5.0),  # well staffed, tiny abandonment
    (500, 200.0, 100.0, 5000.0, 10.0),  # x >> y: the series branch of M(x, y)
    (1, 5.0, 600.0, 10.0, 5.0),  # one agent, patience far below the handle time
]


@pytest.mark.parametrize(("n", "load", "aht", "patience", "t"), ERLANG_A_CASES)
def test_erlang_a_matches_high_precision(n, load, aht, patience, t):
    ref = mp_erlang_a(n, load, aht, patience, t)
    assert close(q.wait_probability(n, load, aht, patience), ref["wait"])
    assert close(q.abandon_probability(n, load, aht, patience), ref["abandon"])
    assert close(q.service_level(n, load, aht, t, patience), ref["sl_offered"])
    assert close(q.service_level(n, load, aht, t, patience, definition="answered"), ref["sl_answered"])
    assert close(q.average_speed_of_answer(n, load, aht, patience), ref["asa"])
    carried = mp.mpf(load) * (1 - ref["abandon"]) / n
    assert close(q.occupancy(n, load, aht, patience), min(carried, mp.mpf(1)))


def _random_erlang_a_cells(count: int, seed: int) -> list[tuple[int, float, float, float, float]]:
    rng = np.random.default_rng(seed)
    cells = []
    while len(cells) < count:
        load = float(np.exp(rng.uniform(math.log(0.05), math.log(5000.0))))
        aht, patience = float(rng.uniform(30, 900)), float(rng.uniform(10, 1800))
        t = float(rng.uniform(0, 60))
        n = max(1, int(load + rng.uniform(-0.3, 0.3) * load + rng.uniform(-2, 3) * math.sqrt(load)))
        if max(n, load) * patience / aht <= 8000:  # keeps the 50-digit chain sums short
            cells.append((n, load, aht, patience, t))
    return cells


@pytest.mark.parametrize(("n", "load", "aht", "patience", "t"), _random_erlang_a_cells(12, seed=20240611))
def test_erlang_a_random_cells_match_high_precision(n, load, aht, patience, t):
    """Seeded random cells from 0.05 to 5,000 Erlangs, over- and under-staffed, short and long patience."""
    test_erlang_a_matches_high_precision(n, load, aht, patience, t)


@pytest.mark.parametrize(("n", "load", "aht", "patience", "t"), [
    (1, 0.5, 180.0, 60.0, 20.0),
    (3, 2.5, 300.0, 120.0, 45.0),
    (4, 5.0, 120.0, 90.0, 10.0),
])
def test_erlang_a_service_level_law_against_the_chain(n, load, aht, patience, t):
    """The incomplete-gamma service-level formula equals the chain + hypo-exponential computation."""
    ref = mp_answered_within_chain(n, load, aht, patience, t)
    assert close(q.service_level(n, load, aht, t, patience), ref)


def test_erlang_a_tends_to_erlang_c():
    load, aht, t = 48.0, 240.0, 15.0
    for n in (49, 55, 70):
        c_wait = float(q.erlang_c(n, load))
        c_sl = float(q.service_level(n, load, aht, t))
        c_asa = float(q.average_speed_of_answer(n, load, aht))
        previous = None
        for patience in (1e3, 1e5, 1e7, 1e9):
            gap = abs(float(q.wait_probability(n, load, aht, patience)) - c_wait)
            if previous is not None:
                assert gap <= previous + 1e-15
            previous = gap
        assert q.wait_probability(n, load, aht, 1e9) == pytest.approx(c_wait, rel=1e-5)
        assert q.service_level(n, load, aht, t, 1e9) == pytest.approx(c_sl, rel=1e-5)
        assert q.average_speed_of_answer(n, load, aht, 1e9) == pytest.approx(c_asa, rel=1e-4)
        assert float(q.abandon_probability(n, load, aht, 1e9)) < 1e-5


# ---------------------------------------------------------------------------------------------
# Edge cases
# ---------------------------------------------------------------------------------------------


def test_zero_load_needs_no_agents():
    assert q.required_agents(0.0, 180, 0.8, 20) == 0
    assert q.required_agents(0.0, 180, 0.8, 20, patience_seconds=60, max_abandon=0.05) == 0
    assert q.erlang_c(0, 0.0) == 0.0
    assert q.service_level(0, 0.0, 180, 20) == 1.0
    assert q.average_speed_of_answer(3, 0.0, 180) == 0.0


def test_unstable_erlang_c_is_defined():
    assert q.erlang_c(10, 10.0) == 1.0
    assert q.erlang_c(5, 10.0) == 1.0
    assert q.service_level(10, 10.0, 180, 20) == 0.0
    assert q.average_speed_of_answer(10, 10.0, 180) == np.inf
    assert q.occupancy(5, 10.0) == 1.0


def test_answer_seconds_zero_is_one_minus_wait():
    assert q.service_level(14, 10.0, 180, 0) == pytest.approx(1 - float(q.erlang_c(14, 10.0)), rel=1e-15)
    pw = float(q.wait_probability(12, 10.0, 180, 120))
    assert q.service_level(12, 10.0, 180, 0, 120) == pytest.approx(1 - pw, rel=1e-14)


def test_one_agent_is_mm1():
    rho = 0.6
    assert q.erlang_c(1, rho) == pytest.approx(rho, rel=1e-14)
    # M/M/1: P(W > t) = rho exp(-(1 - rho) t / AHT)
    assert q.service_level(1, rho, 100, 50) == pytest.approx(1 - rho * math.exp(-0.4 * 0.5), rel=1e-14)
    assert q.required_agents(0.05, 180, 0.8, 20) == 1


def test_six_thousand_agents_and_vector_shapes():
    loads = np.array([[5900.0, 5950.0], [5990.0, 4000.0]])
    c = q.erlang_c(6000, loads)
    assert c.shape == (2, 2)
    assert np.all((c > 0) & (c < 1))
    assert close(c[0, 0], mp_erlang_c_kpis(6000, 5900.0, 1, 0)["wait"])
    agents = q.required_agents(loads, 180, 0.8, 20)
    assert agents.shape == (2, 2) and agents.dtype == np.int64
    assert np.all(q.service_level(agents, loads, 180, 20) >= 0.8)
    assert np.all(q.service_level(agents - 1, loads, 180, 20) < 0.8)


def test_required_agents_is_minimal_for_every_target_kind():
    rng = np.random.default_rng(7)
    load = rng.uniform(0.05, 3000, 400)
    aht = rng.uniform(60, 900, 400)
    sl = rng.uniform(0.5, 0.95, 400)
    t = rng.uniform(0, 60, 400)
    occ = rng.uniform(0.7, 1.0, 400)
    asa = rng.uniform(5, 60, 400)
    n = q.required_agents(load, aht, sl, t, max_occupancy=occ, max_asa_seconds=asa)

    def meets(k):
        return ((q.service_level(k, load, aht, t) >= sl) & (q.occupancy(k, load) <= occ)
                & (q.average_speed_of_answer(k, load, aht) <= asa) & (k > load))

    assert np.all(meets(n))
    assert not np.any(meets(n - 1))


def test_required_agents_erlang_a_is_minimal_and_can_be_below_load():
    rng = np.random.default_rng(11)
    size = 150
    load = rng.uniform(0.5, 800, size)
    aht = rng.uniform(120, 600, size)
    patience = rng.uniform(20, 600, size)
    sl = rng.uniform(0.3, 0.9, size)
    t = rng.uniform(0, 40, size)
    ab = rng.uniform(0.02, 0.3, size)
    for definition in ("offered", "answered"):
        n = q.required_agents(load, aht, sl, t, patience_seconds=patience, max_abandon=ab,
                              definition=definition)

        def meets(k, definition=definition):
            return ((q.service_level(k, load, aht, t, patience, definition=definition) >= sl)
                    & (q.abandon_probability(k, load, aht, patience) <= ab))

        assert np.all(meets(n))
        assert not np.any(meets(n - 1))
    # Heavy load with very short patience and a loose abandonment cap: fewer agents than the load.
    below = q.required_agents(100.0, 300, None, None, patience_seconds=30, max_abandon=0.3)
    assert below < 100
    assert q.abandon_probability(below, 100.0, 300, 30) <= 0.3
    assert q.abandon_probability(below - 1, 100.0, 300, 30) > 0.3


def test_required_agents_erlang_a_with_occupancy_and_abandonment_caps_in_one_call():
    # The search skips the service level of a probe that already misses the occupancy or the
    # abandonment cap; cells on both sides of the caps (and without an abandonment cap) share a call.
    rng = np.random.default_rng(12)
    size = 300
    load = np.exp(rng.uniform(np.log(0.2), np.log(3000.0), size))
    aht = rng.uniform(60, 900, size)
    patience = rng.uniform(10, 900, size)
    sl = rng.uniform(0.5, 0.95, size)
    t = rng.choice([0.0, 10.0, 20.0, 60.0], size)
    occ = rng.choice([0.7, 0.85, 0.9, 1.0], size)
    ab = rng.choice([0.01, 0.05, 0.2, np.nan], size)
    for definition in ("offered", "answered"):
        n = q.required_agents(load, aht, sl, t, max_occupancy=occ, patience_seconds=patience,
                              max_abandon=ab, definition=definition)

        def meets(k, definition=definition):
            return ((q.service_level(k, load, aht, t, patience, definition=definition) >= sl)
                    & (q.occupancy(k, load, aht, patience) <= occ)
                    & (np.isnan(ab) | (q.abandon_probability(k, load, aht, patience) <= ab)))

        assert np.all(meets(n))
        assert not np.any(meets(n - 1) & (n > 1))
        single = [q.required_agents(load[i], aht[i], sl[i], t[i], max_occupancy=occ[i],
                                    patience_seconds=patience[i], max_abandon=ab[i], definition=definition)
                  for i in range(0, size, 15)]
        assert np.array_equal(n[::15], single)


def test_required_agents_with_asa_target_under_erlang_a():
    n = q.required_agents(40.0, 240, None, None, max_asa_seconds=10, patience_seconds=90)
    assert q.average_speed_of_answer(n, 40.0, 240, 90) <= 10 < q.average_speed_of_answer(n - 1, 40.0, 240, 90)


def test_unreachable_targets_name_the_cell():
    with pytest.raises(q.UnreachableTargetError, match="cell 1"):
        q.required_agents([10.0, 20.0], 180, [0.8, 1.0], 20)
    with pytest.raises(q.UnreachableTargetError, match="cell 0"):
        q.required_agents(5.0, 180, None, None, patience_seconds=60, max_abandon=0.0)
    with pytest.raises(q.UnreachableTargetError, match="cell 2"):
        q.required_agents([1.0, 2.0, 3.0], 180, None, None, max_asa_seconds=[5, 5, 0])
    # Extreme but reachable targets end with a finite, verified answer (no endless search).
    n = q.required_agents(1.0, 3600, 1 - 1e-15, 0.0)
    assert 1 - q.erlang_c(n, 1.0) >= 1 - 1e-15 > 1 - q.erlang_c(n - 1, 1.0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"load": -1.0}, "load must be ≥ 0"),
    ({"aht_seconds": 0.0}, "aht_seconds must be > 0"),
    ({"service_level": 1.5}, "service_level must be > 0 and ≤ 1"),
    ({"answer_seconds": -2.0}, "answer_seconds must be ≥ 0"),
    ({"max_occupancy": 0.0}, "max_occupancy must be > 0 and ≤ 1"),
    ({"patience_seconds": -5.0}, "patience_seconds must be > 0"),
    ({"concurrency": 0}, "concurrency must be a whole number"),
    ({"concurrency": 1.5}, "concurrency must be a whole number"),
    ({"definition": "abandoned"}, "definition must be 'offered' or 'answered'"),
    ({"answer_seconds": None}, "go together"),
    ({"max_abandon": 0.1}, "max_abandon needs a finite patience_seconds"),
])
def test_bad_arguments_raise_value_error_naming_the_field(kwargs, message):
    args = {"load": 10.0, "aht_seconds": 180.0, "service_level": 0.8, "answer_seconds": 20.0}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        q.required_agents(**args)


def test_bad_cell_is_named():
    with pytest.raises(ValueError, match=r"load must be ≥ 0, got -3.0 \(cell 2\)"):
        q.erlang_c(10, [1.0, 2.0, -3.0])
    with pytest.raises(ValueError, match="interval_seconds must be > 0"):
        q.offered_load(100, 180, 0)


# ---------------------------------------------------------------------------------------------
# Chat concurrency
# ---------------------------------------------------------------------------------------------


def test_chat_handle_time_model():
    assert q.chat_handle_time_seconds(300, 1) == 300
    assert q.chat_handle_time_seconds(300, 2) == pytest.approx(450)
    assert q.chat_handle_time_seconds(300, 3, slowdown=0.25) == pytest.approx(450)
    assert q.chat_load(10.0, 3) == pytest.approx(20.0)


def test_chat_required_agents_is_ceil_of_slots():
    load, aht = 20.0, 300.0
    for c in (1, 2, 3, 4):
        slots = q.required_agents(load * (1 + 0.5 * (c - 1)), aht * (1 + 0.5 * (c - 1)), 0.8, 60)
        agents = q.required_agents(load, aht, 0.8, 60, concurrency=c)
        assert agents == math.ceil(slots / c)
        assert q.service_level(agents, load, aht, 60, concurrency=c) >= 0.8
    # More concurrency never needs more agents with this slow-down (throughput c / (1 + delta(c-1)) grows).
    counts = [int(q.required_agents(load, aht, 0.8, 60, concurrency=c)) for c in (1, 2, 3, 4)]
    assert counts == sorted(counts, reverse=True)
    # No slow-down: c chats per agent is exactly c times the servers.
    assert q.required_agents(load, aht, 0.8, 60, concurrency=2, slowdown=0.0) == math.ceil(
        int(q.required_agents(load, aht, 0.8, 60)) / 2)
