"""Command-line interface: ``planner <subcommand> ...``.

Each subcommand is a pair of functions: ``_add_<name>_parser(sub)`` declares its arguments and sets
``func=_cmd_<name>``; ``_cmd_<name>(args) -> int`` runs it and returns the exit code. To add a
subcommand, write the pair and list the ``_add_<name>_parser`` function in :data:`_PARSER_BUILDERS`.

Exit codes: 0 success; 2 a bad command-line value (one line on stderr naming the option and the
allowed range); 1 a bad workbook (every problem on stderr, one per line, as ``Sheet!Cell: message``)
or a file that cannot be read or written; 3 an internal error — a bug, not the user's input: one
line on stderr that says so, names the file holding the traceback and where to report it
(``PLANNER_DEBUG=1`` prints the traceback instead).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from planner import queueing

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL_ERROR = 3
REPORT_BUGS_TO = "the project's issue tracker (README.md, 'Reporting a bug')"


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line (``planner erlang: error: ...``) and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


class BadInputError(ValueError):
    """A command-line value outside its allowed range (message names the option)."""


# ----------------------------------------------------------------------------------------------
# planner erlang
# ----------------------------------------------------------------------------------------------


def _add_erlang_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "erlang",
        help="agents needed for one interval (Erlang C, Erlang A with --patience-seconds, chat)",
        description="Staffing for one interval of one queue: agents needed (net and with shrinkage), "
                    "service level, ASA, occupancy and abandonment. Erlang C by default; Erlang A "
                    "(M/M/n+M) when --patience-seconds is given; chat concurrency with --concurrency.",
    )
    parser.add_argument("--contacts", type=float, required=True,
                        help="contacts offered in the interval (≥ 0)")
    parser.add_argument("--interval-minutes", type=float, default=30.0,
                        help="interval length in minutes (> 0, default 30)")
    parser.add_argument("--aht-seconds", type=float, required=True,
                        help="average handle time in seconds (> 0; chat: of a session handled alone)")
    parser.add_argument("--service-level", type=float, default=None,
                        help="target share answered within --answer-seconds, 0–1 (e.g. 0.8)")
    parser.add_argument("--answer-seconds", type=float, default=None,
                        help="service-level threshold in seconds (≥ 0)")
    parser.add_argument("--patience-seconds", type=float, default=None,
                        help="mean customer patience in seconds (> 0): switches to Erlang A")
    parser.add_argument("--max-occupancy", type=float, default=1.0,
                        help="occupancy cap, (0, 1] (default 1 = no cap)")
    parser.add_argument("--max-asa-seconds", type=float, default=None,
                        help="cap on the average speed of answer in seconds (> 0)")
    parser.add_argument("--max-abandon", type=float, default=None,
                        help="cap on the abandonment probability, (0, 1); needs --patience-seconds")
    parser.add_argument("--shrinkage", type=float, default=0.0,
                        help="share of paid time not available, [0, 1) (default 0)")
    parser.add_argument("--concurrency", type=int, default=1,
                        help="chat sessions one agent holds at once, 1–10 (default 1 = voice)")
    parser.add_argument("--chat-slowdown", type=float, default=queueing.DEFAULT_CHAT_SLOWDOWN,
                        help="chat handle-time growth per extra session (≥ 0, default "
                             f"{queueing.DEFAULT_CHAT_SLOWDOWN})")
    parser.add_argument("--definition", choices=queueing.SERVICE_LEVEL_DEFINITIONS, default="offered",
                        help="service level over all offered contacts (default) or over answered ones")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=_cmd_erlang)


def _require(ok: bool, option: str, rule: str, value: object) -> None:
    if not ok:
        raise BadInputError(f"{option} must be {rule}, got {value}")


def _validate_erlang(args: argparse.Namespace) -> None:
    finite = {name: value for name, value in vars(args).items() if isinstance(value, float)}
    for name, value in finite.items():
        _require(math.isfinite(value), "--" + name.replace("_", "-"), "a finite number", value)
    _require(args.contacts >= 0, "--contacts", "≥ 0", args.contacts)
    _require(args.interval_minutes > 0, "--interval-minutes", "> 0", args.interval_minutes)
    _require(args.aht_seconds > 0, "--aht-seconds", "> 0", args.aht_seconds)
    if (args.service_level is None) != (args.answer_seconds is None):
        raise BadInputError("--service-level and --answer-seconds go together: give both or neither")
    if args.service_level is not None:
        _require(0 < args.service_level <= 1, "--service-level", "in (0, 1] (e.g. 0.8 for 80%)",
                 args.service_level)
        _require(args.answer_seconds >= 0, "--answer-seconds", "≥ 0", args.answer_seconds)
    if args.patience_seconds is not None:
        _require(args.patience_seconds > 0, "--patience-seconds", "> 0", args.patience_seconds)
    _require(0 < args.max_occupancy <= 1, "--max-occupancy", "in (0, 1]", args.max_occupancy)
    if args.max_asa_seconds is not None:
        _require(args.max_asa_seconds > 0, "--max-asa-seconds", "> 0", args.max_asa_seconds)
    if args.max_abandon is not None:
        _require(0 < args.max_abandon < 1, "--max-abandon", "in (0, 1)", args.max_abandon)
        if args.patience_seconds is None:
            raise BadInputError("--max-abandon needs --patience-seconds (abandonment needs a patience)")
    _require(0 <= args.shrinkage < 1, "--shrinkage", "in [0, 1)", args.shrinkage)
    _require(1 <= args.concurrency <= 10, "--concurrency", "a whole number 1–10", args.concurrency)
    _require(args.chat_slowdown >= 0, "--chat-slowdown", "≥ 0", args.chat_slowdown)
    if args.service_level is None and args.max_asa_seconds is None and args.max_abandon is None \
            and args.max_occupancy >= 1:
        raise BadInputError("give a target: --service-level with --answer-seconds, --max-asa-seconds, "
                            "--max-abandon or --max-occupancy below 1")


def erlang_answer(args: argparse.Namespace) -> dict[str, object]:
    """Staffing answer for the ``erlang`` subcommand as a plain dict (the JSON output)."""
    _validate_erlang(args)
    load = float(queueing.offered_load(args.contacts, args.aht_seconds, args.interval_minutes * 60.0))
    common = {"concurrency": args.concurrency, "slowdown": args.chat_slowdown}
    agents = int(queueing.required_agents(
        load, args.aht_seconds, args.service_level, args.answer_seconds,
        max_occupancy=args.max_occupancy, max_asa_seconds=args.max_asa_seconds,
        patience_seconds=args.patience_seconds, max_abandon=args.max_abandon,
        definition=args.definition, **common))
    scheduled = math.ceil(agents / (1.0 - args.shrinkage) - 1e-9)
    answer_seconds = 0.0 if args.answer_seconds is None else args.answer_seconds
    patience = args.patience_seconds
    kpi_args = (agents, load, args.aht_seconds)
    model = "Erlang C (M/M/n)" if patience is None else "Erlang A (M/M/n+M)"
    if args.concurrency > 1:
        model += f", chat with {args.concurrency} sessions per agent"

    def number(value: object) -> float | None:
        value = float(value)  # type: ignore[arg-type]
        return value if math.isfinite(value) else None

    return {
        "model": model,
        "load_erlangs": load,
        "agents_net": agents,
        "shrinkage": args.shrinkage,
        "agents_scheduled": scheduled,
        "service_level": number(queueing.service_level(*kpi_args, answer_seconds, patience,
                                                       definition=args.definition, **common)),
        "service_level_target": args.service_level,
        "answer_seconds": args.answer_seconds,
        "service_level_definition": args.definition,
        "wait_probability": number(queueing.wait_probability(*kpi_args, patience, **common)),
        "asa_seconds": number(queueing.average_speed_of_answer(*kpi_args, patience, **common)),
        "occupancy": number(queueing.occupancy(*kpi_args, patience, **common)),
        "abandon_probability": number(queueing.abandon_probability(*kpi_args, patience, **common)),
        "concurrency": args.concurrency,
        "session_handle_seconds": float(queueing.chat_handle_time_seconds(
            args.aht_seconds, args.concurrency, args.chat_slowdown)),
    }


def _format_erlang(args: argparse.Namespace, answer: dict[str, object]) -> str:
    def pct(value: object) -> str:
        return "n/a" if value is None else f"{float(value) * 100:.2f}%"  # type: ignore[arg-type]

    lines = [
        f"Model: {answer['model']}",
        f"Offered load: {answer['load_erlangs']:.3f} Erlangs ({args.contacts:g} contacts in "
        f"{args.interval_minutes:g} min, AHT {args.aht_seconds:g} s)",
        f"Agents needed (net): {answer['agents_net']}",
        f"Agents to schedule with {args.shrinkage * 100:g}% shrinkage: {answer['agents_scheduled']}",
    ]
    if args.service_level is not None:
        lines.append(f"Service level: {pct(answer['service_level'])} answered within "
                     f"{args.answer_seconds:g} s (target {args.service_level * 100:g}%, "
                     f"over {args.definition} contacts)")
    asa = answer["asa_seconds"]
    lines += [
        f"Probability of waiting: {pct(answer['wait_probability'])}",
        f"Average speed of answer: {'n/a' if asa is None else f'{float(asa):.2f} s'}",  # type: ignore[arg-type]
        f"Occupancy: {pct(answer['occupancy'])}",
        f"Abandonment: {pct(answer['abandon_probability'])}"
        + ("" if args.patience_seconds is not None else " (no patience given: nobody abandons)"),
    ]
    if args.concurrency > 1:
        lines.append(f"Chat session handle time at {args.concurrency} sessions: "
                     f"{answer['session_handle_seconds']:.1f} s")
    return "\n".join(lines)


def _cmd_erlang(args: argparse.Namespace) -> int:
    answer = erlang_answer(args)
    if args.json:
        print(json.dumps(answer, indent=2, sort_keys=True))
    else:
        print(_format_erlang(args, answer))
    return EXIT_OK


# ----------------------------------------------------------------------------------------------
# planner template / planner plan
# ----------------------------------------------------------------------------------------------


def _add_template_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "template",
        help="write an annotated scenario workbook to fill in",
        description="Write an .xlsx scenario template: an Instructions sheet, a comment on every "
                    "header (unit, allowed values, default), drop-down lists and example rows.",
    )
    parser.add_argument("output", help="where to write the template (.xlsx)")
    parser.set_defaults(func=_cmd_template)


def _cmd_template(args: argparse.Namespace) -> int:
    from planner import excel

    excel.write_template(args.output)
    print(f"wrote template {args.output}")
    return EXIT_OK


def _add_plan_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "plan",
        help="plan a scenario workbook: requirements, schedule, mix → plan workbook",
        description="Read a scenario workbook, compute requirements, the shift schedule with breaks "
                    "and the human/automation mix, and write the plan workbook. Bad input: every "
                    "problem on stderr as Sheet!Cell: message, exit code 1, nothing written.",
    )
    parser.add_argument("input", help="scenario workbook (.xlsx)")
    parser.add_argument("-o", "--output", default=None,
                        help="plan workbook to write (default: <input>_plan.xlsx next to the input)")
    parser.add_argument("--no-schedule", action="store_true", help="skip the shift schedule")
    parser.add_argument("--no-mix", action="store_true", help="skip the human/automation mix")
    parser.add_argument("--simulate", type=int, default=None, metavar="N",
                        help="then replay the schedule N times contact by contact (issue 13) and add "
                             "the Simulation sheet: simulated vs predicted KPIs with 95%% CIs")
    parser.add_argument("--seed", type=int, default=0, help="with --simulate: root seed (≥ 0, default 0)")
    parser.add_argument("--warm-start", default=None, metavar="PREVIOUS_PLAN.xlsx",
                        help="a plan workbook of this scenario planned before: the schedule's solve "
                             "starts from its shifts (a re-plan of a tweaked scenario)")
    parser.add_argument("--scheduler", default=None, metavar="ADDR",
                        help="schedule the staffing groups on the Dask scheduler at ADDR, e.g. "
                             "tcp://10.0.0.5:8786 (default: PLANNER_DASK_SCHEDULER, else a local "
                             "cluster on a machine with more than one core)")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes of the local cluster (default: the cores, at most 4)")
    parser.add_argument("--serial", action="store_true", help="schedule every group in this process")
    parser.set_defaults(func=_cmd_plan)


def _print_problems(source: str, problems: Sequence[object], command: str = "plan") -> None:
    print(f"planner {command}: {source}: {len(problems)} problem(s):", file=sys.stderr)
    for problem in problems:
        print(str(problem), file=sys.stderr)


def _progress_printer() -> Callable[[float, str], None]:
    """Progress on stderr: a line when the stage changes or the percentage moves on."""
    last: list[tuple[int, str]] = [(-1, "")]

    def show(fraction: float, message: str) -> None:
        percent = round(fraction * 100)
        stage = message.split(":")[0]
        if (percent, stage) != last[0] and (stage != last[0][1] or percent >= last[0][0] + 5
                                            or percent == 100):
            print(f"[{percent:3d}%] {message}", file=sys.stderr, flush=True)
            last[0] = (percent, stage)

    return show


def _plan_summary(plan: object, output: str) -> str:
    scenario = plan.scenario  # type: ignore[attr-defined]
    return _summary_text(plan.kpis, scenario.name, scenario.settings.days,  # type: ignore[attr-defined]
                         str(scenario.settings.start_date), scenario.settings.currency,
                         str(plan.status), list(plan.explanations), output)  # type: ignore[attr-defined]


def _summary_text(kpis: dict[str, float], name: str, days: int, start_date: str, currency: str,
                  status: str, notes: Sequence[str], output: str) -> str:
    """The short plan summary of ``planner plan`` (and ``planner serve --write-plan``)."""

    def line(label: str, key: str, fmt: str) -> str | None:
        value = kpis.get(key)
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return None
        return f"  {label}: {format(value, fmt)}"

    lines = [f"Plan of '{name}': {days} day(s) from {start_date} — status: {status}"]
    for label, key, fmt in (
        ("contacts offered", "contacts_offered", ",.0f"),
        ("live contacts after self-service", "live_contacts", ",.0f"),
        ("required agent-hours", "required_agent_hours", ",.1f"),
        ("required FTE (40 h/week)", "required_fte", ",.1f"),
        ("peak agents required", "peak_required_agents", ",.0f"),
        ("shifts scheduled", "shifts_scheduled", ",.0f"),
        ("people rostered (one week each)", "people_rostered", ",.0f"),
        ("people passing the roster verifier", "roster_verified_share", ".0%"),
        ("price of tours (labour vs day-by-day shifts)", "labour_premium", "+.1%"),
        ("scheduled FTE (40 h/week)", "scheduled_fte", ",.1f"),
        (f"labour cost ({currency})", "labour_cost", ",.0f"),
        ("agent-hours short", "shortfall_agent_hours", ",.1f"),
        ("predicted service level (voice+chat)", "predicted_service_level", ".1%"),
        (f"mix: total cost now ({currency})", "mix_total_cost_current", ",.0f"),
        (f"mix: total cost recommended ({currency})", "mix_total_cost_recommended", ",.0f"),
    ):
        text = line(label, key, fmt)
        if text:
            lines.append(text)
    for note in notes:
        lines.append(f"  note: {note}")
    lines.append(f"wrote {output}")
    return "\n".join(lines)


def _cmd_plan(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planner import excel, executor, pipeline
    from planner.types import InputError

    source = Path(args.input)
    output = args.output or str(source.with_name(f"{source.stem}_plan.xlsx"))
    try:
        scenario = excel.read_workbook(source)
    except InputError as exc:
        _print_problems(args.input, exc.problems)
        return EXIT_FAILURE
    options = _simulation_options(args) if args.simulate is not None else None
    if options is not None and args.no_schedule:
        raise BadInputError("--simulate needs the schedule: drop --no-schedule")
    if args.workers is not None and not 1 <= args.workers <= 64:
        raise BadInputError(f"--workers must be between 1 and 64, got {args.workers}")
    previous = None
    if args.warm_start is not None:
        from zipfile import BadZipFile

        from openpyxl.utils.exceptions import InvalidFileException

        from planner.excel.simulation import read_plan_schedule
        from planner.simulation import SimulationInputError

        try:
            stored = read_plan_schedule(args.warm_start)
        except (OSError, SimulationInputError, ValueError, BadZipFile, InvalidFileException) as exc:
            print(f"planner plan: --warm-start {args.warm_start}: cannot read the previous plan "
                  f"({exc})", file=sys.stderr)
            return EXIT_FAILURE
        if stored is None:
            raise BadInputError(f"--warm-start {args.warm_start} is a scenario workbook; give a plan "
                                "workbook (with a Schedule sheet) planned before")
        previous = stored.shifts
    # groups run at once only when there are several to schedule; else no cluster is started
    several = not args.no_schedule and len({t.group for t in scenario.shift_templates}) > 1
    spec = executor.resolve_spec(args.scheduler, workers=args.workers, serial=args.serial or not several)
    show = _progress_printer()
    if spec.kind != "serial":
        show(0.0, f"schedule: groups run {spec.describe()}")
    try:
        with executor.open_executor(spec) as runner:
            plan = pipeline.run_plan(scenario, show, schedule=not args.no_schedule,
                                     mix=not args.no_mix, executor=runner, previous_shifts=previous)
    except InputError as exc:
        _print_problems(args.input, exc.problems)
        return EXIT_FAILURE
    except executor.ExecutorError as exc:
        print(f"planner plan: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    simulated = None
    if options is not None:
        from planner import simulation

        simulated = simulation.simulate_plan(plan, options, _progress_printer())
    excel.write_plan(plan, output, simulation=simulated)  # atomic: temp file, then os.replace
    print(_plan_summary(plan, output))
    if simulated is not None:
        from planner.simulation.text import summary_text

        print(summary_text(simulated))
    return EXIT_OK


# ----------------------------------------------------------------------------------------------
# planner simulate (issue 13)
# ----------------------------------------------------------------------------------------------


def _add_simulate_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "simulate",
        help="replay a plan contact by contact and compare with the predicted KPIs",
        description="Plan a scenario workbook (or take a plan workbook with its Schedule and Breaks "
                    "sheets), replay the schedule as a discrete-event simulation — Poisson arrivals, "
                    "patience, agents finishing the contact in hand before breaks — and print the "
                    "simulated service level, ASA, abandonment and occupancy with 95 % confidence "
                    "intervals next to the prediction, per group, day and interval.",
    )
    parser.add_argument("input", help="scenario workbook or plan workbook (.xlsx)")
    parser.add_argument("--replications", type=int, default=30,
                        help="independent replications, ≥ 1 (default 30; ≥ 2 for CIs)")
    parser.add_argument("--seed", type=int, default=0, help="root seed, ≥ 0 (default 0)")
    parser.add_argument("--handle-time", choices=("exponential", "lognormal"), default="exponential",
                        help="handle-time law with the interval's AHT as mean (default exponential)")
    parser.add_argument("--handle-time-cv", type=float, default=1.0,
                        help="coefficient of variation of the lognormal handle time, > 0 (default 1)")
    parser.add_argument("--shrinkage", choices=("interval", "absence", "none"), default="interval",
                        help="how shrinkage takes agents away (default interval; see README)")
    parser.add_argument("-o", "--output", default=None,
                        help="also write the plan workbook with the Simulation sheet here")
    parser.add_argument("--correct", action="store_true",
                        help="then correct the requirement by simulation (iterative staffing algorithm, "
                             "Feldman et al. 2008), schedule against it and simulate again; -o writes "
                             "the corrected plan")
    parser.add_argument("--json", action="store_true",
                        help="print per group the week, days and intervals as JSON")
    parser.set_defaults(func=_cmd_simulate)


def _simulation_options(args: argparse.Namespace) -> object:
    from planner.simulation import SimulationInputError, SimulationOptions

    replications = args.simulate if getattr(args, "simulate", None) is not None else args.replications
    name = "--simulate" if getattr(args, "simulate", None) is not None else "--replications"
    try:
        return SimulationOptions(replications=replications, seed=args.seed,
                                 handle_time=getattr(args, "handle_time", "exponential"),
                                 handle_time_cv=getattr(args, "handle_time_cv", 1.0),
                                 shrinkage=getattr(args, "shrinkage", "interval"))
    except SimulationInputError as exc:
        text = str(exc)
        for field_name, option in (("replications", name), ("seed", "--seed"),
                                   ("handle_time_cv", "--handle-time-cv")):
            if text.startswith(field_name):
                text = option + text[len(field_name):]
        raise BadInputError(text) from None


def _cmd_simulate(args: argparse.Namespace) -> int:
    from planner import excel, pipeline, simulation
    from planner.excel.simulation import read_plan_schedule
    from planner.simulation.text import summary_text
    from planner.types import InputError

    options = _simulation_options(args)
    try:
        scenario = excel.read_workbook(args.input)
        stored = read_plan_schedule(args.input)
        if stored is not None and args.correct:
            raise BadInputError("--correct plans again: give the scenario workbook, not a plan workbook")
        if stored is not None:
            print(f"[  0%] simulation: replaying the schedule stored in {args.input}", file=sys.stderr)
            inputs = simulation.inputs_from_schedule(scenario, stored.shifts, stored.activities,
                                                     options, stored_live=stored.coverage)
            plan = None
        else:
            plan = pipeline.run_plan(scenario, _progress_printer(), mix=False)
            inputs = simulation.from_plan(plan, options)
    except InputError as exc:
        _print_problems(args.input, exc.problems, "simulate")
        return EXIT_FAILURE
    except simulation.SimulationInputError as exc:
        print(f"planner simulate: {args.input}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    result = simulation.simulate(inputs, _progress_printer())
    if args.correct and plan is not None:
        from planner.simulation.correction import correct_and_replan

        if not args.json:
            print(summary_text(result) + "\n")
        plan, result = correct_and_replan(plan, result, _progress_printer())
    if args.output is not None and plan is not None:
        excel.write_plan(plan, args.output, simulation=result)
    if args.json:
        print(json.dumps({"scenario": scenario.name, **result.to_json()}, allow_nan=False))
    else:
        print(summary_text(result))
        if args.output is not None:
            print(f"wrote {args.output}" if plan is not None else
                  "not written: -o needs a scenario workbook (a plan workbook is replayed as it is)")
    return EXIT_OK


# ----------------------------------------------------------------------------------------------
# planner mix (issue 6)
# ----------------------------------------------------------------------------------------------


def _add_mix_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "mix",
        help="recommend the human/automation mix of a scenario workbook",
        description="Read a scenario workbook and print the recommended self-service-first share "
                    "per (segment, channel): costs now vs recommended, one reason per pair, and the "
                    "sensitivity to containment 10 points lower. Nothing is written.",
    )
    parser.add_argument("input", help="scenario workbook (.xlsx)")
    parser.add_argument("--json", action="store_true",
                        help="print pairs, sensitivity, summary and reasons as JSON")
    parser.set_defaults(func=_cmd_mix)


def _mix_text(result: object, currency: str) -> str:
    pairs = result.pairs  # type: ignore[attr-defined]
    summary: dict[str, float] = result.summary  # type: ignore[attr-defined]
    sensitivity = result.sensitivity  # type: ignore[attr-defined]
    flips = {(s, c): bool(f) for s, c, f in zip(sensitivity["segment"], sensitivity["channel"],
                                                 sensitivity["flips"], strict=True)}
    header = (f"{'segment':<12} {'channel':<8} {'cap':>5} {'now':>5} {'rec':>5} {'net defl':>8} "
              f"{'FTE now':>8} {'FTE rec':>8} {'cost now':>11} {'cost rec':>11}  low-containment")
    lines = [f"Human/automation mix — status: {result.status}"]  # type: ignore[attr-defined]
    if result.message:  # type: ignore[attr-defined]
        lines.append(f"  {result.message}")  # type: ignore[attr-defined]
    lines.append(header)
    for _, row in pairs.iterrows():
        key = (row["segment"], row["channel"])
        sens = sensitivity.loc[(sensitivity["segment"] == key[0]) & (sensitivity["channel"] == key[1]),
                               "recommended_share_low_containment"]
        low = f"{float(sens.iloc[0]):.0%}" + (" (flips)" if flips.get(key) else "") if len(sens) else "—"
        lines.append(
            f"{row['segment']:<12} {row['channel']:<8} {row['cap']:>5.0%} {row['current_share']:>5.0%} "
            f"{row['recommended_share']:>5.0%} {row['net_deflection']:>8.1%} "
            f"{row['human_fte_current']:>8.1f} {row['human_fte_recommended']:>8.1f} "
            f"{row['total_cost_current']:>11,.0f} {row['total_cost_recommended']:>11,.0f}  {low}")
    lines.append(f"total cost now {summary['total_cost_current']:,.0f} {currency}, recommended "
                 f"{summary['total_cost_recommended']:,.0f} {currency}; FTE saved "
                 f"{summary['fte_saved']:.1f}; contacts moved {summary['contacts_moved']:,.0f}")
    lines.append(f"search: {summary['evaluations']:,.0f} evaluations in {summary['seconds']:.1f} s "
                 f"({summary['components']:.0f} independent component(s), grid optimum proved: "
                 f"{'yes' if summary['proved_optimal'] else 'no'})")
    lines += [f"  {reason}" for reason in result.reasons]  # type: ignore[attr-defined]
    return "\n".join(lines)


def _cmd_mix(args: argparse.Namespace) -> int:
    from planner import excel, mix
    from planner.types import InputError

    try:
        scenario = excel.read_workbook(args.input)
        result = mix.recommend_mix(scenario, _progress_printer())
    except InputError as exc:
        print(f"planner mix: {args.input}: {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return EXIT_FAILURE
    if args.json:
        payload = {
            "status": result.status, "message": result.message,
            "pairs": json.loads(result.pairs.to_json(orient="records")),
            "sensitivity": json.loads(result.sensitivity.to_json(orient="records")),
            "summary": result.summary, "reasons": result.reasons,
        }
        print(json.dumps(payload, indent=2))
    else:
        print(_mix_text(result, scenario.settings.currency))
    return EXIT_OK


# ----------------------------------------------------------------------------------------------
# planner serve (issue 7)
# ----------------------------------------------------------------------------------------------


def _add_serve_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "serve",
        help="serve the web UI and the JSON API under waitress",
        description="Serve the web UI and the JSON API with waitress (a production WSGI server). "
                    "Data lives in PLANNER_DATABASE_URL (default: a SQLite file in the instance "
                    "folder); set PLANNER_API_TOKEN to protect the API's write endpoints.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="TCP port, 1–65535 (5000)")
    parser.add_argument("--threads", type=int, default=8, help="request threads, 1–64 (8)")
    parser.add_argument("--load-sample", metavar="PATH", default=None,
                        help="store this scenario workbook (and plan it) before serving, so the "
                             "UI opens with it; skipped when the same workbook is already stored")
    parser.add_argument("--write-plan", metavar="OUT", default=None,
                        help="with --load-sample: plan the sample now (again, if it was stored "
                             "already), with progress here, write its plan workbook to OUT, print "
                             "the summary, then serve — one solve for the file and the UI")
    parser.set_defaults(func=_cmd_serve)


def _cmd_serve(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planner.types import InputError

    if not 1 <= args.port <= 65535:
        raise BadInputError(f"--port must be between 1 and 65535, got {args.port}")
    if not 1 <= args.threads <= 64:
        raise BadInputError(f"--threads must be between 1 and 64, got {args.threads}")
    if args.load_sample is not None and not Path(args.load_sample).is_file():
        raise BadInputError(f"--load-sample: no such file {args.load_sample!r}")
    if args.write_plan is not None and args.load_sample is None:
        raise BadInputError("--write-plan needs --load-sample (the workbook to plan)")
    # The web shell is imported here, inside the command, on purpose: the functional core never
    # imports web or models (the layering test allows exactly this lazy import).
    from web import create_app, shutdown
    from web.errors import ApiError
    from web.serve import load_sample, serve, wait_for_job, write_stored_plan

    app = create_app()
    if args.load_sample is not None:
        try:
            scenario_id, job_id = load_sample(app, Path(args.load_sample),
                                              replan=args.write_plan is not None)
        except (ApiError, InputError) as exc:
            lines = [f"{d['location']}: {d['field']} {d['message']}"
                     for d in getattr(exc, "details", [])]
            _print_problems(args.load_sample, lines or list(getattr(exc, "problems", [exc])))
            shutdown(app)
            return EXIT_FAILURE
        print(f"scenario {scenario_id} loaded from {args.load_sample}"
              + (f"; planning it (job {job_id})" if job_id else "; already planned"), flush=True)
        if args.write_plan is not None and job_id is not None:
            show = _progress_printer()
            finished = wait_for_job(app, job_id, lambda percent, text: show(percent / 100.0, text))
            if finished.state != "succeeded" or finished.plan_id is None:
                print(f"planner serve: planning {args.load_sample} {finished.state}: {finished.error}",
                      file=sys.stderr)
                shutdown(app)
                return EXIT_FAILURE
            stored = write_stored_plan(app, finished.plan_id, Path(args.write_plan))
            print(_summary_text(stored.kpis, str(stored.meta.get("scenarioName", "")),
                                int(stored.meta.get("days", 0)), str(stored.meta.get("startDate", "")),
                                str(stored.meta.get("currency", "")), stored.status, stored.notes,
                                args.write_plan), flush=True)
    print(f"serving the planner at http://{args.host}:{args.port}/  (Ctrl+C to stop)", flush=True)
    try:
        serve(app, host=args.host, port=args.port, threads=args.threads)
    finally:
        shutdown(app, wait=False)  # queued plans are dropped; a running solve ends on its own
    return EXIT_OK


# ----------------------------------------------------------------------------------------------
# planner sweep (issue 14)
# ----------------------------------------------------------------------------------------------


def _add_sweep_parser(sub: argparse._SubParsersAction) -> None:
    from planner.sweep import MAX_SWEEP_POINTS, SWEEP_PARAMETERS

    parser = sub.add_parser(
        "sweep",
        help="plan a grid of what-if scenarios (volume, AHT, self-service, service level, ...)",
        description="Plan every point of a grid of what-ifs over one scenario workbook: staffing "
                    "and the mix per point (and the schedule with --schedule), on a local Dask "
                    "cluster (more than one core), a running Dask scheduler (--scheduler or "
                    "PLANNER_DASK_SCHEDULER), or serially (--serial). Parameters: "
                    f"{', '.join(SWEEP_PARAMETERS)}; NAME[channel or segment]=... targets one. "
                    f"At most {MAX_SWEEP_POINTS:,} points.",
    )
    parser.add_argument("input", help="scenario workbook (.xlsx)")
    parser.add_argument("--grid", action="append", default=[], metavar="NAME=VALUES",
                        help="an axis, e.g. volume=-10%%,0,+10%% or service_level=0.7:0.9:0.05 "
                             "(repeat for more axes; the grid is every combination)")
    parser.add_argument("--schedule", action="store_true",
                        help="also schedule shifts per point (slow: one integer program per point)")
    parser.add_argument("--no-mix", action="store_true", help="skip the mix recommendation")
    parser.add_argument("--scheduler", default=None, metavar="ADDR",
                        help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 "
                             "(default: PLANNER_DASK_SCHEDULER, else a local cluster)")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes of the local cluster (default: the cores, at most 4)")
    parser.add_argument("--serial", action="store_true", help="run every point in this process")
    parser.add_argument("-o", "--output", default=None, help="sweep results workbook to write (.xlsx)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.set_defaults(func=_cmd_sweep)


def _sweep_text(result: object) -> str:
    points = result.points  # type: ignore[attr-defined]
    axes = [a.key for a in result.grid.axes]  # type: ignore[attr-defined]
    currency = result.currency  # type: ignore[attr-defined]
    lines = [f"Sweep of '{result.scenario_name}': {len(points)} point(s) "  # type: ignore[attr-defined]
             f"{result.executor} in {result.seconds:.1f} s"]  # type: ignore[attr-defined]
    header = f"{'point':<44} {'req FTE':>8} {'peak':>5} {'cost (' + currency + ')':>14} " \
             f"{'mix rec (' + currency + ')':>16}"
    if result.schedule:  # type: ignore[attr-defined]
        header += f" {'sched FTE':>9} {'pred SL':>8}"
    lines.append(header)

    def fmt(value: object, spec: str) -> str:
        number = float(value)  # type: ignore[arg-type]
        return format(number, spec) if math.isfinite(number) else "—"

    for row in points.itertuples(index=False):
        label = str(row.label)[:44]
        if row.status != "ok":
            lines.append(f"{label:<44} invalid: {row.message}")
            continue
        line = (f"{label:<44} {fmt(row.required_fte, '8.1f')} {fmt(row.peak_required_agents, '5.0f')} "
                f"{fmt(row.total_cost, '14,.0f')} {fmt(row.mix_total_cost_recommended, '16,.0f')}")
        if result.schedule:  # type: ignore[attr-defined]
            line += f" {fmt(row.scheduled_fte, '9.1f')} {fmt(row.predicted_service_level, '8.1%')}"
        lines.append(line)
    del axes
    return "\n".join(lines)


def _cmd_sweep(args: argparse.Namespace) -> int:
    from planner import excel, executor, sweep
    from planner.excel.sweep import write_sweep
    from planner.types import InputError

    if args.workers is not None and not 1 <= args.workers <= 64:
        raise BadInputError(f"--workers must be between 1 and 64, got {args.workers}")
    try:
        scenario = excel.read_workbook(args.input)
    except InputError as exc:
        _print_problems(args.input, exc.problems)
        return EXIT_FAILURE
    try:
        grid = sweep.parse_grid(args.grid, scenario)
    except InputError as exc:
        print(f"planner sweep: the grid has {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return EXIT_BAD_INPUT
    spec = executor.resolve_spec(args.scheduler, workers=args.workers, serial=args.serial)
    show = _progress_printer()
    show(0.0, f"sweep: starting {spec.describe()}")
    try:
        with executor.open_executor(spec) as runner:
            result = sweep.run_sweep(scenario, grid, schedule=args.schedule, mix=not args.no_mix,
                                     executor=runner, progress=show)
    except executor.ExecutorError as exc:
        print(f"planner sweep: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    if args.output:
        write_sweep(result, args.output)  # atomic: temp file in the same folder, then os.replace
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        print(_sweep_text(result))
        if args.output:
            print(f"wrote {args.output}")
    return EXIT_OK


# ----------------------------------------------------------------------------------------------
# planner capacity (issue 12)
# ----------------------------------------------------------------------------------------------


def _add_capacity_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "capacity",
        help="long-term capacity plan: whom to hire and when (weeks ahead, under uncertainty)",
        description="Read a scenario workbook with capacity sheets (CapacitySettings, TenureBuckets, "
                    "Headcount, HireClasses, CapacityGroups, CapacityWeeks), compute the required FTE "
                    "per week from the staffing model, optimise the hiring classes over sampled volume "
                    "and attrition scenarios and write the capacity workbook.",
    )
    parser.add_argument("input", help="scenario workbook (.xlsx) with capacity sheets")
    parser.add_argument("-o", "--output", default=None,
                        help="capacity workbook to write (default: <input>_capacity.xlsx)")
    parser.add_argument("--scenarios", type=int, default=None,
                        help="sampled scenarios, 1–1000 (default: CapacitySettings scenarios)")
    parser.add_argument("--schedule-seconds", type=float, default=10.0,
                        help="time limit of the one schedule that measures the schedule efficiency, "
                             "seconds (> 0, default 10); not used when schedule_efficiency is given")
    parser.add_argument("--json", action="store_true", help="print summary, hiring plan and weeks as JSON")
    parser.set_defaults(func=_cmd_capacity)


def _finite_json(value: object) -> object:
    """``value`` with NaN and infinities as ``null`` (JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite_json(v) for v in value]
    return value


