"""Benchmark of budgeting.rules against pabutools 1.2.3 (the reference implementation).

One command, from the repository root::

    .venv/bin/python bench/budgeting.py                 # shared files + generated 60 000 voters
    .venv/bin/python bench/budgeting.py --voters 20000  # smaller generated election
    .venv/bin/python bench/budgeting.py --skip-files    # only the generated election

Prints a Markdown table: file, variant, voters, projects, our seconds, pabutools seconds, ratio,
identical (same winners in the same order), and the ratio of CPU seconds (each side's
``time.process_time``), which a machine shared with other jobs disturbs far less than the
wall-clock ratio. Our time is ``count()`` (profile building
included, reading the file excluded); pabutools' time is the rule call on its parsed profile.

pabutools calls run in a forked child process with a time cap (``--cap``, default 120 s). A call
that raises (or whose process dies) is reported as ``error: …`` at once, never as slow. A call
still running at the cap is stopped and printed as ``> cap (cap)`` with the ratio as a lower
bound (``> 900x``). That is what pabutools' Borda greedy does (``greedy_borda``, and the fill-up
of ``mes_borda+greedy``): ``Additive_Borda_Sat`` is not an ``AdditiveSatisfaction`` subclass, so
its greedy takes the general branch that recomputes every voter's satisfaction for every
candidate in every round — measured 34 s at 100 voters, 63 s at 200, 139 s at 400 (hours at
60 000). Those rows are still checked: "identical" then compares with pabutools' own additive
greedy branch forced by ``is_sat_additive=True`` (Borda scores of a set add up), marked
"(additive branch)". When pabutools' Add1 would exceed the cap, its time is *extrapolated* and
marked with ``~``: one
pabutools MES run is timed at the starting endowment and multiplied by the number of runs
pabutools' Add1 makes (endowments B/n, B/n+1, … up to the final one, which our count reports);
"identical" then compares pabutools' MES run at that final endowment with our outcome.

The generated election (``generate_election``) imitates a city-wide approval vote: 100
projects with log-uniform costs from 20 000 to 2 000 000 (rounded to 1 000), budget 25 % of the
total cost, six themes, project popularity drawn from a Gamma(0.7) law and multiplied by 4 for
the voter's own theme, each voter approving 1-10 projects drawn without replacement
(Gumbel top-k) — seeded, so every run benchmarks the same election. ``--write`` saves it as
bench/results/generated_<voters>.pb.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from budgeting.rules import Ballot, Election, Project, count, read_pb, write_pb  # noqa: E402
from budgeting.rules.election import format_amount  # noqa: E402

DATA = ROOT / "tests" / "data" / "pabulib"  # unchanged copies of ../shared/data/pabulib
RESULTS = ROOT / "bench" / "results"
GENERATED_VARIANTS = [
    "greedy_cost",
    "greedy_card",
    "mes_cost",
    "mes_cost+greedy",
    "phragmen",
    "mes_cost_add1",
    "mes_cost_add1+greedy",
]
# Every single-run variant also meets a city-sized election of its own ballot type.
GENERATED = {
    "approval": GENERATED_VARIANTS,
    "ordinal": ["greedy_borda", "mes_borda", "mes_borda+greedy"],
    "cumulative": ["greedy_points", "mes_points", "mes_points+greedy"],
}


def generate_election(
    voters: int = 60_000, projects: int = 100, seed: int = 2024, vote_type: str = "approval"
) -> Election:
    """A seeded city-wide election (see the module docstring for the model).

    ``ordinal`` ranks each voter's first 1-5 projects in the same draw order; ``cumulative``
    spreads 10 points over the approved projects (at least one point each)."""
    rng = np.random.default_rng(seed)
    costs = np.round(np.exp(rng.uniform(np.log(20_000), np.log(2_000_000), projects)), -3)
    themes = rng.integers(0, 6, projects)
    popularity = np.log(rng.gamma(0.7, 1.0, projects))
    own = rng.integers(0, 6, voters)
    keys = popularity[None, :] + np.log(4.0) * (themes[None, :] == own[:, None])
    keys = keys + rng.gumbel(size=(voters, projects))
    order = np.argsort(-keys, axis=1)
    lengths = rng.integers(1, 11, voters)
    ids = [str(i + 1) for i in range(projects)]
    if vote_type == "ordinal":
        lengths = np.minimum(lengths, 5)
    ballots = []
    for v in range(voters):
        chosen = tuple(ids[j] for j in order[v, : lengths[v]])
        points = None
        if vote_type == "cumulative":
            spread = rng.multinomial(10 - len(chosen), np.full(len(chosen), 1 / len(chosen)))
            points = tuple(Fraction(int(x) + 1) for x in spread)
        ballots.append(Ballot(f"v{v}", chosen, points))
    budget = Fraction(int(costs.sum() * 0.25) // 1000 * 1000)
    meta = {
        "description": f"Generated city-wide election, {voters} voters (bench/budgeting.py)",
        "country": "Worldwide",
        "unit": "generated",
        "instance": str(seed),
        "rule": "unknown",
        "date_begin": "2026",
        "date_end": "2026",
    }
    if vote_type == "ordinal":
        meta.update(max_length="5")
    if vote_type == "cumulative":
        meta.update(max_length="10", max_sum_points="10")
    return Election(
        budget,
        [Project(i, Fraction(int(c))) for i, c in zip(ids, costs, strict=True)],
        ballots,
        vote_type,
        meta,
    )


# --- pabutools side (GPL; imported only here, in the child process) -------------------------


def _sat(name: str):
    from pabutools.election import (
        Additive_Borda_Sat,
        Additive_Cardinal_Sat,
        Cardinality_Sat,
        Cost_Sat,
    )

    return {
        "cost": Cost_Sat,
        "card": Cardinality_Sat,
        "points": Additive_Cardinal_Sat,
        "borda": Additive_Borda_Sat,
    }[name]


def pabutools_call(variant: str, instance, profile, additive_greedy: bool = False) -> list[str]:
    """The pabutools 1.2.3 call each variant name stands for.

    ``additive_greedy`` forces pabutools' additive greedy branch (``is_sat_additive=True``):
    ``Additive_Borda_Sat`` is not an ``AdditiveSatisfaction`` subclass, so pabutools' Borda
    greedy takes its general branch, which recomputes every voter's satisfaction for every
    candidate in every round (about 0.35 s per voter here: hours at 60 000 voters). The Borda
    score of a set is the sum of its projects' scores, so the additive branch must give the same
    winners; the benchmark uses it only to check ours when the real call runs into the cap.
    """
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    if variant == "phragmen":
        out = sequential_phragmen(instance, profile)
    elif variant.startswith("greedy_"):
        extra = {"is_sat_additive": True} if additive_greedy else {}
        out = greedy_utilitarian_welfare(instance, profile, sat_class=_sat(variant[7:]), **extra)
    else:
        base, _, fill = variant.partition("+")
        kwargs = {"sat_class": _sat(base.split("_")[1])}
        if base.endswith("_add1"):
            kwargs["voter_budget_increment"] = 1
        fill_extra = {"is_sat_additive": True} if additive_greedy else {}
        if fill:
            out = completion_by_rule_combination(
                instance,
                profile,
                [method_of_equal_shares, greedy_utilitarian_welfare],
                [kwargs, {"sat_class": kwargs["sat_class"], **fill_extra}],
            )
        else:
            out = method_of_equal_shares(instance, profile, **kwargs)
    return [p.name for p in out]


def pabutools_mes_at(instance, profile, endowment: Fraction) -> list[str]:
    """One pabutools MES run (cost utilities) with a given endowment per voter."""
    from pabutools.fractions import frac
    from pabutools.rules.budgetallocation import BudgetAllocation
    from pabutools.rules.mes.mes_rule import method_of_equal_shares_scheme
    from pabutools.tiebreaking import lexico_tie_breaking

    out = method_of_equal_shares_scheme(
        instance,
        profile,
        profile.as_sat_profile(_sat("cost")),
        frac(endowment.numerator, endowment.denominator),
        BudgetAllocation(),
        lexico_tie_breaking,
        binary_sat=True,
    )
    return [p.name for p in out]


_STATE: dict = {}


def _child(conn, job) -> None:
    instance, profile = _STATE["instance"], _STATE["profile"]
    start, cpu = time.perf_counter(), time.process_time()
    try:
        if job[0] == "variant":
            winners = pabutools_call(job[1], instance, profile)
        elif job[0] == "variant_additive":
            winners = pabutools_call(job[1], instance, profile, additive_greedy=True)
        else:
            winners = pabutools_mes_at(instance, profile, job[1])
    except Exception as exc:  # reported as such, not mistaken for the time cap
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:200]))
        return
    conn.send((winners, time.perf_counter() - start, time.process_time() - cpu))


class ChildFailed(Exception):
    """pabutools raised (message) or its process died, as opposed to running into the cap."""


class Capped:
    """A call stopped at the cap, with the CPU seconds it had used (None if unknown)."""

    def __init__(self, cpu: float | None) -> None:
        self.cpu = cpu


def _cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user + system) a running process has used, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def timed_in_child(job, cap: float):
    """(winners, seconds, CPU seconds) from a forked child; ``Capped`` after ``cap`` seconds;
    ChildFailed if pabutools raised or the child died (an error is never "slower than cap")."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, job))
    proc.start()
    child.close()
    deadline = time.perf_counter() + cap
    try:
        while not parent.poll(0.2):
            if not proc.is_alive() and not parent.poll(0):
                raise ChildFailed(f"pabutools process died (exit code {proc.exitcode})")
            if time.perf_counter() > deadline:
                return Capped(_cpu_seconds(proc.pid))
        result = parent.recv()
        if result[0] == "error":
            raise ChildFailed(result[1])
        return result
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()


