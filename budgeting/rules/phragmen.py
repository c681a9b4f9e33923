"""Sequential Phragmén (pabutools ``sequential_phragmen``), approval ballots only.

Voters earn money continuously; the next project is the one whose supporters can buy it
soonest, (sum of their loads + cost) / supporters; all its supporters' loads become that value.
The rule stops as soon as a project attaining the minimum would break the budget. Voters whose
last bought project is the same carry the same load, so loads are kept per such class; floats
screen, exact fractions decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .profile import Profile
from .tiebreak import TieResolver


@dataclass
class PhragmenRun:
    winners: list[int]  # selection order
    loads: list[Fraction] = field(default_factory=list)  # load reached at each selection
    stopped_by: list[int] = field(default_factory=list)  # tied projects that broke the budget


def run_phragmen(profile: Profile, tie: TieResolver) -> PhragmenRun:
    """Sequential Phragmén on a cardinality (approval) profile."""
    budget = profile.budget
    num_p = profile.num_projects
    remaining = [p for p in range(num_p) if profile.costs[p] <= budget]
    # all (project, group) incidences at once: one bincount per round gives, for every
    # project, how many of its supporters carry each load
    flat_p = np.concatenate(
        [np.full(len(profile.supporters[p]), p, dtype=np.int64) for p in range(num_p)]
        or [np.zeros(0, dtype=np.int64)]
    )
    flat_g = np.concatenate(list(profile.supporters) or [np.zeros(0, dtype=np.int64)])
    flat_w = profile.weights[flat_g].astype(np.float64) if len(flat_g) else np.zeros(0)
    cls = np.zeros(profile.num_groups, dtype=np.int64)
    loads: list[Fraction] = [Fraction(0)]
    costs_f = np.array([float(c) for c in profile.costs]) if num_p else np.zeros(0)
    votes = np.array(profile.votes, dtype=np.float64)
    run = PhragmenRun([])
    spent = Fraction(0)
    while remaining:
        k = len(loads)
        counts = np.bincount(flat_p * k + cls[flat_g], weights=flat_w, minlength=num_p * k)
        counts = counts.reshape(num_p, k)
        lf = np.array([float(x) for x in loads])
        rem = np.array(remaining, dtype=np.int64)
        with np.errstate(divide="ignore", invalid="ignore"):
            vals = np.where(votes[rem] > 0, (counts[rem] @ lf + costs_f[rem]) / votes[rem], np.inf)
        best_f = float(vals.min())
        if best_f == float("inf"):
            tied, best = list(remaining), None
        else:
            near = rem[vals <= best_f * (1 + 1e-9) + 1e-300].tolist()
            exact = {p: _exact_load(profile, loads, counts[p], p) for p in near}
            best = min(exact.values())
            tied = [p for p, v in exact.items() if v == best]
        over = [p for p in tied if spent + profile.costs[p] > budget]
        if over:
            run.stopped_by = over
            break
        p = tie.pick(tied, "phragmen")
        run.winners.append(p)
        spent += profile.costs[p]
        remaining.remove(p)
        if best is not None:
            loads.append(best)
            cls[profile.supporters[p]] = len(loads) - 1
            run.loads.append(best)
        else:
            run.loads.append(Fraction(0))
    return run


def _exact_load(profile: Profile, loads: list[Fraction], counts: np.ndarray, p: int) -> Fraction:
    """(sum of supporters' loads + cost) / supporters, exactly."""
    total = sum((loads[k] * int(c) for k, c in enumerate(counts.tolist()) if c), Fraction(0))
    return (total + profile.costs[p]) / profile.votes[p]
