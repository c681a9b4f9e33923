"""Benchmark: our LEXIMIN (HiGHS via scipy) against sortition-algorithms' LEXIMIN (Gurobi).

One command, from the repository root::

    .venv/bin/python bench/sampling.py                     # all instances, caps 600 s / 300 s
    .venv/bin/python bench/sampling.py --only sa_fixture_22 example_small_20
    .venv/bin/python bench/sampling.py --cap 120 --reference-cap 60 --no-reference
    .venv/bin/python bench/sampling.py --algorithm maximin     # our MAXIMIN (no reference)

Prints a table: instance, n, k, distinct profiles, our seconds, reference seconds, ratio and
both minimum probabilities, then where our time went (master LPs, pricing MILPs, swap search,
stages). Every run (ours and the reference) happens in a fresh child process with a time cap;
a run that hits its cap prints ``> cap`` instead of hanging. Times are wall-clock seconds of
the selection call (reading files and building the instance excluded; for ours, grouping into
types and the feasibility check included).

Instances: the three shared data sets, and generated pools of n = 500, 1000, 2000 volunteers
(k = n/10) built from the pairwise population shares of the paper's ``sf_e_110`` instance
(``published-profiles/sf_e_110_intersections.csv``): each person's values are a chain of
conditional draws (correlated features), people volunteer with a probability that depends on
their values (self-selection bias: some groups answer less), and the quotas are ±15 % around the
*population* shares, so under-represented groups must be selected more often — as in a real
second stage. "realistic" pools use 5–7 categories with all their values (hundreds to about a
thousand distinct profiles); "few-profile" pools keep two values in each of 5 categories.
Generation is seeded, so every run benchmarks the same pools.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sampling.formats import read_instance  # noqa: E402
from sampling.model import Pool, Quota, Volunteer  # noqa: E402

# unchanged copies of ../shared/data/sortition live in tests/data; override with an env var
DATA = Path(os.environ.get("TINGET_SORTITION_DATA", ROOT / "tests" / "data" / "sortition"))
HOUSEHOLD = ("primary_address1", "primary_zip")


@dataclass(frozen=True)
class Case:
    name: str
    pool: Pool
    quotas: list[Quota]
    k: int


def _shared(name: str) -> Case:
    d = DATA / name
    if name == "example_small_20":
        inst = read_instance(d / "categories.csv", d / "respondents.csv")
    elif name == "sa_fixture_22":
        inst = read_instance(d / "features.csv", d / "candidates.csv", household_columns=HOUSEHOLD)
    else:
        inst = read_instance(d / "Categories_csv_example.csv", d / "Respondents_csv_example.csv")
    return Case(name, inst.pool, list(inst.quotas), int(name.rsplit("_", 1)[1]))


def _shares():
    pair: dict[tuple[str, str, str, str], float] = {}
    values: dict[str, set[str]] = {}
    with open(DATA / "published-profiles/sf_e_110_intersections.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            c1, v1 = row["category 1"], row["feature 1"]
            c2, v2 = row["category 2"], row["feature 2"]
            pair[(c1, v1, c2, v2)] = float(row["population share"])
            values.setdefault(c1, set()).add(v1)
            values.setdefault(c2, set()).add(v2)
    return pair, {c: sorted(v) for c, v in values.items()}


def generated(n: int, categories: int, seed: int, few_profiles: bool = False):
    """A pool of n volunteers with correlated features and self-selection bias, and quotas
    around the population shares; k = n // 10."""
    pair, values = _shares()
    cats = sorted(values)[:categories]
    values = {c: values[c][:2] if few_profiles else values[c] for c in cats}
    rng = np.random.default_rng(seed)
    # how readily each group volunteers (0.4 .. 1.0)
    propensity = {c: {v: 0.4 + 0.6 * rng.random() for v in values[c]} for c in cats}

    def person() -> dict[str, str]:
        prof: dict[str, str] = {}
        prev = None
        for c in cats:
            vals = values[c]
            if prev is None:
                w = np.ones(len(vals))
            else:
                pc, pv = prev
                w = np.array(
                    [pair.get((pc, pv, c, v), pair.get((c, v, pc, pv), 0.0)) + 1e-3 for v in vals]
                )
            v = vals[int(rng.choice(len(vals), p=w / w.sum()))]
            prof[c] = v
            prev = (c, v)
        return prof

    population = [person() for _ in range(10 * n)]
    people: list[Volunteer] = []
    while len(people) < n:
        prof = person()
        if rng.random() < np.prod([propensity[c][prof[c]] for c in cats]) ** 0.5:
            people.append(Volunteer(f"g{len(people)}", prof))
    k = n // 10
    quotas = []
    for c in cats:
        for v in values[c]:
            target = k * np.mean([p[c] == v for p in population])
            quotas.append(Quota(c, v, int(np.floor(0.85 * target)), int(np.ceil(1.15 * target))))
    return Pool(tuple(people)), quotas, k


GENERATED = {
    "few_profiles_500": (500, 5, 501, True),
    "few_profiles_1000": (1000, 5, 1001, True),
    "few_profiles_2000": (2000, 5, 2001, True),
    "realistic_500": (500, 5, 500, False),
    "realistic_1000": (1000, 6, 1000, False),
    "realistic_2000": (2000, 7, 2000, False),
}
SHARED = ("example_small_20", "sa_fixture_22", "opendlp_docs_example_20")


def case(name: str) -> Case:
    if name in SHARED:
        return _shared(name)
    pool, quotas, k = generated(*GENERATED[name])
    return Case(name, pool, quotas, k)


