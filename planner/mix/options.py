"""How the mix search runs: :class:`SearchOptions` (table method, search method, limits)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TableMethod = Literal["boxes", "every"]
SearchMethod = Literal["auto", "branch"]


@dataclass(frozen=True)
class SearchOptions:
    """Options of the exact grid search (every choice gives the same grid minimum).

    Attributes
    ----------
    table : {"boxes", "every"}
        How a voice/chat group's table is filled: ``"boxes"`` settles whole rectangles of
        (contacts, handle time) points at once where their two bounding staffing levels agree
        (:func:`planner.mix.rectangles.required_by_rectangles`, exact by the monotonicity the
        branch-and-bound rests on); ``"every"`` evaluates every combination (tests compare them).
    search : {"auto", "branch"}
        ``"auto"``: enumerate a component when its group tables fit, else branch-and-bound;
        ``"branch"`` forces branch-and-bound (tests compare the two; both are exact).
    branch_time_limit_seconds : float
        Wall-clock limit of one component's branch-and-bound, seconds; when reached, the best
        combination found is returned and ``summary["proved_optimal"]`` is 0.
    enum_combination_limit : int
        Largest component (product of grid sizes) that is enumerated outright.
    group_table_cell_limit : int
        Largest group table (scope combinations × intervals) tabulated outright.
    """

    table: TableMethod = "boxes"
    search: SearchMethod = "auto"
    branch_time_limit_seconds: float = 120.0
    enum_combination_limit: int = 2_000_000
    group_table_cell_limit: int = 50_000_000

    def __post_init__(self) -> None:
        if self.table not in ("boxes", "every"):
            raise ValueError(f"table must be 'boxes' or 'every', got {self.table!r}")
        if self.search not in ("auto", "branch"):
            raise ValueError(f"search must be 'auto' or 'branch', got {self.search!r}")
        if not self.branch_time_limit_seconds >= 0:
            raise ValueError("branch_time_limit_seconds must be ≥ 0, got "
                             f"{self.branch_time_limit_seconds!r}")
        for name in ("enum_combination_limit", "group_table_cell_limit"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be ≥ 1, got {getattr(self, name)!r}")
