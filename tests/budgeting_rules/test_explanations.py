"""Explanations add up: payments match prices, leftovers match shares, losers say why."""

from __future__ import annotations

from fractions import Fraction

import pytest

from budgeting.rules import Ballot, Election, Project, RulesError, count

from .conftest import election_from_data


def small_election() -> Election:
    """Budget 30, three voters: a (cost 18) by all, b (cost 12) by v1, c (cost 20) by v2, v3."""
    return Election(
        Fraction(30),
        [Project("a", 18), Project("b", 12), Project("c", 20)],
        [Ballot("v1", ("a", "b")), Ballot("v2", ("a", "c")), Ballot("v3", ("a", "c"))],
    )


def test_voter_explanation_lists_share_payments_and_leftover() -> None:
    result = count(small_election(), "mes_cost")
    assert result.winners == ["a"]
    v2 = result.explain_voter("v2")
    assert v2["share"] == "10"
    assert v2["paid"] == [{"project": "a", "amount": "6"}]
    assert v2["left"] == "4"
    lost = v2["lost"][0]
    assert lost["project"] == "c"
    assert lost["supporters_could_still_pay"] == "8"
    assert lost["effective_support_percent"] == "40"
    assert lost["budget_taken_by"] == [{"project": "a", "amount": "12"}]
    assert lost["extra_supporters_needed"] == 2


def test_project_explanation_of_a_winner_gives_round_and_price() -> None:
    info = count(small_election(), "mes_cost").explain_project("a")
    assert info["selected"] and info["position"] == 1
    assert info["equal_shares"]["round"] == 1
    assert info["equal_shares"]["price_per_utility_unit"] == "6"


def test_greedy_explanation_says_how_much_was_left_for_a_skipped_project() -> None:
    info = count(small_election(), "greedy_cost").explain_project("c")
    assert info["greedy"]["status"] == "skipped"
    assert info["greedy"]["left_when_reached"] == "12"
    assert info["greedy"]["rank"] == 2


@pytest.mark.parametrize("variant", ["mes_cost", "mes_cost_add1+greedy"])
def test_payments_of_all_voters_add_up_to_the_cost_of_equal_shares_winners(variant) -> None:
    election = election_from_data("Netherlands_Assen_2024.pb")
    result = count(election, variant)
    paid: dict[str, Fraction] = {}
    left = Fraction(0)
    for ballot in election.ballots:
        info = result.explain_voter(ballot.voter_id)
        left += Fraction(info["left"])
        for item in info["paid"]:
            paid[item["project"]] = paid.get(item["project"], 0) + Fraction(item["amount"])
    costs = {p.id: p.cost for p in election.projects}
    mes_winners = [ids for ids in result.winners if ids in paid]
    for pid in mes_winners:
        assert abs(paid[pid] - costs[pid]) < Fraction(1, 10)  # amounts rounded to cents
    assert abs(left + sum(paid.values()) - result.endowment * len(election.ballots)) < 1


def test_unknown_voter_or_project_is_a_typed_error() -> None:
    result = count(small_election(), "mes_cost")
    with pytest.raises(RulesError) as info:
        result.explain_voter("nobody")
    assert info.value.code == "explain.unknown_voter"
    with pytest.raises(RulesError):
        result.explain_project("zzz")


def test_every_result_names_its_variant() -> None:
    result = count(small_election(), "mes_cost_add1+greedy")
    assert result.variant == {
        "name": "mes_cost_add1+greedy",
        "rule": "mes",
        "satisfaction": "cost",
        "completion": "add1+greedy",
        "arithmetic": "exact fractions",
        "endowment_start": "B/n",
        "endowment_increment": "1",
        "stop": "first outcome exhaustive among eligible projects (previous if over budget)",
        "tie_break": "id",
    }


@pytest.mark.parametrize("variant", ["greedy_cost", "mes_cost", "phragmen"])
def test_in_memory_ballots_with_unknown_or_repeated_projects_are_typed_errors(variant) -> None:
    projects = [Project("a", 3)]
    for ballot, code in [
        (Ballot("1", ("a", "zz")), "pb.unknown_project"),
        (Ballot("1", ("a", "a")), "pb.duplicate_in_vote"),
    ]:
        with pytest.raises(RulesError) as info:
            count(Election(Fraction(10), projects, [ballot]), variant)
        assert info.value.code == code
