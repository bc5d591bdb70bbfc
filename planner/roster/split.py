"""Split a solved tour model's counts into concrete tours with shift starts and break times.

For each (template, band, day) the linking row says: the tours of that band working the day equal
the shifts starting in the band that day. So the day's start units (each with a rule-abiding
break placement from :func:`planner.scheduling.agent_breaks`, which realises the solved break
counts exactly) are handed out one to one to those tours — in the same tour order every day, so a
tour takes the k-th earliest start of its band each day and its starts stay close. Nothing is
rounded away: the number of shifts and breaks of the split tours equals the model's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.roster.model import TourModel, solved_tour_counts
from planner.scheduling import agent_breaks
from planner.scheduling.model import _count
from planner.shifts import TemplatePlan


@dataclass
class ConcreteTour:
    """One person-week of a group: per working day its start interval and break offsets."""

    group: str
    profile: int
    tour_class: int
    plan: TemplatePlan
    shifts: dict[int, tuple[int, list[int | None]]] = field(default_factory=dict)


@dataclass(frozen=True)
class SplitResult:
    tours: list[ConcreteTour]
    unmatched_starts: int
    empty_days: int


def split_tours(model: TourModel) -> SplitResult:
    """Concrete tours of a solved :class:`~planner.roster.model.TourModel` (module docstring).

    Returns
    -------
    SplitResult
        The tours, and — only if the solve was not integral — how many start units found no tour
        (``unmatched_starts``) and how many tour-days found no start (``empty_days``); both 0 for an
        integral solution.
    """
    base = model.base
    counts = solved_tour_counts(model)
    tours: list[ConcreteTour] = []
    working: dict[tuple[int, int, int], list[ConcreteTour]] = {}
    for k in sorted(
        counts,
        key=lambda k: (
            model.classes[k].template,
            model.classes[k].band,
            model.classes[k].days,
            model.classes[k].profile,
        ),
    ):
        tour_class = model.classes[k]
        for _ in range(counts[k]):
            tour = ConcreteTour(
                group=base.group,
                profile=tour_class.profile,
                tour_class=k,
                plan=base.plans[tour_class.template],
            )
            tours.append(tour)
            for d in tour_class.days:
                working.setdefault((tour_class.template, tour_class.band, d), []).append(tour)
    units: dict[tuple[int, int, int], list[tuple[int, list[int | None]]]] = {}
    for (t, s), key in sorted(model.start_key.items(), key=lambda item: item[0][1]):
        agents = _count(base.x[(t, s)])
        if not agents:
            continue
        plan = base.plans[t]
        breaks = [
            {p: _count(base.y[(t, s, j, p)]) for p in a.positions} for j, a in enumerate(plan.activities)
        ]
        skips = [_count(base.skip.get((t, s, j))) for j in range(len(plan.activities))]
        for offsets in agent_breaks(plan, breaks, skips, agents):
            units.setdefault(key, []).append((s, offsets))
    unmatched = empty = 0
    for key in set(working) | set(units):
        day_tours, day_units = working.get(key, []), units.get(key, [])
        for tour, unit in zip(day_tours, day_units, strict=False):
            tour.shifts[key[2]] = unit
        unmatched += max(len(day_units) - len(day_tours), 0)
        empty += max(len(day_tours) - len(day_units), 0)
    return SplitResult(tours=tours, unmatched_starts=unmatched, empty_days=empty)
