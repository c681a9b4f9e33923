"""Greedy utilitarian rule (pabutools ``greedy_utilitarian_welfare``) and city variants.

Projects are ranked by total satisfaction per unit of cost (with cost utilities that is the
number of supporters), equal ranks go to the tie rule; the walk adds each project that still
fits and either skips the others (pabulib ``greedy``) or stops at the first that does not fit
(``greedy-no-skip``). An optional vote threshold drops projects with fewer votes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from .errors import TieRefused
from .profile import Profile
from .tiebreak import TieResolver

INF = None  # marker for infinite density (supported zero-cost projects)


@dataclass
class GreedyStep:
    """How the walk treated one project."""

    project: int
    rank: int
    density: Fraction | None  # None = infinite
    status: str  # "selected" | "skipped" | "not_reached" | "below_threshold" | "initial"
    left_before: Fraction  # budget left when the project was considered


@dataclass
class GreedyRun:
    winners: list[int]
    steps: list[GreedyStep] = field(default_factory=list)


def _density(profile: Profile, p: int, zero_cost_infinite: bool) -> Fraction | None:
    total, cost = profile.total_sat[p], profile.costs[p]
    if cost == 0 and (zero_cost_infinite or total > 0):
        return INF
    if total > 0:
        return total / cost
    return Fraction(0)


def _rank_key(d: Fraction | None) -> tuple[int, Fraction]:
    return (0, Fraction(0)) if d is INF else (1, -d)


def run_greedy(
    profile: Profile,
    tie: TieResolver,
    initial: list[int] | None = None,
    skip: bool = True,
    threshold: int | None = None,
    zero_cost_infinite: bool = False,
) -> GreedyRun:
    """Greedy walk starting from ``initial`` winners (kept first, in their order)."""
    initial = list(initial or [])
    left = profile.budget - sum((profile.costs[p] for p in initial), Fraction(0))
    chosen = set(initial)
    candidates = [p for p in range(profile.num_projects) if p not in chosen]
    dens = {p: _density(profile, p, zero_cost_infinite) for p in candidates}
    order = sorted(tie.sort(candidates), key=lambda p: _rank_key(dens[p]))
    run = GreedyRun(list(initial))
    stopped = False
    for rank, p in enumerate(order, start=1):
        if threshold is not None and profile.votes[p] < threshold:
            status = "below_threshold"
        elif stopped:
            status = "not_reached"
        elif profile.costs[p] <= left:
            status = "selected"
        else:
            status = "skipped"
            stopped = not skip
        run.steps.append(GreedyStep(p, rank, dens[p], status, left))
        if status == "selected":
            run.winners.append(p)
            left -= profile.costs[p]
    if tie.refuses:
        _refuse_ties(run, profile)
    return run


def _refuse_ties(run: GreedyRun, profile: Profile) -> None:
    """With the refuse rule, a tie matters when tied projects were not all selected."""
    groups: dict[tuple, list[GreedyStep]] = {}
    for step in run.steps:
        if step.status != "below_threshold":
            groups.setdefault(_rank_key(step.density), []).append(step)
    for steps in groups.values():
        if len(steps) > 1 and any(s.status != "selected" for s in steps):
            raise TieRefused(sorted(profile.ids[s.project] for s in steps), "greedy")