def _cmd_capacity(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planner.capacity import plan_capacity
    from planner.capacity.report import plan_text
    from planner.excel.capacity import read_scenario_and_capacity, write_capacity_plan
    from planner.types import InputError

    if args.scenarios is not None and not 1 <= args.scenarios <= 1000:
        raise BadInputError(f"--scenarios must be between 1 and 1000, got {args.scenarios}")
    if not (math.isfinite(args.schedule_seconds) and args.schedule_seconds > 0):
        raise BadInputError(f"--schedule-seconds must be > 0, got {args.schedule_seconds}")
    source = Path(args.input)
    output = args.output or str(source.with_name(f"{source.stem}_capacity.xlsx"))
    try:
        scenario, inputs = read_scenario_and_capacity(source)
        if inputs is None:
            print(f"planner capacity: {args.input}: 1 problem(s):\nCapacitySettings: sheet is missing; "
                  "the capacity plan needs CapacitySettings, TenureBuckets, Headcount and HireClasses "
                  "(see planner template)", file=sys.stderr)
            return EXIT_FAILURE
        plan = plan_capacity(scenario, inputs, _progress_printer(), scenarios=args.scenarios,
                             schedule_seconds=args.schedule_seconds)
    except InputError as exc:
        print(f"planner capacity: {args.input}: {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return EXIT_FAILURE
    if not plan.solution.solve.has_solution:
        print(f"planner capacity: no plan: the hiring solve ended {plan.solution.solve.status.value} "
              f"({plan.solution.solve.message}); nothing written", file=sys.stderr)
        return EXIT_FAILURE
    write_capacity_plan(plan, output)
    if args.json:
        payload = {"summary": plan.summary, "explanations": list(plan.explanations),
                   "baseline": plan.baseline, "output": output,
                   "hiring": json.loads(plan.hiring.to_json(orient="records", date_format="iso")),
                   "weeks": json.loads(plan.weekly.to_json(orient="records", date_format="iso"))}
        print(json.dumps(_finite_json(payload), indent=2, default=str))
    else:
        print(plan_text(plan))
        print(f"wrote {output}")
    return EXIT_OK


# ----------------------------------------------------------------------------------------------
# Entry point
# ----------------------------------------------------------------------------------------------

_PARSER_BUILDERS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    _add_erlang_parser,
    _add_template_parser,
    _add_plan_parser,
    _add_mix_parser,
    _add_serve_parser,
    _add_simulate_parser,
    _add_sweep_parser,
    _add_capacity_parser,
)


def build_parser() -> argparse.ArgumentParser:
    """The ``planner`` argument parser with every registered subcommand."""
    parser = _Parser(prog="planner", description="Contact-center workforce and capacity planner.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="<command>",
                                parser_class=_Parser)
    for add in _PARSER_BUILDERS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``planner`` with ``argv`` (default: the process arguments); return the exit code."""
    from planner.types import InputError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except InputError as exc:
        _print_problems(getattr(args, "input", "input"), exc.problems, args.command)
        return EXIT_FAILURE
    except (BadInputError, ValueError) as exc:  # includes queueing.UnreachableTargetError
        print(f"planner {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:  # a file that cannot be read or written: the user's to fix
        print(f"planner {args.command}: error: {exc.strerror or exc}"
              f"{f': {exc.filename}' if exc.filename else ''}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print(f"planner {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        return _report_internal_error(args.command, exc)


def _report_internal_error(command: str, exc: BaseException) -> int:
    """One line on stderr for a bug: what failed, where the traceback is, where to report it."""
    import os
    import tempfile
    import traceback

    trace = "".join(traceback.format_exception(exc))
    if os.environ.get("PLANNER_DEBUG"):
        print(trace, file=sys.stderr, end="")
        where = "above"
    else:
        handle, log_path = tempfile.mkstemp(prefix=f"planner-{command}-", suffix=".log")
        with os.fdopen(handle, "w", encoding="utf-8") as log:
            log.write(trace)
        where = f"in {log_path}"
    print(f"planner {command}: internal error (a bug in the planner, not in your input): "
          f"{type(exc).__name__}: {exc}; the traceback is {where}; please report it to "
          f"{REPORT_BUGS_TO} with the command and the input file", file=sys.stderr)
    return EXIT_INTERNAL_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
