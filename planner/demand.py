"""Live demand per (interval, channel, segment) after self-service deflection.

A forecast gives, per interval, channel and customer segment, the contacts *offered* before any
automation. For each (segment, channel) pair a :class:`~planner.types.Deflection` routes a share
of them to self-service first (a bot, a knowledge base). Some of those attempts are *contained*
(resolved without a person); the rest *escalate* to a live channel, where they are the harder,
longer contacts. This module turns the forecast into the live contacts and live workload each
channel's people must handle::

    attempts      = offered × self_service_share
    contained     = attempts × containment_rate
    escalated_out = attempts − contained                     (leave towards escalation_channel)
    direct_live   = offered − attempts                       (stay on the original channel)
    live          = direct_live + escalated_in
    workload [s]  = direct_live × AHT(c, s, t) + Σ escalated_in × AHT(e, s, t) × escalation_aht_multiplier

Conservation holds exactly per row: ``contained + direct_live + escalated_out == offered``, and
summed over the escalation channels ``Σ escalated_in == Σ escalated_out`` per (interval, segment).

Why 20 % deflection does not save 20 % of the work: escalations keep coming to people and take
longer (``escalation_aht_multiplier > 1``). With 40 % of contacts tried in self-service, a vendor
containment rate of 50 % (net deflection 20 %) and escalations 1.5× as long, the live workload is
``0.6 + 0.2 × 1.5 = 0.9`` of the original: 20 % deflection saves 10 % of the work — the
practitioner figure quoted in issue 3, where vendor containment (40–60 %) is contrasted with net
deflection (10–25 %).

Timing assumptions (documented, tested):

* An escalation reaches its live channel **in the same interval** as the self-service attempt
  (bot sessions last minutes, intervals 15–60 min).
* The handle time of an escalated contact is the *destination* channel's AHT for that segment in
  that interval (forecast AHT when given, else channel default × segment multiplier), times the
  deflection's ``escalation_aht_multiplier``: a person on the destination channel handles it.
* Voice and chat contacts (direct or escalated) in an interval when that channel is closed are an
  :class:`~planner.types.InputError` naming the channel, the interval and the count. Email
  contacts arriving while closed queue until the channel opens (see :mod:`planner.staffing`).
* A channel is open in an interval when the interval's *start* lies inside its opening hours.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from planner.types import WEEKDAY_NAMES, Channel, InputError, Problem, Scenario

LIVE_COLUMNS: tuple[str, ...] = (
    "interval_start", "channel", "segment", "offered", "self_service_attempts", "contained",
    "escalated_out", "escalated_in", "direct_live", "live_contacts", "live_aht_seconds",
    "live_workload_erlangs",
)
"""Columns of :func:`live_demand`'s frame (``direct_live`` = offered − attempts is extra to the
contract's list and kept because conservation is stated in terms of it)."""

_MAX_LISTED = 3


def open_mask(channel: Channel, interval_starts: pd.DatetimeIndex | pd.Series) -> np.ndarray:
    """Whether ``channel`` is open at each interval start.

    Parameters
    ----------
    channel : Channel
        Its ``open_minute``, ``close_minute`` (minutes after midnight) and ``open_days``
        (Mon = 0) are used.
    interval_starts : DatetimeIndex or Series of Timestamp
        Naive local interval start times.

    Returns
    -------
    numpy.ndarray of bool
        ``True`` where the interval's start lies within the opening hours.

    Notes
    -----
    With ``open_minute < close_minute`` the channel is open on day *d* ∈ ``open_days`` for
    ``open_minute ≤ m < close_minute`` (*m* = minute of day of the interval start). With
    ``close_minute ≤ open_minute`` it is open overnight: from ``open_minute`` on day *d* to
    ``close_minute`` on day *d* + 1, so the after-midnight part belongs to the day it opened;
    ``open_minute == close_minute`` (e.g. 0 and 0, or 0 and 1440) is 24 hours on the open days.
    """
    starts = pd.DatetimeIndex(interval_starts)
    minute = np.asarray(starts.hour * 60 + starts.minute, dtype=np.int64)
    weekday = np.asarray(starts.day_of_week, dtype=np.int64)
    days = np.zeros(7, dtype=bool)
    days[list(channel.open_days)] = True
    open_m, close_m = channel.open_minute % 1440, channel.close_minute
    if channel.close_minute == 1440 and channel.open_minute < 1440:
        close_m = 1440
    if open_m < close_m:
        return days[weekday] & (minute >= open_m) & (minute < close_m)
    close_m %= 1440
    return (days[weekday] & (minute >= open_m)) | (days[(weekday - 1) % 7] & (minute < close_m))


