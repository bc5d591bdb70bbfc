"""Chat sessions: an agent holds up to ``concurrency`` sessions, each a server slot.

The simulator uses exactly the analytic model of :mod:`planner.queueing` ("Chat concurrency"):
every agent is ``c`` slots, any free slot of any agent on duty takes the next chat, and a session
lasts ``AHT(c) = AHT(1) (1 + δ (c − 1))`` — taken from
:func:`planner.queueing.chat_handle_time_seconds`, not restated here. A slot is a server of the
event engine with its agent's stretches; when the agent's break comes, each slot finishes its
session, the break starts when the last of them ends and all the agent's slots return together
after it (:mod:`planner.simulation.engine`).
"""

from __future__ import annotations

import numpy as np

from planner import queueing


def session_handle_seconds(aht_seconds: np.ndarray, concurrency: int, slowdown: float) -> np.ndarray:
    """Mean session handle time at ``concurrency`` sessions per agent, seconds.

    See :func:`planner.queueing.chat_handle_time_seconds` (Tezcan & Zhang 2014; Luo & Zhang 2013).
    """
    return np.asarray(queueing.chat_handle_time_seconds(aht_seconds, concurrency, slowdown), dtype=float)


def agent_lateness(slot_lateness: np.ndarray, base: np.ndarray, stretches: int) -> np.ndarray:
    """Lateness per agent-level stretch: the latest of its slots' overruns, seconds.

    Parameters
    ----------
    slot_lateness : numpy.ndarray, shape (S·c,)
        Overrun of each slot stretch past its end (0 when on time).
    base : numpy.ndarray of int64, shape (S·c,)
        Agent-level stretch of each slot copy.
    stretches : int
        Agent-level stretches S.
    """
    out = np.zeros(stretches)
    np.maximum.at(out, base, slot_lateness)
    return out
