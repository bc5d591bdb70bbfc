"""The one seam between the planner and a MILP backend.

Everything that knows PuLP's solver classes, their options and their quirks lives here; the
models in :mod:`planner.scheduling` only build a :class:`pulp.LpProblem` and call :func:`solve`.

Backends
--------
``"highs"``
    HiGHS (Huangfu & Hall 2018) in-process through ``highspy`` (PuLP's ``HiGHS`` class). The
    best bound is read from HiGHS' own ``mip_dual_bound`` (``Highs.getInfo()``), so the reported gap
    is the solver's proven gap.
``"cbc"``
    COIN-OR CBC through PuLP's bundled binary, driven by ``COIN_CMD`` (``PULP_CBC_CMD`` is deprecated
    in PuLP 3.x and would raise a ``DeprecationWarning``). CBC writes no bound to its solution file;
    we parse the last ``best possible`` (or ``Lower bound:``) figure from its log. When the log has
    none (e.g. the root LP was already integral) the bound is the objective of an optimal solve,
    and otherwise the LP relaxation solved by CBC — a valid but weaker bound.

For a linear program (no integer column) solved by HiGHS the row duals are written to each
constraint's ``pi`` (the capacity plan's shadow prices read them).

A MIP start (``solve(..., start={variable: value})``, e.g. a previous plan mapped onto a new model
by :mod:`planner.scheduling.warm_start`) is given to HiGHS through highspy's own
``Highs.setSolution`` after our completion step (see :func:`_solve_highs`), not through PuLP: in
PuLP 3.3 only ``HiGHS_CMD`` (the executable) takes ``warmStart``, the in-process ``HiGHS`` class does
not. The start is an explicit mapping rather than values left on the variables, so a model solved
twice does not silently start from its own last answer.

The default backend is HiGHS (with the LP + RENS start below), chosen by
``benchmarks/bench_scheduling.py`` part (a) (the week sample with breaks, 3 groups, ~37 600 columns,
each group in seven day-parts, 50 s per group, 2026-11-24): HiGHS 55.4 s to 0.60 % above the best
bound, CBC 53.4 s to 0.70 % (objectives 96,314 and 96,431; both spend nearly all their time on
the e-mail group, HiGHS 1.40 % there, CBC 1.78 %). Earlier, on the week as one model per group,
HiGHS reached 1.26 % in 59.5 s against CBC's 1.10 % in 89.1 s.
"""

from __future__ import annotations

import math
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pulp

from planner.types import Settings


class SolveStatus(StrEnum):
    """Outcome of one solve."""

    optimal = "optimal"
    feasible = "feasible"  # a solution with a (possibly non-zero) gap, e.g. stopped at the time limit
    infeasible = "infeasible"
    time_limit_no_solution = "time_limit_no_solution"
    error = "error"


@dataclass(frozen=True)
class SolveResult:
    """Typed result of one MILP solve.

    Parameters
    ----------
    status : SolveStatus
        ``optimal`` (proved within the requested relative gap), ``feasible`` (a solution, gap open),
        ``infeasible``, ``time_limit_no_solution`` or ``error``.
    objective : float
        Objective value of the returned solution (NaN without one), currency units.
    best_bound : float
        Best proven lower bound on the optimum (minimisation), currency units (NaN if unknown).
    gap : float
        Relative gap ``(objective - best_bound) / max(|objective|, 1e-9)`` (NaN if unknown).
    seconds : float
        Wall-clock seconds of the solve (building the solver's model included).
    message : str
        The backend's own status words, for the log.
    start_objective : float
        With a warm start (``solve(..., start=...)``): the objective of the start once completed
        (the given integer values fixed, the rest solved), currency units; NaN when no start was
        given or it could not be completed (the message then says why).
    """

    status: SolveStatus
    objective: float
    best_bound: float
    gap: float
    seconds: float
    message: str = ""
    start_objective: float = math.nan

    @property
    def has_solution(self) -> bool:
        return self.status in (SolveStatus.optimal, SolveStatus.feasible)


def relative_gap(objective: float, best_bound: float) -> float:
    """Relative optimality gap of a minimisation, as HiGHS reports it.

    ``gap = (objective - best_bound) / max(|objective|, 1e-9)``, clipped at 0 (HiGHS user guide,
    "mip_rel_gap"). NaN when either figure is not finite.
    """
    if not (math.isfinite(objective) and math.isfinite(best_bound)):
        return math.nan
    return max(0.0, (objective - best_bound) / max(abs(objective), 1e-9))


