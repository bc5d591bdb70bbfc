"""Long fuzz run of the workbook reader: ≥ 10,000 seeded random edits of the samples and the template.

Each case applies 1–4 random edits (``tests/workbook_mutations.py``: cells set to wrong types,
blanks, unicode, dates, formula text, huge strings, NaN/inf; rows, columns and sheets deleted,
inserted or renamed) to one of the bundled workbooks and reads it with
:func:`planner.excel.read_workbook`. A case is handled when it reads as a scenario or raises
``InputError`` whose every problem has a location; with ``--pipeline`` a scenario that reads is also
taken through demand and staffing (which may raise located ``InputError`` too). Anything else is a
crash: the script prints each distinct crash (exception type and the innermost frame) with the seed
that reproduces it, and a last line ``fuzz: N cases, K crashes``.

Usage::

    .venv/bin/python benchmarks/fuzz_workbooks.py --cases 10000 [--seed 1] [--pipeline]
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner import demand, excel, staffing  # noqa: E402
from planner.types import InputError  # noqa: E402
from tests.workbook_mutations import mutate, unlocated  # noqa: E402


def base_workbooks() -> dict[str, bytes]:
    """The day sample, the week sample and the annotated template, as bytes."""
    template = io.BytesIO()
    excel.write_template(template)
    return {
        "day sample": (ROOT / "sample_inputs" / "contact_center_day.xlsx").read_bytes(),
        "week sample": (ROOT / "sample_inputs" / "contact_center_week.xlsx").read_bytes(),
        "template": template.getvalue(),
    }


def run_case(content: bytes, *, pipeline: bool) -> tuple[str, str] | None:
    """None when handled, else (the kind of crash: type and innermost frame, its message)."""
    try:
        scenario = excel.read_workbook(content)
        if pipeline:
            live = demand.live_demand(scenario)
            staffing.requirements(scenario, live)
    except InputError as exc:
        missing = unlocated(exc.problems)
        if missing:
            return "InputError with unlocated problems", str(missing[0])
        return None
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        kind = f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno} ({frame.name})"
        return kind, str(exc)[:200]
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pipeline", action="store_true", help="also run demand + staffing")
    args = parser.parse_args(argv)
    bases = base_workbooks()
    # The week sample is 5× slower to read: one case in six uses it.
    weights = {"day sample": 3, "week sample": 1, "template": 2}
    names = [name for name, weight in weights.items() for _ in range(weight)]
    crashes: Counter[str] = Counter()
    first_seed: dict[str, int] = {}
    outcomes: Counter[str] = Counter()
    started = time.perf_counter()
    for case in range(args.cases):
        seed = args.seed * 1_000_003 + case
        rng = random.Random(seed)
        base = rng.choice(names)
        mutated, mutations = mutate(bases[base], rng.choice)
        crash = run_case(mutated, pipeline=args.pipeline)
        if crash is None:
            outcomes[base] += 1
        else:
            kind, message = crash
            crashes[kind] += 1
            first_seed.setdefault(kind, seed)
            print(f"crash (seed {seed}, {base}: {'; '.join(map(str, mutations))}): {kind}: {message}",
                  flush=True)
        if (case + 1) % 500 == 0:
            print(f"  … {case + 1} cases, {sum(crashes.values())} crashes, "
                  f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    print(f"\ndistinct crashes: {len(crashes)}")
    for crash, count in crashes.most_common():
        print(f"  {count:5d} × {crash} (first seed {first_seed[crash]})")
    print(f"handled per base workbook: {dict(outcomes)}")
    print(f"fuzz: {args.cases} cases, {sum(crashes.values())} crashes, {elapsed:.0f} s"
          f"{' (reader + demand + staffing)' if args.pipeline else ' (reader)'}")
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
