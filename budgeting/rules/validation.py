"""Checks an election as the pabulib checker does: ids, duplicates, ballot limits, counts.

Shared by the .pb reader (which passes line numbers) and ``Election.validate`` (in memory).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .election import POINT_TYPES, VOTE_TYPES, Ballot, Election, Project, to_fraction
from .errors import PbFormatError

LIMIT_KEYS = (
    "min_length",
    "max_length",
    "min_sum_cost",
    "max_sum_cost",
    "min_points",
    "max_points",
    "min_sum_points",
    "max_sum_points",
)


@dataclass(frozen=True)
class Constraints:
    """Ballot limits from META; ``None`` means no limit."""

    min_length: Fraction | None = None
    max_length: Fraction | None = None
    min_sum_cost: Fraction | None = None
    max_sum_cost: Fraction | None = None
    min_points: Fraction | None = None
    max_points: Fraction | None = None
    min_sum_points: Fraction | None = None
    max_sum_points: Fraction | None = None


def parse_number(text: str, *, code: str, line: int | None, field: str) -> Fraction:
    """A decimal number (a decimal comma is tolerated as pabutools does) or a PbFormatError."""
    try:
        return to_fraction(text.replace(",", ".") if text.count(",") == 1 else text)
    except ValueError:
        raise PbFormatError(
            code, f"{text[:40]!r} is not a number", line=line, field=field, value=text[:40]
        ) from None


def constraints_from_meta(meta: dict[str, str], lines: dict[str, int] | None = None) -> Constraints:
    """Read the ballot limits present in META (``None`` value or text ``None`` = absent)."""
    values: dict[str, Fraction] = {}
    for key in LIMIT_KEYS:
        text = meta.get(key)
        if text is None or text.strip().lower() in ("", "none"):
            continue
        line = (lines or {}).get(key)
        values[key] = parse_number(text, code="pb.bad_meta_number", line=line, field=key)
    return Constraints(**values)


def check_meta(election: Election, lines: dict[str, int] | None = None) -> Constraints:
    """Check vote type, budget and limits; return the ballot constraints."""
    lines = lines or {}
    if election.vote_type not in VOTE_TYPES:
        raise PbFormatError(
            "pb.bad_vote_type",
            f"unknown vote_type {election.vote_type!r}",
            line=lines.get("vote_type"),
            field="vote_type",
            value=election.vote_type[:40],
        )
    if election.budget < 0:
        raise PbFormatError(
            "pb.negative_number", "budget is negative", line=lines.get("budget"), field="budget"
        )
    constraints = constraints_from_meta(election.meta, lines)
    if election.vote_type == "cumulative" and constraints.max_sum_points is None:
        raise PbFormatError(
            "pb.missing_meta",
            "cumulative ballots require max_sum_points in META",
            line=None,
            field="max_sum_points",
        )
    return constraints


def check_project(project: Project, line: int | None, seen: set[str]) -> None:
    """A project needs a non-empty unique id and a non-negative cost."""
    if not project.id:
        raise PbFormatError("pb.empty_id", "project id is empty", line=line, field="project_id")
    if project.id in seen:
        raise PbFormatError(
            "pb.duplicate_project",
            f"project {project.id!r} is listed twice",
            line=line,
            field="project_id",
            project=project.id,
        )
    if project.cost < 0:
        raise PbFormatError(
            "pb.negative_number",
            f"project {project.id!r} has a negative cost",
            line=line,
            field="cost",
            project=project.id,
        )
    seen.add(project.id)


def _limit_error(code: str, message: str, line: int | None, field: str, ballot: Ballot) -> None:
    raise PbFormatError(code, message, line=line, field=field, voter=ballot.voter_id)


def check_ballot(
    ballot: Ballot,
    election: Election,
    costs: dict[str, Fraction],
    constraints: Constraints,
    line: int | None,
    seen_voters: set[str],
    issues: list[PbFormatError] | None = None,
) -> None:
    """Check one ballot: unique voter, known and distinct projects, length/cost/points limits.

    Limit violations (length, cost, points) raise, unless ``issues`` is a list: then they are
    appended to it and the ballot is kept (real pabulib files contain such ballots).
    """
    if not ballot.voter_id:
        raise PbFormatError("pb.empty_id", "voter id is empty", line=line, field="voter_id")
    if ballot.voter_id in seen_voters:
        raise PbFormatError(
            "pb.duplicate_voter",
            f"voter {ballot.voter_id!r} votes twice",
            line=line,
            field="voter_id",
            voter=ballot.voter_id,
        )
    seen_voters.add(ballot.voter_id)
    listed: set[str] = set()
    for pid in ballot.projects:
        if pid not in costs:
            raise PbFormatError(
                "pb.unknown_project",
                f"vote names project {pid!r} which is not in PROJECTS",
                line=line,
                field="vote",
                project=pid,
                voter=ballot.voter_id,
            )
        if pid in listed:
            raise PbFormatError(
                "pb.duplicate_in_vote",
                f"vote lists project {pid!r} twice",
                line=line,
                field="vote",
                project=pid,
                voter=ballot.voter_id,
            )
        listed.add(pid)
    try:
        _check_limits(ballot, election.vote_type, costs, constraints, line)
    except PbFormatError as err:
        if issues is None or err.code in ("pb.points_mismatch", "pb.unexpected_points"):
            raise
        issues.append(err)


def _check_limits(
    ballot: Ballot,
    vote_type: str,
    costs: dict[str, Fraction],
    c: Constraints,
    line: int | None,
) -> None:
    length = len(ballot.projects)
    if vote_type == "choose-1" and length > 1:
        _limit_error(
            "pb.ballot_too_long", "choose-1 vote lists several projects", line, "vote", ballot
        )
    if c.min_length is not None and length < c.min_length:
        _limit_error(
            "pb.ballot_too_short", f"vote lists {length} < min_length", line, "vote", ballot
        )
    if c.max_length is not None and length > c.max_length:
        _limit_error(
            "pb.ballot_too_long", f"vote lists {length} > max_length", line, "vote", ballot
        )
    if vote_type in ("approval", "choose-1"):
        total = sum((costs[p] for p in ballot.projects), Fraction(0))
        if c.min_sum_cost is not None and total < c.min_sum_cost:
            _limit_error(
                "pb.ballot_cost", "vote costs less than min_sum_cost", line, "vote", ballot
            )
        if c.max_sum_cost is not None and total > c.max_sum_cost:
            _limit_error(
                "pb.ballot_cost", "vote costs more than max_sum_cost", line, "vote", ballot
            )
    if vote_type in POINT_TYPES:
        _check_points(ballot, vote_type, c, line)
    elif ballot.points is not None:
        _limit_error(
            "pb.unexpected_points", f"{vote_type} votes have no points", line, "points", ballot
        )


def _check_points(ballot: Ballot, vote_type: str, c: Constraints, line: int | None) -> None:
    points = ballot.points if ballot.points is not None else ()
    if len(points) != len(ballot.projects):
        _limit_error(
            "pb.points_mismatch", "points and vote have different lengths", line, "points", ballot
        )
    for value in points:
        if vote_type == "cumulative" and value < 0:
            _limit_error("pb.points_limit", "negative points", line, "points", ballot)
        if c.min_points is not None and value < c.min_points:
            _limit_error("pb.points_limit", "points below min_points", line, "points", ballot)
        if c.max_points is not None and value > c.max_points:
            _limit_error("pb.points_limit", "points above max_points", line, "points", ballot)
    total = sum(points, Fraction(0))
    if c.min_sum_points is not None and points and total < c.min_sum_points:
        _limit_error("pb.points_limit", "points sum below min_sum_points", line, "points", ballot)
    if c.max_sum_points is not None and total > c.max_sum_points:
        _limit_error("pb.points_limit", "points sum above max_sum_points", line, "points", ballot)


def check_selected(
    election: Election, line: int | None = None, issues: list[PbFormatError] | None = None
) -> None:
    """Projects marked ``selected`` = 1 must not cost more than the budget."""
    chosen = [p for p in election.projects if p.meta.get("selected", "").strip() == "1"]
    total = sum((p.cost for p in chosen), Fraction(0))
    if total > election.budget:
        err = PbFormatError(
            "pb.selected_over_budget",
            f"projects marked selected cost {total} > budget {election.budget}",
            line=line,
            field="selected",
        )
        if issues is None:
            raise err
        issues.append(err)


def check_election(election: Election, strict: bool = True) -> list[PbFormatError]:
    """All checks on an in-memory election (no line numbers).

    With ``strict=False`` limit violations are returned instead of raised.
    """
    issues: list[PbFormatError] | None = None if strict else []
    constraints = check_meta(election)
    seen: set[str] = set()
    for project in election.projects:
        check_project(project, None, seen)
    costs = {p.id: p.cost for p in election.projects}
    voters: set[str] = set()
    for ballot in election.ballots:
        check_ballot(ballot, election, costs, constraints, None, voters, issues)
    check_selected(election, None, issues)
    return issues or []