def combine(results: list[SolveResult], rel_gap: float | None = None) -> SolveResult:
    """One result for independent sub-problems solved one after another.

    Objective and bound add up (the sub-problems share no variable), seconds add up, and the
    status is the worst one (error < no solution < infeasible < feasible < optimal) — except that
    with ``rel_gap`` given, sub-problems that all have a solution are ``optimal`` together when the
    summed objective is within ``rel_gap`` of the summed bound (what "optimal" means here: proved
    within the requested gap), even if a small one alone is not. The warm starts' objectives add
    up when every sub-problem had one (else NaN).
    """
    if not results:
        return SolveResult(SolveStatus.optimal, 0.0, 0.0, 0.0, 0.0, "nothing to solve")
    order = [SolveStatus.error, SolveStatus.time_limit_no_solution, SolveStatus.infeasible,
             SolveStatus.feasible, SolveStatus.optimal]
    status = min((r.status for r in results), key=order.index)
    objective = math.fsum(r.objective for r in results)
    bound = math.fsum(r.best_bound for r in results)
    gap = relative_gap(objective, bound)
    if (rel_gap is not None and status == SolveStatus.feasible and math.isfinite(gap) and gap <= rel_gap
            and all(r.has_solution for r in results)):
        status = SolveStatus.optimal
    starts = [r.start_objective for r in results]
    return SolveResult(status, objective, bound, gap,
                       math.fsum(r.seconds for r in results),
                       "; ".join(r.message for r in results if r.message),
                       math.fsum(starts) if all(math.isfinite(v) for v in starts) else math.nan)


def solve(problem: pulp.LpProblem, settings: Settings, *, solver: str | None = None,
          time_limit_seconds: float | None = None, gap: float | None = None,
          msg: bool = False, start: Mapping[pulp.LpVariable, float] | None = None) -> SolveResult:
    """Solve ``problem`` (a minimisation) with the backend chosen in ``settings``.

    Parameters
    ----------
    problem : pulp.LpProblem
        The model; variable values are set on it afterwards (``var.value()``).
    settings : Settings
        ``solver``, ``solver_time_limit_seconds`` (s), ``solver_gap`` (relative), ``solver_threads``.
    solver, time_limit_seconds, gap : optional overrides of the settings.
    msg : bool
        Let the backend print its log.
    start : mapping of pulp.LpVariable to float, optional
        A MIP start (e.g. the previous plan of the same scenario mapped onto this model): values
        of some or all *integer* variables. It need not be complete or feasible as given: the
        given integer values are rounded into their bounds and fixed, the rest of the model is
        solved for them (completion), and the completed start is the first incumbent (see
        :func:`_solve_highs`). Variables of other problems are ignored. HiGHS only; CBC ignores it
        (the message says so).

    Returns
    -------
    SolveResult
        With a start, :attr:`SolveResult.start_objective` is the completed start's objective and
        the returned objective is never worse than it.
    """
    name = solver or settings.solver
    limit = float(time_limit_seconds if time_limit_seconds is not None
                  else settings.solver_time_limit_seconds)
    rel_gap = float(gap if gap is not None else settings.solver_gap)
    if name == "highs":
        return _solve_highs(problem, limit, rel_gap, settings.solver_threads, msg, start)
    if name == "cbc":
        result = _solve_cbc(problem, limit, rel_gap, settings.solver_threads, msg)
        if start:
            from dataclasses import replace

            result = replace(result, message=f"{result.message}; warm start not used (CBC)")
        return result
    raise ValueError(f"solver must be 'highs' or 'cbc', got {name!r}")


def _constraints_of(problem: pulp.LpProblem) -> list[pulp.LpConstraint]:
    """The problem's constraints in row order: PuLP 3.x deprecates the ``constraints`` mapping and
    4.x makes it a method returning a list; the ordered store ``_constraints`` (what PuLP's own HiGHS
    interface reads) exists in both."""
    return list(problem._constraints.values())


def _is_mip(problem: pulp.LpProblem) -> bool:
    return any(v.cat == pulp.LpInteger for v in problem.variables())


