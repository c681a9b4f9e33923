"""Ballots turned into grouped integer utilities for one satisfaction measure.

Identical ballots become one *group* with a weight, so every rule works on groups. Utilities
are stored as small integers per project together with an exact multiplier:
``u_true(voter, project) = mult[project] * util_int``. For cost utilities ``util_int`` is 1 and
``mult`` is the cost, so a Method-of-Equal-Shares price per utility unit is simply the payment.

Satisfaction measures (pabutools names in brackets):
``cost`` (Cost_Sat) cost of each listed project; ``cardinality`` (Cardinality_Sat) 1 per listed
project; ``points`` (Additive_Cardinal_Sat) the points given; ``borda`` (Additive_Borda_Sat)
``len(ballot) - position - 1``.
"""

from __future__ import annotations

import itertools
import math
import operator
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .election import POINT_TYPES, Election
from .errors import PbFormatError, VariantError

SATISFACTIONS = ("cost", "cardinality", "points", "borda")


@dataclass
class Profile:
    """Grouped utilities of an election under one satisfaction measure."""

    ids: list[str]
    costs: list[Fraction]
    budget: Fraction
    n: int
    satisfaction: str
    weights: np.ndarray  # int64 weight of each ballot group
    group_of_ballot: np.ndarray  # int64 group index of each ballot (election order)
    supporters: list[np.ndarray]  # per project: groups with positive utility
    utils: list[np.ndarray]  # per project: int64 utility of those groups
    mult: list[Fraction]  # per project: u_true = mult * util_int
    total_sat: list[Fraction]  # per project: total utility over all ballots (greedy density)
    votes: list[int]  # per project: number of ballots listing it
    grouped: bool = True  # False: only totals and votes were computed (enough for greedy)

    @property
    def num_projects(self) -> int:
        return len(self.ids)

    @property
    def num_groups(self) -> int:
        return len(self.weights)

    def support_weight(self, p: int) -> int:
        """Number of voters with positive utility for project ``p``."""
        return int(self.weights[self.supporters[p]].sum())


def _ballot_utilities(
    election: Election, satisfaction: str, index: dict[str, int]
) -> list[tuple[tuple[int, Fraction], ...]]:
    _check_ballot_type(election, satisfaction)
    one = Fraction(1)
    rows = []
    for ballot in election.ballots:
        if satisfaction == "points":
            pts = ballot.points or ()
            row = tuple(sorted((index[p], v) for p, v in zip(ballot.projects, pts, strict=True)))
        elif satisfaction == "borda":
            k = len(ballot.projects)
            row = tuple(
                sorted((index[p], Fraction(k - i - 1)) for i, p in enumerate(ballot.projects))
            )
        else:
            row = tuple(sorted((index[p], one) for p in ballot.projects))
        rows.append(row)
    return rows


def _flat_entries(election: Election, satisfaction: str, index: dict[str, int]):
    """Per listed project of every ballot: ballot index, project index, integer utility.

    Returns None when some points are not whole numbers or too large for int64 sums (handled
    by the exact fraction path). Every per-entry step is one C-level pass (``map`` over
    ``attrgetter``) because this loop over ~10 entries per voter dominates a count on a big
    election.
    """
    ballots = election.ballots
    n = len(ballots)
    listed = list(map(_PROJECTS, ballots))
    lengths = np.fromiter(map(len, listed), dtype=np.int64, count=n)
    total = int(lengths.sum())
    chain = itertools.chain.from_iterable
    try:
        flat_p = np.fromiter(map(index.__getitem__, chain(listed)), dtype=np.int64, count=total)
    except KeyError as exc:
        raise PbFormatError(
            "pb.unknown_project",
            f"a ballot names unknown project {exc.args[0]!r}",
            field="vote",
            project=str(exc.args[0]),
        ) from None
    ballot_of = np.repeat(np.arange(n, dtype=np.int64), lengths)
    _check_no_repeats(ballots, ballot_of, flat_p, len(index))
    if satisfaction == "borda":
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if n else lengths
        pos = np.arange(total, dtype=np.int64) - starts[ballot_of]
        values = lengths[ballot_of] - pos - 1
    elif satisfaction == "points":
        values = _integer_points(ballots, lengths, total)
        if values is None:
            return None
    else:
        values = np.ones(total, dtype=np.int64)
    return lengths, ballot_of, flat_p, values


