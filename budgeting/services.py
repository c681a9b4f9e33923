"""Budget rounds as plain functions: settings and their freeze, phases, applications and their
eligibility decisions, follow-up updates, and youth groups (joining, ideas, comments).

Functions add to the session and never commit: the caller commits, so an audit event and the
change it describes land in the same transaction."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from app import audit
from app.extensions import db
from app.models import Neighbourhood, User, utcnow
from budgeting.rules import VARIANTS

from .models import (
    APPLICANT_TYPES,
    BALLOT_TYPES,
    FOLLOW_UP_STATUSES,
    KINDS,
    PHASES,
    Comment,
    Member,
    ProjectUpdate,
    Proposal,
    Round,
)

#: Rule variants that fit each ballot type (``budgeting.rules.VARIANTS`` names).
VARIANTS_FOR_BALLOT: dict[str, tuple[str, ...]] = {
    "approval": (
        "mes_cost_add1+greedy",
        "mes_cost_add1",
        "mes_cost+greedy",
        "mes_cost",
        "greedy_cost",
        "greedy_card",
        "phragmen",
    ),
    "points": ("mes_points+greedy", "mes_points", "greedy_points"),
    "ranking": ("mes_borda+greedy", "mes_borda", "greedy_borda"),
}
VARIANTS_FOR_BALLOT["knapsack"] = VARIANTS_FOR_BALLOT["approval"]

#: Settings a facilitator may change until voting opens.
SETTINGS = (
    "title",
    "purpose",
    "administrator",
    "neighbourhood_id",
    "year",
    "budget",
    "ballot_type",
    "min_projects",
    "max_projects",
    "max_cost",
    "max_points",
    "rule_variant",
    "paper_needs_confirmation",
    "proposals_open",
    "proposals_close",
    "voting_open",
    "voting_close",
)
#: Settings that decide how votes are cast and counted: changing them is audited.
COUNTING_SETTINGS = (
    "budget",
    "ballot_type",
    "min_projects",
    "max_projects",
    "max_cost",
    "max_points",
    "rule_variant",
)


class BudgetingError(Exception):
    """A refused action: ``code`` names it, ``params`` hold details for the translated message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def new_token() -> str:
    return secrets.token_urlsafe(24)


def slugify(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})
    slug = re.sub(r"[^a-z0-9]+", "-", text.translate(table).lower()).strip("-")
    return slug[:60] or "runde"