# --- the benchmark -----------------------------------------------------------------------------


def ours(election: Election, variant: str):
    """Our count and its CPU seconds (``Result.seconds`` is wall-clock)."""
    cpu = time.process_time()
    result = count(election, variant)
    return result, time.process_time() - cpu


def bench_one(name: str, election: Election, variant: str, cap: float) -> dict:
    result, cpu = ours(election, variant)
    row = {
        "file": name,
        "variant": variant,
        "voters": len(election.ballots),
        "projects": len(election.projects),
        "ours_s": result.seconds,
        "ours_cpu_s": cpu,
        "mes_runs": result.mes_runs,
        "total_cost": format_amount(result.total_cost),
    }
    try:
        _compare_with_pabutools(row, election, variant, result, cap)
    except ChildFailed as exc:
        row.update(pabutools_s=None, extrapolated=False, identical=None, note=f"error: {exc}")
    return row


def _compare_with_pabutools(row: dict, election: Election, variant: str, result, cap: float):
    """Fill pabutools' seconds and "identical" into ``row`` (measured, extrapolated or > cap)."""
    got = timed_in_child(("variant", variant), cap)
    if not isinstance(got, Capped):
        winners, seconds, cpu = got
        row.update(
            pabutools_s=seconds,
            pabutools_cpu_s=cpu,
            extrapolated=False,
            identical=winners == result.winners,
        )
        return
    if "add1" in variant and result.endowment is not None:
        start = Fraction(election.budget, len(election.ballots))
        runs = int(result.endowment - start) + 1  # endowments B/n, B/n + 1, …, final
        one = timed_in_child(("mes_at", start), cap)
        final = timed_in_child(("mes_at", result.endowment), cap)
        if not isinstance(one, Capped) and not isinstance(final, Capped):
            fill = "+greedy" in variant
            same = (
                final[0] == result.winners[: len(final[0])] if fill else final[0] == result.winners
            )
            row.update(
                pabutools_s=one[1] * runs,
                pabutools_cpu_s=one[2] * runs,
                extrapolated=True,
                identical=same,
                note=f"{runs} runs x {one[1]:.1f} s",
            )
            return
    # pabutools did not finish: its time is only known to exceed the cap, so the ratio is a
    # lower bound (printed as "> cap" and "> ratio")
    row.update(pabutools_s=None, extrapolated=False, identical=None, capped=cap)
    row["pabutools_cpu_at_cap_s"] = got.cpu
    row["note"] = f"pabutools still running after {cap:.0f} s, stopped"
    if "borda" in variant and ("greedy" in variant):
        check = timed_in_child(("variant_additive", variant), cap)
        if not isinstance(check, Capped):
            row.update(identical=check[0] == result.winners, identical_by="additive branch")
            row["note"] += f"; its additive greedy branch took {check[1]:.1f} s"