@contextmanager
def _quiet_stdout(*, enabled: bool) -> Iterator[None]:
    """Send file descriptor 1 to the null device for a moment (HiGHS' C++ banner ignores
    ``output_flag``, which can only be set after construction)."""
    if not enabled:
        yield
        return
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no real stdout (e.g. a service without one): nothing to silence
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _solve_highs(problem: pulp.LpProblem, limit: float, rel_gap: float, threads: int,
                 msg: bool, start: Mapping[pulp.LpVariable, float] | None = None) -> SolveResult:
    """HiGHS, with an LP-guided start for integer programs (and a warm start when given).

    A plain branch-and-bound run spends most of a one-minute budget on the root of a week-long
    schedule (tens of thousands of integer columns) and returns a poor incumbent. So, for a MIP:

    1. solve the LP relaxation (dual simplex) — its optimum is a valid lower bound;
    2. RENS (Berthold 2014, "RENS — the optimal rounding", Math. Prog. Comp. 6(1)): fix every
       integer column whose LP value is integral and bound the others by floor/ceil of their LP
       value, and solve that much smaller MIP — an incumbent near the LP optimum; if that box is
       too tight (e.g. a hard-coverage penalty makes one uncovered interval cost 10 % of the
       objective), again with the box widened by ±1 on the columns the LP uses;
    3. if the incumbent is not yet within ``rel_gap`` of the LP bound: for models of up to
       :data:`_FULL_SEARCH_MAX_INTEGERS` integer columns, solve the full MIP from that incumbent
       with the remaining time (best bound = the larger of the LP bound and HiGHS'
       ``mip_dual_bound``); for larger ones, one more RENS box widened by ±2, and the best bound
       is the LP bound.

    With a warm ``start`` (values of integer columns, e.g. the previous plan's shift starts), before
    step 1: 0. *completion* — the given columns are fixed at their values (rounded into their
    bounds) and the model is solved for the others (:data:`_START_SHARE` of the time), which repairs
    a start that is incomplete (breaks, slacks) or off (a requirement that moved: the shortfall
    slack absorbs it). The completed start is the first incumbent; when it is already within
    ``rel_gap`` of the LP bound the solve ends there. Otherwise step 2 first searches the box
    spanned by the start and the LP optimum (every integer column between its start value and the
    floor/ceil of its LP value) from the start — a neighbourhood that holds both, in the spirit of
    RINS (Danna, Rothberg & Le Pape 2005, "Exploring relaxation induced neighborhoods to improve
    MIP solutions", Math. Prog. 102(1)) — then the RENS boxes. The result is never worse than the
    completed start (its objective is :attr:`SolveResult.start_objective`).

    The status is ``optimal`` when the incumbent is proved within ``rel_gap`` of the bound
    (HiGHS' own meaning of optimal under ``mip_rel_gap``).
    """
    import highspy
    import numpy as np

    started = time.perf_counter()
    backend = pulp.HiGHS(msg=msg, threads=threads)
    try:
        with _quiet_stdout(enabled=not msg):  # highspy prints a banner when a Highs() is made
            backend.createAndConfigureSolver(problem)
        backend.buildSolverModel(problem)
        highs = problem.solverModel
        if not _is_mip(problem):
            highs.setOptionValue("time_limit", limit)
            highs.run()
            return _highs_result(problem, highs, started, math.nan, None, rel_gap)
        columns = highs.getLp()
        count = columns.num_col_
        lower = np.asarray(columns.col_lower_, dtype=float)
        upper = np.asarray(columns.col_upper_, dtype=float)
        integer = np.asarray([int(k) == 1 for k in columns.integrality_], dtype=bool)
        index = np.arange(count, dtype=np.int32)

        def remaining() -> float:
            return max(limit - (time.perf_counter() - started), 0.01)

        deadline = started + limit

        def stop_at_deadline(event: object) -> None:
            # HiGHS' own time_limit is not checked everywhere (root cut loop, sub-MIPs); the
            # interrupt callback keeps the wall-clock limit of the settings.
            if time.perf_counter() > deadline:
                event.interrupt()  # type: ignore[attr-defined]

        highs.cbMipInterrupt.subscribe(stop_at_deadline)
        highs.cbSimplexInterrupt.subscribe(stop_at_deadline)

        def offer(values: list[float]) -> None:
            solution = highspy.HighsSolution()
            solution.col_value = values
            solution.value_valid = True
            highs.setSolution(solution)

        incumbent: list[float] | None = None
        best = math.inf
        started_from: np.ndarray | None = None
        warm = _WarmStart()
        if start:
            columns_given, values_given = _start_columns(problem, start, lower, upper, integer)
            warm.given = int(columns_given.size)
            if columns_given.size:
                low, high = lower.copy(), upper.copy()
                low[columns_given] = values_given
                high[columns_given] = values_given
                highs.changeColsBounds(count, index, low, high)
                highs.setOptionValue("time_limit", remaining() * _START_SHARE)
                highs.setOptionValue("mip_rel_gap", rel_gap / 2)
                highs.run()
                info = highs.getInfo()
                if info.primal_solution_status == 2:
                    best = warm.objective = float(info.objective_function_value)
                    incumbent = list(highs.getSolution().col_value)
                    started_from = np.asarray(incumbent, dtype=float)
                highs.changeColsBounds(count, index, lower, upper)

        def finish(result: SolveResult) -> SolveResult:
            return warm.onto(result)

        highs.setOptionValue("solve_relaxation", True)
        highs.setOptionValue("time_limit", remaining() * 0.5)
        highs.run()
        highs.setOptionValue("solve_relaxation", False)
        lp_bound = math.nan
        if highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            lp_bound = float(highs.getInfo().objective_function_value)
            if incumbent is not None and relative_gap(best, lp_bound) <= rel_gap:
                # HiGHS holds the (fractional) LP optimum now: the answer is the completed start
                return finish(_highs_result(problem, highs, started, lp_bound, incumbent, rel_gap,
                                            restricted=True, incumbent_objective=best,
                                            incumbent_only=True))
            relaxed = np.asarray(highs.getSolution().col_value, dtype=float)
            floor = np.floor(relaxed + 1e-6)
            ceil = np.ceil(relaxed - 1e-6)
            support = relaxed > 1e-6
            full_search = int(integer.sum()) <= _FULL_SEARCH_MAX_INTEGERS
            boxes = [  # (lower, upper) of the integer columns and share of the time left, tight first
                (floor, ceil, 0.35),
                (np.where(support, floor - 1, floor), np.where(support, ceil + 1, ceil),
                 0.6 if full_search else 0.5),
            ]
            if not full_search:
                boxes.append((np.where(support, floor - 2, floor), np.where(support, ceil + 2, ceil), 0.9))
            if started_from is not None:  # the box spanned by the start and the LP optimum, first
                boxes.insert(0, (np.minimum(floor, np.round(started_from)),
                                 np.maximum(ceil, np.round(started_from)), 0.5))
            for number, (box_low, box_high, share) in enumerate(boxes):
                low, high = lower.copy(), upper.copy()
                low[integer] = np.clip(box_low[integer], lower[integer], upper[integer])
                high[integer] = np.clip(box_high[integer], low[integer], upper[integer])
                highs.changeColsBounds(count, index, low, high)
                highs.setOptionValue("time_limit", remaining() * share)
                highs.setOptionValue("mip_rel_gap", rel_gap / 2)
                if number == 0 and started_from is not None and incumbent is not None:
                    offer(incumbent)
                highs.run()
                info = highs.getInfo()
                if info.primal_solution_status == 2 and info.objective_function_value < best:
                    best = float(info.objective_function_value)
                    incumbent = list(highs.getSolution().col_value)
                    if relative_gap(best, lp_bound) <= rel_gap:
                        return finish(_highs_result(problem, highs, started, lp_bound, incumbent,
                                                    rel_gap, restricted=True, incumbent_objective=best))
            highs.changeColsBounds(count, index, lower, upper)
            if not full_search and incumbent is not None:
                return finish(_highs_result(problem, highs, started, lp_bound, incumbent, rel_gap,
                                            restricted=True, incumbent_objective=best))
        highs.setOptionValue("time_limit", remaining())
        highs.setOptionValue("mip_rel_gap", rel_gap)
        if incumbent is not None:
            offer(incumbent)
        highs.run()
        return finish(_highs_result(problem, highs, started, lp_bound, incumbent, rel_gap,
                                    incumbent_objective=best))
    except Exception as exc:  # the backend's own failure, reported as a typed result
        return SolveResult(SolveStatus.error, math.nan, math.nan, math.nan,
                           time.perf_counter() - started, f"HiGHS failed: {exc}")


