"""Why the people cannot cover the requirement, and why a person got no tour — in planner words.

e.g. ``"Tue 10:00–12:00 (voice): 4 agents short; of 40 voice-skilled people 31 work Tuesday,
5 are not available or on time off, 4 have their days off, none is left free; one more
'full-time' person on 8 h shifts starting 09:00–10:00 would cover it"``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from planner import shifts as shift_grid
from planner.roster.model import TourModel
from planner.roster.tours import Profile, horizon_dates, week_patterns
from planner.types import WEEKDAY_NAMES, Scenario, Settings


def _clock(minute: int) -> str:
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}"


def _runs(short: Sequence[float]) -> list[tuple[int, int]]:
    runs, i, n = [], 0, len(short)
    while i < n:
        if short[i] <= 0:
            i += 1
            continue
        k = i
        while k + 1 < n and short[k + 1] > 0:
            k += 1
        runs.append((i, k))
        i = k + 1
    return runs


def one_more_person(model: TourModel, interval: int, free: set[int] | None = None) -> str:
    """The cheapest tour class whose shift covers ``interval`` from any start of its band, in words.

    With ``free`` (indices of the model's profiles that still have people without a tour) the
    tour is one of theirs — the cover was left by the solve (its time limit or the shortfall
    price), not by a lack of people; without free people it is one more person to hire or move.
    """
    settings = model.base.settings
    day = interval // settings.intervals_per_day
    minute = (interval % settings.intervals_per_day) * settings.interval_minutes
    best: tuple[int, float, str] | None = None
    for tour in model.classes:
        plan = model.base.plans[tour.template]
        band = model.bands[tour.template][tour.band]
        length = plan.template.length_minutes
        if day not in tour.days or not band[0] <= minute < band[-1] + length:
            continue
        loose = 0 if band[-1] <= minute < band[0] + length else 1  # prefer bands that cover from every start
        cost = tour.paid_hours * plan.template.cost_per_hour
        contract = model.profiles[tour.profile].contract.name
        shift = f"{length / 60:g} h shifts starting {_clock(band[0])}–{_clock(band[-1])}"
        if free:
            if tour.profile not in free:
                continue
            words = (
                f"a '{contract}' tour ({tour.paid_hours:g} h, {shift}) for one of the free people would "
                "cover it — the solve left it (time limit or shortfall price)"
            )
        else:
            words = f"one more '{contract}' person ({tour.paid_hours:g} h) on {shift} would cover it"
        if best is None or (loose, cost) < best[:2]:
            best = (loose, cost, words)
    return best[2] if best else "no tour class of the contracts covers this time"


def explain_people_shortfall(
    model: TourModel,
    coverage: pd.DataFrame,
    shifts: pd.DataFrame,
    profiles: Sequence[Profile],
    free: Sequence[int | None],
    scenario: Scenario,
) -> list[str]:
    """One line per run of short intervals of a group where the people are what binds.

    Only when every profile of the group is capped (named agents, or ``max_agents``): the line
    counts the group's skilled people who work that day, are not available (availability or time
    off), have their day off, or are still free, and names the cheapest tour class that would
    cover the run's first interval.
    """
    group = model.base.group
    mine = [p for p, prof in enumerate(profiles) if group in prof.groups]
    if not mine or any(profiles[p].cap is None for p in mine):
        return []
    settings = scenario.settings
    dates = horizon_dates(settings)
    starts = pd.DatetimeIndex(coverage["interval_start"])
    step = pd.Timedelta(minutes=settings.interval_minutes)
    short = coverage["short"].to_numpy(dtype=float)
    total = sum(profiles[p].cap or 0 for p in mine)
    left = sum(free[p] or 0 for p in mine)
    free_local = {i for i, p in enumerate(mine) if (free[p] or 0) > 0}
    lines = []
    for first, last in _runs(short):
        day = first // settings.intervals_per_day
        date = dates[day]
        name = WEEKDAY_NAMES[date.weekday()]
        working = (
            shifts[(shifts["start"].dt.normalize() == pd.Timestamp(date))]["agent"].nunique()
            if len(shifts)
            else 0
        )
        unavailable = sum((profiles[p].cap or 0) for p in mine if profiles[p].windows[day] is None)
        worst = int(short[first : last + 1].max())
        end = starts[last] + step
        until = "24:00" if end.normalize() > starts[first].normalize() else f"{end:%H:%M}"
        span = f"{name} {starts[first]:%H:%M}–{until}"
        lines.append(
            f"{span} ({group}): {worst} {'agent' if worst == 1 else 'agents'} short; of {total} "
            f"{group}-skilled people {working} work {name}, {unavailable} are not available "
            f"(availability or time off), {max(total - working - unavailable - left, 0)} have their days off "
            f"or work another group, {left} {'is' if left == 1 else 'are'} left free; "
            f"{one_more_person(model, first, free_local)}"
        )
    return lines


def why_no_tour(profile: Profile, scenario: Scenario, settings: Settings) -> str:
    """Why no tour class exists for a profile: the contract's hours, days or lengths, or availability."""
    contract = profile.contract
    lengths = set(contract.shift_lengths_minutes)
    templates = [
        t
        for t in scenario.shift_templates
        if t.group in profile.groups and (not lengths or t.length_minutes in lengths)
    ]
    if not templates:
        return (
            f"contract '{contract.name}' allows shift lengths "
            f"{', '.join(f'{v / 60:g} h' for v in sorted(lengths))}, and no template of "
            f"{', '.join(profile.groups)} has one"
        )
    plans = shift_grid.template_plans(templates, list(scenario.break_rules), settings.interval_minutes)
    counts = sorted({sum(f) for f in week_patterns(contract)})
    reachable = [
        (n, p.paid_hours)
        for p in plans
        for n in counts
        if contract.min_hours_per_week - 1e-9 <= n * p.paid_hours <= contract.max_hours_per_week + 1e-9
    ]
    if not reachable:
        options = sorted(
            {f"{n} × {p.paid_hours:g} h = {n * p.paid_hours:g} h" for p in plans for n in counts}
        )
        return (
            f"contract '{contract.name}' needs {contract.min_hours_per_week:g}–"
            f"{contract.max_hours_per_week:g} paid hours a week; the allowed templates and working days "
            f"give only {', '.join(options[:6])}"
        )
    limits = profile.limits
    if limits is not None and limits.binding:
        return (
            f"the previous week leaves {limits.label()} (contract '{contract.name}': at most "
            f"{contract.max_consecutive_days} days in a row, {contract.min_rest_hours:g} h rest, "
            f"{contract.consecutive_days_off} days off in a row), and no tour of "
            f"{', '.join(profile.groups)} keeps that with the availability this week"
        )
    windows = "; ".join(
        f"{WEEKDAY_NAMES[d.weekday()]} {'off' if w is None else w.label()}"
        for d, w in zip(horizon_dates(settings), profile.windows, strict=True)
        if w is None or w.earliest_start_minute > 0 or w.latest_end_minute < 1440
    )
    return (
        f"availability ({windows or 'all week'}) leaves no start band of a "
        f"{' or '.join(sorted({f'{p.template.length_minutes / 60:g} h' for p in plans}))} shift on enough "
        f"days for contract '{contract.name}' ({min(n for n, _ in reachable)}+ days); "
        f"widen the availability or give a shorter contract"
    )
