"""Counting: ``count(election, variant, tie_break)`` returns a :class:`Result`.

The result lists the winners in selection order with their exact total cost, names the
variant, and explains itself per voter and per project (see :mod:`budgeting.rules.explain`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from . import explain
from .add1 import add1_integral, add1_pabutools
from .election import Election, format_amount
from .errors import VariantError
from .greedy import GreedyRun, run_greedy
from .mes import MesRun, run_mes
from .phragmen import PhragmenRun, run_phragmen
from .profile import Profile, build_profile
from .tiebreak import TieBreak, TieResolver
from .variants import Variant, get_variant


@dataclass
class Result:
    """Outcome of a count.

    ``winners`` are project ids in the order the rule returns them (selection order; for
    ``phragmen`` pabutools returns them sorted by id as text, the selection order is in
    ``selection_order``). ``total_cost`` is exact.
    """

    variant: dict[str, Any]
    winners: list[str]
    total_cost: Fraction
    budget: Fraction
    selection_order: list[str]
    endowment: Fraction | None = None
    mes_runs: int = 0
    seconds: float = 0.0
    election: Election | None = field(default=None, repr=False)
    profile: Profile | None = field(default=None, repr=False)
    mes: MesRun | None = field(default=None, repr=False)
    greedy: GreedyRun | None = field(default=None, repr=False)
    phragmen: PhragmenRun | None = field(default=None, repr=False)

    def summary(self) -> dict[str, Any]:
        """Plain data: variant, winners, exact total cost (text), endowment, runs."""
        return {
            "variant": self.variant,
            "winners": list(self.winners),
            "selection_order": list(self.selection_order),
            "total_cost": format_amount(self.total_cost),
            "budget": format_amount(self.budget),
            "endowment": None if self.endowment is None else format_amount(self.endowment),
            "mes_runs": self.mes_runs,
        }

    def explain_voter(self, voter_id: str) -> dict[str, Any]:
        """What this voter paid, kept, and why the projects they supported won or lost."""
        return explain.explain_voter(self, voter_id)

    def explain_project(self, project_id: str) -> dict[str, Any]:
        """Why this project won or lost: support, price, who took its supporters' money."""
        return explain.explain_project(self, project_id)


def count(
    election: Election,
    variant: str | Variant,
    tie_break: TieBreak | None = None,
) -> Result:
    """Count ``election`` with ``variant`` (a name from ``VARIANTS`` or a Variant)."""
    start = time.perf_counter()
    v = get_variant(variant)
    tie_rule = tie_break or TieBreak.by_id()
    profile = build_profile(election, v.satisfaction, grouped=v.rule != "greedy")
    tie = TieResolver(tie_rule, profile.ids, profile.costs, profile.votes)
    described = {**v.describe(), "tie_break": tie_rule.describe()}
    result = Result(described, [], Fraction(0), election.budget, [], election=election)
    result.profile = profile
    if v.rule == "greedy":
        _count_greedy(result, v, profile, tie)
    elif v.rule == "phragmen":
        _count_phragmen(result, election, profile, tie)
    else:
        _count_mes(result, v, election, profile, tie)
    result.total_cost = sum(
        (profile.costs[profile.ids.index(p)] for p in result.winners), Fraction(0)
    )
    result.seconds = time.perf_counter() - start
    return result


def _count_greedy(result: Result, v: Variant, profile: Profile, tie: TieResolver) -> None:
    run = run_greedy(
        profile,
        tie,
        skip=v.skip,
        threshold=v.threshold,
        zero_cost_infinite=v.satisfaction == "borda",
    )
    result.greedy = run
    result.winners = [profile.ids[p] for p in run.winners]
    result.selection_order = list(result.winners)


def _count_phragmen(result: Result, election: Election, profile: Profile, tie: TieResolver) -> None:
    if election.vote_type not in ("approval", "choose-1"):
        raise VariantError(
            "variant.needs_approval",
            f"sequential Phragmén needs approval ballots, not {election.vote_type}",
            vote_type=election.vote_type,
        )
    run = run_phragmen(profile, tie)
    result.phragmen = run
    result.selection_order = [profile.ids[p] for p in run.winners]
    result.winners = sorted(result.selection_order)


def _count_mes(
    result: Result, v: Variant, election: Election, profile: Profile, tie: TieResolver
) -> None:
    if profile.n == 0:
        run = MesRun(Fraction(0), [], {}, [], [], np.full(profile.num_groups, -1))
        result.mes_runs = 0
    elif v.completion.startswith("add1_integral"):
        run, result.mes_runs = add1_integral(profile, tie, Fraction(v.increment))
    elif v.add1:
        run, result.mes_runs = add1_pabutools(profile, tie, Fraction(v.increment))
    else:
        run = run_mes(profile, Fraction(profile.budget, profile.n), tie)
        result.mes_runs = 1
    result.mes = run
    result.endowment = run.endowment if profile.n else None
    winners = list(run.winners)
    if v.greedy_fill:
        # Same satisfaction as the MES run: this is what reference-outcomes.jsonl (pabutools
        # 1.2.3) records for mes_points+greedy and mes_borda+greedy.
        greedy = run_greedy(
            profile, tie, initial=winners, zero_cost_infinite=v.satisfaction == "borda"
        )
        result.greedy = greedy
        winners = greedy.winners
    result.winners = [profile.ids[p] for p in winners]
    result.selection_order = list(result.winners)
