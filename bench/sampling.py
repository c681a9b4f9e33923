"""Benchmark: our LEXIMIN (HiGHS via scipy) against sortition-algorithms' LEXIMIN (Gurobi).

Run from the repository root:  python bench/sampling.py [--only NAME ...] [--reference-timeout S]

Prints a table: instance, n, k, distinct profiles, our seconds, reference seconds, ratio and
both minimum probabilities. Generated pools are drawn from the pairwise population shares of
the paper's sf_e_110 instance (a chain of conditional draws gives correlated features) with a
self-selection bias (some values answer less), and quotas around the population shares.
The reference runs in a subprocess with a time limit (its free Gurobi licence is size-limited).
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing as mp
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sampling.formats import read_instance  # noqa: E402
from sampling.model import Pool, Quota, Volunteer  # noqa: E402
from sampling.stage2 import select_probabilities  # noqa: E402

DATA = ROOT / "tests" / "data" / "sortition"  # unchanged copies of ../shared/data/sortition


def shared_instances():
    hh = ("primary_address1", "primary_zip")
    yield (
        "example_small_20",
        read_instance(
            DATA / "example_small_20/categories.csv", DATA / "example_small_20/respondents.csv"
        ),
        20,
    )
    yield (
        "sa_fixture_22",
        read_instance(
            DATA / "sa_fixture_22/features.csv",
            DATA / "sa_fixture_22/candidates.csv",
            household_columns=hh,
        ),
        22,
    )
    yield (
        "opendlp_docs_example_20",
        read_instance(
            DATA / "opendlp_docs_example_20/Categories_csv_example.csv",
            DATA / "opendlp_docs_example_20/Respondents_csv_example.csv",
        ),
        20,
    )


def _shares():
    pair: dict[tuple[str, str, str, str], float] = {}
    values: dict[str, set[str]] = {}
    with open(DATA / "published-profiles/sf_e_110_intersections.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            c1, v1, c2, v2 = (
                row["category 1"],
                row["feature 1"],
                row["category 2"],
                row["feature 2"],
            )
            pair[(c1, v1, c2, v2)] = float(row["population share"])
            values.setdefault(c1, set()).add(v1)
            values.setdefault(c2, set()).add(v2)
    return pair, {c: sorted(v) for c, v in values.items()}


def generated(n: int, categories: int, seed: int, few_profiles: bool = False):
    """A pool of n volunteers with correlated features, self-selection bias, and quotas."""
    pair, values = _shares()
    cats = sorted(values)[:categories]
    if few_profiles:
        values = {c: values[c][:2] for c in cats}
    rng = np.random.default_rng(seed)
    propensity = {c: {v: 0.4 + 0.6 * rng.random() for v in values[c]} for c in cats}
    people = []
    while len(people) < n:
        prof = {}
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
        if rng.random() < np.prod([propensity[c][prof[c]] for c in cats]) ** 0.5:
            people.append(Volunteer(f"g{len(people)}", prof))
    pool = Pool(tuple(people))
    k = n // 10
    quotas = []
    for c in cats:
        for v in values[c]:
            # quotas from the population (the unbiased chain), not from the biased pool
            share = np.mean([p.features[c] == v for p in people])
            target = (
                k
                * share
                / propensity[c][v]
                / np.mean(
                    [
                        propensity[c][x]
                        * np.mean([p.features[c] == x for p in people])
                        / propensity[c][x]
                        for x in values[c]
                    ]
                )
                if False
                else k * share
            )
            quotas.append(
                Quota(c, v, int(np.floor(0.85 * target)), int(np.ceil(1.15 * target)) + 1)
            )
    return pool, quotas, k


def _reference_worker(pool, quotas, k, queue):
    sys.path.insert(0, str(ROOT))
    from tests.sampling.reference import reference_leximin

    try:
        probs, seconds = reference_leximin(pool, quotas, k)
        queue.put((seconds, min(probs.values()), None))
    except Exception as exc:  # noqa: BLE001
        queue.put((None, None, f"{type(exc).__name__}: {str(exc)[:60]}"))


def run_reference(pool, quotas, k, timeout):
    queue = mp.Queue()
    proc = mp.Process(target=_reference_worker, args=(pool, quotas, k, queue))
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None, None, f"timeout {timeout:.0f}s"
    return queue.get() if not queue.empty() else (None, None, "crashed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--reference-timeout", type=float, default=600)
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()
    cases = list(shared_instances())
    for n, cats in ((500, 5), (1000, 6), (2000, 7)):
        pool, quotas, k = generated(n, cats, seed=n)
        cases.append(
            (f"generated_{n}_{cats}cat", type("I", (), {"pool": pool, "quotas": quotas}), k)
        )
    pool, quotas, k = generated(2000, 4, seed=7, few_profiles=True)
    cases.append(
        ("generated_2000_few_profiles", type("I", (), {"pool": pool, "quotas": quotas}), k)
    )
    header = (
        f"{'instance':30} {'n':>5} {'k':>4} {'profiles':>8} {'ours s':>8} {'ref s':>9} "
        f"{'ratio':>7} {'our min':>9} {'ref min':>9}"
    )
    print(header)
    print("-" * len(header), flush=True)
    for name, inst, k in cases:
        if args.only and name not in args.only:
            continue
        start = time.perf_counter()
        result = select_probabilities(inst.pool, inst.quotas, k, explain=False)
        ours = time.perf_counter() - start
        if args.no_reference:
            ref_s, ref_min, note = None, None, "skipped"
        else:
            ref_s, ref_min, note = run_reference(inst.pool, inst.quotas, k, args.reference_timeout)
        ratio = f"{ref_s / ours:7.1f}" if ref_s else "      -"
        ref_txt = f"{ref_s:9.2f}" if ref_s else f"{'-':>9}"
        ref_min_txt = f"{ref_min:9.4f}" if ref_min is not None else f"{'-':>9}"
        print(
            f"{name:30} {len(inst.pool):5d} {k:4d} {result.report.distinct_profiles:8d} "
            f"{ours:8.2f} {ref_txt} {ratio} {result.min_probability:9.4f} {ref_min_txt}"
            + (f"  ({note})" if note else ""),
            flush=True,
        )


if __name__ == "__main__":
    main()
