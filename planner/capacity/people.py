"""Today's people of a capacity plan from the ``Agents`` sheet (the named roster of issue 11).

When the scenario has named agents, the capacity plan starts from them, not from a typed head
count: the ``Agents`` sheet is the one list of who works here today, the same people the weekly
roster is made of. The rules (also in ``sample_inputs/README.md``):

* **FTE of one agent** = the contract's ``max_hours_per_week`` ÷ ``paid_hours_per_fte_week``
  (a 20–30 h part-timer on 40 h FTE weeks is 0.75 FTE). The contract's maximum is the hours the
  person may be scheduled without overtime, and the capacity model's overtime is the hours above
  that (its overtime cap is per agent-week on top of the contract).
* **Multi-skilled agents** are split equally over the staffing groups they are skilled for (a
  voice + chat agent is ½ of their FTE in voice and ½ in chat), so the groups' FTE add up to the
  people's FTE and nobody is counted twice. The roster of the week decides per week which group
  each person works; a capacity plan months ahead plans the shared pool by equal shares.
* **Tenure**: the ``Agents`` sheet has no hire dates. The ``Headcount`` rows of a group, when
  given, supply its tenure split (their shares of the group's total); without rows a group's
  agents count as tenured (the last, open-ended tenure bucket).
* **Contradiction**: a group whose ``Headcount`` rows total more than
  :data:`HEADCOUNT_TOLERANCE_FTE` away from its agents' FTE is a located problem (at the group's
  last ``Headcount`` fte cell): the sheet and the roster disagree on who exists, and the planner
  must say which is right (fix the rows, or delete them to take the agents as tenured).

Without agents the ``Headcount`` sheet is today's people, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from planner.people import Agent, Contract
from planner.types import Problem

HEADCOUNT_TOLERANCE_FTE: float = 0.5
"""Most a group's ``Headcount`` total may differ from its agents' FTE, FTE (half a person: the
rounding of a tenure split to one decimal per bucket stays well inside it)."""

PEOPLE_COLUMNS: tuple[str, ...] = ("group", "contract", "agents", "multi_skilled_agents", "fte")
"""Columns of :attr:`PeopleToday.table`: staffing group, contract, agents skilled for the group
with that contract (a multi-skilled agent is listed in each of their groups), of them skilled for
more than one group, and the FTE the group gets from them (multi-skilled agents split equally)."""


class _HeadcountRow(Protocol):
    group: str
    tenure_bucket: str
    fte: float


def agent_fte(contract: Contract, paid_hours_per_fte_week: float) -> float:
    """FTE of one agent on ``contract``: ``max_hours_per_week / paid_hours_per_fte_week``.

    Parameters
    ----------
    contract : Contract
        The agent's contract (paid hours per week, h).
    paid_hours_per_fte_week : float
        Paid hours of one FTE per week, h (> 0).

    Returns
    -------
    float
        Full-time equivalents, ≥ 0 (above 1 when the contract allows more than an FTE week).
    """
    if not paid_hours_per_fte_week > 0:
        raise ValueError(f"paid_hours_per_fte_week must be > 0, got {paid_hours_per_fte_week!r}")
    return float(contract.max_hours_per_week) / float(paid_hours_per_fte_week)


@dataclass(frozen=True, eq=False)
class PeopleToday:
    """Today's people per staffing group, from the named agents.

    Parameters
    ----------
    table : pandas.DataFrame
        :data:`PEOPLE_COLUMNS`, one row per (group, contract) with agents.
    fte_by_group : dict of str to float
        FTE per staffing group (every group of the scenario, 0 without agents), FTE.
    agents : int
        People on the ``Agents`` sheet.
    multi_skilled : int
        Of them skilled for more than one group.
    paid_hours_per_fte_week : float
        The FTE week the hours were divided by, h.
    """

    table: pd.DataFrame
    fte_by_group: dict[str, float]
    agents: int
    multi_skilled: int
    paid_hours_per_fte_week: float

    @property
    def total_fte(self) -> float:
        """FTE of all agents (the sum over groups: nobody counted twice), FTE."""
        return float(sum(self.fte_by_group.values()))

    def source_text(self, tenure_from_headcount: Sequence[str] = ()) -> str:
        """Where the plan's people today come from, in planner words."""
        split = (f"tenure split from the Headcount sheet for {', '.join(tenure_from_headcount)}"
                 + ("; other groups tenured" if len(tenure_from_headcount) < len(self.fte_by_group) else "")
                 if tenure_from_headcount else "all counted as tenured (no Headcount rows)")
        shared = (f"; {self.multi_skilled} multi-skilled agent(s) split equally over their groups"
                  if self.multi_skilled else "")
        return (f"Agents sheet: {self.agents} agents = {self.total_fte:.1f} FTE (contract maximum hours "
                f"÷ {self.paid_hours_per_fte_week:g} h per FTE{shared}); {split}")


