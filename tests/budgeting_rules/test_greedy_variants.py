"""City greedy variants: skip or stop at the first misfit, and a minimum number of votes."""

from __future__ import annotations

from fractions import Fraction

from budgeting.rules import Ballot, Election, Project, Variant, count


def election() -> Election:
    """Votes: big 3, mid 2, small 1; budget 100 fits big (70) then only small (20)."""
    return Election(
        Fraction(100),
        [Project("big", 70), Project("mid", 40), Project("small", 20)],
        [
            Ballot("1", ("big", "mid", "small")),
            Ballot("2", ("big", "mid")),
            Ballot("3", ("big",)),
        ],
    )


def test_greedy_skips_a_project_that_does_not_fit_and_continues() -> None:
    result = count(election(), "greedy_cost")
    assert result.winners == ["big", "small"]
    mid = result.explain_project("mid")["greedy"]
    assert (mid["status"], mid["left_when_reached"], mid["rank"]) == ("skipped", "30", 2)


def test_greedy_without_skipping_stops_at_the_first_misfit() -> None:
    result = count(election(), "greedy_cost_noskip")
    assert result.winners == ["big"]
    assert result.explain_project("small")["greedy"]["status"] == "not_reached"


def test_vote_threshold_drops_projects_with_too_few_votes() -> None:
    variant = Variant("greedy", "cost", threshold=2, name="greedy_threshold_2")
    result = count(election(), variant)
    assert result.winners == ["big"]
    assert result.explain_project("small")["greedy"]["status"] == "below_threshold"
    assert result.variant["threshold"] == 2
