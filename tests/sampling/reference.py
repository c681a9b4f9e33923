"""Oracle: sortition-algorithms' LEXIMIN (Gurobi), for tests and the benchmark only.

The GPL reference library is never imported by ``sampling/``; it is only used here to check our
probabilities and to time it against ours.
"""

from __future__ import annotations

import csv
import io
import logging
import time
from collections.abc import Sequence

from sampling.model import Pool, Quota


def _quota_csv(quotas: Sequence[Quota]) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["feature", "value", "min", "max"])
    for q in quotas:
        w.writerow([q.category, q.value, q.min, q.max])
    return out.getvalue()


def _people_csv(pool: Pool, categories: Sequence[str], with_households: bool) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["pid", *categories, *(["household"] if with_households else [])])
    for v in pool.volunteers:
        hh = ["|".join(v.household or (v.id,))] if with_households else []
        w.writerow([v.id, *(v.features[c] for c in categories), *hh])
    return out.getvalue()


def reference_leximin(
    pool: Pool, quotas: Sequence[Quota], panel_size: int
) -> tuple[dict[str, float], float]:
    """Per-volunteer LEXIMIN probabilities from sortition-algorithms, and its seconds."""
    from sortition_algorithms.adapters import CSVStringDataSource, SelectionData
    from sortition_algorithms.committee_generation.leximin import find_distribution_leximin
    from sortition_algorithms.settings import Settings

    logging.getLogger("sortition_algorithms").setLevel(logging.WARNING)
    cats = list(dict.fromkeys(q.category for q in quotas))
    with_hh = any(v.household is not None for v in pool.volunteers)
    source = CSVStringDataSource(_quota_csv(quotas), _people_csv(pool, cats, with_hh))
    data = SelectionData(source)
    features, _ = data.load_features(panel_size)
    settings = Settings(
        id_column="pid",
        columns_to_keep=[],
        check_same_address=with_hh,
        check_same_address_columns=["household"] if with_hh else [],
        selection_algorithm="leximin",
    )
    people, _ = data.load_people(settings, features)
    start = time.perf_counter()
    committees, probs, _ = find_distribution_leximin(
        features, people, panel_size, ["household"] if with_hh else []
    )
    seconds = time.perf_counter() - start
    marg = {v.id: 0.0 for v in pool.volunteers}
    for committee, p in zip(committees, probs, strict=True):
        for pid in committee:
            marg[pid] += p
    return marg, seconds


def reference_leximin_pinned(
    features: str, people: str, panel_size: int, household_columns: Sequence[str] = ()
) -> dict[str, float]:
    """The reference run in a fresh interpreter with a fixed hash seed.

    Its column generation iterates over sets of strings, so its upper levels change with
    PYTHONHASHSEED; pinning the seed makes the comparison repeatable from run to run.
    """
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(root)}
    args = [sys.executable, "-m", "tests.sampling.reference", features, people, str(panel_size)]
    out = subprocess.run(
        [*args, *household_columns], env=env, cwd=root, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # the library prints progress too


if __name__ == "__main__":
    import json
    import sys

    from sortition_algorithms.utils import set_random_provider

    from sampling.formats import read_instance

    features_path, people_path, k, *household = sys.argv[1:]
    instance = read_instance(features_path, people_path, household_columns=tuple(household))
    set_random_provider(20260714)
    probabilities, _ = reference_leximin(instance.pool, instance.quotas, int(k))
    print(json.dumps(probabilities))
