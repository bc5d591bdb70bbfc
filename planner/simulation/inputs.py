"""What the simulator replays: per staffing group, the arrival rates, handle times and the schedule.

:func:`simulation_inputs` turns the public result frames of a plan (``requirements``,
``coverage``, the schedule's ``shifts`` and ``activities``) into one :class:`GroupInputs` per
staffing group — plain numpy arrays, so a replication is a pure function of (inputs, seed) that
an executor can map over worker processes.

The schedule is read as the issue states it: every shift row is one on-duty stretch of its agent,
minus that agent's breaks (``activities`` rows of the same agent inside the stretch). Shifts and
breaks lie on the interval grid (the scheduler places them there; anything else is refused with the
agent and the time named). The agents working per interval read from these rows must equal the
plan's coverage ``scheduled`` column — the level the prediction was computed at — so a schedule
edited after planning, or the schedule of another plan, is refused rather than silently compared.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from planner import queueing, staffing
from planner.simulation import chat

HandleTimeDistribution = Literal["exponential", "lognormal"]
HANDLE_TIME_DISTRIBUTIONS: tuple[str, ...] = ("exponential", "lognormal")
ShrinkageMode = Literal["interval", "absence", "none"]
SHRINKAGE_MODES: tuple[str, ...] = ("interval", "absence", "none")

#: Gap kinds after an on-duty stretch (what the agent does when the stretch ends).
GAP_BREAK, GAP_SHIFT_END, GAP_SHRINKAGE = 0, 1, 2
GAP_NAMES: tuple[str, ...] = ("break", "shift end", "shrinkage")


class SimulationInputError(ValueError):
    """Inputs the simulator cannot replay; the message names the field, the culprit and the rule."""


@dataclass(frozen=True)
class SimulationOptions:
    """How to replay a plan.

    Parameters
    ----------
    replications : int
        Independent replications of the horizon (≥ 1; ≥ 2 for confidence intervals).
    seed : int
        Root seed (≥ 0). Replication ``r`` of group ``g`` draws from
        ``numpy.random.SeedSequence(seed, spawn_key=(r, g))``: the same seed gives the same
        numbers whatever else runs, and any subset of replications can run anywhere.
    handle_time : {"exponential", "lognormal"}
        Handle-time law with the interval's AHT as mean (exponential: coefficient of variation 1).
    handle_time_cv : float
        Coefficient of variation of the lognormal law (> 0).
    shrinkage : {"interval", "absence", "none"}
        How the channel's shrinkage (absence, training, meetings — time paid but not on the
        queue) takes agents away: ``"interval"`` (default) — in each interval
        ``working × (1 − shrinkage)`` agents answer, rounded up or down at random with the
        fractional part as probability (systematic rounding with one offset per day, so
        the expected net agents, and to first order the KPIs, match the prediction's linear
        interpolation between whole agents); which agents
        are away is a fixed random order per replication, so the same agents stay away while
        the schedule does not change. ``"absence"`` — every shift row is missed entirely with
        probability ``shrinkage`` (real absence: lumpier, usually worse than predicted).
        ``"none"`` — every scheduled agent answers (shrinkage taken as already netted out).
    chat_slowdown : float
        Chat handle-time growth per extra session, as in :mod:`planner.queueing` (≥ 0).
    """

    replications: int = 30
    seed: int = 0
    handle_time: HandleTimeDistribution = "exponential"
    handle_time_cv: float = 1.0
    shrinkage: ShrinkageMode = "interval"
    chat_slowdown: float = queueing.DEFAULT_CHAT_SLOWDOWN

    def __post_init__(self) -> None:
        if isinstance(self.replications, bool) or not isinstance(self.replications, int | np.integer) \
                or self.replications < 1:
            raise SimulationInputError(
                f"replications must be a whole number ≥ 1 (≥ 2 for confidence intervals), "
                f"got {self.replications!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int | np.integer) or self.seed < 0:
            raise SimulationInputError(f"seed must be a whole number ≥ 0, got {self.seed!r}")
        if self.handle_time not in HANDLE_TIME_DISTRIBUTIONS:
            raise SimulationInputError(f"handle_time must be one of {', '.join(HANDLE_TIME_DISTRIBUTIONS)}, "
                                       f"got {self.handle_time!r}")
        if not (isinstance(self.handle_time_cv, int | float) and math.isfinite(self.handle_time_cv)
                and self.handle_time_cv > 0):
            raise SimulationInputError(f"handle_time_cv must be a number > 0, got {self.handle_time_cv!r}")
        if self.shrinkage not in SHRINKAGE_MODES:
            raise SimulationInputError(f"shrinkage must be one of {', '.join(SHRINKAGE_MODES)}, "
                                       f"got {self.shrinkage!r}")
        if not (isinstance(self.chat_slowdown, int | float) and math.isfinite(self.chat_slowdown)
                and self.chat_slowdown >= 0):
            raise SimulationInputError(f"chat_slowdown must be a number ≥ 0, got {self.chat_slowdown!r}")


@dataclass(frozen=True, eq=False)
class AgentCells:
    """The schedule of one group on the interval grid, one row per shift row.

    Attributes
    ----------
    agent : numpy.ndarray of str, shape (rows,)
        Agent id of each shift row (an agent of a weekly tour has several rows).
    first, last : numpy.ndarray of int64, shape (rows,)
        First interval on shift and one past the last (clipped to the horizon).
    cell_row, cell_interval : numpy.ndarray of int64, shape (cells,)
        Every (row, interval) on shift, sorted by row then interval.
    cell_break : numpy.ndarray of bool, shape (cells,)
        Whether the agent is on a scheduled break in that cell.
    cell_break_left : numpy.ndarray of int64, shape (cells,)
        On a break cell: intervals of the break from this cell to its end (0 elsewhere).
    """

    agent: np.ndarray
    first: np.ndarray
    last: np.ndarray
    cell_row: np.ndarray
    cell_interval: np.ndarray
    cell_break: np.ndarray
    cell_break_left: np.ndarray

    @property
    def rows(self) -> int:
        return int(self.agent.size)

    def working(self, intervals: int) -> np.ndarray:
        """Agents on shift and not on a break per interval, shape (intervals,)."""
        return np.bincount(self.cell_interval[~self.cell_break], minlength=intervals)[:intervals]


@dataclass(frozen=True, eq=False)
class GroupInputs:
    """One staffing group, ready to replay (plain arrays; picklable).

    Attributes
    ----------
    group, channel, kind : str
        The group, its channel and the channel kind (voice, chat, email).
    interval_seconds : float
        Interval length, seconds.
    contacts : numpy.ndarray, shape (T,)
        Expected live contacts per interval (Poisson means).
    handle_seconds : numpy.ndarray, shape (T,)
        Mean handle time of a contact arriving in the interval, seconds; for chat the session
        handle time at the channel's concurrency (:func:`planner.queueing.chat_handle_time_seconds`).
    patience_seconds : float
        Mean patience, seconds (``inf``: nobody abandons).
    answer_seconds : float
        Service-level threshold, seconds (NaN for email).
    definition : str
        The channel's service-level definition (``offered`` or ``answered``).
    slots : int
        Contacts one agent holds at once (chat concurrency; 1 otherwise).
    shrinkage : numpy.ndarray, shape (T,)
        Share of working agents away, per interval.
    is_open : numpy.ndarray of bool, shape (T,)
        Whether the channel is open (email: a contact's clock starts at the next opening).
    response_seconds : float
        Email response target, seconds (NaN otherwise).
    agents : AgentCells
        The group's schedule on the grid.
    """

    group: str
    channel: str
    kind: str
    interval_seconds: float
    contacts: np.ndarray
    handle_seconds: np.ndarray
    patience_seconds: float
    answer_seconds: float
    definition: str
    slots: int
    shrinkage: np.ndarray
    is_open: np.ndarray
    response_seconds: float
    agents: AgentCells

    @property
    def intervals(self) -> int:
        return int(self.contacts.size)


@dataclass(frozen=True, eq=False)
class SimulationInputs:
    """Everything one replication needs, and the prediction it is compared with.

    Attributes
    ----------
    groups : tuple of GroupInputs
        In the scenario's group order.
    interval_starts : pandas.DatetimeIndex
        The horizon's interval starts.
    predicted : pandas.DataFrame
        Per (interval, group), the plan's prediction: ``interval_start, group, channel, kind,
        live_contacts, required, scheduled, target_service_level, predicted_service_level``
        (the channel's definition), ``predicted_service_level_offered``,
        ``predicted_service_level_answered``, ``predicted_asa_seconds``, ``predicted_abandon``,
        ``predicted_occupancy``, ``predicted_backlog``, ``predicted_deadline_met`` (1/0, e-mail),
        ``net_agents``.
    options : SimulationOptions
        The options the inputs were built with.
    """

    groups: tuple[GroupInputs, ...]
    interval_starts: pd.DatetimeIndex
    predicted: pd.DataFrame
    options: SimulationOptions = field(default_factory=SimulationOptions)


_SHIFT_NEEDED = ("agent", "group", "start", "end")
_REQUIREMENT_NUMBERS = ("live_contacts", "aht_seconds", "workload_erlangs", "net_agents_fractional",
                        "shrinkage", "patience_seconds", "answer_seconds", "target_service_level",
                        "max_occupancy", "response_hours", "work_arrived_agent_intervals",
                        "work_due_agent_intervals", "service_level", "asa_seconds", "abandon",
                        "occupancy", "backlog", "oldest_age_minutes")
_COVERAGE_NUMBERS = ("live_contacts", "required", "scheduled", "on_break", "short", "over",
                     "target_service_level", "service_level_at_required", "predicted_service_level",
                     "predicted_asa_seconds", "predicted_abandon", "predicted_occupancy",
                     "predicted_backlog")


def _numeric(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Number columns as floats (a frame read back from JSON holds ``None`` for NaN)."""
    frame = frame.copy()
    for name in columns:
        if name in frame.columns and frame[name].dtype == object:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
    if "interval_start" in frame.columns:
        frame["interval_start"] = pd.to_datetime(frame["interval_start"])
    if "is_open" in frame.columns:
        frame["is_open"] = frame["is_open"].astype(bool)
    return frame
_ACTIVITY_NEEDED = ("agent", "group", "activity", "start", "end")


def _grid_index(times: pd.Series, origin: pd.Timestamp, step: pd.Timedelta, what: str,
                agents: pd.Series) -> np.ndarray:
    offset = (pd.to_datetime(times) - origin) / step
    values = offset.to_numpy(dtype=float)
    bad = np.flatnonzero(np.abs(values - np.round(values)) > 1e-9)
    if bad.size:
        i = int(bad[0])
        raise SimulationInputError(
            f"{what}: {agents.iloc[i]} at {pd.Timestamp(times.iloc[i]):%Y-%m-%d %H:%M} is off the "
            f"{step.total_seconds() / 60:g}-minute interval grid; the simulator replays schedules on "
            "the plan's grid")
    return np.round(values).astype(np.int64)


def agent_cells(shifts: pd.DataFrame, activities: pd.DataFrame, interval_starts: pd.DatetimeIndex,
                group: str) -> AgentCells:
    """A group's shift rows and breaks as cells on the interval grid.

    Parameters
    ----------
    shifts, activities : pandas.DataFrame
        The schedule's frames (columns at least ``agent, group, start, end``; activities also
        ``activity``), times naive local Timestamps.
    interval_starts : pandas.DatetimeIndex
        The horizon.
    group : str
        The group to take.

    Returns
    -------
    AgentCells

    Raises
    ------
    SimulationInputError
        A time off the grid, a shift ending before it starts, or a break outside every shift of
        its agent.
    """
    n_t = len(interval_starts)
    origin = interval_starts[0]
    step = interval_starts[1] - interval_starts[0] if n_t > 1 else pd.Timedelta(minutes=15)
    rows = shifts[shifts["group"] == group].reset_index(drop=True)
    first = _grid_index(rows["start"], origin, step, "Schedule", rows["agent"])
    last = _grid_index(rows["end"], origin, step, "Schedule", rows["agent"])
    if np.any(last <= first):
        i = int(np.flatnonzero(last <= first)[0])
        raise SimulationInputError(f"Schedule: the shift of {rows['agent'].iloc[i]} ends before it starts")
    first_c, last_c = np.clip(first, 0, n_t), np.clip(last, 0, n_t)
    lengths = last_c - first_c
    cell_row = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    starts_rep = np.repeat(first_c, lengths)
    offsets = np.arange(cell_row.size, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    cell_interval = starts_rep + offsets
    cell_break = np.zeros(cell_row.size, dtype=bool)
    cell_left = np.zeros(cell_row.size, dtype=np.int64)
    breaks = activities[activities["group"] == group].reset_index(drop=True)
    if len(breaks) and len(rows):
        b_first = _grid_index(breaks["start"], origin, step, "Breaks", breaks["agent"])
        b_last = _grid_index(breaks["end"], origin, step, "Breaks", breaks["agent"])
        # The shift row of each break: the row of the same agent whose span contains it.
        row_of = pd.DataFrame({"agent": rows["agent"].to_numpy(), "row": np.arange(len(rows)),
                               "first": first, "last": last})
        pairs = pd.DataFrame({"agent": breaks["agent"].to_numpy(), "brk": np.arange(len(breaks)),
                              "b_first": b_first, "b_last": b_last}).merge(row_of, on="agent", how="left")
        inside = (pairs["b_first"] >= pairs["first"]) & (pairs["b_last"] <= pairs["last"])
        matched = pairs[inside].drop_duplicates("brk")
        if len(matched) < len(breaks):
            missing = sorted(set(range(len(breaks))) - set(matched["brk"]))[0]
            raise SimulationInputError(
                f"Breaks: {breaks['activity'].iloc[missing]} of {breaks['agent'].iloc[missing]} at "
                f"{pd.Timestamp(breaks['start'].iloc[missing]):%Y-%m-%d %H:%M} lies outside every "
                "shift of that agent")
        matched = matched.sort_values("brk")
        row_start = np.cumsum(lengths) - lengths
        for b, r, bf, bl in zip(matched["brk"], matched["row"], matched["b_first"], matched["b_last"],
                                strict=True):
            del b
            lo, hi = max(int(bf), int(first_c[r])), min(int(bl), int(last_c[r]))
            if hi <= lo:
                continue
            base = int(row_start[r]) + lo - int(first_c[r])
            cell_break[base:base + hi - lo] = True
            cell_left[base:base + hi - lo] = np.arange(int(bl) - lo, int(bl) - hi, -1)
    return AgentCells(agent=rows["agent"].astype(str).to_numpy(), first=first_c, last=last_c,
                      cell_row=cell_row, cell_interval=cell_interval, cell_break=cell_break,
                      cell_break_left=cell_left)


def _check_scenario(requirements: pd.DataFrame, scenario: object) -> None:
    """Refuse a plan whose requirements were not computed for ``scenario``."""
    from planner import demand

    fresh = staffing.requirements(scenario, demand.live_demand(scenario))  # type: ignore[arg-type]
    key = ["interval_start", "group"]
    mine = requirements[[*key, "live_contacts"]].merge(fresh[[*key, "live_contacts"]], on=key,
                                                       how="outer", suffixes=("_plan", "_scenario"))
    if len(mine) != len(fresh) or len(requirements) != len(fresh):
        raise SimulationInputError(
            "plan: it was computed for another scenario (its intervals or staffing groups differ "
            f"from those of scenario {getattr(scenario, 'name', '')!r}); plan this scenario first")
    diff = ~np.isclose(mine["live_contacts_plan"].to_numpy(dtype=float),
                       mine["live_contacts_scenario"].to_numpy(dtype=float), rtol=1e-6, atol=1e-6,
                       equal_nan=True)
    if diff.any():
        row = mine[diff].iloc[0]
        raise SimulationInputError(
            f"plan: it was computed for another scenario: live contacts of group {row['group']!r} at "
            f"{pd.Timestamp(row['interval_start']):%Y-%m-%d %H:%M} are {row['live_contacts_plan']:g} in "
            f"the plan and {row['live_contacts_scenario']:g} in scenario "
            f"{getattr(scenario, 'name', '')!r}; plan this scenario first")


def simulation_inputs(requirements: pd.DataFrame, coverage: pd.DataFrame | None,
                      shifts: pd.DataFrame | None, activities: pd.DataFrame | None,
                      options: SimulationOptions | None = None, *,
                      scenario: object | None = None) -> SimulationInputs:
    """Build the simulator's inputs from a plan's public result frames.

    Parameters
    ----------
    requirements : pandas.DataFrame
        :func:`planner.staffing.requirements` output.
    coverage : pandas.DataFrame or None
        :data:`planner.pipeline.COVERAGE_COLUMNS` (the prediction at the scheduled level).
    shifts, activities : pandas.DataFrame or None
        The schedule (``None`` when the plan has none: refused).
    options : SimulationOptions, optional
    scenario : Scenario, optional
        When given, the plan is checked to have been computed for it (live contacts per interval
        and group recomputed and compared).

    Returns
    -------
    SimulationInputs

    Raises
    ------
    SimulationInputError
        No schedule, a plan of another scenario, a schedule that does not match the plan's
        coverage, or a schedule off the grid.
    """
    options = options or SimulationOptions()
    if shifts is None or activities is None or coverage is None or "scheduled" not in coverage \
            or coverage["scheduled"].isna().all():
        raise SimulationInputError(
            "plan: it has no schedule (planned with --no-schedule, or the scenario has no shift "
            "templates); the simulator replays a schedule — plan with a schedule first")
    missing = [c for c in _SHIFT_NEEDED if c not in shifts.columns] + \
        [c for c in _ACTIVITY_NEEDED if c not in activities.columns]
    if missing:
        raise SimulationInputError(f"Schedule: missing columns {missing}")
    requirements = _numeric(requirements, _REQUIREMENT_NUMBERS)
    coverage = _numeric(coverage, _COVERAGE_NUMBERS)
    if scenario is not None:
        _check_scenario(requirements, scenario)
    req = requirements.sort_values(["interval_start"], kind="stable").reset_index(drop=True)
    interval_starts = pd.DatetimeIndex(pd.unique(req["interval_start"]))
    if len(interval_starts) < 1:
        raise SimulationInputError("plan: its requirements have no intervals")
    interval_minutes = int(req["interval_minutes"].iloc[0])
    interval_seconds = interval_minutes * 60.0
    cov = coverage.set_index(["interval_start", "group"])
    predicted_other = _other_definition(req, cov)
    groups = []
    pred_frames = []
    for group in pd.unique(req["group"]):
        rows = req[req["group"] == group].reset_index(drop=True)
        if len(rows) != len(interval_starts):
            raise SimulationInputError(f"plan: group {group!r} lacks intervals in its requirements")
        first = rows.iloc[0]
        kind = str(first["kind"])
        concurrency = int(first["concurrency"])
        contacts = rows["live_contacts"].to_numpy(dtype=float)
        aht = rows["aht_seconds"].to_numpy(dtype=float)
        aht = np.where(np.isfinite(aht) & (aht > 0), aht, 1.0)
        handle = chat.session_handle_seconds(aht, concurrency, options.chat_slowdown) if kind == "chat" \
            else aht
        patience = float(first["patience_seconds"])
        cells = agent_cells(shifts, activities, interval_starts, str(group))
        g_cov = cov.xs(group, level="group").reindex(interval_starts)
        scheduled = g_cov["scheduled"].fillna(0.0).to_numpy(dtype=float)
        working = cells.working(len(interval_starts))
        off = np.flatnonzero(np.abs(working - scheduled) > 1e-9)
        if off.size:
            i = int(off[0])
            raise SimulationInputError(
                f"Schedule: group {group!r} at {interval_starts[i]:%Y-%m-%d %H:%M} has {working[i]} "
                f"agents working in its shifts and breaks but {scheduled[i]:g} in the plan's coverage; "
                "the schedule does not belong to this plan")
        groups.append(GroupInputs(
            group=str(group), channel=str(first["channel"]), kind=kind, interval_seconds=interval_seconds,
            contacts=np.maximum(contacts, 0.0), handle_seconds=handle,
            patience_seconds=patience if math.isfinite(patience) else math.inf,
            answer_seconds=float(first["answer_seconds"]),
            definition=str(first["service_level_definition"]), slots=concurrency,
            shrinkage=rows["shrinkage"].to_numpy(dtype=float),
            is_open=rows["is_open"].to_numpy(dtype=bool),
            response_seconds=float(first["response_hours"]) * 3600.0, agents=cells))
        pred = pd.DataFrame({
            "interval_start": interval_starts, "group": str(group), "channel": str(first["channel"]),
            "kind": kind, "live_contacts": contacts,
            "required": g_cov["required"].to_numpy(dtype=float), "scheduled": scheduled,
            "net_agents": scheduled * (1.0 - rows["shrinkage"].to_numpy(dtype=float)),
            "target_service_level": g_cov["target_service_level"].to_numpy(dtype=float),
            "predicted_service_level": g_cov["predicted_service_level"].to_numpy(dtype=float),
            "predicted_asa_seconds": g_cov["predicted_asa_seconds"].to_numpy(dtype=float),
            "predicted_abandon": g_cov["predicted_abandon"].to_numpy(dtype=float),
            "predicted_occupancy": g_cov["predicted_occupancy"].to_numpy(dtype=float),
            "predicted_backlog": g_cov["predicted_backlog"].to_numpy(dtype=float),
            "predicted_deadline_met": g_cov["deadline_met"].map(
                lambda v: np.nan if v is None or (isinstance(v, float) and math.isnan(v)) else float(bool(v)))
            .to_numpy(dtype=float),
        })
        definition = str(first["service_level_definition"])
        other = predicted_other[group]
        pred["predicted_service_level_offered"] = (pred["predicted_service_level"] if definition == "offered"
                                                   else other)
        pred["predicted_service_level_answered"] = (pred["predicted_service_level"]
                                                    if definition == "answered" else other)
        pred_frames.append(pred)
    return SimulationInputs(groups=tuple(groups), interval_starts=interval_starts,
                            predicted=pd.concat(pred_frames, ignore_index=True), options=options)


def _other_definition(req: pd.DataFrame, cov: pd.DataFrame) -> dict[str, np.ndarray]:
    """The predicted service level under the *other* definition, per group (kpis_at, unchanged)."""
    flipped = req.copy()
    flipped["service_level_definition"] = np.where(req["service_level_definition"] == "offered",
                                                   "answered", "offered")
    working = cov["scheduled"].reindex(pd.MultiIndex.from_frame(req[["interval_start", "group"]]))
    kpis = staffing.kpis_at(flipped, working.fillna(0.0).to_numpy(dtype=float))
    out: dict[str, np.ndarray] = {}
    for group in pd.unique(req["group"]):
        mask = (req["group"] == group).to_numpy()
        out[str(group)] = kpis["service_level"].to_numpy(dtype=float)[mask]
    return out


def from_plan(plan: object, options: SimulationOptions | None = None) -> SimulationInputs:
    """:func:`simulation_inputs` of a :class:`planner.pipeline.Plan`."""
    schedule = getattr(plan, "schedule", None)
    return simulation_inputs(
        plan.requirements, getattr(plan, "coverage", None),  # type: ignore[attr-defined]
        None if schedule is None else schedule.shifts,
        None if schedule is None else schedule.activities, options)


@dataclass(frozen=True)
class _ScheduleCoverage:
    """The ``coverage`` a :func:`planner.pipeline.coverage_frame` reads from a schedule result."""

    coverage: pd.DataFrame


def inputs_from_schedule(scenario: object, shifts: pd.DataFrame, activities: pd.DataFrame,
                         options: SimulationOptions | None = None, *,
                         stored_live: pd.DataFrame | None = None) -> SimulationInputs:
    """Inputs for a schedule held outside a :class:`~planner.pipeline.Plan` (a plan workbook).

    The requirements and the prediction at the schedule's level are recomputed from the scenario
    (:func:`planner.staffing.requirements`, :func:`planner.pipeline.coverage_frame`).

    Parameters
    ----------
    scenario : Scenario
    shifts, activities : pandas.DataFrame
        The schedule.
    options : SimulationOptions, optional
    stored_live : pandas.DataFrame, optional
        ``interval_start, group, live_contacts`` the plan was computed for (a plan workbook's
        Coverage sheet); refused when they differ from the scenario's.

    Raises
    ------
    SimulationInputError
        The schedule names an unknown group, or the plan was computed for other inputs.
    """
    from planner import demand, pipeline

    requirements = staffing.requirements(scenario, demand.live_demand(scenario))  # type: ignore[arg-type]
    known = set(requirements["group"])
    unknown = sorted(set(shifts["group"].astype(str)) - known)
    if unknown:
        raise SimulationInputError(f"Schedule: group {unknown[0]!r} is not a staffing group of scenario "
                                   f"{getattr(scenario, 'name', '')!r}; the plan is of another scenario")
    if stored_live is not None and len(stored_live):
        key = ["interval_start", "group"]
        both = stored_live.merge(requirements[[*key, "live_contacts"]], on=key, how="outer",
                                 suffixes=("_plan", "_scenario"))
        off = ~np.isclose(both["live_contacts_plan"].to_numpy(dtype=float),
                          both["live_contacts_scenario"].to_numpy(dtype=float), rtol=1e-6, atol=1e-3)
        if off.any():
            row = both[off].iloc[0]
            raise SimulationInputError(
                f"Coverage: the plan was computed for another scenario — live contacts of group "
                f"{row['group']!r} at {pd.Timestamp(row['interval_start']):%Y-%m-%d %H:%M} are "
                f"{row['live_contacts_plan']:g} in the plan and {row['live_contacts_scenario']:g} in "
                "the workbook's inputs; plan these inputs again")
    starts = scenario.settings.interval_starts()  # type: ignore[attr-defined]
    frames = []
    for group in pd.unique(requirements["group"]):
        cells = agent_cells(shifts, activities, starts, str(group))
        n_t = len(starts)
        on_shift = np.bincount(cells.cell_interval, minlength=n_t)[:n_t]
        on_break = np.bincount(cells.cell_interval[cells.cell_break], minlength=n_t)[:n_t]
        need = requirements.loc[requirements["group"] == group, "required_scheduled"].to_numpy()
        working = on_shift - on_break
        frames.append(pd.DataFrame({"interval_start": starts, "group": group, "working": working,
                                    "on_break": on_break, "short": np.maximum(need - working, 0),
                                    "over": np.maximum(working - need, 0)}))
    coverage = pipeline.coverage_frame(requirements, _ScheduleCoverage(pd.concat(frames, ignore_index=True)))
    return simulation_inputs(requirements, coverage, shifts, activities, options)
