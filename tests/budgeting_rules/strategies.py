"""Hypothesis strategies: small elections with many equal costs and vote counts (ties)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from budgeting.rules import Ballot, Election, Project

IDS = ["1", "2", "9", "10", "11", "a", "b7"]


@st.composite
def elections(draw, vote_type: str = "approval") -> Election:
    k = draw(st.integers(2, 6))
    ids = draw(st.permutations(IDS))[:k]
    costs = draw(st.lists(st.sampled_from([10, 20, 20, 30, 40, 15]), min_size=k, max_size=k))
    projects = [Project(pid, Fraction(c)) for pid, c in zip(ids, costs, strict=True)]
    budget = draw(st.sampled_from([20, 30, 40, 45, 60, 80, 100, 150]))
    n = draw(st.integers(1, 10))
    ballots = []
    meta: dict[str, str] = {}
    for v in range(n):
        chosen = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=k, unique=True))
        if vote_type == "ordinal":
            chosen = draw(st.permutations(chosen))
            ballots.append(Ballot(f"v{v}", tuple(chosen)))
        elif vote_type == "cumulative":
            pts = draw(st.lists(st.integers(1, 4), min_size=len(chosen), max_size=len(chosen)))
            order = sorted(range(len(chosen)), key=lambda i: -pts[i])
            ballots.append(
                Ballot(
                    f"v{v}", tuple(chosen[i] for i in order), tuple(Fraction(pts[i]) for i in order)
                )
            )
        else:
            ballots.append(Ballot(f"v{v}", tuple(chosen)))
    if vote_type == "cumulative":
        meta["max_sum_points"] = "100"
    return Election(Fraction(budget), projects, ballots, vote_type, meta)


@st.composite
def crowded_elections(draw, vote_type: str) -> Election:
    """Up to 80 voters casting a handful of distinct ballots: large groups, equal prices.

    Exercises grouping (group weights, supporters in group order) against the oracle.
    """
    k = draw(st.integers(2, 7))
    ids = draw(st.permutations(IDS))[:k]
    costs = draw(st.lists(st.sampled_from([10, 20, 20, 30, 40, 15]), min_size=k, max_size=k))
    projects = [Project(pid, Fraction(c)) for pid, c in zip(ids, costs, strict=True)]
    budget = draw(st.sampled_from([40, 60, 80, 100, 150]))
    distinct = []
    for _ in range(draw(st.integers(1, 5))):
        chosen = draw(
            st.permutations(draw(st.lists(st.sampled_from(ids), min_size=1, unique=True)))
        )
        pts = sorted(draw(st.lists(st.integers(1, 5), min_size=len(chosen), max_size=len(chosen))))
        distinct.append((tuple(chosen), tuple(Fraction(x) for x in reversed(pts))))
    ballots = []
    for v in range(draw(st.integers(10, 80))):
        chosen, pts = draw(st.sampled_from(distinct))
        ballots.append(Ballot(f"v{v}", chosen, pts if vote_type == "cumulative" else None))
    meta = {"max_sum_points": "100"} if vote_type == "cumulative" else {}
    return Election(Fraction(budget), projects, ballots, vote_type, meta)
