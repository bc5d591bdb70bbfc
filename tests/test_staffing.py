"""Staffing requirements per (interval, group) (planner.staffing)."""

from __future__ import annotations

import itertools
import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from planner.demand import live_demand, open_mask
from planner.staffing import (
    KPI_COLUMNS,
    REQUIREMENT_COLUMNS,
    deferred_staffing,
    due_intervals,
    kpis_at,
    queue_kpis,
    requirements,
)
from planner.types import Channel, InputError, Scenario, Segment, Settings, StaffingGroup
from tests.conftest import dedicated_groups


def _requirements(scenario: Scenario) -> pd.DataFrame:
    return requirements(scenario, live_demand(scenario))


# ----------------------------------------------------------------------------------------------
# an independent check of deferred work: contacts as cohorts, first in first out
# ----------------------------------------------------------------------------------------------
def _missed_deadlines(work: np.ndarray, agents: np.ndarray, is_open: np.ndarray, cap: float,
                      response_hours: float, interval_minutes: int) -> list[int]:
    """Arrival intervals whose work is not finished by its deadline (calendar time).

    A cohort arriving in interval s waits for the first open interval o ≥ s; its deadline is
    start(o) + response_hours (at least the end of o). It is late if it finishes in an interval
    ending after that, or is unfinished at the horizon end while the deadline is inside it.
    """
    n_t = work.size
    remaining = work.astype(float).copy()
    finish = np.full(n_t, -1)
    finish[remaining <= 1e-9] = np.arange(n_t)[remaining <= 1e-9]
    head = 0
    for t in range(n_t):
        capacity = agents[t] * cap if is_open[t] else 0.0
        while head <= t and capacity > 1e-9:
            if remaining[head] <= 1e-9:
                head += 1
                continue
            take = min(capacity, remaining[head])
            remaining[head] -= take
            capacity -= take
            if remaining[head] <= 1e-7 * max(1.0, work[head]):
                finish[head] = t
                head += 1
        while head <= t and remaining[head] <= 1e-9:
            head += 1
    horizon_end = n_t * interval_minutes
    late = []
    for s in range(n_t):
        if work[s] <= 1e-9:
            continue
        opens = [o for o in range(s, n_t) if is_open[o]]
        if not opens:
            continue
        o = opens[0]
        deadline = max(o * interval_minutes + response_hours * 60.0, (o + 1) * interval_minutes)
        if finish[s] < 0:
            if deadline <= horizon_end:
                late.append(s)
        elif (finish[s] + 1) * interval_minutes > deadline + 1e-9:
            late.append(s)
    return late


