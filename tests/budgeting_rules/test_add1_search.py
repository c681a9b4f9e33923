"""The fast Add1 search (skipping certified endowment ranges) equals rerunning at every step."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings

from budgeting.rules.add1 import add1_integral, add1_pabutools, same_outcome_between
from budgeting.rules.mes import run_mes
from budgeting.rules.profile import build_profile
from budgeting.rules.tiebreak import TieBreak, TieResolver

from .conftest import election_from_data
from .strategies import elections


def both_ways(election, rule, satisfaction="cost"):
    profile = build_profile(election, satisfaction)
    tie = TieResolver(TieBreak.by_id(), profile.ids, profile.costs, profile.votes)
    fast, fast_runs = rule(profile, tie, Fraction(1), fast=True)
    slow, slow_runs = rule(profile, tie, Fraction(1), fast=False)
    return fast, slow, fast_runs, slow_runs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections("approval"))
def test_fast_add1_equals_stepping_one_unit_at_a_time(election) -> None:
    for rule in (add1_pabutools, add1_integral):
        fast, slow, _, _ = both_ways(election, rule)
        assert (fast.winners, fast.endowment) == (slow.winners, slow.endowment)


@pytest.mark.parametrize(
    "name",
    [
        "Poland_Krakow_2019_Podgorze.pb",
        "Worldwide_Mechanical_Turk_Utilities_8.pb",
        "US_Stanford_Dataset_2023_Youth_Power_PB_LB_vote_approvals.pb",
    ],
)
def test_fast_add1_on_real_elections_lands_on_the_same_endowment_with_fewer_runs(name) -> None:
    fast, slow, fast_runs, slow_runs = both_ways(election_from_data(name), add1_pabutools)
    assert (fast.winners, fast.endowment) == (slow.winners, slow.endowment)
    assert fast_runs < slow_runs


def test_certificate_requires_same_winners_and_a_price_gap() -> None:
    election = election_from_data("Netherlands_Assen_2024.pb")
    profile = build_profile(election, "cost")
    tie = TieResolver(TieBreak.by_id(), profile.ids, profile.costs, profile.votes)
    start = Fraction(profile.budget, profile.n)
    low = run_mes(profile, start, tie, reach=1.1)
    assert same_outcome_between(low, run_mes(profile, start, tie, reach=1.1), tie)
    far = run_mes(profile, start + 700, tie, reach=1.1)
    assert far.winners != low.winners
    assert not same_outcome_between(low, far, tie)