def opening_hours_text(channel: Channel) -> str:
    """Opening hours as planners write them, e.g. ``07:00–22:00 Mon–Fri``.

    Parameters
    ----------
    channel : Channel
        Its ``open_minute``, ``close_minute`` (minutes after midnight) and ``open_days``.

    Returns
    -------
    str
        ``HH:MM–HH:MM`` then the days: ``every day``, a run such as ``Mon–Fri`` or a list such as
        ``Mon, Wed, Sat``. 24 hours reads ``00:00–24:00``; overnight hours read e.g.
        ``22:00–06:00`` (the days are those it opens on, :func:`open_mask`).
    """
    open_m, close_m = channel.open_minute % 1440, channel.close_minute
    if close_m % 1440 == open_m:
        hours = "00:00–24:00"
    else:
        hours = f"{open_m // 60:02d}:{open_m % 60:02d}–{close_m // 60:02d}:{close_m % 60:02d}"
    days = sorted(channel.open_days)
    if len(days) == 7:
        day_text = "every day"
    elif len(days) >= 2 and days == list(range(days[0], days[-1] + 1)):
        day_text = f"{WEEKDAY_NAMES[days[0]]}–{WEEKDAY_NAMES[days[-1]]}"
    else:
        day_text = ", ".join(WEEKDAY_NAMES[d] for d in days)
    return f"{hours} {day_text}"


def closed_hours_rows(forecast: pd.DataFrame, channels: Iterable[Channel]) -> pd.DataFrame:
    """Forecast rows with voice/chat contacts in an interval when their channel is closed.

    Parameters
    ----------
    forecast : pandas.DataFrame
        At least ``interval_start`` (naive local Timestamps), ``channel`` and ``contacts``
        (contacts per interval); any index.
    channels : iterable of Channel
        The scenario's channels; forecast rows of channels not listed here are ignored (they are
        reported elsewhere as unknown).

    Returns
    -------
    pandas.DataFrame
        The offending rows, with the forecast's index (so a reader can map each back to its
        cell), ordered as in ``forecast``, columns ``interval_start``, ``channel``, ``contacts``
        and ``message`` — ``is closed on Mon 06:00; contacts must be 0 outside opening hours
        07:00–22:00 Mon–Fri`` (to be prefixed by the channel name). Empty when all is well.

    Notes
    -----
    Voice and chat are immediate queues: a contact offered while nobody can answer is not
    demand the planner can staff for, so it is an input error (issue 3). Email contacts
    arriving while closed are accepted and queue until the opening (:mod:`planner.staffing`).
    "Closed" is :func:`open_mask`: the interval's start lies outside the opening hours.
    :func:`live_demand` raises the same condition summed per interval; this function lets the
    Excel reader name each cell.
    """
    columns = ["interval_start", "channel", "contacts", "message"]
    immediate = {c.name: c for c in channels if c.kind != "email"}
    if forecast.empty or not immediate:
        return pd.DataFrame(columns=columns, index=forecast.index[:0])
    contacts = pd.to_numeric(forecast["contacts"], errors="coerce").to_numpy(dtype=float)
    names = forecast["channel"].astype(object).to_numpy()
    starts = pd.DatetimeIndex(pd.to_datetime(forecast["interval_start"]))
    bad = np.zeros(len(forecast), dtype=bool)
    for name, channel in immediate.items():
        rows = names == name
        if rows.any():
            bad[rows] = (contacts[rows] > 0) & ~open_mask(channel, starts[rows])
    hours = {name: opening_hours_text(channel) for name, channel in immediate.items()}
    messages = [f"is closed on {WEEKDAY_NAMES[start.weekday()]} {start:%H:%M}; contacts must be 0 "
                f"outside opening hours {hours[name]}"
                for start, name in zip(starts[bad], names[bad], strict=True)]
    return pd.DataFrame({"interval_start": starts[bad], "channel": names[bad],
                         "contacts": contacts[bad], "message": messages},
                        index=forecast.index[bad], columns=columns)


