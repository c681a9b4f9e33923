"""Voting: single-use codes, ballot checks per ballot type, and the atomic ballot submission.

A ballot is written with one ``INSERT … ON CONFLICT (round, code) DO UPDATE`` statement, so a
repeated or concurrent submission with the same code replaces the ballot instead of adding a
second one (Decidim #12553 and CONSUL #4061 were check-then-write races)."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import g, has_request_context
from sqlalchemy import bindparam, func, insert, select

from app import audit
from app.extensions import db
from app.models import AuditEvent, User, utcnow

from .models import Ballot, Round, VoterCode
from .services import BudgetingError

# No 0/O, 1/I/L or U/V look-alikes: codes are typed from paper by people of all ages.
ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
CODE_LENGTH = 10  # 29^10 ≈ 4·10^14 (48 bits): guessing one of 10 000 codes is hopeless.


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def format_code(code: str) -> str:
    """``ABCDE-FGHJK``: groups of five are easier to copy from paper."""
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))


def normalise_code(text: str | None) -> str:
    """Forgive case, spaces and dashes: people copy codes from paper."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:20]


def generate_codes(round_: Round, how_many: int, batch: int | None = None) -> list[VoterCode]:
    """New codes for a round; ``batch`` numbers one printed sheet run."""
    if not 1 <= how_many <= 20000:
        raise BudgetingError("codes.how_many")
    if batch is None:
        latest = db.session.scalar(
            select(func.max(VoterCode.batch)).where(VoterCode.round_id == round_.id)
        )
        batch = (latest or 0) + 1
    taken: set[str] = set()
    codes = []
    for _ in range(how_many):
        code = new_code()
        while code in taken:
            code = new_code()
        taken.add(code)
        codes.append(VoterCode(round_id=round_.id, code=code, batch=batch))
    db.session.add_all(codes)
    db.session.flush()
    if batch:
        audit.record("codes.generated", round_, how_many=how_many, batch=batch)
    return codes


def find_code(round_: Round, text: str | None) -> VoterCode | None:
    """The code of *this* round; a code of another round does not work here."""
    code = normalise_code(text)
    if not code:
        return None
    return db.session.scalar(
        select(VoterCode).where(VoterCode.round_id == round_.id, VoterCode.code == code)
    )


@dataclass(frozen=True)
class Cast:
    """A ballot as written: its row id, how many times it was sent, and what it holds."""

    id: int
    version: int
    projects: list[int]
    points: list[int] | None


@dataclass
class Choice:
    """What a voter marked: proposal ids (in rank order for rankings) and points if any."""

    projects: list[int]
    points: list[int] | None = None


def check_choice(round_: Round | FrozenRound, choice: Choice) -> Choice:
    """Check a ballot against the round's ballot type and limits; return it normalised."""
    accepted = {p.id: p.cost for p in round_.accepted}
    projects = list(choice.projects)
    if any(pid not in accepted for pid in projects):
        raise BudgetingError("ballot.unknown_project")
    if len(set(projects)) != len(projects):
        raise BudgetingError("ballot.duplicate_project")
    points = None
    if round_.ballot_type == "points":
        points, projects = _check_points(round_, choice)
    _check_length(round_, len(projects))
    if round_.ballot_type == "knapsack":
        total = sum(accepted[pid] for pid in projects)
        limit = round_.max_cost or round_.budget
        if total > limit:
            raise BudgetingError("ballot.over_budget", total=total, limit=limit)
    return Choice(projects, points)


def _check_points(round_: Round | FrozenRound, choice: Choice) -> tuple[list[int], list[int]]:
    given = list(choice.points or [])
    if len(given) != len(choice.projects) or any(p < 0 for p in given):
        raise BudgetingError("ballot.points_invalid")
    pairs = [(pid, pts) for pid, pts in zip(choice.projects, given, strict=True) if pts > 0]
    total = sum(pts for _, pts in pairs)
    if round_.max_points is not None and total > round_.max_points:
        raise BudgetingError("ballot.too_many_points", total=total, limit=round_.max_points)
    return [pts for _, pts in pairs], [pid for pid, _ in pairs]


