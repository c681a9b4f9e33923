"""Grouped profiles: identical ballots share one group, different ones never do.

The fast path packs each ballot's sorted (project, utility) codes into a few int64 words and
reads whole-number points straight from the Fractions; these tests pin both down against a
plain dictionary grouping and against the exact fraction path.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgeting.rules import Ballot, Election, PbFormatError, Project, count
from budgeting.rules import profile as profile_module
from budgeting.rules.profile import build_profile

IDS = [str(i) for i in range(1, 41)]


@st.composite
def point_elections(draw) -> Election:
    """Few distinct ballots repeated in shuffled order, so identical ballots are common."""
    k = draw(st.integers(1, 40))
    ids = IDS[:k]
    distinct = []
    for _ in range(draw(st.integers(1, 6))):
        chosen = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=min(k, 12), unique=True))
        points = draw(st.lists(st.integers(0, 9), min_size=len(chosen), max_size=len(chosen)))
        distinct.append(dict(zip(chosen, points, strict=True)))
    ballots = []
    for v in range(draw(st.integers(1, 30))):
        entries = list(draw(st.sampled_from(distinct)).items())
        entries = draw(st.permutations(entries))  # same ballot, other listing order
        ballots.append(
            Ballot(f"v{v}", tuple(p for p, _ in entries), tuple(Fraction(x) for _, x in entries))
        )
    projects = [Project(pid, Fraction(10)) for pid in ids]
    return Election(Fraction(50), projects, ballots, "cumulative", {"max_sum_points": "200"})


def utility_rows(election: Election) -> list[frozenset]:
    return [frozenset(zip(b.projects, b.points or (), strict=True)) for b in election.ballots]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(point_elections())
def test_ballots_share_a_group_exactly_when_they_give_the_same_points(election) -> None:
    profile = build_profile(election, "points")
    rows = utility_rows(election)
    groups = profile.group_of_ballot.tolist()
    for i, row_i in enumerate(rows):
        for j, row_j in enumerate(rows):
            assert (groups[i] == groups[j]) == (row_i == row_j)
    assert profile.weights.tolist() == [Counter(groups)[g] for g in range(profile.num_groups)]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(point_elections())
def test_each_project_lists_its_supporting_groups_in_order_with_their_points(election) -> None:
    profile = build_profile(election, "points")
    first_ballot = {}
    for b, g in enumerate(profile.group_of_ballot.tolist()):
        first_ballot.setdefault(g, b)
    for p, pid in enumerate(profile.ids):
        sup = profile.supporters[p].tolist()
        assert sup == sorted(sup)
        expected = {}
        for g, b in first_ballot.items():
            ballot = election.ballots[b]
            points = dict(zip(ballot.projects, ballot.points or (), strict=True))
            if points.get(pid, 0) > 0:
                expected[g] = int(points[pid])
        assert dict(zip(sup, profile.utils[p].tolist(), strict=True)) == expected


def test_groups_are_numbered_in_the_order_of_their_first_ballot() -> None:
    election = Election(
        Fraction(10),
        [Project("a", 5), Project("b", 5)],
        [
            Ballot("1", ("b",), (Fraction(2),)),
            Ballot("2", ("a", "b"), (Fraction(1), Fraction(1))),
            Ballot("3", ("b", "a"), (Fraction(1), Fraction(1))),
            Ballot("4", ("b",), (Fraction(2),)),
        ],
        "cumulative",
        {"max_sum_points": "2"},
    )
    assert build_profile(election, "points").group_of_ballot.tolist() == [0, 1, 1, 0]


def test_codes_too_wide_to_pack_still_group_exactly() -> None:
    """Ten thousand point values x 2 000 projects need 25 bits a code: two codes a word."""
    ids = [str(i) for i in range(2000)]
    ballots = [
        Ballot("1", ("0", "1999"), (Fraction(9999), Fraction(1))),
        Ballot("2", ("1999", "0"), (Fraction(1), Fraction(9999))),
        Ballot("3", ("0", "1999"), (Fraction(9998), Fraction(2))),
        Ballot("4", ("0",), (Fraction(1),)),
    ]
    election = Election(
        Fraction(10),
        [Project(i, 5) for i in ids],
        ballots,
        "cumulative",
        {"max_sum_points": "10000"},
    )
    assert build_profile(election, "points").group_of_ballot.tolist() == [0, 0, 1, 2]


@pytest.mark.parametrize(
    ("points", "winners"),
    [
        ((Fraction(2**40), Fraction(3)), ["a", "c"]),  # beyond the int64-sum guard
        ((Fraction(-(2**63)), Fraction(3)), ["b", "a"]),  # int64's own minimum
        ((Fraction(5, 2), Fraction(1, 3)), ["a", "c"]),  # fractional
    ],
)
def test_points_outside_the_integer_path_are_counted_exactly_by_the_fraction_path(
    points, winners, monkeypatch
) -> None:
    election = Election(
        Fraction(12),
        [Project("a", 6), Project("b", 6), Project("c", 6)],
        [
            Ballot("1", ("a", "b"), points),
            Ballot("2", ("c", "b"), points),
            Ballot("3", ("a",), (points[0],)),
        ],
        "scoring",
    )
    used = []
    original = profile_module._build_profile_fractions
    monkeypatch.setattr(
        profile_module,
        "_build_profile_fractions",
        lambda *args: used.append(True) or original(*args),
    )
    profile = build_profile(election, "points")
    assert used
    assert profile.total_sat == [points[0] * 2, points[1] * 2, points[0]]
    assert count(election, "greedy_points").winners == winners


def test_whole_points_sum_per_project_with_int64() -> None:
    election = Election(
        Fraction(100),
        [Project("a", 10), Project("b", 20)],
        [Ballot(str(v), ("a", "b"), (Fraction(7), Fraction(3))) for v in range(1000)],
        "cumulative",
        {"max_sum_points": "10"},
    )
    profile = build_profile(election, "points", grouped=False)
    assert profile.total_sat == [Fraction(7000), Fraction(3000)]
    assert build_profile(election, "points").weights.tolist() == [1000]


def test_points_and_projects_of_different_lengths_are_a_format_error() -> None:
    election = Election(
        Fraction(10),
        [Project("a", 5), Project("b", 5)],
        [Ballot("1", ("a", "b"), (Fraction(1),))],
        "cumulative",
        {"max_sum_points": "2"},
    )
    with pytest.raises(PbFormatError) as err:
        build_profile(election, "points")
    assert err.value.code == "pb.points_mismatch"


def test_packing_is_a_bijection_on_sorted_rows() -> None:
    """Rows drawn from a small pool, some changed in one code by one: near misses abound."""
    rng = np.random.default_rng(1)
    pool = np.sort(rng.integers(0, 1000, size=(40, 7)), axis=1)
    keys = pool[rng.integers(0, 40, 3000)]
    nudged = rng.random(3000) < 0.3
    keys[nudged, rng.integers(0, 7, int(nudged.sum()))] += 1
    keys = np.sort(np.minimum(keys, 999), axis=1)
    packed = profile_module._pack_codes(keys, 999)
    assert packed.shape[1] < keys.shape[1]
    same_packed = (packed[:, None, :] == packed[None, :, :]).all(axis=2)
    same_keys = (keys[:, None, :] == keys[None, :, :]).all(axis=2)
    assert same_keys.sum() > 3000  # the pool really repeats rows
    assert (same_packed == same_keys).all()