def fmt(row: dict) -> str:
    pab = row.get("pabutools_s")
    ours_s = max(row["ours_s"], 1e-9)
    if pab is not None:
        pab_text = ("~" if row["extrapolated"] else "") + f"{pab:.3f}"
        ratio = f"{pab / ours_s:.0f}x"
    elif row.get("capped"):
        pab_text, ratio = f"> {row['capped']:.0f} (cap)", f"> {row['capped'] / ours_s:.0f}x"
    else:
        pab_text, ratio = row.get("note", "n/a"), "n/a"
    ours_cpu = max(row.get("ours_cpu_s", 0.0), 1e-9)
    if row.get("pabutools_cpu_s") is not None:
        cpu_ratio = (
            "~" if row["extrapolated"] else ""
        ) + f"{row['pabutools_cpu_s'] / ours_cpu:.0f}x"
    elif row.get("pabutools_cpu_at_cap_s") is not None:
        cpu_ratio = f"> {row['pabutools_cpu_at_cap_s'] / ours_cpu:.0f}x"
    else:
        cpu_ratio = "n/a"
    same = {True: "yes", False: "NO", None: "n/a"}[row["identical"]]
    if row["extrapolated"]:
        same += " (final run)"
    if row.get("identical_by"):
        same += f" ({row['identical_by']})"
    return (
        f"| {row['file'][:44]} | {row['variant']} | {row['voters']} | {row['projects']} | "
        f"{row['ours_s']:.3f} | {pab_text} | {ratio} | {same} | {cpu_ratio} |"
    )


