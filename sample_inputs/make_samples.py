"""Rebuild the sample workbooks: ``python sample_inputs/make_samples.py``.

Deterministic (fixed seed, fixed dates): running it twice gives the same scenarios. Writes

* ``contact_center_week.xlsx`` — Mon 5 Jan 2026 to Sun 11 Jan 2026 at 15-minute intervals;
* ``contact_center_day.xlsx`` — Monday 5 Jan 2026 only, for a quick demo.

The numbers and where they come from are explained in ``sample_inputs/README.md``.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from planner.capacity.inputs import (
    CapacityGroup,
    CapacityInputs,
    CapacitySettings,
    Headcount,
    HireClass,
    TenureBucket,
    week_frame,
)
from planner.capacity.people import people_today
from planner.excel import write_scenario
from planner.excel.capacity import write_capacity_sheets
from planner.people import FULL_DAY, Agent, Contract, DayWindow
from planner.types import (
    BreakRule,
    Channel,
    Deflection,
    MixSettings,
    Scenario,
    Segment,
    Settings,
    ShiftTemplate,
    StaffingGroup,
)

SEED = 20260105
START = date(2026, 1, 5)  # a Monday
WEEKDAYS = frozenset(range(5))
HERE = Path(__file__).resolve().parent

CHANNELS: tuple[Channel, ...] = (
    Channel("voice", "voice", aht_seconds=330.0, service_level=0.8, answer_seconds=20.0,
            patience_seconds=180.0, max_occupancy=0.85, shrinkage=0.2,
            open_minute=7 * 60, close_minute=22 * 60),
    Channel("chat", "chat", aht_seconds=540.0, service_level=0.8, answer_seconds=60.0,
            max_occupancy=0.85, concurrency=2, shrinkage=0.2,
            open_minute=8 * 60, close_minute=22 * 60),
    Channel("email", "email", aht_seconds=420.0, service_level=None, answer_seconds=None,
            response_hours=8.0, max_occupancy=0.9, shrinkage=0.2,
            open_minute=7 * 60, close_minute=23 * 60),
)

# prefers_human_share / max_self_service_share from the survey figures cited in README.md.
SEGMENTS: tuple[Segment, ...] = (
    Segment("tech", prefers_human_share=0.34, max_self_service_share=0.66, aht_multiplier=0.9),
    Segment("healthcare", prefers_human_share=0.72, max_self_service_share=0.28, aht_multiplier=1.25),
    Segment("retail", prefers_human_share=0.55, max_self_service_share=0.5, aht_multiplier=1.0),
)

SEGMENT_SHARE = {"tech": 0.30, "healthcare": 0.35, "retail": 0.35}
"""Share of all contacts by segment."""
CHANNEL_SHARE = {
    "tech": {"voice": 0.30, "chat": 0.45, "email": 0.25},
    "healthcare": {"voice": 0.70, "chat": 0.15, "email": 0.15},
    "retail": {"voice": 0.45, "chat": 0.40, "email": 0.15},
}
"""Channel chosen by each segment (rows add up to 1)."""

DEFLECTIONS: tuple[Deflection, ...] = (
    Deflection("tech", "voice", 0.30, 0.55, "voice", 1.2, 0.60),
    Deflection("tech", "chat", 0.45, 0.65, "chat", 1.2, 0.40),
    Deflection("tech", "email", 0.30, 0.50, "email", 1.1, 0.30),
    Deflection("healthcare", "voice", 0.10, 0.35, "voice", 1.4, 0.60),
    Deflection("healthcare", "chat", 0.20, 0.40, "voice", 1.5, 0.40),
    Deflection("retail", "voice", 0.20, 0.45, "voice", 1.3, 0.60),
    Deflection("retail", "chat", 0.35, 0.55, "chat", 1.2, 0.40),
    Deflection("retail", "email", 0.25, 0.50, "email", 1.1, 0.30),
)

DAY_FACTOR = (1.15, 1.05, 1.0, 1.0, 0.95, 0.55, 0.4)
"""Volume by weekday relative to a mid-week day (Mon … Sun)."""
DAILY_CONTACTS = 4400.0
"""Contacts offered on a mid-week day over every channel and segment (before deflection)."""
WEEKEND_HOURS = (9 * 60, 18 * 60)
"""Voice and chat take contacts only 09:00–18:00 on Saturday and Sunday."""
EMAIL_INTAKE = ((0, 1440), (0, 1440))
"""E-mail is taken in around the clock, every day (weekdays, weekends); the e-mail team works
07:00–23:00 and answers within 8 hours — what arrives overnight queues until 07:00 and is due by
15:00, and the levelled deferred staffing spreads it over the morning (see README.md)."""

GROUP_COST_PER_HOUR = {"voice": 24.0, "chat": 22.0, "email": 20.0}
PART_TIME_PREMIUM = 2.0
"""Extra cost per hour of the 4-hour shifts."""
MAX_WORK_STRETCH_MINUTES = 150
# Break windows (start offsets after the shift start, minutes). Every combination inside the
# windows keeps each work stretch ≤ 150 min — checked by check_break_windows().
BREAKS_BY_LENGTH: dict[int, tuple[tuple[str, int, int, int, bool], ...]] = {
    240: (("BREAK1", 15, 90, 150, True),),
    360: (("BREAK1", 15, 75, 150, True), ("LUNCH", 30, 180, 240, False)),
    480: (("BREAK1", 15, 90, 150, True), ("LUNCH", 30, 180, 240, False),
          ("BREAK2", 15, 315, 360, True)),
    600: (("BREAK1", 15, 90, 150, True), ("LUNCH", 30, 180, 240, False),
          ("BREAK2", 15, 315, 360, True), ("BREAK3", 15, 435, 480, True)),
}


def daily_shape(minutes: np.ndarray) -> np.ndarray:
    """Relative arrivals by minute of day: a morning peak (~10:30) and an afternoon one (~14:30)."""
    hours = minutes / 60.0
    return (np.exp(-0.5 * ((hours - 10.5) / 1.6) ** 2)
            + 0.85 * np.exp(-0.5 * ((hours - 14.5) / 1.9) ** 2)
            + 0.25 * np.exp(-0.5 * ((hours - 19.0) / 1.5) ** 2))


def forecast(days: int, start: date = START, interval_minutes: int = 15,
             seed: int = SEED) -> pd.DataFrame:
    """Poisson-sampled contacts per (interval, channel, segment), zero when a channel is closed."""
    rng = np.random.default_rng(seed)
    starts = pd.date_range(pd.Timestamp(start), periods=days * 1440 // interval_minutes,
                           freq=f"{interval_minutes}min")
    minute = (starts.hour * 60 + starts.minute).to_numpy()
    weekday = starts.day_of_week.to_numpy()
    day_factor = np.asarray(DAY_FACTOR)[weekday]
    frames = []
    for channel in CHANNELS:
        shape = daily_shape(minute)
        weekend = weekday >= 5
        if channel.kind == "email":
            opens = np.where(weekend, EMAIL_INTAKE[1][0], EMAIL_INTAKE[0][0])
            closes = np.where(weekend, EMAIL_INTAKE[1][1], EMAIL_INTAKE[0][1])
        else:
            opens = np.where(weekend, WEEKEND_HOURS[0], channel.open_minute)
            closes = np.where(weekend, WEEKEND_HOURS[1], channel.close_minute)
        is_open = (minute >= opens) & (minute < closes)
        day_total = shape.reshape(days, -1).sum(axis=1).repeat(1440 // interval_minutes)
        for segment in SEGMENTS:
            share = SEGMENT_SHARE[segment.name] * CHANNEL_SHARE[segment.name][channel.name]
            mean = DAILY_CONTACTS * share * day_factor * shape / day_total
            contacts = np.where(is_open, rng.poisson(mean), 0).astype(float)
            frames.append(pd.DataFrame({"interval_start": starts, "channel": channel.name,
                                        "segment": segment.name, "contacts": contacts,
                                        "aht_seconds": np.nan}))
    return pd.concat(frames, ignore_index=True)


def shift_templates() -> tuple[tuple[ShiftTemplate, ...], tuple[BreakRule, ...]]:
    """4, 6, 8 and 10-hour shifts per group starting every 15 min within opening hours."""
    templates: list[ShiftTemplate] = []
    breaks: list[BreakRule] = []
    for channel in CHANNELS:
        for length in sorted(BREAKS_BY_LENGTH):
            name = f"{channel.name} {length // 60}h"
            premium = PART_TIME_PREMIUM if length == 240 else 0.0
            templates.append(ShiftTemplate(
                name, channel.name, length, earliest_start_minute=channel.open_minute,
                latest_start_minute=channel.close_minute - length, start_step_minutes=15,
                cost_per_hour=GROUP_COST_PER_HOUR[channel.name] + premium,
                max_work_stretch_minutes=MAX_WORK_STRETCH_MINUTES))
            for activity, duration, earliest, latest, paid in BREAKS_BY_LENGTH[length]:
                breaks.append(BreakRule(name, activity, duration, earliest, latest, paid=paid))
    return tuple(templates), tuple(breaks)


def check_break_windows(length: int, rules: tuple[tuple[str, int, int, int, bool], ...],
                        max_stretch: int = MAX_WORK_STRETCH_MINUTES) -> None:
    """Raise when some placement inside the windows makes a work stretch longer than allowed."""
    # The longest stretch before break k+1 is its latest start minus the earliest end of break k.
    previous_end_earliest = 0
    previous_end_latest = 0
    for _, duration, earliest, latest, _ in rules:
        if latest - previous_end_earliest > max_stretch or earliest < previous_end_latest:
            raise ValueError(f"{length}-minute shift: break windows allow a stretch > {max_stretch} "
                             "min or overlapping breaks")
        previous_end_earliest, previous_end_latest = earliest + duration, latest + duration
    if length - previous_end_earliest > max_stretch:
        raise ValueError(f"{length}-minute shift: the last stretch may exceed {max_stretch} min")


def contracts() -> tuple[Contract, ...]:
    """Full-time (37.5–40 h: five 8 h or four 10 h days), part-time (20–30 h: 4 h or 6 h shifts on
    four or five days) and student (8–12 h: 4 h shifts) contracts; 11 h rest (EU Working Time
    Directive), two consecutive days off."""
    return (
        Contract("full-time", 37.5, 40.0, min_days_per_week=4, max_days_per_week=5, consecutive_days_off=2,
                 max_consecutive_days=5, min_rest_hours=11.0, max_start_variance_minutes=60,
                 shift_lengths_minutes=(480, 600), max_weekends_per_4_weeks=3),
        Contract("part-time", 20.0, 30.0, min_days_per_week=4, max_days_per_week=5, consecutive_days_off=2,
                 max_consecutive_days=5, min_rest_hours=11.0, max_start_variance_minutes=60,
                 shift_lengths_minutes=(240, 360), max_weekends_per_4_weeks=3),
        Contract("student", 8.0, 16.0, min_days_per_week=2, max_days_per_week=3, consecutive_days_off=2,
                 max_consecutive_days=3, min_rest_hours=11.0, max_start_variance_minutes=60,
                 shift_lengths_minutes=(240,)),
    )


AGENT_TEAMS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("full-time", ("voice",), 46),
    ("part-time", ("voice",), 14),
    ("full-time", ("voice", "chat"), 10),
    ("full-time", ("chat",), 24),
    ("part-time", ("chat",), 10),
    ("full-time", ("email",), 20),
    ("part-time", ("email",), 6),
    ("student", ("voice", "chat"), 10),
)
"""(contract, skills, head count) of the week sample's named agents: 140 people for a requirement of
about 105 FTE (the spare people are reported as not needed, with the reason)."""
FIRST_NAMES = ("Ada", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hugo", "Ines", "Jon", "Kira", "Liam",
               "Maya", "Nils", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Uma", "Viktor", "Wen",
               "Yusuf",
               "Zoe")
LAST_NAMES = ("Adams", "Brown", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Huang", "Ivanova", "Jensen",
              "Khan", "Lopez", "Moreau", "Novak", "Okafor", "Patel", "Rossi", "Smith", "Tanaka", "Weber")


def agents(seed: int = SEED) -> tuple[Agent, ...]:
    """The week sample's named agents (deterministic): skills, availability, time off, preferences.

    About one in eight full- and part-timers works only weekday mornings (from the group's opening
    for 9 hours, e.g. school hours) and one in ten has no Sundays; three take a dated day off
    (Wed 7 Jan 2026); students work weekends and weekday evenings only. Preferences (days off, early/late) are soft.
    """
    rng = np.random.default_rng(seed + 11)
    people: list[Agent] = []
    number = 0
    opens = {c.name: c.open_minute for c in CHANNELS}
    evenings_and_weekends = (DayWindow(14 * 60, 22 * 60),) * 5 + (FULL_DAY, FULL_DAY)
    for contract, skills, count in AGENT_TEAMS:
        for k in range(count):
            number += 1
            availability: tuple[DayWindow | None, ...] = (FULL_DAY,) * 7
            if contract == "student":
                availability = evenings_and_weekends
            elif k % 8 == 3:  # weekday mornings: an 8 h shift from the group's opening, no weekends
                first = min(opens[g] for g in skills)
                availability = (DayWindow(first, first + 9 * 60),) * 5 + (None, None)
            elif k % 10 == 6:
                availability = (FULL_DAY,) * 6 + (None,)
            time_off = (START + timedelta(days=2),) if number in (5, 40, 77) else ()
            preferred = frozenset({5, 6}) if rng.random() < 0.3 else frozenset()
            prefers = str(rng.choice(["", "", "early", "late"]))
            name = f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {LAST_NAMES[(number * 7) % len(LAST_NAMES)]}"
            people.append(Agent(f"A{number:03d}", name, contract, skills, availability=availability,
                                time_off=time_off, preferred_days_off=preferred, prefers=prefers,  # type: ignore[arg-type]
                                recent_weekends_worked=int(rng.choice([0, 1, 1, 2, 2, 3]))))
    return tuple(people)


def build_scenario(days: int, name: str, time_limit_seconds: float) -> Scenario:
    """The sample scenario over ``days`` days from Monday 5 January 2026."""
    for length, rules in BREAKS_BY_LENGTH.items():
        check_break_windows(length, rules)
    templates, breaks = shift_templates()
    groups = tuple(StaffingGroup(c.name, c.name, tuple(s.name for s in SEGMENTS)) for c in CHANNELS)
    settings = Settings(start_date=START, days=days, interval_minutes=15, timezone="Europe/London",
                        solver_time_limit_seconds=time_limit_seconds, solver_gap=0.01,
                        currency="USD")
    return Scenario(name=name, settings=settings, channels=CHANNELS, segments=SEGMENTS,
                    forecast=forecast(days), deflections=DEFLECTIONS, staffing_groups=groups,
                    shift_templates=templates, break_rules=breaks,
                    mix=MixSettings(experience_cost_per_unwanted_contact=2.0, grid_step=0.05),
                    contracts=contracts(), agents=agents())


def capacity_inputs(days: int) -> CapacityInputs:
    """Capacity sheets of a sample (issue 12). The week sample plans 52 weeks with a seasonal peak
    (weeks 44–51, up to +30 %), a self-service rollout (voice and chat, 0 → 15 % of contacts over
    weeks 14–26) and a summer shrinkage season; the day sample 26 weeks of 0.3 % weekly growth."""
    weekly = days == 7
    settings = CapacitySettings(first_week=START, weeks=52 if weekly else 26, growth_per_week=0.003,
                                volume_cv=0.06, attrition_cv=0.3, scenarios=50 if weekly else 20, seed=12,
                                shortfall_penalty_per_fte_week=6000.0)
    buckets = (TenureBucket("0-12 weeks", 12, 0.012), TenureBucket("13-52 weeks", 52, 0.006),
               TenureBucket("tenured", None, 0.003))
    # Today's people are the named agents (planner.capacity.people): the Headcount rows give only
    # their tenure split and must agree with the Agents sheet's FTE per group.
    people = people_today(agents(), contracts(), [c.name for c in CHANNELS],
                          settings.paid_hours_per_fte_week).fte_by_group
    headcount = tuple(Headcount(g, b.name, round(n * share, 1)) for g, n in people.items()
                      for b, share in zip(buckets, (0.1, 0.3, 0.6), strict=True))
    wages = {"voice": 24.0, "chat": 22.0, "email": 20.0}
    groups = tuple(CapacityGroup(g, wage_per_hour=w, overtime_cost_per_hour=1.5 * w,
                                 max_overtime_hours_per_agent_week=5.0, max_vto_hours_per_agent_week=4.0,
                                 trainer_seats=24) for g, w in wages.items())
    classes = tuple(HireClass(g, f"{g} academy", lead_weeks=4, training_weeks=3, nesting_weeks=6,
                              nesting_start_proficiency=0.5,
                              start_weeks=tuple(range(5, settings.weeks - 3, 2)),
                              min_size=4, max_size=16, cost_per_hire=3500.0) for g in people)
    rows = []
    if weekly:
        base = forecast(7).groupby("channel")["contacts"].sum()
        for w in range(1, settings.weeks + 1):
            peak = 1.0 + 0.30 * max(0.0, 1.0 - abs(w - 48) / 4.0)
            for channel in ("voice", "chat", "email"):
                ramp = min(max((w - 14) / 12.0, 0.0), 1.0) * 0.15 if channel != "email" else 0.0
                rows.append({"week_start": settings.week_start(w), "channel": channel, "segment": "",
                             "contacts": round(float(base[channel]) * 1.003 ** (w - 1) * peak),
                             "aht_seconds": None, "self_service_share": round(ramp, 4),
                             "shrinkage": 0.26 if 27 <= w <= 35 else None})
    return CapacityInputs(settings=settings, tenure_buckets=buckets, headcount=headcount,
                          hire_classes=classes, groups=groups, weeks=week_frame(rows) if rows else None)


def add_capacity_sheets(path: Path, days: int) -> None:
    """Append the capacity sheets of :func:`capacity_inputs` to a written sample workbook."""
    book = load_workbook(path)
    write_capacity_sheets(book, capacity_inputs(days))
    book.save(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for days, stem, limit in ((7, "contact_center_week", 50.0), (1, "contact_center_day", 20.0)):
        scenario = build_scenario(days, stem.replace("_", " "), limit)
        path = args.out / f"{stem}.xlsx"
        write_scenario(scenario, path)
        add_capacity_sheets(path, days)
        print(f"wrote {path} ({len(scenario.forecast)} forecast rows, "
              f"{scenario.forecast['contacts'].sum():.0f} contacts)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