def _email_case(seed: int, n_t: int = 96, interval_minutes: int = 15
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    work = rng.gamma(2.0, 1500.0, n_t) * (rng.random(n_t) < 0.8)
    contacts = work / 600.0
    starts = pd.date_range("2026-01-05", periods=n_t, freq=f"{interval_minutes}min")
    email = Channel("email", "email", aht_seconds=600, service_level=None, answer_seconds=None,
                    response_hours=2.0, open_minute=8 * 60, close_minute=18 * 60)
    return work, contacts, open_mask(email, starts)


def _least_constant_staffing(work: np.ndarray, is_open: np.ndarray, cap: float,
                             response_hours: float, interval_minutes: int) -> int:
    """The fewest agents which, in every open interval, meet every deadline (independent check)."""
    for agents in itertools.count():
        profile = np.where(is_open, agents, 0)
        if not _missed_deadlines(work, profile, is_open, cap, response_hours, interval_minutes):
            return agents
    raise AssertionError("unreachable")


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("response_hours", [0.1, 1.0, 2.0, 4.5])
def test_levelled_deferred_work_meets_every_deadline_at_the_least_peak(seed, response_hours):
    work, contacts, is_open = _email_case(seed, n_t=96 * 2)
    cap = 900.0 * 0.9
    result = deferred_staffing(work, contacts, is_open, response_hours, 15, max_occupancy=0.9)
    agents = result["net_agents"]
    assert agents.sum() > 0
    assert (agents[~is_open] == 0).all()
    # contact by contact (cohorts, FIFO): nothing is late at the computed staffing
    assert _missed_deadlines(work, agents, is_open, cap, response_hours, 15) == []
    # one agent fewer in some interval breaks a deadline
    breaking = []
    for t in np.flatnonzero(agents):
        fewer = agents.copy()
        fewer[t] -= 1
        if _missed_deadlines(work, fewer, is_open, cap, response_hours, 15):
            breaking.append(t)
    assert breaking
    # the peak is the least possible: a flat staffing one below it misses a deadline
    least = _least_constant_staffing(work, is_open, cap, response_hours, 15)
    assert agents.max() == int(result["peak"]) == least
    # no agent is staffed to wait for work: n agents process more than n − 1 could
    staffed = agents > 0
    assert (result["processed_seconds"][staffed] > (agents[staffed] - 1) * cap).all()
    np.testing.assert_array_equal(np.ceil(result["net_agents_fractional"] - 1e-9), agents)


@pytest.mark.parametrize("seed", range(8))
def test_levelled_peak_is_never_above_the_lazy_peak(seed):
    work, contacts, is_open = _email_case(seed, n_t=96 * 3)
    response_hours = [0.5, 2.0, 4.0, 8.0][seed % 4]
    level = deferred_staffing(work, contacts, is_open, response_hours, 15, max_occupancy=0.85)
    lazy = deferred_staffing(work, contacts, is_open, response_hours, 15, max_occupancy=0.85,
                             policy="lazy")
    assert level["net_agents"].max() <= lazy["net_agents"].max()
    assert _missed_deadlines(work, lazy["net_agents"], is_open, 900.0 * 0.85, response_hours, 15) == []


def test_arrivals_at_closing_time_give_a_level_profile_not_a_spike():
    """Email taken 24 h, answered 07:00–22:00 within 8 h: what arrives overnight is due at
    15:00, and the lazy rule clears it all in the last interval before then (a spike of hundreds
    of agents); the levelled rule spreads it over the morning."""
    starts = pd.date_range("2026-01-05", periods=96 * 3, freq="15min")
    email = Channel("email", "email", aht_seconds=600, service_level=None, answer_seconds=None,
                    response_hours=8.0, open_minute=7 * 60, close_minute=22 * 60)
    is_open = open_mask(email, starts)
    contacts = np.where(starts.hour.to_numpy() >= 22, 40.0, 4.0)  # a burst after closing time
    work = contacts * 600.0
    cap = 900.0 * 0.85
    lazy = deferred_staffing(work, contacts, is_open, 8.0, 15, 0.85, policy="lazy")["net_agents"]
    level = deferred_staffing(work, contacts, is_open, 8.0, 15, 0.85)["net_agents"]
    assert _missed_deadlines(work, level, is_open, cap, 8.0, 15) == []
    assert level.max() == _least_constant_staffing(work, is_open, cap, 8.0, 15)
    # Tuesday's overnight backlog (22:00–24:00 at 40 per interval, 00:00–07:00 at 4) is due by
    # 15:00: 32 open intervals. Lazy clears it in the last one; level needs it spread over 32
    # plus at most Tuesday's own arrivals (4 per interval) on top.
    overnight = (8 * 40 + 28 * 4) * 600.0
    assert lazy.max() >= overnight / cap
    assert math.ceil(overnight / (32 * cap)) <= level.max()
    assert level.max() <= math.ceil((overnight + 32 * 4 * 600.0) / (32 * cap))
    assert lazy.max() >= 20 * level.max()
    tuesday_morning = level[96 + 28:96 + 60]  # 07:00–15:00: spread, not saved up for 14:45
    assert tuesday_morning.min() >= tuesday_morning.max() - 1


def test_levelled_peak_is_the_least_of_every_feasible_staffing_brute_force():
    """Enumerate every whole-agent staffing of a short horizon: no feasible one has a lower peak
    than the levelled rule, and the lazy rule still uses the fewest agent-intervals."""
    is_open = np.array([False, True, True, False, True, True, True])
    cap = 100.0
    for seed in range(6):
        rng = np.random.default_rng(seed)
        work = np.round(rng.uniform(0, 130, is_open.size), 1)
        level = deferred_staffing(work, work / 50.0, is_open, 0.5, 15, max_occupancy=cap / 900.0)
        lazy = deferred_staffing(work, work / 50.0, is_open, 0.5, 15, max_occupancy=cap / 900.0,
                                 policy="lazy")
        open_slots = np.flatnonzero(is_open)
        feasible_peaks, feasible_totals = [], []
        for combo in itertools.product(range(5), repeat=open_slots.size):
            agents = np.zeros(is_open.size, dtype=int)
            agents[open_slots] = combo
            if not _missed_deadlines(work, agents, is_open, cap, 0.5, 15):
                feasible_peaks.append(agents.max())
                feasible_totals.append(agents.sum())
                assert (np.cumsum(agents) >= np.cumsum(lazy["net_agents"])).all()
        assert level["net_agents"].max() == min(feasible_peaks), seed
        assert not _missed_deadlines(work, level["net_agents"], is_open, cap, 0.5, 15)
        assert lazy["net_agents"].sum() == min(feasible_totals), seed


def test_levelled_peak_brute_force_with_a_long_response_time():
    """Same enumeration where deadlines span several intervals (windows longer than one)."""
    is_open = np.array([True, True, False, True, True, True])
    cap = 100.0
    for seed in range(6):
        rng = np.random.default_rng(100 + seed)
        work = np.round(rng.uniform(0, 250, is_open.size) * (rng.random(is_open.size) < 0.7), 1)
        level = deferred_staffing(work, work / 50.0, is_open, 0.75, 15, max_occupancy=cap / 900.0)
        open_slots = np.flatnonzero(is_open)
        peaks = [max(combo) for combo in itertools.product(range(5), repeat=open_slots.size)
                 if not _missed_deadlines(work, _profile(is_open, open_slots, combo), is_open, cap,
                                          0.75, 15)]
        assert level["net_agents"].max() == min(peaks), seed


def _profile(is_open: np.ndarray, open_slots: np.ndarray, combo: tuple[int, ...]) -> np.ndarray:
    agents = np.zeros(is_open.size, dtype=int)
    agents[open_slots] = combo
    return agents


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("response_hours", [0.1, 1.0, 4.5])
def test_lazy_deferred_rule_is_tight_in_every_staffed_interval(seed, response_hours):
    work, contacts, is_open = _email_case(seed, n_t=96 * 2)
    cap = 900.0 * 0.9
    result = deferred_staffing(work, contacts, is_open, response_hours, 15, max_occupancy=0.9,
                               policy="lazy")
    agents = result["net_agents"]
    assert _missed_deadlines(work, agents, is_open, cap, response_hours, 15) == []
    for t in np.flatnonzero(agents):
        fewer = agents.copy()
        fewer[t] -= 1
        assert _missed_deadlines(work, fewer, is_open, cap, response_hours, 15), t


def test_unknown_email_policy_is_refused(small_scenario):
    work, contacts, is_open = _email_case(1)
    with pytest.raises(ValueError, match="policy must be one of level, lazy"):
        deferred_staffing(work, contacts, is_open, 2.0, 15, policy="eager")
    with pytest.raises(ValueError, match="email_policy"):
        requirements(small_scenario, live_demand(small_scenario), email_policy="eager")


def test_requirements_lazy_policy_on_request(small_scenario):
    live = live_demand(small_scenario)
    level = requirements(small_scenario, live)
    lazy = requirements(small_scenario, live, email_policy="lazy")
    email_level = level.loc[level["kind"] == "email", "net_agents"]
    email_lazy = lazy.loc[lazy["kind"] == "email", "net_agents"]
    assert email_level.max() <= email_lazy.max()
    for table in (level, lazy):
        assert kpis_at(table, table["scheduled_agents"].to_numpy())["deadline_met"].all()
    voice = level["kind"] != "email"
    pd.testing.assert_frame_equal(level[voice], lazy[voice])


def test_due_intervals_calendar_deadline_and_queueing_until_opening():
    # hourly intervals, open 08–18 on one day
    starts = pd.date_range("2026-01-05", periods=24, freq="60min")
    email = Channel("e", "email", aht_seconds=60, service_level=None, answer_seconds=None,
                    response_hours=4.0, open_minute=8 * 60, close_minute=18 * 60)
    due = due_intervals(open_mask(email, starts), 4.0, 60)
    assert due[2] == 11     # 02:00 queues until 08:00, due by 12:00 (end of the 11:00 interval)
    assert due[9] == 12     # 09:00 → 13:00
    assert due[15] == 17    # 15:00 → 19:00, but the channel closes at 18:00: the 17:00 interval
    assert due[20] == 24    # after closing: next opening is after the horizon
    assert (np.diff(due) >= 0).all()
    with pytest.raises(ValueError, match="response_hours"):
        due_intervals(np.ones(3, dtype=bool), 0.0, 15)


def test_email_in_the_small_scenario_queues_overnight_and_reports_backlog(small_scenario):
    table = _requirements(small_scenario)
    email = table[table["group"] == "email"].set_index("interval_start")
    night = email.loc[:"2026-01-05 07:45"]
    assert (night["net_agents"] == 0).all()
    assert night["backlog"].iloc[-1] == pytest.approx(night["live_contacts"].sum())
    assert night["oldest_age_minutes"].iloc[-1] == 8 * 60
    assert email["net_agents"].max() > 0
    assert email[["service_level", "asa_seconds", "abandon"]].isna().all().all()
    assert (email["occupancy"].dropna() <= 0.9 + 1e-9).all()
    assert email.loc["2026-01-05 12:00":, "due_interval_start"].notna().any()


# ----------------------------------------------------------------------------------------------
# voice and chat
# ----------------------------------------------------------------------------------------------
def test_call_centre_helper_worked_example():
    """Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example":
    100 calls per 30 minutes, AHT 180 s, 80 % in 20 s → 14 agents, service level 88.8 %,
    ASA 7.8 s, occupancy 71.4 %; with 30 % shrinkage 14 / 0.7 = 20 agents."""
    voice = Channel("voice", "voice", aht_seconds=180.0, service_level=0.8, answer_seconds=20.0,
                    max_occupancy=0.85, shrinkage=0.3)
    segment = Segment("all", prefers_human_share=0.5, max_self_service_share=0.5)
    forecast = pd.DataFrame({"interval_start": [pd.Timestamp("2026-01-05 10:00")], "channel": ["voice"],
                             "segment": ["all"], "contacts": [100.0], "aht_seconds": [np.nan]})
    scenario = Scenario("cch", Settings(start_date=date(2026, 1, 5), days=1, interval_minutes=30),
                        (voice,), (segment,), forecast)
    row = _requirements(scenario).set_index("interval_start").loc["2026-01-05 10:00"]
    assert row["workload_erlangs"] == pytest.approx(10.0)
    assert row["net_agents"] == 14
    assert row["service_level"] == pytest.approx(0.888, abs=5e-4)
    assert row["asa_seconds"] == pytest.approx(7.8, abs=0.05)
    assert row["occupancy"] == pytest.approx(10 / 14)
    assert row["scheduled_agents"] == pytest.approx(20.0)
    assert row["required_scheduled"] == 20
    assert 13 < row["net_agents_fractional"] <= 14


def test_columns_rows_and_closed_intervals(small_scenario):
    table = _requirements(small_scenario)
    assert tuple(table.columns) == REQUIREMENT_COLUMNS
    assert len(table) == 96 * 3
    assert table["net_agents"].dtype == np.int64 and table["required_scheduled"].dtype == np.int64
    immediate = table[table["kind"] != "email"]
    assert (immediate.loc[~immediate["is_open"], "net_agents"] == 0).all()
    assert immediate[["backlog", "oldest_age_minutes"]].isna().all().all()
    assert immediate["abandon"].isna().all()  # Erlang C: abandonment not modelled


def test_targets_met_at_net_agents_and_missed_with_one_fewer(small_scenario):
    table = _requirements(small_scenario)
    for group in ("voice", "chat"):
        rows = table[(table["group"] == group) & (table["net_agents"] > 0)]
        channel = small_scenario.channel(group)
        load, aht = rows["workload_erlangs"].to_numpy(), rows["aht_seconds"].to_numpy()
        n = rows["net_agents"].to_numpy()
        at_n = queue_kpis(n, load, aht, channel.answer_seconds, None, concurrency=channel.concurrency)
        fewer = queue_kpis(n - 1, load, aht, channel.answer_seconds, None,
                           concurrency=channel.concurrency)
        assert (at_n["service_level"] >= channel.service_level - 1e-12).all()
        assert (at_n["occupancy"] <= channel.max_occupancy + 1e-12).all()
        missed = ((np.nan_to_num(fewer["service_level"], nan=0.0) < channel.service_level)
                  | (np.nan_to_num(fewer["occupancy"], nan=1.0) > channel.max_occupancy))
        assert missed.all()
        np.testing.assert_allclose(rows["service_level"], at_n["service_level"])


def test_rounding_once_fractional_within_one_agent(small_scenario):
    table = _requirements(small_scenario)
    fractional, net = table["net_agents_fractional"].to_numpy(), table["net_agents"].to_numpy()
    np.testing.assert_array_equal(np.ceil(fractional - 1e-9).astype(int), net)
    assert ((fractional > net - 1) | (net == 0)).all()


def test_pooled_team_never_needs_more_than_dedicated_teams(small_scenario):
    pooled = _requirements(small_scenario)
    dedicated = _requirements(small_scenario.replace(staffing_groups=dedicated_groups(small_scenario)))
    for channel in ("voice", "chat", "email"):
        one_team = pooled[pooled["channel"] == channel].groupby("interval_start")["net_agents"].sum()
        split = dedicated[dedicated["channel"] == channel].groupby("interval_start")["net_agents"].sum()
        if channel != "email":  # per interval for immediate queues (economies of scale)
            assert (one_team <= split).all(), channel
        assert one_team.sum() <= split.sum(), channel
    voice_pooled = pooled.loc[pooled["channel"] == "voice", "net_agents"].sum()
    voice_split = dedicated.loc[dedicated["channel"] == "voice", "net_agents"].sum()
    assert voice_pooled < voice_split  # strictly fewer over the day


def test_a_dedicated_segment_team_next_to_a_pooled_one(small_scenario):
    groups = (StaffingGroup("voice-healthcare", "voice", ("healthcare",)),
              StaffingGroup("voice", "voice", ("tech", "retail")),
              StaffingGroup("chat", "chat", ("tech", "healthcare", "retail")),
              StaffingGroup("email", "email", ("tech", "healthcare", "retail")))
    table = _requirements(small_scenario.replace(staffing_groups=groups))
    live = live_demand(small_scenario)
    healthcare = live[(live["channel"] == "voice") & (live["segment"] == "healthcare")]
    mine = table[table["group"] == "voice-healthcare"]
    np.testing.assert_allclose(mine["live_contacts"].to_numpy(), healthcare["live_contacts"].to_numpy())
    np.testing.assert_allclose(mine["workload_erlangs"].to_numpy(),
                               healthcare["live_workload_erlangs"].to_numpy())


def test_erlang_a_with_patience_needs_no_more_agents_and_reports_abandonment(scenario_builder):
    base = scenario_builder()
    patient = tuple(Channel("voice", "voice", aht_seconds=300.0, service_level=0.8, answer_seconds=20.0,
                            patience_seconds=120.0, max_abandon=0.05, shrinkage=0.3,
                            open_minute=8 * 60, close_minute=20 * 60)
                    if c.name == "voice" else c for c in base.channels)
    erlang_c = _requirements(base)
    erlang_a = _requirements(base.replace(channels=patient))
    voice_c = erlang_c[erlang_c["group"] == "voice"]
    voice_a = erlang_a[erlang_a["group"] == "voice"]
    assert (voice_a["net_agents"].to_numpy() <= voice_c["net_agents"].to_numpy()).all()
    busy = voice_a["net_agents"] > 0
    assert voice_a.loc[busy, "abandon"].between(0, 0.05 + 1e-12).all()
    assert (voice_a.loc[busy, "service_level"] >= 0.8 - 1e-12).all()


def test_chat_concurrency_needs_fewer_agents(scenario_builder):
    base = scenario_builder()
    single = tuple(Channel("chat", "chat", aht_seconds=480.0, service_level=0.8, answer_seconds=60.0,
                           concurrency=1, shrinkage=0.25, open_minute=8 * 60, close_minute=20 * 60)
                   if c.name == "chat" else c for c in base.channels)
    two = _requirements(base)
    one = _requirements(base.replace(channels=single))
    assert two.loc[two["group"] == "chat", "net_agents"].sum() < \
        one.loc[one["group"] == "chat", "net_agents"].sum()


# ----------------------------------------------------------------------------------------------
# shrinkage and KPIs at a schedule
# ----------------------------------------------------------------------------------------------
def test_shrinkage_scalar_and_per_interval_override(small_scenario):
    noon = pd.Timestamp("2026-01-05 12:00")
    overrides = pd.DataFrame({"interval_start": [noon], "channel": ["voice"], "shrinkage": [0.5]})
    table = _requirements(small_scenario.replace(shrinkage_by_interval=overrides))
    voice = table[table["group"] == "voice"].set_index("interval_start")
    assert voice.loc[noon, "shrinkage"] == 0.5
    assert voice.loc[noon, "scheduled_agents"] == pytest.approx(voice.loc[noon, "net_agents"] / 0.5)
    other = voice.drop(index=noon)
    assert (other["shrinkage"] == 0.3).all()
    np.testing.assert_allclose(other["scheduled_agents"], other["net_agents"] / 0.7)
    np.testing.assert_array_equal(other["required_scheduled"],
                                  np.ceil(other["net_agents"] / 0.7 - 1e-9).astype(int))
    bad = overrides.assign(shrinkage=[1.2], channel=["fax"])
    with pytest.raises(InputError) as caught:
        _requirements(small_scenario.replace(shrinkage_by_interval=bad))
    assert {p.field for p in caught.value.problems} == {"channel", "shrinkage"}


def test_kpis_at_the_requirement_reproduce_it(small_scenario):
    table = _requirements(small_scenario)
    predicted = kpis_at(table, table["scheduled_agents"].to_numpy())
    assert tuple(predicted.columns) == KPI_COLUMNS
    np.testing.assert_allclose(predicted["net_agents"], table["net_agents"], atol=1e-9)
    immediate = (table["kind"] != "email") & (table["net_agents"] > 0)
    np.testing.assert_allclose(predicted.loc[immediate, "service_level"],
                               table.loc[immediate, "service_level"], rtol=1e-9)
    np.testing.assert_allclose(predicted.loc[immediate, "occupancy"],
                               table.loc[immediate, "occupancy"], rtol=1e-9)
    assert predicted["deadline_met"].all()
    email = table["kind"] == "email"
    np.testing.assert_allclose(predicted.loc[email, "backlog"], table.loc[email, "backlog"], atol=1e-6)


def test_kpis_at_fewer_agents_degrade_and_break_email_deadlines(small_scenario):
    table = _requirements(small_scenario)
    working = table["scheduled_agents"].to_numpy().copy()
    email_busy = np.flatnonzero((table["kind"] == "email").to_numpy() & (table["net_agents"] > 0).to_numpy())
    working[email_busy[-1]] = 0.0
    voice_busy = np.flatnonzero((table["group"] == "voice").to_numpy() & (table["net_agents"] > 2).to_numpy())
    working[voice_busy] = (table["net_agents"].to_numpy()[voice_busy] - 1) / 0.7
    predicted = kpis_at(table, working)
    assert not predicted["deadline_met"].all()
    assert (predicted["service_level"].to_numpy()[voice_busy]
            < table["service_level"].to_numpy()[voice_busy]).all()
    # half an agent more: between the two whole numbers (linear interpolation)
    half = table["scheduled_agents"].to_numpy() + 0.5 / 0.7
    between = kpis_at(table, half)
    lower, upper = table["service_level"].to_numpy()[voice_busy], \
        kpis_at(table, table["scheduled_agents"].to_numpy() + 1 / 0.7)["service_level"].to_numpy()[voice_busy]
    value = between["service_level"].to_numpy()[voice_busy]
    assert ((value >= lower - 1e-12) & (value <= upper + 1e-12)).all()
    with pytest.raises(ValueError, match="one value per requirements row"):
        kpis_at(table, working[:-1])


def test_fractional_agents_meet_the_target_with_equality_after_interpolation(small_scenario):
    table = _requirements(small_scenario)
    voice = table[(table["group"] == "voice") & (table["net_agents"] > 0)]
    predicted = kpis_at(voice, voice["net_agents_fractional"].to_numpy() / 0.7)
    sl = predicted["service_level"].to_numpy()
    occupancy_bound = (voice["net_agents_fractional"] * 0.85
                       >= voice["workload_erlangs"] - 1e-9).to_numpy()
    # where the service level binds, it is met exactly at the fractional value
    binds = ~np.isclose(voice["net_agents_fractional"], voice["workload_erlangs"] / 0.85)
    assert binds.any()
    np.testing.assert_allclose(sl[binds], 0.8, atol=1e-9)
    assert occupancy_bound.all()
    assert math.isfinite(float(voice["net_agents_fractional"].sum()))


def test_occupancy_cap_binds_continuously_when_it_is_the_tighter_target(scenario_builder):
    base = scenario_builder()
    capped = tuple(Channel("voice", "voice", aht_seconds=300.0, service_level=0.8, answer_seconds=20.0,
                           max_occupancy=0.6, shrinkage=0.3, open_minute=8 * 60, close_minute=20 * 60)
                   if c.name == "voice" else c for c in base.channels)
    table = _requirements(base.replace(channels=capped))
    voice = table[(table["group"] == "voice") & (table["net_agents"] > 0)]
    bound = voice["workload_erlangs"].to_numpy() / 0.6  # Erlang C occupancy = load / agents
    fractional = voice["net_agents_fractional"].to_numpy()
    assert (fractional >= bound - 1e-9).all()
    assert (voice["occupancy"] <= 0.6 + 1e-12).all()
    binding = np.isclose(fractional, bound)
    assert binding.sum() > len(voice) // 2  # at 60 % the cap, not the service level, binds mostly
    np.testing.assert_array_equal(voice["net_agents"].to_numpy()[binding],
                                  np.ceil(bound[binding] - 1e-9).astype(int))


def test_the_largest_inputs_the_reader_accepts_still_staff_to_finite_agents():
    """Issue 15: fuzzing found contacts of 1e12 ending in UnreachableTargetError; the reader now caps
    contacts, handle times and multipliers, and at those caps staffing still finds an answer."""
    import dataclasses

    from planner import demand, staffing
    from planner.types import MAX_AHT_MULTIPLIER, MAX_CONTACTS_PER_INTERVAL, MAX_DURATION_SECONDS

    from .conftest import SMALL_CHANNELS, SMALL_SEGMENTS, build_small_scenario

    channels = tuple(dataclasses.replace(c, aht_seconds=MAX_DURATION_SECONDS) if c.kind == "voice" else c
                     for c in SMALL_CHANNELS)
    segments = tuple(dataclasses.replace(s, aht_multiplier=MAX_AHT_MULTIPLIER) for s in SMALL_SEGMENTS)
    scenario = build_small_scenario(channels=channels, segments=segments)
    forecast = scenario.forecast.copy()
    forecast["contacts"] = forecast["contacts"].where(forecast["contacts"] <= 0, MAX_CONTACTS_PER_INTERVAL)
    scenario = dataclasses.replace(scenario, forecast=forecast)
    required = staffing.requirements(scenario, demand.live_demand(scenario))
    voice = required[required["channel"] == "voice"]
    load = voice["workload_erlangs"]
    busy = load > 0
    assert busy.any()
    assert np.isfinite(voice["net_agents"]).all()
    # Erlang C needs more agents than the load (Erlang 1917; stability n > A)
    assert (voice.loc[busy, "net_agents"] > load[busy]).all()