def run_election(name: str, election: Election, variants: list[str], cap: float, rows: list):
    from pabutools.election.pabulib import parse_pabulib_from_string

    _STATE["instance"], _STATE["profile"] = parse_pabulib_from_string(write_pb(election))
    for variant in variants:
        row = bench_one(name, election, variant, cap)
        rows.append(row)
        print(fmt(row), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voters", type=int, default=60_000)
    parser.add_argument("--cap", type=float, default=120.0, help="seconds per pabutools call")
    parser.add_argument("--skip-files", action="store_true")
    parser.add_argument("--skip-generated", action="store_true")
    parser.add_argument("--write", action="store_true", help="save the generated .pb")
    parser.add_argument(
        "--vote-types",
        type=lambda text: text.split(","),
        default=list(GENERATED),
        help="generated elections to run, comma-separated (approval,ordinal,cumulative)",
    )
    args = parser.parse_args(argv)
    print(
        "| file | variant | voters | projects | ours s | pabutools s | ratio | identical "
        "| CPU ratio |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---|---:|")
    rows: list[dict] = []
    if not args.skip_files:
        reference = [json.loads(x) for x in (DATA / "reference-outcomes.jsonl").open()]
        for path in sorted(DATA.glob("*.pb")):
            variants = [r["variant"] for r in reference if r["file"] == path.name]
            run_election(path.name, read_pb(path), variants, args.cap, rows)
    if not args.skip_generated:
        for vote_type, variants in GENERATED.items():
            if vote_type not in args.vote_types:
                continue
            election = generate_election(args.voters, vote_type=vote_type)
            name = f"generated_{vote_type}_{args.voters}.pb"
            if args.write:
                RESULTS.mkdir(parents=True, exist_ok=True)
                (RESULTS / name).write_text(write_pb(election), encoding="utf-8")
            run_election(name, election, variants, args.cap, rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "budgeting.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0 if all(r["identical"] is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
