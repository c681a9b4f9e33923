"""Property: on random small elections full of ties, every variant equals pabutools 1.2.3.

pabutools (GPL) is a test oracle only; budgeting.rules never imports it.
"""

from __future__ import annotations

import os
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from pabutools.election import (
    Additive_Borda_Sat,
    Additive_Cardinal_Sat,
    Cardinality_Sat,
    Cost_Sat,
)
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
    sequential_phragmen,
)

from budgeting.rules import count, write_pb

from .strategies import crowded_elections, elections

SAT = {
    "cost": Cost_Sat,
    "card": Cardinality_Sat,
    "points": Additive_Cardinal_Sat,
    "borda": Additive_Borda_Sat,
}


def oracle(variant: str, instance, profile) -> list[str]:
    """The pabutools 1.2.3 call each variant name stands for."""
    if variant == "phragmen":
        out = sequential_phragmen(instance, profile)
    elif variant.startswith("greedy_"):
        out = greedy_utilitarian_welfare(instance, profile, sat_class=SAT[variant[7:]])
    else:
        base, _, fill = variant.partition("+")
        sat = SAT[base.split("_")[1]]
        kwargs = {"sat_class": sat}
        if base.endswith("_add1"):
            kwargs["voter_budget_increment"] = 1
        if fill:
            out = completion_by_rule_combination(
                instance,
                profile,
                [method_of_equal_shares, greedy_utilitarian_welfare],
                [kwargs, {"sat_class": sat}],
            )
        else:
            out = method_of_equal_shares(instance, profile, **kwargs)
    return [p.name for p in out]


def check(election, variants: list[str]) -> None:
    instance, profile = parse_pabulib_from_string(write_pb(election))
    for variant in variants:
        expected = oracle(variant, instance, profile)
        result = count(election, variant)
        assert result.winners == expected, variant
        costs = {p.id: p.cost for p in election.projects}
        assert result.total_cost == sum((costs[p] for p in expected), Fraction(0))


# TINGET_ORACLE_EXAMPLES=2000 for a longer local run
SETTINGS = settings(
    max_examples=int(os.environ.get("TINGET_ORACLE_EXAMPLES", "70")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

APPROVAL = [
    "greedy_cost",
    "greedy_card",
    "mes_cost",
    "mes_cost+greedy",
    "mes_cost_add1",
    "mes_cost_add1+greedy",
    "phragmen",
]


@SETTINGS
@given(elections("approval"))
def test_approval_variants_equal_pabutools(election) -> None:
    check(election, APPROVAL)


@SETTINGS
@given(elections("cumulative"))
def test_points_variants_equal_pabutools(election) -> None:
    check(election, ["greedy_points", "mes_points", "mes_points+greedy", "greedy_cost", "mes_cost"])


@SETTINGS
@given(elections("ordinal"))
def test_borda_variants_equal_pabutools(election) -> None:
    check(election, ["greedy_borda", "mes_borda", "mes_borda+greedy", "mes_cost+greedy"])


@pytest.mark.parametrize("seed_budget", [7, 13])
def test_fractional_endowments_with_many_voters_equal_pabutools(seed_budget: int) -> None:
    """B/n with a large prime-ish denominator: exact fractions, no float rounding."""
    import random

    rng = random.Random(seed_budget)
    from budgeting.rules import Ballot, Election, Project

    ids = [str(i) for i in range(1, 13)]
    projects = [Project(i, Fraction(rng.choice([100, 150, 200, 250, 333]))) for i in ids]
    ballots = [Ballot(f"v{v}", tuple(rng.sample(ids, rng.randint(1, 5)))) for v in range(97)]
    election = Election(Fraction(1000 + seed_budget), projects, ballots)
    check(election, ["mes_cost", "mes_cost_add1", "mes_cost_add1+greedy", "phragmen"])


def test_decimal_points_on_scoring_ballots_equal_pabutools() -> None:
    """Non-integer points take the exact-fraction path and still match pabutools."""
    import random

    from budgeting.rules import Ballot, Election, Project

    rng = random.Random(5)
    ids = ["1", "2", "3", "10", "11"]
    projects = [Project(i, Fraction(rng.choice([20, 30, 45]))) for i in ids]
    ballots = []
    for v in range(25):
        chosen = rng.sample(ids, rng.randint(1, 4))
        points = sorted(
            (Fraction(rng.choice(["0.5", "1.5", "2", "2.25"])) for _ in chosen), reverse=True
        )
        ballots.append(Ballot(f"v{v}", tuple(chosen), tuple(points)))
    election = Election(Fraction(90), projects, ballots, "scoring")
    check(election, ["greedy_points", "mes_points", "mes_points+greedy"])


CROWDED = settings(
    max_examples=int(os.environ.get("TINGET_ORACLE_EXAMPLES", "70")) // 2,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@CROWDED
@given(crowded_elections("cumulative"))
def test_points_variants_on_large_identical_groups_equal_pabutools(election) -> None:
    check(election, ["greedy_points", "mes_points", "mes_points+greedy"])


@CROWDED
@given(crowded_elections("ordinal"))
def test_borda_mes_on_large_identical_groups_equals_pabutools(election) -> None:
    # pabutools' Borda greedy recomputes every voter for every candidate and round (its
    # general branch): fine for ten voters above, minutes for eighty, so MES only here
    check(election, ["mes_borda"])
