"""Result frames and the typed result of a schedule (column names of the frames)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from planner.solver import SolveResult

SHIFT_COLUMNS = ("agent", "group", "template", "start", "end", "paid_hours", "cost")
ACTIVITY_COLUMNS = ("agent", "group", "activity", "start", "end", "paid")
COVERAGE_COLUMNS = ("interval_start", "group", "required", "on_shift", "on_break", "working", "short",
                    "over")

WELLBEING_COLUMNS = ("agent", "group", "template", "breaks_taken", "breaks_required",
                     "longest_stretch_minutes", "max_stretch_allowed_minutes", "min_gap_minutes",
                     "rule_ok")


@dataclass(frozen=True)
class ScheduleResult:
    """A solved schedule: shifts, breaks, coverage and well-being frames; all times naive local Timestamps."""

    solve: SolveResult
    per_group: dict[str, SolveResult]
    shifts: pd.DataFrame
    activities: pd.DataFrame
    coverage: pd.DataFrame
    wellbeing: pd.DataFrame
    explanations: list[str]
    model_size: dict[str, int]