def people_today(
    agents: Sequence[Agent],
    contracts: Sequence[Contract],
    groups: Sequence[str],
    paid_hours_per_fte_week: float,
) -> PeopleToday:
    """Today's FTE per staffing group from the named agents (rules: the module docstring).

    Parameters
    ----------
    agents : sequence of Agent
        The ``Agents`` sheet (contracts and groups already cross-checked by the reader).
    contracts : sequence of Contract
    groups : sequence of str
        The scenario's staffing groups, in order.
    paid_hours_per_fte_week : float
        Paid hours of one FTE per week, h.

    Returns
    -------
    PeopleToday
    """
    by_name = {c.name: c for c in contracts}
    fte = {g: 0.0 for g in groups}
    rows: dict[tuple[str, str], list[float]] = {}
    multi = 0
    for agent in agents:
        contract = by_name.get(agent.contract)
        skills = [g for g in dict.fromkeys(agent.groups) if g in fte]
        if contract is None or not skills:
            continue  # the reader reports unknown contracts and groups at their cells
        multi += len(skills) > 1
        share = agent_fte(contract, paid_hours_per_fte_week) / len(skills)
        for group in skills:
            fte[group] += share
            row = rows.setdefault((group, contract.name), [0.0, 0.0, 0.0])
            row[0] += 1
            row[1] += len(skills) > 1
            row[2] += share
    order = {g: i for i, g in enumerate(groups)}
    table = pd.DataFrame(
        [(g, c, int(a), int(m), round(f, 9)) for (g, c), (a, m, f) in sorted(rows.items(), key=lambda kv: (
            order[kv[0][0]], kv[0][1]))],
        columns=list(PEOPLE_COLUMNS),
    )
    return PeopleToday(table=table, fte_by_group=fte, agents=len(agents), multi_skilled=multi,
                       paid_hours_per_fte_week=float(paid_hours_per_fte_week))


def headcount_problems(headcount: Sequence[_HeadcountRow], people: PeopleToday) -> list[Problem]:
    """Groups whose ``Headcount`` rows contradict the agents' FTE, located ``headcount[i].fte``
    (the group's last row), with both totals and what is allowed."""
    problems: list[Problem] = []
    last: dict[str, int] = {}
    total: dict[str, float] = {}
    for i, row in enumerate(headcount):
        last[row.group] = i
        total[row.group] = total.get(row.group, 0.0) + float(row.fte)
    for group, index in last.items():
        if group not in people.fte_by_group:
            continue  # an unknown group is its own problem
        agents_fte = people.fte_by_group[group]
        if abs(total[group] - agents_fte) > HEADCOUNT_TOLERANCE_FTE:
            skilled = int(people.table.loc[people.table["group"] == group, "agents"].sum())
            problems.append(Problem(
                "fte",
                f"contradicts the Agents sheet: the Headcount rows of {group!r} total {total[group]:.1f} "
                f"FTE, but {skilled} agent(s) are skilled for {group!r} = {agents_fte:.1f} FTE (contract "
                f"maximum hours ÷ {people.paid_hours_per_fte_week:g} h; multi-skilled agents split "
                f"equally); allowed: "
                f"rows totalling {agents_fte:.1f} ± {HEADCOUNT_TOLERANCE_FTE:g} FTE (they give the tenure "
                f"split), or no Headcount rows for {group!r} (its agents count as tenured)",
                f"headcount[{index}].fte",
            ))
    return problems


def starting_headcount(
    headcount: Sequence[_HeadcountRow], last_bucket: str, people: PeopleToday
) -> tuple[list[tuple[str, str, float]], list[str]]:
    """(group, tenure bucket, FTE) of today's people from the agents, and the groups whose tenure
    split came from ``headcount``.

    A group's FTE is its agents' FTE; with ``Headcount`` rows it is split in their proportions
    (``fte_b = agents_fte × row_b / Σ rows``), else it all goes to ``last_bucket`` (tenured).
    """
    rows: list[tuple[str, str, float]] = []
    split_from: list[str] = []
    for group, agents_fte in people.fte_by_group.items():
        own = [r for r in headcount if r.group == group]
        typed = sum(float(r.fte) for r in own)
        if own and typed > 0:
            split_from.append(group)
            rows.extend((group, r.tenure_bucket, agents_fte * float(r.fte) / typed) for r in own)
        elif agents_fte > 0:
            rows.append((group, last_bucket, agents_fte))
    return rows, split_from