_START_SHARE = 0.25
"""Share of the time limit the completion of a warm start may take (fixing the given integer
columns leaves a small model: the breaks of fixed shifts, the slacks)."""


@dataclass
class _WarmStart:
    """What became of a warm start: columns given, the completed start's objective."""

    given: int = 0
    objective: float = math.nan

    def onto(self, result: SolveResult) -> SolveResult:
        """``result`` with the start's objective and a word on it in the message."""
        from dataclasses import replace

        if not self.given:
            return result
        if math.isfinite(self.objective):
            note = (f"warm start of {self.given} column(s) accepted at {self.objective:,.2f}"
                    + (f", improved to {result.objective:,.2f}"
                       if result.objective < self.objective - 1e-9 else ""))
        else:
            note = f"warm start of {self.given} column(s) could not be completed in time; solved cold"
        return replace(result, start_objective=self.objective, message=f"{result.message}; {note}")


def _start_columns(problem: pulp.LpProblem, start: Mapping[pulp.LpVariable, float], lower: object,
                   upper: object, integer: object) -> tuple[object, object]:
    """Column indices and values (rounded into the bounds) of the start's integer variables."""
    import numpy as np

    mine = {id(v) for v in problem.variables()}
    columns, values = [], []
    for var, value in start.items():
        if id(var) not in mine or value is None or not math.isfinite(float(value)):
            continue
        column = int(var.index)
        if not integer[column]:  # type: ignore[index]
            continue
        columns.append(column)
        values.append(min(max(round(float(value)), lower[column]), upper[column]))  # type: ignore[index]
    return np.asarray(columns, dtype=np.int32), np.asarray(values, dtype=float)