def _check_length(round_: Round | FrozenRound, length: int) -> None:
    if length == 0:
        raise BudgetingError("ballot.empty")
    if round_.min_projects is not None and length < round_.min_projects:
        raise BudgetingError("ballot.too_few", count=length, limit=round_.min_projects)
    if round_.max_projects is not None and length > round_.max_projects:
        raise BudgetingError("ballot.too_many", count=length, limit=round_.max_projects)


@dataclass(frozen=True)
class FrozenProject:
    """What the ballot path needs of an accepted project (titles are not cached: not frozen)."""

    id: int
    cost: int


@dataclass(frozen=True)
class FrozenRound:
    """A round's settings and accepted projects as they are once voting opens.

    They cannot change after ``frozen_at`` (services refuse edits and decisions then), so each
    process keeps one copy per round and the ballot path reads no settings from the database.
    Duck-types the ``Round`` attributes that ``check_choice`` and the ballot views read."""

    id: int
    slug: str
    frozen_at: datetime
    ballot_type: str
    budget: int
    min_projects: int | None
    max_projects: int | None
    max_cost: int | None
    max_points: int | None
    accepted: tuple[FrozenProject, ...]
    phase: str = "voting"


@dataclass(frozen=True)
class Voting:
    """The cheap per-request part of a round: its id, phase and when its settings froze."""

    id: int
    slug: str
    phase: str
    frozen_at: datetime | None


_frozen: dict[tuple[int, datetime], FrozenRound] = {}
_frozen_lock = threading.Lock()


def voting_state(slug: str, code_ids: list[int]) -> tuple[Voting, int | None] | None:
    """The round's phase and, among the code ids a session remembers, the one of this round.

    One indexed Core query per ballot: the phase can change at any moment, the rest not."""
    ids = [i for i in code_ids if isinstance(i, int)] or [0]
    row = db.session.connection().execute(_STATE, {"slug": slug, "code_ids": ids}).first()
    if row is None:
        return None
    return Voting(*row[:4]), row[4]


def frozen_round(state: Voting) -> FrozenRound:
    """The frozen settings of a round in voting, loaded once per process.

    Keyed by ``frozen_at`` too, so a round that is somehow frozen again is reloaded."""
    if state.frozen_at is None:
        raise BudgetingError("ballot.not_open")
    key = (state.id, state.frozen_at)
    cached = _frozen.get(key)
    if cached is not None:
        return cached
    round_ = db.session.get(Round, state.id)
    frozen = FrozenRound(
        id=round_.id,
        slug=round_.slug,
        frozen_at=state.frozen_at,
        ballot_type=round_.ballot_type,
        budget=round_.budget,
        min_projects=round_.min_projects,
        max_projects=round_.max_projects,
        max_cost=round_.max_cost,
        max_points=round_.max_points,
        accepted=tuple(FrozenProject(p.id, p.cost) for p in round_.accepted),
    )
    with _frozen_lock:
        _frozen[key] = frozen
    return frozen


_STATE = (
    select(Round.id, Round.slug, Round.phase, Round.frozen_at, VoterCode.id)
    .outerjoin(
        VoterCode,
        (VoterCode.round_id == Round.id) & VoterCode.id.in_(bindparam("code_ids", expanding=True)),
    )
    .where(Round.slug == bindparam("slug"))
    .limit(1)
)
_UPSERTS: dict[str, Any] = {}
_AUDIT = insert(AuditEvent.__table__)


def _upsert(dialect: str):
    """The ballot upsert, built once per dialect: building ``excluded`` per request cost more
    CPU than running the statement."""
    statement = _UPSERTS.get(dialect)
    if statement is not None:
        return statement
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    # The table, not the mapped class: an ORM-enabled insert goes through the bulk machinery.
    table = Ballot.__table__
    statement = dialect_insert(table).values(
        round_id=bindparam("round_id"),
        voter_code_id=bindparam("voter_code_id"),
        method=bindparam("method"),
        projects=bindparam("projects"),
        points=bindparam("points"),
        version=1,
        cast_at=bindparam("cast_at"),
        entered_by_id=bindparam("entered_by_id"),
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.round_id, table.c.voter_code_id],
        set_={
            "projects": statement.excluded.projects,
            "points": statement.excluded.points,
            "version": table.c.version + 1,
            "cast_at": statement.excluded.cast_at,
            "entered_by_id": statement.excluded.entered_by_id,
            "confirmed_by_id": None,
            "confirmed_at": None,
        },
        where=table.c.method == statement.excluded.method,
    ).returning(table.c.id, table.c.version)
    _UPSERTS[dialect] = statement
    return statement