def _ours(c: Case, algorithm: str = "leximin") -> dict:
    from sampling.stage2 import select_probabilities

    start, cpu = time.perf_counter(), time.process_time()
    result = select_probabilities(c.pool, c.quotas, c.k, algorithm, explain=False)
    seconds = time.perf_counter() - start
    s = result.report
    return {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "min": result.min_probability,
        "profiles": s.distinct_profiles,
        "types": s.types,
        "stages": s.stages,
        "detail": s.detail,
    }


def _reference(c: Case) -> dict:
    import logging

    logging.disable(logging.INFO)
    from tests.sampling.reference import reference_leximin

    probs, seconds = reference_leximin(c.pool, c.quotas, c.k)
    return {"seconds": seconds, "min": min(probs.values())}


def _worker(which: str, name: str) -> None:
    c = case(name)
    try:
        out = _ours(c, *which.split(":")[1:]) if which.startswith("ours") else _reference(c)
    except Exception as exc:  # noqa: BLE001 - reported in the table, never a traceback
        out = {"error": f"{type(exc).__name__}: {str(exc)[:80]}"}
    print("RESULT " + json.dumps(out), flush=True)


def run_capped(which: str, name: str, cap: float) -> dict:
    """Run one side in a fresh interpreter; ``{"capped": True}`` when it exceeds ``cap``."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", which, name]
    try:
        out = subprocess.run(
            cmd, capture_output=True, text=True, timeout=cap, cwd=ROOT, env=os.environ.copy()
        )
    except subprocess.TimeoutExpired:
        return {"capped": True}
    for line in reversed(out.stdout.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    return {"error": (out.stderr.strip().splitlines() or ["crashed"])[-1][:80]}


def _fmt_s(r: dict, cap: float) -> str:
    if r.get("capped"):
        return f"> {cap:.0f}"
    return f"{r['seconds']:.2f}" if "seconds" in r else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=None, help="instance names")
    parser.add_argument("--cap", type=float, default=600, help="seconds allowed for ours")
    parser.add_argument(
        "--reference-cap", type=float, default=300, help="seconds for the reference"
    )
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument("--reference-up-to", type=int, default=2000, help="largest n to try it on")
    parser.add_argument(
        "--algorithm",
        choices=("leximin", "maximin"),
        default="leximin",
        help="ours (the reference, LEXIMIN, then runs only with leximin)",
    )
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(*args.worker)
        return
    names = [n for n in (*SHARED, *GENERATED) if not args.only or n in args.only]
    header = (
        f"| {'instance':23} | {'n':>5} | {'k':>4} | {'profiles':>8} | {'ours s':>8} | "
        f"{'ref s':>8} | {'ratio':>6} | {'our min':>9} | {'ref min':>9} | notes"
    )
    print(header)
    print("|" + "|".join("-" * len(p) for p in header.split("|")[1:]), flush=True)
    details = []
    for name in names:
        c = case(name)
        ours = run_capped(f"ours:{args.algorithm}", name, args.cap)
        notes = []
        if args.no_reference or args.algorithm != "leximin" or len(c.pool) > args.reference_up_to:
            ref: dict = {"error": "not run"}
        else:
            ref = run_capped("reference", name, args.reference_cap)
        if "error" in ours:
            notes.append(f"ours: {ours['error']}")
        if ref.get("capped"):
            notes.append(f"reference stopped at its {args.reference_cap:.0f} s cap")
        elif "error" in ref:
            notes.append(f"reference: {ref['error']}")
        ratio = (
            f"{ref['seconds'] / ours['seconds']:.1f}x"
            if "seconds" in ours and "seconds" in ref
            else "-"
        )
        profiles = ours.get(
            "profiles", len({tuple(sorted(v.features.items())) for v in c.pool.volunteers})
        )
        our_min = f"{ours['min']:.6f}" if "min" in ours else "-"
        ref_min = f"{ref['min']:.6f}" if "min" in ref else "-"
        print(
            f"| {name:23} | {len(c.pool):5d} | {c.k:4d} | {profiles:8d} | "
            f"{_fmt_s(ours, args.cap):>8} | {_fmt_s(ref, args.reference_cap):>8} | {ratio:>6} | "
            f"{our_min:>9} | {ref_min:>9} | {'; '.join(notes)}",
            flush=True,
        )
        if "detail" in ours:
            details.append((name, ours))
    if details:
        print(
            "\nWhere our time went (wall seconds unless cpu; LP = master, relaxation and final "
            "LPs, MILP = exact pricing; the machine is shared, so cpu is the steadier figure):"
        )
        for name, ours in details:
            d = ours["detail"]
            print(
                f"  {name:23} cpu {ours['cpu']:7.2f}  types {ours['types']:5d}  "
                f"stages {ours['stages']:3d}  "
                f"LP {d['master_calls']:4d} / {d['master_seconds']:7.2f}  "
                f"MILP {d['milp_calls']:4d} / {d['milp_seconds']:6.2f}  "
                f"swap search {d['heuristic_columns']:6d} columns / {d['heuristic_seconds']:6.2f}  "
                f"start {d['initial_seconds']:5.2f}  relaxation {d['relaxation_seconds']:5.2f}  "
                f"peel {d['peel_panels']:4d} panels / {d['peel_seconds']:6.2f} (rest "
                f"{d['peel_rest']:.0e})  warm start {d['warm_start_seconds']:6.2f}  "
                f"fallback {d['fallback']}"
            )


if __name__ == "__main__":
    main()