def _highs_result(problem: pulp.LpProblem, highs: object, started: float, lp_bound: float,
                  incumbent: list[float] | None, rel_gap: float, *, restricted: bool = False,
                  incumbent_objective: float = math.inf, incumbent_only: bool = False) -> SolveResult:
    """Read HiGHS' answer, write the values onto the PuLP variables, return the typed result.

    With ``incumbent_only`` the values are ``incumbent``'s whatever HiGHS holds (e.g. after an LP
    relaxation, whose solution is not integral)."""
    import highspy

    hs = highspy.HighsModelStatus
    model_status = highs.getModelStatus()  # type: ignore[attr-defined]
    info = highs.getInfo()  # type: ignore[attr-defined]
    words = highs.modelStatusToString(model_status)  # type: ignore[attr-defined]
    values: list[float] | None = None
    if info.primal_solution_status == 2 and not (  # kSolutionStatusFeasible, unless our start is better
            incumbent is not None and (incumbent_only
                                       or info.objective_function_value > incumbent_objective + 1e-9)):
        values = list(highs.getSolution().col_value)  # type: ignore[attr-defined]
    elif incumbent is not None:
        values = incumbent
    mip = _is_mip(problem)
    if values is not None:
        for var in problem.variables():
            var.varValue = values[var.index]
        objective = float(pulp.value(problem.objective) or 0.0)
        if not _is_mip(problem) and info.dual_solution_status == 2:  # an LP: row duals as ``pi``
            row_duals = list(highs.getSolution().row_dual)  # type: ignore[attr-defined]
            for constraint in _constraints_of(problem):
                constraint.pi = row_duals[constraint.index]
    else:
        objective = math.nan
    if mip and restricted:  # the restricted (RENS) model's own bound is not a bound of the full MIP
        bound = lp_bound
    elif mip:
        bound = float(info.mip_dual_bound) if math.isfinite(info.mip_dual_bound) else math.nan
        if math.isfinite(lp_bound):
            bound = lp_bound if not math.isfinite(bound) else max(bound, lp_bound)
    else:
        bound = objective if model_status == hs.kOptimal else math.nan
    if values is not None and math.isfinite(bound):
        bound = min(bound, objective)
    gap = relative_gap(objective, bound)
    if values is not None:
        optimal = gap <= rel_gap if restricted else model_status == hs.kOptimal
        status = SolveStatus.optimal if optimal else SolveStatus.feasible
    elif model_status == hs.kInfeasible:
        status = SolveStatus.infeasible
    elif model_status in (hs.kTimeLimit, hs.kIterationLimit, hs.kInterrupt):
        status = SolveStatus.time_limit_no_solution
    else:
        status = SolveStatus.error
    if values is not None:
        problem.assignStatus(pulp.LpStatusOptimal,
                             pulp.LpSolutionOptimal if status == SolveStatus.optimal
                             else pulp.LpSolutionIntegerFeasible)
    elif status == SolveStatus.infeasible:
        problem.assignStatus(pulp.LpStatusInfeasible, pulp.LpSolutionInfeasible)
    else:
        problem.assignStatus(pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound)
    if restricted:
        words = f"{'within' if status == SolveStatus.optimal else 'not within'} {rel_gap:.2%} of the LP bound"
    phase = " (LP + RENS)" if math.isfinite(lp_bound) else ""
    return SolveResult(status, objective, bound, gap, time.perf_counter() - started,
                       f"HiGHS: {words}{phase}")