def submit_ballot(
    round_: Round | FrozenRound,
    code: VoterCode,
    choice: Choice,
    method: str = "online",
    entered_by: User | None = None,
) -> Cast:
    """Cast or replace the ballot of ``code``; see :func:`cast_ballot`."""
    if code.round_id != round_.id:
        raise BudgetingError("ballot.wrong_round")
    return cast_ballot(round_, code.id, choice, method, entered_by)


def cast_ballot(
    round_: Round | FrozenRound,
    code_id: int,
    choice: Choice,
    method: str = "online",
    entered_by: User | None = None,
) -> Cast:
    """Cast or replace the ballot of a code of this round in one statement, audited in the same
    transaction (Core statements: the ORM unit of work cost more than the writes).

    A code that voted on paper cannot vote online, nor the other way round: the update only
    happens when the stored ballot has the same method."""
    if round_.phase != "voting":
        raise BudgetingError("ballot.not_open")
    if method not in ("online", "paper"):
        raise BudgetingError("ballot.method")
    choice = check_choice(round_, choice)
    now = utcnow()
    # The session's connection: same transaction as everything else in this request.
    connection = db.session.connection()
    row = connection.execute(
        _upsert(connection.dialect.name),
        {
            "round_id": round_.id,
            "voter_code_id": code_id,
            "method": method,
            "projects": choice.projects,
            "points": choice.points,
            "cast_at": now,
            "entered_by_id": entered_by.id if entered_by is not None else None,
        },
    ).first()
    if row is None:
        raise BudgetingError("ballot.other_method")
    if entered_by is None and has_request_context():
        entered_by = getattr(g, "user", None)
    # The same row audit.record would add; never the choice itself.
    connection.execute(
        _AUDIT,
        {
            "at": now,
            "actor_id": entered_by.id if entered_by is not None else None,
            "action": "ballot.cast",
            "object_type": "",
            "object_id": "",
            "details": {
                "round": round_.id,
                "ballot": row.id,
                "method": method,
                "version": row.version,
            },
        },
    )
    return Cast(row.id, row.version, choice.projects, choice.points)


def ballot_of(round_: Round, code: VoterCode) -> Ballot | None:
    return db.session.scalar(
        select(Ballot).where(Ballot.round_id == round_.id, Ballot.voter_code_id == code.id)
    )


def confirm_paper(ballot: Ballot, actor: User) -> None:
    """A second person checks a paper ballot against the paper; not the one who entered it."""
    if ballot.method != "paper":
        raise BudgetingError("paper.not_paper")
    if ballot.entered_by_id == actor.id:
        raise BudgetingError("paper.same_person")
    ballot.confirmed_by_id = actor.id
    ballot.confirmed_at = utcnow()
    audit.record("ballot.paper_confirmed", None, actor=actor, ballot=ballot.id)


def ballot_counts(round_: Round) -> dict[str, int]:
    rows = db.session.execute(
        select(Ballot.method, func.count())
        .where(Ballot.round_id == round_.id)
        .group_by(Ballot.method)
    ).all()
    counts = {method: n for method, n in rows}
    unconfirmed = db.session.scalar(
        select(func.count()).where(
            Ballot.round_id == round_.id, Ballot.method == "paper", Ballot.confirmed_at.is_(None)
        )
    )
    codes = db.session.scalar(
        select(func.count()).where(VoterCode.round_id == round_.id, VoterCode.batch > 0)
    )
    return {
        "online": counts.get("online", 0),
        "paper": counts.get("paper", 0),
        "unconfirmed": unconfirmed or 0,
        "codes": codes or 0,
    }