def interval_index(scenario: Scenario, interval_starts: pd.Series, field: str) -> np.ndarray:
    """Position of each timestamp on the scenario's interval grid.

    Parameters
    ----------
    scenario : Scenario
        Its ``settings`` define the grid (``start_date``, ``days``, ``interval_minutes``).
    interval_starts : Series of Timestamp
        Times to locate.
    field : str
        Name of the column, for the error message.

    Returns
    -------
    numpy.ndarray of int64
        Interval numbers ``0 … interval_count − 1``.

    Raises
    ------
    InputError
        When a time is not a timestamp, is off the grid (not a multiple of the interval after
        the start) or outside the horizon; the first few offending values are named.
    """
    settings = scenario.settings
    step_ns = settings.interval_minutes * 60 * 10**9
    origin = pd.Timestamp(settings.start_date)
    try:
        times = pd.to_datetime(interval_starts)
    except (TypeError, ValueError) as exc:
        raise InputError([Problem(field, f"must be date-times, got an unreadable value ({exc})")]) \
            from exc
    if times.isna().any():
        raise InputError([Problem(field, "has empty or unreadable date-times")])
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)
    offset_ns = (times - origin).to_numpy(dtype="timedelta64[ns]").astype(np.int64)
    position, remainder = np.divmod(offset_ns, step_ns)
    bad = (remainder != 0) | (position < 0) | (position >= settings.interval_count)
    if bad.any():
        examples = ", ".join(str(t) for t in times[bad].iloc[:_MAX_LISTED])
        end = origin + pd.Timedelta(minutes=settings.interval_minutes * settings.interval_count)
        raise InputError([Problem(
            field,
            f"must be starts of {settings.interval_minutes}-minute intervals from {origin} up to "
            f"(not including) {end}; {int(bad.sum())} rows are not, e.g. {examples}",
        )])
    return position.astype(np.int64)


def _describe_interval(start: pd.Timestamp) -> str:
    return f"{WEEKDAY_NAMES[start.weekday()]} {start:%Y-%m-%d %H:%M}"


def _closed_problem(channel: Channel, what: str, interval_starts: pd.DatetimeIndex,
                    amounts: np.ndarray, bad: np.ndarray, hint: str) -> Problem:
    """A located complaint about contacts in intervals when a voice/chat channel is closed."""
    where = np.flatnonzero(bad)
    listed = ", ".join(f"{_describe_interval(interval_starts[k])} ({amounts[k]:g} contacts)"
                       for k in where[:_MAX_LISTED])
    more = f" and {len(where) - _MAX_LISTED} more intervals" if len(where) > _MAX_LISTED else ""
    return Problem(
        "contacts",
        f"channel {channel.name!r} ({channel.kind}) is closed but has {what} in "
        f"{len(where)} intervals ({amounts[bad].sum():g} contacts in all): {listed}{more}; {hint}")


def _segment_aht(scenario: Scenario, t_index: np.ndarray, c_index: np.ndarray,
                 s_index: np.ndarray, forecast_aht: np.ndarray, shape: tuple[int, int, int],
                 problems: list[Problem]) -> np.ndarray:
    """AHT per (interval, channel, segment): forecast value, else channel × segment multiplier."""
    default = (np.array([c.aht_seconds for c in scenario.channels], dtype=float)[:, None]
               * np.array([s.aht_multiplier for s in scenario.segments], dtype=float)[None, :])
    aht = np.broadcast_to(default, shape).copy()
    given = ~np.isnan(forecast_aht)
    if given.any():
        bad = given & ~(np.isfinite(forecast_aht) & (forecast_aht > 0))
        if bad.any():
            problems.append(Problem(
                "aht_seconds",
                f"forecast AHT must be > 0 seconds (or empty for the channel default), "
                f"got {forecast_aht[bad][:_MAX_LISTED].tolist()} in {int(bad.sum())} rows"))
            given &= ~bad
        aht[t_index[given], c_index[given], s_index[given]] = forecast_aht[given]
    return aht


