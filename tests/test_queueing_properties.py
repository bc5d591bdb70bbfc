"""Hypothesis properties of planner.queueing: monotonicity, minimality, consistency, limits."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import queueing as q

FAST = settings(max_examples=60, deadline=None)

loads = st.floats(min_value=0.05, max_value=5000.0, allow_nan=False)
small_loads = st.floats(min_value=0.05, max_value=300.0, allow_nan=False)
ahts = st.floats(min_value=10.0, max_value=1800.0)
answers = st.floats(min_value=0.0, max_value=300.0)
patiences = st.floats(min_value=5.0, max_value=3600.0)
targets = st.floats(min_value=0.05, max_value=0.97)
definitions = st.sampled_from(["offered", "answered"])


def recursion_b(n: int, load: float) -> float:
    b = 1.0
    for k in range(1, n + 1):
        b = load * b / (k + load * b)
    return b


@FAST
@given(n=st.integers(min_value=0, max_value=400), load=small_loads)
def test_erlang_b_equals_the_recursion(n, load):
    assert math.isclose(float(q.erlang_b(n, load)), recursion_b(n, load), rel_tol=1e-11, abs_tol=1e-300)


@FAST
@given(load=loads, offset=st.integers(min_value=-50, max_value=400))
def test_erlang_c_is_a_probability_at_least_erlang_b(load, offset):
    n = max(0, math.floor(load) + offset)
    b, c = float(q.erlang_b(n, load)), float(q.erlang_c(n, load))
    assert 0.0 <= b <= c <= 1.0
    if n <= load:
        assert c == 1.0


@FAST
@given(load=loads, aht=ahts, t=answers, patience=st.one_of(st.none(), patiences), definition=definitions)
def test_measures_are_monotone_in_agents(load, aht, t, patience, definition):
    base = max(1, math.floor(load) - 20)
    agents = np.arange(base, base + 60)
    sl = q.service_level(agents, load, aht, t, patience, definition=definition)
    wait = q.wait_probability(agents, load, aht, patience)
    occ = q.occupancy(agents, load, aht, patience)
    abandon = q.abandon_probability(agents, load, aht, patience)
    tol = 1e-10  # absolute; probabilities near 1e-12 carry ~1e-12 of rounding from differences
    assert np.all(np.diff(sl) >= -tol)
    assert np.all(np.diff(wait) <= tol)
    assert np.all(np.diff(occ) <= tol)
    assert np.all(np.diff(abandon) <= tol)
    assert np.all((sl >= 0) & (sl <= 1) & (wait >= 0) & (wait <= 1) & (abandon >= 0) & (abandon <= 1))


@settings(max_examples=25, deadline=None)
@given(load=small_loads, aht=ahts, patience=st.one_of(st.none(), patiences))
def test_asa_falls_with_agents(load, aht, patience):
    agents = np.arange(max(1, math.floor(load) - 5), math.floor(load) + 30)
    asa = q.average_speed_of_answer(agents, load, aht, patience)
    finite = np.isfinite(asa)
    assert np.all(np.diff(asa[finite]) <= 1e-9 * asa[finite][:-1] + 1e-300)
    assert np.all(asa[finite] >= 0)


@FAST
@given(load=loads, aht=ahts, t=answers, patience=patiences)
def test_answered_definition_is_at_least_offered(load, aht, t, patience):
    n = math.floor(load) + 1
    offered = float(q.service_level(n, load, aht, t, patience))
    answered = float(q.service_level(n, load, aht, t, patience, definition="answered"))
    assert answered >= offered - 1e-12
    # Conservation of contacts: answered + abandoned = offered, carried load = occupancy x agents.
    abandon = float(q.abandon_probability(n, load, aht, patience))
    carried = float(q.occupancy(n, load, aht, patience)) * n
    assert math.isclose(carried, load * (1 - abandon), rel_tol=1e-12)


@FAST
@given(load=loads, aht=ahts, t=st.floats(min_value=0.0, max_value=120.0),
       patience=st.one_of(st.none(), patiences))
def test_service_level_rises_with_answer_time_and_falls_with_load(load, aht, t, patience):
    n = math.floor(load) + 3
    sl = float(q.service_level(n, load, aht, t, patience))
    assert float(q.service_level(n, load, aht, t + 10.0, patience)) >= sl - 1e-12
    assert float(q.service_level(n, load * 1.05, aht, t, patience)) <= sl + 1e-12


@FAST
@given(load=loads, aht=ahts, t=answers, sl=targets, occ=st.floats(min_value=0.5, max_value=1.0),
       patience=st.one_of(st.none(), patiences), definition=definitions)
def test_required_agents_is_the_smallest_that_meets_the_targets(load, aht, t, sl, occ, patience, definition):
    n = int(q.required_agents(load, aht, sl, t, max_occupancy=occ, patience_seconds=patience,
                              definition=definition))

    def meets(k: int) -> bool:
        ok = (q.service_level(k, load, aht, t, patience, definition=definition) >= sl
              and q.occupancy(k, load, aht, patience) <= occ)
        return bool(ok and (patience is not None or k > load))

    assert meets(n)
    assert n == 1 or not meets(n - 1)


@FAST
@given(load=loads, aht=ahts, t=answers, sl=targets, patience=st.one_of(st.none(), patiences))
def test_required_agents_grows_with_load_and_target(load, aht, t, sl, patience):
    n = int(q.required_agents(load, aht, sl, t, patience_seconds=patience))
    assert int(q.required_agents(load * 1.1, aht, sl, t, patience_seconds=patience)) >= n
    assert int(q.required_agents(load, aht, min(sl + 0.02, 0.99), t, patience_seconds=patience)) >= n
    if patience is not None:
        # A more patient crowd abandons less, so an abandonment cap never needs more agents.
        cap = 0.05
        impatient = q.required_agents(load, aht, None, None, patience_seconds=patience, max_abandon=cap)
        patient = q.required_agents(load, aht, None, None, patience_seconds=patience * 2, max_abandon=cap)
        assert patient <= impatient


@FAST
@given(load=st.lists(loads, min_size=1, max_size=8), aht=ahts, t=answers, sl=targets,
       patience=st.one_of(st.none(), patiences))
def test_vector_answers_equal_scalar_answers(load, aht, t, sl, patience):
    vector = q.required_agents(np.array(load), aht, sl, t, patience_seconds=patience)
    scalars = [int(q.required_agents(x, aht, sl, t, patience_seconds=patience)) for x in load]
    assert vector.tolist() == scalars
    sl_vec = q.service_level(vector, np.array(load), aht, t, patience)
    sl_one = [float(q.service_level(n, x, aht, t, patience)) for n, x in zip(scalars, load, strict=True)]
    assert np.allclose(sl_vec, sl_one, rtol=1e-13, atol=0)


@FAST
@given(load=small_loads, aht=ahts, t=answers, sl=targets, c=st.integers(min_value=1, max_value=10),
       slowdown=st.floats(min_value=0.0, max_value=1.0))
def test_chat_is_the_slot_model(load, aht, t, sl, c, slowdown):
    factor = 1 + slowdown * (c - 1)
    slots = int(q.required_agents(load * factor, aht * factor, sl, t))
    agents = int(q.required_agents(load, aht, sl, t, concurrency=c, slowdown=slowdown))
    assert agents == math.ceil(slots / c)
    assert q.service_level(agents, load, aht, t, concurrency=c, slowdown=slowdown) >= sl