_FULL_SEARCH_MAX_INTEGERS = 4000
"""Above this many integer columns the last phase is a third, wider RENS box rather than a full
branch-and-bound: HiGHS' root cut loop on a week-long model can run for tens of seconds past its
``time_limit`` (it is not interrupted there), and its bound barely moves above the LP bound."""

_CBC_BOUND = re.compile(r"best possible\s+(-?[0-9.]+(?:e[-+]?\d+)?)", re.IGNORECASE)
_CBC_LOWER = re.compile(r"Lower bound:\s+(-?[0-9.]+(?:e[-+]?\d+)?)")


def _solve_cbc(problem: pulp.LpProblem, limit: float, rel_gap: float, threads: int,
               msg: bool) -> SolveResult:
    from pulp.apis import coin_api

    with tempfile.TemporaryDirectory(prefix="cbc-") as folder:
        log_path = Path(folder) / "cbc.log"
        backend = pulp.COIN_CMD(path=coin_api.pulp_cbc_path, msg=msg, timeLimit=limit,
                                gapRel=rel_gap, threads=threads, logPath=str(log_path))
        started = time.perf_counter()
        try:
            problem.solve(backend)
        except Exception as exc:
            return SolveResult(SolveStatus.error, math.nan, math.nan, math.nan,
                               time.perf_counter() - started, f"CBC failed: {exc}")
        seconds = time.perf_counter() - started
        log = log_path.read_text(errors="replace") if log_path.exists() else ""
    lp_status = problem.status
    words = pulp.LpStatus.get(lp_status, str(lp_status))
    sol = problem.sol_status
    has_solution = sol in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    objective = float(pulp.value(problem.objective) or 0.0) if has_solution else math.nan
    proved = sol == pulp.LpSolutionOptimal or "Result - Optimal solution found" in log
    bound = math.nan
    found = _CBC_LOWER.findall(log) or _CBC_BOUND.findall(log)
    if found:
        bound = float(found[-1])
    elif has_solution and proved:
        bound = objective
    if has_solution and not math.isfinite(bound):
        bound = _lp_relaxation_bound(problem, limit)
        problem.status, problem.sol_status = lp_status, sol
    if lp_status == pulp.LpStatusInfeasible:
        status = SolveStatus.infeasible
    elif has_solution:
        status = SolveStatus.optimal if proved else SolveStatus.feasible
    elif lp_status == pulp.LpStatusNotSolved:
        status = SolveStatus.time_limit_no_solution
    else:
        status = SolveStatus.error
    if has_solution and math.isfinite(bound):
        bound = min(bound, objective)
    return SolveResult(status, objective, bound, relative_gap(objective, bound), seconds,
                       f"CBC: {words}")


def _lp_relaxation_bound(problem: pulp.LpProblem, limit: float) -> float:
    """LP relaxation optimum of ``problem`` (a valid lower bound of the MIP), by CBC."""
    from pulp.apis import coin_api

    values = {v.name: v.varValue for v in problem.variables()}
    relaxed = pulp.COIN_CMD(path=coin_api.pulp_cbc_path, msg=False, mip=False, timeLimit=limit)
    try:
        problem.solve(relaxed)
        bound = float(pulp.value(problem.objective)) if problem.status == pulp.LpStatusOptimal \
            else math.nan
    finally:
        for v in problem.variables():  # put the MIP solution back
            v.varValue = values[v.name]
    return bound