def _deflection_arrays(
    scenario: Scenario,
    self_service_shares: Mapping[tuple[str, str], float] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per (channel, segment): self-service share, containment, escalation channel, AHT multiplier."""
    channel_pos = {c.name: i for i, c in enumerate(scenario.channels)}
    segment_pos = {s.name: j for j, s in enumerate(scenario.segments)}
    n_c, n_s = len(channel_pos), len(segment_pos)
    share = np.zeros((n_c, n_s))
    containment = np.zeros((n_c, n_s))
    escalation = np.broadcast_to(np.arange(n_c)[:, None], (n_c, n_s)).copy()
    multiplier = np.ones((n_c, n_s))
    for d in scenario.deflections:
        i, j = channel_pos[d.channel], segment_pos[d.segment]
        share[i, j] = d.self_service_share
        containment[i, j] = d.containment_rate
        escalation[i, j] = channel_pos[d.escalation_channel]
        multiplier[i, j] = d.escalation_aht_multiplier
    for key, value in (self_service_shares or {}).items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise ValueError(f"self_service_shares: keys must be (segment, channel), got {key!r}")
        segment, channel = key
        if scenario.deflection(segment, channel) is None:
            raise ValueError(f"self_service_shares[{key!r}]: no deflection is defined for segment "
                             f"{segment!r} on channel {channel!r}")
        cap = scenario.segment(segment).max_self_service_share
        if not (isinstance(value, int | float) and np.isfinite(value)
                and 0.0 <= value <= cap + 1e-12):
            raise ValueError(f"self_service_shares[{key!r}] must be in [0, {cap:g}] (the segment's "
                             f"max_self_service_share), got {value!r}")
        share[channel_pos[channel], segment_pos[segment]] = float(value)
    return share, containment, escalation, multiplier


def live_demand(
    scenario: Scenario,
    self_service_shares: Mapping[tuple[str, str], float] | None = None,
) -> pd.DataFrame:
    """Live contacts and workload per (interval, channel, segment) after self-service.

    Parameters
    ----------
    scenario : Scenario
        Forecast (``interval_start, channel, segment, contacts, aht_seconds``; contacts per
        interval, AHT in seconds or NaN for the channel default × segment multiplier),
        channels, segments and deflections.
    self_service_shares : mapping of (segment, channel) to float, optional
        Overrides of ``Deflection.self_service_share`` (share of forecast contacts, in
        ``[0, segment.max_self_service_share]``) for the mix search. The pair must have a
        deflection defined (its containment and escalation route are used).

    Returns
    -------
    pandas.DataFrame
        One row per (interval of the horizon, channel, segment), ordered by interval then the
        scenario's channel and segment order, with :data:`LIVE_COLUMNS`: contacts per interval
        (``offered, self_service_attempts, contained, escalated_out, escalated_in, direct_live,
        live_contacts``), ``live_aht_seconds`` (contact-weighted mix of direct and escalated
        AHT, seconds; the direct AHT when there are no live contacts) and
        ``live_workload_erlangs`` (= live contacts × live AHT / interval seconds, Erlangs).

    Raises
    ------
    InputError
        Forecast rows off the interval grid or outside the horizon, duplicate rows, a bad AHT,
        or voice/chat contacts (direct or escalated) in an interval when that channel is closed
        (naming the channel, the interval and the count).
    ValueError
        A bad ``self_service_shares`` entry.

    Notes
    -----
    Offered load in Erlangs is contacts × AHT / interval length (A. K. Erlang, 1917; e.g. Koole,
    *Call Center Optimization*, 2013). The deflection arithmetic is the module's docstring;
    escalations arrive in the same interval as the attempt and are handled with the destination
    channel's AHT × ``escalation_aht_multiplier``.
    """
    settings = scenario.settings
    channels, segments = scenario.channels, scenario.segments
    n_t, n_c, n_s = settings.interval_count, len(channels), len(segments)
    shape = (n_t, n_c, n_s)
    problems: list[Problem] = []

    forecast = scenario.forecast
    t_index = interval_index(scenario, forecast["interval_start"], "interval_start")
    channel_pos = {c.name: i for i, c in enumerate(channels)}
    segment_pos = {s.name: j for j, s in enumerate(segments)}
    c_index = forecast["channel"].map(channel_pos).to_numpy(dtype=np.int64)
    s_index = forecast["segment"].map(segment_pos).to_numpy(dtype=np.int64)
    flat = (t_index * n_c + c_index) * n_s + s_index
    unique_flat, counts = np.unique(flat, return_counts=True)
    if (counts > 1).any():
        first = unique_flat[counts > 1][0]
        t0, rest = divmod(int(first), n_c * n_s)
        c0, s0 = divmod(rest, n_s)
        problems.append(Problem(
            "interval_start",
            f"forecast has {int((counts > 1).sum())} duplicated (interval, channel, segment) rows, "
            f"e.g. {settings.interval_starts()[t0]} {channels[c0].name} {segments[s0].name}"))
    contacts_in = pd.to_numeric(forecast["contacts"]).to_numpy(dtype=float)
    offered = np.bincount(flat, weights=contacts_in, minlength=n_t * n_c * n_s).reshape(shape)
    forecast_aht = pd.to_numeric(forecast["aht_seconds"], errors="coerce").to_numpy(dtype=float)
    aht = _segment_aht(scenario, t_index, c_index, s_index, forecast_aht, shape, problems)

    share, containment, escalation, multiplier = _deflection_arrays(scenario, self_service_shares)
    attempts = offered * share[None, :, :]
    contained = attempts * containment[None, :, :]
    escalated_out = attempts - contained
    direct = offered - attempts

    escalated_in = np.zeros(shape)
    escalated_seconds = np.zeros(shape)
    for i in range(n_c):
        for e in np.unique(escalation[i]):
            cols = escalation[i] == e
            moved = escalated_out[:, i, cols]
            escalated_in[:, e, cols] += moved
            escalated_seconds[:, e, cols] += moved * aht[:, e, cols] * multiplier[i, cols][None, :]

    interval_starts = settings.interval_starts()
    live = direct + escalated_in
    for i, channel in enumerate(channels):
        if channel.kind == "email":
            continue
        closed = ~open_mask(channel, interval_starts)
        for what, amounts, hint in (
            ("forecast contacts", offered[:, i, :].sum(axis=1),
             "open the channel then, or move the forecast into its opening hours"),
            ("escalations from self-service on other channels", escalated_in[:, i, :].sum(axis=1)
             - np.where(escalation[i][None, :] == i, escalated_out[:, i, :], 0.0).sum(axis=1),
             "escalate to a channel that is open then, or align the opening hours"),
        ):
            bad = closed & (amounts > 1e-12)
            if bad.any():
                problems.append(_closed_problem(channel, what, interval_starts, amounts, bad, hint))
    if problems:
        raise InputError(problems)

    workload_seconds = direct * aht + escalated_seconds
    with np.errstate(invalid="ignore", divide="ignore"):
        live_aht = np.where(live > 0, workload_seconds / np.where(live > 0, live, 1.0), aht)
    interval_seconds = settings.interval_minutes * 60.0

    n_rows = n_t * n_c * n_s
    return pd.DataFrame({
        "interval_start": np.repeat(interval_starts.to_numpy(), n_c * n_s),
        "channel": np.tile(np.repeat(np.array([c.name for c in channels], dtype=object), n_s), n_t),
        "segment": np.tile(np.array([s.name for s in segments], dtype=object), n_t * n_c),
        "offered": offered.reshape(n_rows),
        "self_service_attempts": attempts.reshape(n_rows),
        "contained": contained.reshape(n_rows),
        "escalated_out": escalated_out.reshape(n_rows),
        "escalated_in": escalated_in.reshape(n_rows),
        "direct_live": direct.reshape(n_rows),
        "live_contacts": live.reshape(n_rows),
        "live_aht_seconds": live_aht.reshape(n_rows),
        "live_workload_erlangs": (workload_seconds / interval_seconds).reshape(n_rows),
    })
