"""The MES engine's float screening never changes a decision: the all-fractions path agrees."""

from __future__ import annotations

from fractions import Fraction

import pytest

from budgeting.rules import Ballot, Election, Project, count
from budgeting.rules import mes as mes_module

from .conftest import election_from_data


@pytest.mark.parametrize(
    ("name", "variant"),
    [
        ("Netherlands_Assen_2024.pb", "mes_cost"),
        ("Worldwide_Mechanical_Turk_Utilities_8.pb", "mes_points"),
        ("US_Stanford_Dataset_2021-22_Cal_High_Library_PB_vote_knapsacks.pb", "mes_cost_add1"),
    ],
)
def test_all_fraction_prices_give_the_same_outcome_as_float_screening(
    monkeypatch, name: str, variant: str
) -> None:
    election = election_from_data(name)
    screened = count(election, variant)
    monkeypatch.setattr(mes_module, "_exact_price", lambda *args: None)  # force the slow path
    exact = count(election, variant)
    assert exact.winners == screened.winners
    assert exact.endowment == screened.endowment


def test_exact_ties_between_fractional_prices_go_to_the_tie_rule() -> None:
    """Budget 100 shared by 3 voters: prices are thirds; "b" and "a" tie exactly."""
    election = Election(
        Fraction(100),
        [Project("b", Fraction(40)), Project("a", Fraction(40)), Project("c", Fraction(50))],
        [Ballot("1", ("a", "b", "c")), Ballot("2", ("a", "b")), Ballot("3", ("c",))],
    )
    result = count(election, "mes_cost")
    assert result.winners[0] == "a"
    assert result.explain_project("a")["equal_shares"]["price_per_utility_unit"] == "20"