_PROJECTS = operator.attrgetter("projects")
_POINTS = operator.attrgetter("points")
# Fraction's own slots: half the cost of the ``numerator`` property on 300 000 points. Ballot
# stores every point as a plain Fraction; the properties are the fallback for other builds.
_NUMERATOR, _DENOMINATOR = (
    (operator.attrgetter("_numerator"), operator.attrgetter("_denominator"))
    if hasattr(Fraction(1), "_numerator")
    else (operator.attrgetter("numerator"), operator.attrgetter("denominator"))
)
# Whole points up to 2**31 keep every per-project sum of 60 000+ voters far inside int64 (and
# the MES engine's 2**52 bound is checked separately); larger ones take the fraction path.
POINTS_LIMIT = 2**31


def _integer_points(ballots, lengths: np.ndarray, total: int) -> np.ndarray | None:
    """Points of every entry as int64, or None if some are fractional or huge."""
    points = list(map(_POINTS, ballots))
    if None in points:  # an in-memory ballot without points counts as listing none
        points = [p or () for p in points]
    if not np.array_equal(
        np.fromiter(map(len, points), dtype=np.int64, count=len(points)), lengths
    ):
        raise PbFormatError(
            "pb.points_mismatch", "points and vote have different lengths", field="points"
        )
    flat = list(itertools.chain.from_iterable(points))
    try:
        den = np.fromiter(map(_DENOMINATOR, flat), dtype=np.int64, count=total)
        values = np.fromiter(map(_NUMERATOR, flat), dtype=np.int64, count=total)
    except OverflowError:
        return None
    if total and (den.max() != 1 or max(-int(values.min()), int(values.max())) >= POINTS_LIMIT):
        return None
    return values


