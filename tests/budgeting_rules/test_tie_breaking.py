"""Tie rules: id as text by default, explicit order, lowest cost, most votes, or refuse."""

from __future__ import annotations

from fractions import Fraction

import pytest

from budgeting.rules import Ballot, Election, Project, TieBreak, TieRefused, count


def tied_election() -> Election:
    """All three projects tie exactly in the first step; "10" and "9" cannot both win."""
    return Election(
        Fraction(100),
        [Project("9", 60), Project("10", 60), Project("x", 40)],
        [Ballot("a", ("9", "10")), Ballot("b", ("9", "10", "x")), Ballot("c", ("x",))],
    )


@pytest.mark.parametrize("variant", ["greedy_cost", "mes_cost", "phragmen"])
def test_default_tie_rule_compares_ids_as_text(variant: str) -> None:
    assert "10" in count(tied_election(), variant).winners
    assert "9" not in count(tied_election(), variant).winners


@pytest.mark.parametrize("variant", ["greedy_cost", "mes_cost", "phragmen"])
def test_explicit_public_order_decides_ties(variant: str) -> None:
    result = count(tied_election(), variant, TieBreak.by_order(["9", "10", "x"]))
    assert "9" in result.winners and "10" not in result.winners


@pytest.mark.parametrize("variant", ["greedy_cost", "mes_cost"])
def test_refuse_rule_names_the_tied_projects(variant: str) -> None:
    with pytest.raises(TieRefused) as info:
        count(tied_election(), variant, TieBreak.refuse())
    assert info.value.tied == ["10", "9", "x"]
    assert info.value.code == "count.tie_refused"


def test_lowest_cost_then_most_votes() -> None:
    election = Election(
        Fraction(50),
        [Project("a", 40), Project("b", 30), Project("c", 30)],
        [
            Ballot("1", ("a", "b")),
            Ballot("2", ("a", "c")),
            Ballot("3", ("b", "c")),
            Ballot("4", ("c",)),
        ],
    )
    # greedy_card ranks by votes per cost: b and c? b has 2/30, c has 3/30, a 2/40.
    assert count(election, "greedy_card", TieBreak.min_cost()).winners == ["c"]
    tie = Election(
        Fraction(50),
        [Project("a", 30), Project("b", 20), Project("c", 30)],
        [Ballot("1", ("a", "b", "c")), Ballot("2", ("a", "b", "c"))],
    )
    # MES with cost utilities: all three have the same price per unit; lowest cost wins.
    assert count(tie, "mes_cost", TieBreak.min_cost()).winners[0] == "b"
    assert count(tie, "mes_cost", TieBreak.by_id()).winners[0] == "a"


def test_refuse_does_not_object_when_the_tie_changes_nothing() -> None:
    election = Election(
        Fraction(100),
        [Project("p", 30), Project("q", 30)],
        [Ballot("1", ("p", "q")), Ballot("2", ("p", "q"))],
    )
    assert sorted(count(election, "greedy_cost", TieBreak.refuse()).winners) == ["p", "q"]
