"""The election as plain data: projects, ballots, budget, ballot type and constraints.

``Election`` can be built directly in memory (the web layer does so from its database) or read
from a pabulib ``.pb`` file with :func:`budgeting.rules.pb.read_pb`. Amounts are exact
``fractions.Fraction`` values; :func:`to_fraction` accepts ints, decimal strings and Fractions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .errors import PbFormatError

VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
POINT_TYPES = ("cumulative", "scoring")


def to_fraction(value: int | str | Fraction | Decimal) -> Fraction:
    """Exact value of an int, Fraction, Decimal or decimal string (``"12.50"``, ``"1e3"``).

    Raises ``ValueError`` for anything else (NaN, infinity, empty text, floats).
    """
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("not a finite number")
        return Fraction(value)
    if isinstance(value, str):
        text = value.strip()
        if not text or len(text) > 60:
            raise ValueError("not a number")
        try:
            dec = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError("not a number") from exc
        if not dec.is_finite() or abs(dec.adjusted()) > 30:
            raise ValueError("not a finite number of sensible size")
        return Fraction(dec)
    raise ValueError(f"unsupported number type {type(value).__name__}")


def format_amount(value: Fraction) -> str:
    """Exact decimal text of a Fraction: ``"1200"``, ``"12.5"``; ``"1/3"`` if not decimal."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    digits = max(twos, fives)
    scaled = value * 10**digits
    sign = "-" if scaled < 0 else ""
    text = str(abs(scaled.numerator)).rjust(digits + 1, "0")
    return f"{sign}{text[:-digits]}.{text[-digits:]}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Project:
    """A project: ``id`` (text, unique), exact ``cost``, and any other pabulib columns."""

    id: str
    cost: Fraction
    name: str = ""
    meta: dict[str, str] = field(default_factory=dict, compare=True, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cost", Fraction(self.cost))


@dataclass(frozen=True)
class Ballot:
    """One voter's ballot.

    ``projects`` lists project ids (most preferred first for ordinal ballots); ``points`` is
    aligned with it for cumulative and scoring ballots, ``None`` otherwise.
    """

    voter_id: str
    projects: tuple[str, ...]
    points: tuple[Fraction, ...] | None = None
    meta: dict[str, str] = field(default_factory=dict, compare=True, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "projects", tuple(self.projects))
        if self.points is not None:
            object.__setattr__(self, "points", tuple(Fraction(p) for p in self.points))


@dataclass
class Election:
    """A PB election: budget, projects, ballots, ballot type and constraints.

    ``meta`` holds the pabulib META section as text (constraints such as ``min_length`` or
    ``max_sum_points`` are read from it). ``budget`` and ``vote_type`` are authoritative; the
    writer regenerates ``num_projects``, ``num_votes``, ``budget`` and ``vote_type`` from them.
    """

    budget: Fraction
    projects: list[Project]
    ballots: list[Ballot]
    vote_type: str = "approval"
    meta: dict[str, str] = field(default_factory=dict)
    issues: list[PbFormatError] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.budget = Fraction(self.budget)
        self.projects = list(self.projects)
        self.ballots = list(self.ballots)

    @property
    def project_by_id(self) -> dict[str, Project]:
        """Projects keyed by id."""
        return {p.id: p for p in self.projects}

    def validate(self, strict: bool = True) -> list[PbFormatError]:
        """Check the election as the pabulib checker would; raise ``PbFormatError`` if broken.

        With ``strict=False`` ballot-limit violations (length, cost, points, ``selected`` over
        budget) are returned as a list instead of raised; structural errors always raise.
        The .pb reader runs the same checks with line numbers.
        """
        from .validation import check_election

        return check_election(self, strict)