def _check_no_repeats(ballots, ballot_of: np.ndarray, flat_p: np.ndarray, num_p: int) -> None:
    """A ballot must not list a project twice (checked for in-memory elections too)."""
    if len(flat_p) == 0:
        return
    key = np.sort(ballot_of * max(num_p, 1) + flat_p)
    repeated = np.nonzero(key[1:] == key[:-1])[0]
    if len(repeated):
        b = int(key[repeated[0]] // max(num_p, 1))
        raise PbFormatError(
            "pb.duplicate_in_vote",
            "a vote lists a project twice",
            field="vote",
            voter=ballots[b].voter_id,
        )


def _group_keys(lengths, ballot_of, flat_p, values, num_p: int, by_set: bool) -> np.ndarray:
    """One row per ballot that is equal for identical ballots (exact, no hashing)."""
    n = len(lengths)
    if by_set:  # utilities are all 1: the set of projects, as a bitmask
        words = max(1, (num_p + 63) // 64)
        keys = np.zeros((n, words), dtype=np.uint64)
        np.bitwise_or.at(
            keys,
            (ballot_of, flat_p // 64),
            np.left_shift(np.uint64(1), (flat_p % 64).astype(np.uint64)),
        )
        return keys
    width = int(lengths.max()) if n else 1
    shift = int(values.min()) if len(values) else 0
    span = int(values.max()) - shift + 1 if len(values) else 1
    # code 0 pads short ballots; a (project, value) pair is 1 + project * span + value offset
    codes = flat_p * span + (values - shift) + 1
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if n else lengths
    pos = np.arange(len(flat_p), dtype=np.int64) - starts[ballot_of]
    keys = np.zeros((n, max(width, 1)), dtype=np.int64)
    keys[ballot_of, pos] = codes
    keys.sort(axis=1)
    return _pack_codes(keys, num_p * span + 1)


def _pack_codes(keys: np.ndarray, largest: int) -> np.ndarray:
    """Several small codes per int64 word (a bijection on sorted rows), so that sorting the
    rows compares 1-2 words instead of up to ``max_length`` columns."""
    bits = max(1, int(largest).bit_length())
    per_word = 63 // bits
    if per_word <= 1 or keys.shape[1] <= 1:
        return keys
    words = -(-keys.shape[1] // per_word)
    padded = np.zeros((keys.shape[0], words * per_word), dtype=np.int64)
    padded[:, : keys.shape[1]] = keys
    shifts = np.arange(per_word, dtype=np.int64) * bits
    return (padded.reshape(len(keys), words, per_word) << shifts).sum(axis=2)


def _unique_rows(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first ballot of each distinct row, group index of every ballot), by one lexsort.

    Groups are numbered in the order of their first ballot, so that listing the
    representatives' entries in ballot order lists every project's supporters in group order.
    """
    n = len(keys)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    order = np.lexsort(keys.T[::-1]) if keys.shape[1] > 1 else np.argsort(keys[:, 0], kind="stable")
    ordered = keys[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    # a stable sort puts each group's first ballot at the start of its run
    first = order[new]
    group_sorted = np.cumsum(new) - 1
    rank = np.empty(len(first), dtype=np.int64)
    by_first = np.argsort(first)
    rank[by_first] = np.arange(len(first), dtype=np.int64)
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = rank[group_sorted]
    return first[by_first], inverse


def build_profile(election: Election, satisfaction: str, grouped: bool = True) -> Profile:
    """Group identical ballots and compute integer utilities for ``satisfaction``.

    With ``grouped=False`` only per-project totals and vote counts are computed.
    """
    if satisfaction not in SATISFACTIONS:
        raise VariantError("variant.unknown_satisfaction", f"unknown satisfaction {satisfaction!r}")
    if satisfaction in ("points", "borda"):
        _check_ballot_type(election, satisfaction)
    ids = [p.id for p in election.projects]
    num_p = len(ids)
    index = {pid: i for i, pid in enumerate(ids)}
    flat = _flat_entries(election, satisfaction, index)
    if flat is None:
        return _build_profile_fractions(election, satisfaction)
    lengths, ballot_of, flat_p, values = flat
    n = len(lengths)
    if not grouped:
        return _totals_only(election, satisfaction, ids, flat_p, values, n)
    keys = _group_keys(
        lengths, ballot_of, flat_p, values, num_p, satisfaction in ("cost", "cardinality")
    )
    first, group_of_ballot = _unique_rows(keys)
    weights = np.bincount(group_of_ballot, minlength=len(first)).astype(np.int64)
    votes = np.bincount(flat_p, minlength=num_p).astype(np.int64)
    sums = np.zeros(num_p, dtype=np.int64)
    np.add.at(sums, flat_p, values)
    costs = [p.cost for p in election.projects]
    is_rep = np.zeros(n, dtype=bool)
    is_rep[first] = True
    keep = is_rep[ballot_of] & (values > 0)
    if satisfaction == "cost" and num_p:
        keep &= np.array([c > 0 for c in costs], dtype=bool)[flat_p]
    sup_p, sup_v = flat_p[keep], values[keep]
    sup_g = group_of_ballot[ballot_of[keep]]
    # representatives' entries are in ballot order, hence in group order within a project:
    # a stable sort by project alone (radix sort on small integers) keeps them so
    order = np.argsort(sup_p.astype(np.int32 if num_p > 32767 else np.int16), kind="stable")
    sup_g, sup_v, sup_p = sup_g[order], sup_v[order], sup_p[order]
    bounds = np.searchsorted(sup_p, np.arange(num_p + 1))
    supporters = [sup_g[bounds[i] : bounds[i + 1]] for i in range(num_p)]
    utils = [sup_v[bounds[i] : bounds[i + 1]] for i in range(num_p)]
    if satisfaction == "cost":
        mult = [c if c != 0 else Fraction(1) for c in costs]
        total = [Fraction(int(sums[i])) * costs[i] for i in range(num_p)]
    else:
        mult = [Fraction(1)] * num_p
        total = [Fraction(int(sums[i])) for i in range(num_p)]
    return Profile(
        ids,
        costs,
        election.budget,
        n,
        satisfaction,
        weights,
        group_of_ballot,
        supporters,
        utils,
        mult,
        total,
        [int(v) for v in votes],
    )


def _totals_only(election, satisfaction, ids, flat_p, values, n) -> Profile:
    num_p = len(ids)
    costs = [p.cost for p in election.projects]
    votes = np.bincount(flat_p, minlength=num_p).astype(np.int64)
    sums = np.zeros(num_p, dtype=np.int64)
    np.add.at(sums, flat_p, values)
    if satisfaction == "cost":
        total = [Fraction(int(sums[i])) * costs[i] for i in range(num_p)]
        mult = [c if c != 0 else Fraction(1) for c in costs]
    else:
        total = [Fraction(int(sums[i])) for i in range(num_p)]
        mult = [Fraction(1)] * num_p
    empty = np.zeros(0, dtype=np.int64)
    return Profile(
        ids,
        costs,
        election.budget,
        n,
        satisfaction,
        empty,
        np.arange(n, dtype=np.int64),
        [empty] * num_p,
        [empty] * num_p,
        mult,
        total,
        [int(v) for v in votes],
        grouped=False,
    )


def _check_ballot_type(election: Election, satisfaction: str) -> None:
    vote_type = election.vote_type
    if satisfaction == "points" and vote_type not in POINT_TYPES:
        raise VariantError(
            "variant.needs_points",
            f"points satisfaction needs cumulative or scoring ballots, not {vote_type}",
            vote_type=vote_type,
        )
    if satisfaction == "borda" and vote_type != "ordinal":
        raise VariantError(
            "variant.needs_ranking",
            f"Borda satisfaction needs ordinal ballots, not {vote_type}",
            vote_type=vote_type,
        )


def _build_profile_fractions(election: Election, satisfaction: str) -> Profile:
    """General path (fractional points): utilities scaled to integers per project."""
    ids = [p.id for p in election.projects]
    costs = [p.cost for p in election.projects]
    index = {pid: i for i, pid in enumerate(ids)}
    rows = _ballot_utilities(election, satisfaction, index)
    groups: dict[tuple, int] = {}
    group_of_ballot = np.empty(len(rows), dtype=np.int64)
    counts: list[int] = []
    for b, row in enumerate(rows):
        g = groups.setdefault(row, len(groups))
        if g == len(counts):
            counts.append(0)
        counts[g] += 1
        group_of_ballot[b] = g
    weights = np.array(counts, dtype=np.int64)
    num_p = len(ids)
    per_project: list[list[tuple[int, Fraction]]] = [[] for _ in range(num_p)]
    votes = [0] * num_p
    total = [Fraction(0)] * num_p
    for row, g in groups.items():
        wg = counts[g]
        for p, value in row:
            votes[p] += wg
            total[p] += value * wg
            if value > 0:
                per_project[p].append((g, value))
    supporters, utils, mult = [], [], []
    for p in range(num_p):
        entries = per_project[p]
        if satisfaction == "cost":
            m = costs[p]
            total[p] = total[p] * costs[p]
            if m == 0:
                entries = []
        else:
            den = math.lcm(*(v.denominator for _, v in entries)) if entries else 1
            m = Fraction(1, den)
        supporters.append(np.array([g for g, _ in entries], dtype=np.int64))
        if satisfaction == "cost":
            utils.append(np.ones(len(entries), dtype=np.int64))
        else:
            utils.append(np.array([int(v / m) for _, v in entries], dtype=np.int64))
        mult.append(m if m != 0 else Fraction(1))
    return Profile(
        ids,
        costs,
        election.budget,
        len(rows),
        satisfaction,
        weights,
        group_of_ballot,
        supporters,
        utils,
        mult,
        total,
        votes,
    )
