"""Synthetic queues for the simulation tests: one group on a staffing curve, no schedule needed."""

from __future__ import annotations

import math

import numpy as np

from planner.simulation.agents import cells_from_staffing
from planner.simulation.inputs import AgentCells, GroupInputs

INTERVAL_SECONDS = 900.0


def queue_group(contacts: np.ndarray | list[float], staffing: np.ndarray | list[int], aht_seconds: float,
                *, patience_seconds: float = math.inf, answer_seconds: float = 20.0, slots: int = 1,
                kind: str = "voice", cells: AgentCells | None = None,
                shrinkage: float = 0.0) -> GroupInputs:
    """A voice (or chat) group with the given contacts and agents per 15-minute interval."""
    contacts = np.asarray(contacts, dtype=float)
    n_t = contacts.size
    return GroupInputs(
        group="g", channel=kind, kind=kind, interval_seconds=INTERVAL_SECONDS, contacts=contacts,
        handle_seconds=np.full(n_t, float(aht_seconds)), patience_seconds=patience_seconds,
        answer_seconds=answer_seconds, definition="offered", slots=slots,
        shrinkage=np.full(n_t, shrinkage), is_open=np.ones(n_t, dtype=bool), response_seconds=math.nan,
        agents=cells if cells is not None else cells_from_staffing(np.asarray(staffing)))


def period_cells(staffing: list[int]) -> AgentCells:
    """Fresh servers at every change of the staffing level (ciw's ``Schedule`` semantics).

    At each change ciw takes every server off duty (a busy one finishes its customer) and starts
    the new number of servers; here each constant-staffing period gets its own shift rows.
    """
    rows_first, rows_last = [], []
    start = 0
    for t in range(1, len(staffing) + 1):
        if t == len(staffing) or staffing[t] != staffing[start]:
            rows_first += [start] * staffing[start]
            rows_last += [t] * staffing[start]
            start = t
    first, last = np.array(rows_first, dtype=np.int64), np.array(rows_last, dtype=np.int64)
    lengths = last - first
    cell_row = np.repeat(np.arange(first.size, dtype=np.int64), lengths)
    offsets = np.arange(cell_row.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return AgentCells(agent=np.array([f"A{k}" for k in range(first.size)], dtype=object), first=first,
                      last=last, cell_row=cell_row, cell_interval=np.repeat(first, lengths) + offsets,
                      cell_break=np.zeros(cell_row.size, dtype=bool),
                      cell_break_left=np.zeros(cell_row.size, dtype=np.int64))