def unique_slug(title: str) -> str:
    base = slugify(title)
    slug, n = base, 2
    while db.session.scalar(select(Round.id).where(Round.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def check_settings(values: dict[str, Any]) -> None:
    """Refuse inconsistent settings with a code naming the problem."""
    if values.get("kind", "pot") not in KINDS:
        raise BudgetingError("round.unknown_kind")
    if not values.get("budget") or values["budget"] <= 0:
        raise BudgetingError("round.budget_positive")
    ballot_type = values.get("ballot_type")
    if ballot_type not in BALLOT_TYPES:
        raise BudgetingError("round.unknown_ballot_type")
    variant = values.get("rule_variant")
    if variant not in VARIANTS or variant not in VARIANTS_FOR_BALLOT[ballot_type]:
        raise BudgetingError("round.variant_mismatch", variant=variant, ballot_type=ballot_type)
    low, high = values.get("min_projects"), values.get("max_projects")
    if low is not None and high is not None and low > high:
        raise BudgetingError("round.min_above_max", min=low, max=high)
    if ballot_type == "points" and not values.get("max_points"):
        raise BudgetingError("round.points_need_total")
    for start, end in (("proposals_open", "proposals_close"), ("voting_open", "voting_close")):
        if values.get(start) and values.get(end) and values[start] > values[end]:
            raise BudgetingError("round.dates_reversed")


def create_round(actor: User | None = None, **values: Any) -> Round:
    """A new round in the setup phase. Youth groups get a join code at once."""
    slug = values.pop("slug", None)
    defaults = {"kind": "pot", "ballot_type": "approval", "rule_variant": "mes_cost_add1+greedy"}
    if values.get("kind") == "youth":
        defaults["min_projects"] = 2
    settings = {**defaults, **values}
    check_settings(settings)
    if settings.get("ballot_type") == "knapsack" and not settings.get("max_cost"):
        settings["max_cost"] = settings["budget"]
    round_ = Round(slug=slug or unique_slug(settings["title"]), **settings)
    if round_.kind == "youth":
        round_.join_code = _new_join_code()
    db.session.add(round_)
    db.session.flush()
    audit.record("round.created", round_, actor=actor, title=round_.title, kind=round_.kind)
    return round_


def _new_join_code() -> str:
    from .voting import new_code

    return new_code(length=6)


def update_settings(round_: Round, actor: User | None = None, **values: Any) -> None:
    """Change settings before voting opens; afterwards they are frozen."""
    if round_.frozen:
        raise BudgetingError("round.frozen")
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise BudgetingError("round.unknown_setting", names=sorted(unknown))
    merged = {**{k: getattr(round_, k) for k in SETTINGS}, "kind": round_.kind, **values}
    if merged["ballot_type"] == "knapsack" and not merged.get("max_cost"):
        merged["max_cost"] = merged["budget"]
    check_settings(merged)
    changed = {
        k: [str(getattr(round_, k)), str(merged[k])]
        for k in COUNTING_SETTINGS
        if getattr(round_, k) != merged[k]
    }
    for key in SETTINGS:
        setattr(round_, key, merged[key])
    if changed:
        audit.record("round.settings_changed", round_, actor=actor, changed=changed)


def next_phase(round_: Round) -> str | None:
    order = list(PHASES)
    if round_.kind == "youth" and round_.phase == "proposals":
        return "voting"  # ideas in a group need no eligibility review
    index = order.index(round_.phase)
    return order[index + 1] if index + 1 < len(order) else None


def advance_phase(round_: Round, actor: User | None = None) -> str:
    """Move to the next phase. Opening voting freezes the settings; publishing needs a result."""
    target = next_phase(round_)
    if target is None:
        raise BudgetingError("round.last_phase")
    if target == "voting":
        if len(round_.accepted) == 0:
            raise BudgetingError("round.nothing_to_vote_on")
        if round_.kind == "pot" and any(p.status == "submitted" for p in round_.proposals):
            raise BudgetingError("round.undecided_applications")
        round_.frozen_at = utcnow()
        audit.record(
            "round.settings_frozen",
            round_,
            actor=actor,
            **{k: getattr(round_, k) for k in COUNTING_SETTINGS},
            projects=[p.id for p in round_.accepted],
        )
    if target == "published":
        from .results import latest_result

        if latest_result(round_) is None:
            raise BudgetingError("round.no_result")
    previous, round_.phase = round_.phase, target
    audit.record("round.phase", round_, actor=actor, previous=previous, phase=target)
    return target


def due_phase(round_: Round, today: date) -> str | None:
    """The phase the round's dates say it should move to today, if any.

    Applications open on ``proposals_open`` and close after ``proposals_close``; voting opens
    on ``voting_open`` and closes after ``voting_close`` (both days included). Publishing is
    never automatic: a facilitator checks the count and possible ties first."""
    target = next_phase(round_)
    when = {
        "proposals": round_.proposals_open,
        "review": round_.proposals_close + timedelta(days=1) if round_.proposals_close else None,
        "voting": round_.voting_open,
        "closed": round_.voting_close + timedelta(days=1) if round_.voting_close else None,
    }.get(target or "")
    return target if when is not None and today >= when else None


@dataclass(frozen=True)
class DueMove:
    round: Round
    phase: str | None  # the phase reached, or None when blocked
    blocked: str | None = None  # the error code that stopped it (e.g. undecided applications)


def advance_due(today: date | None = None) -> list[DueMove]:
    """Move every round whose dates have come as far as they say (run daily, e.g. from cron).

    A move the round is not ready for (applications still undecided when voting should open)
    is reported, not forced: the facilitator decides and the next run moves it."""
    today = today or date.today()
    moves: list[DueMove] = []
    for round_ in db.session.scalars(select(Round).order_by(Round.id)):
        reached = None
        while due_phase(round_, today) is not None:
            try:
                reached = advance_phase(round_)
            except BudgetingError as error:
                moves.append(DueMove(round_, reached, error.code))
                break
        else:
            if reached is not None:
                moves.append(DueMove(round_, reached))
    return moves


# --- Applications and ideas ----------------------------------------------------------------


@dataclass
class Application:
    """What an applicant (or a youth-group member) fills in."""

    title: str
    description: str
    cost: int
    applicant_type: str | None = None
    applicant_name: str = ""
    neighbourhood: Neighbourhood | None = None
    brings_together: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    language: str = "nb"


def submit_proposal(round_: Round, application: Application, member: Member | None = None):
    """Store an application or idea and pass its text to the taxonomy's intake."""
    if round_.phase != "proposals":
        raise BudgetingError("proposal.closed")
    if round_.kind == "pot" and application.applicant_type not in APPLICANT_TYPES:
        raise BudgetingError("proposal.applicant_type")
    if application.cost <= 0 or application.cost > round_.budget:
        raise BudgetingError("proposal.cost_range", budget=round_.budget)
    youth = round_.kind == "youth"
    proposal = Proposal(
        round=round_,
        applicant_type=None if youth else application.applicant_type,
        applicant_name=application.applicant_name,
        title=application.title.strip(),
        description=application.description.strip(),
        cost=application.cost,
        neighbourhood=application.neighbourhood or round_.neighbourhood,
        brings_together=application.brings_together,
        contact_name=application.contact_name,
        contact_email=application.contact_email,
        contact_phone=application.contact_phone,
        member=member,
        # Ideas in a youth group go straight to the vote; applications to the pot are reviewed.
        status="accepted" if youth else "submitted",
        token=new_token(),
    )
    db.session.add(proposal)
    db.session.flush()
    _intake_proposal(proposal, application.language, member)
    audit.record("proposal.submitted", proposal, actor=None, round=round_.id)
    return proposal


def submit_paper_idea(
    round_: Round, application: Application, member: Member | None, actor: User
) -> Proposal:
    """A youth group's idea written on a paper card and typed in by staff: the same idea as one
    added online (straight to the vote, into the taxonomy), with who typed it in audited."""
    if round_.kind != "youth":
        raise BudgetingError("group.not_a_group")
    proposal = submit_proposal(round_, application, member)
    audit.record("proposal.entered_on_paper", proposal, actor=actor, round=round_.id)
    return proposal


def _intake_proposal(proposal: Proposal, language: str, member: Member | None) -> None:
    from taxonomy.services import intake

    text = "\n\n".join(
        part for part in (proposal.title, proposal.description, proposal.brings_together) if part
    )
    intake(
        "budgeting.proposal",
        proposal.id,
        text,
        channel="budget_proposal",
        neighbourhood=proposal.neighbourhood,
        language=language if language in ("nb", "en", "ar") else "other",
        age_band=member.age_band if member is not None else None,
    )


def decide(proposal: Proposal, accept: bool, reason: str, actor: User | None = None) -> None:
    """Accept or reject an application; a rejection needs a reason the applicant will read."""
    if proposal.round.frozen:
        raise BudgetingError("round.frozen")
    reason = (reason or "").strip()
    if not accept and not reason:
        raise BudgetingError("proposal.reason_needed")
    proposal.status = "accepted" if accept else "rejected"
    proposal.decision_reason = reason
    proposal.decided_at = utcnow()
    proposal.decided_by = actor
    audit.record("proposal.decided", proposal, actor=actor, status=proposal.status)


def add_update(proposal: Proposal, status: str, note: str, actor: User | None = None):
    """A public follow-up note on a funded project."""
    from .results import latest_result

    if status not in FOLLOW_UP_STATUSES:
        raise BudgetingError("update.unknown_status")
    result = latest_result(proposal.round)
    if result is None or proposal.id not in result.winners:
        raise BudgetingError("update.not_funded")
    update = ProjectUpdate(proposal=proposal, status=status, note=note.strip(), by_id=_id(actor))
    db.session.add(update)
    return update


def _id(user: User | None) -> int | None:
    return user.id if user is not None else None


# --- Youth groups --------------------------------------------------------------------------


def find_group(join_code: str) -> Round | None:
    from .voting import normalise_code

    code = normalise_code(join_code)
    if not code:
        return None
    return db.session.scalar(select(Round).where(Round.join_code == code))


def join_group(round_: Round, nickname: str, age_band: str | None) -> Member:
    """A new member with a voter code of the group's round. Members can join at any phase
    before the count, and the join date is kept (the group can grow)."""
    from taxonomy.vocabulary import AGE_BANDS

    from .voting import generate_codes

    if round_.kind != "youth":
        raise BudgetingError("group.not_a_group")
    if round_.phase in ("closed", "published"):
        raise BudgetingError("group.closed")
    if age_band is not None and age_band not in AGE_BANDS:
        raise BudgetingError("group.age_band")
    nickname = nickname.strip()
    if not nickname:
        raise BudgetingError("group.nickname")
    (code,) = generate_codes(round_, 1, batch=0)
    member = Member(round_id=round_.id, nickname=nickname[:60], age_band=age_band, voter_code=code)
    db.session.add(member)
    db.session.flush()
    audit.record("group.member_joined", member, actor=None, round=round_.id)
    return member


def add_comment(proposal: Proposal, member: Member, text: str, language: str = "nb") -> Comment:
    """A member's comment on an idea of their own group; it also reaches the taxonomy."""
    from taxonomy.services import intake

    if member.round_id != proposal.round_id:
        raise BudgetingError("group.not_member")
    text = text.strip()
    if not text:
        raise BudgetingError("comment.empty")
    comment = Comment(proposal=proposal, member=member, text=text[:2000])
    db.session.add(comment)
    db.session.flush()
    intake(
        "budgeting.comment",
        comment.id,
        text,
        channel="budget_comment",
        neighbourhood=proposal.neighbourhood,
        language=language if language in ("nb", "en", "ar") else "other",
        age_band=member.age_band,
    )
    return comment
