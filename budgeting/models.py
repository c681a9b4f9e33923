"""Budgeting models: rounds (neighbourhood pots and youth groups), proposals with eligibility
decisions and follow-up updates, youth-group members and comments, single-use voter codes,
ballots (one per round × code, enforced by the database) and counted or agreed results."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Neighbourhood, User, utcnow

KINDS = ("pot", "youth")
BALLOT_TYPES = ("approval", "knapsack", "points", "ranking")
PHASES = ("setup", "proposals", "review", "voting", "closed", "published")
APPLICANT_TYPES = ("borettslag", "sameie", "velforening", "lag_forening", "other")
PROPOSAL_STATUSES = ("submitted", "accepted", "rejected")
FOLLOW_UP_STATUSES = ("planned", "in_progress", "delivered")
BALLOT_METHODS = ("online", "paper")


class Round(db.Model):
    """A budget round. Its settings (budget, ballot type and limits, rule) freeze when voting
    opens, so every voter votes under the same rules (CONSUL #5321 let them change mid-vote)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default="pot")
    neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("neighbourhood.id"))
    year: Mapped[int | None]
    purpose: Mapped[str] = mapped_column(Text, default="")
    administrator: Mapped[str] = mapped_column(String(120), default="Kulturenheten")
    budget: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="NOK")
    ballot_type: Mapped[str] = mapped_column(String(20), default="approval")
    min_projects: Mapped[int | None]
    max_projects: Mapped[int | None]
    max_cost: Mapped[int | None]
    max_points: Mapped[int | None]
    rule_variant: Mapped[str] = mapped_column(String(60), default="mes_cost_add1+greedy")
    paper_needs_confirmation: Mapped[bool] = mapped_column(default=False)
    phase: Mapped[str] = mapped_column(String(20), default="setup")
    proposals_open: Mapped[date | None]
    proposals_close: Mapped[date | None]
    voting_open: Mapped[date | None]
    voting_close: Mapped[date | None]
    frozen_at: Mapped[datetime | None]
    # Youth groups: members join with this short code (no account).
    join_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    # A publicly drawn order for projects the rule cannot tell apart (same cost, same votes).
    tie_order: Mapped[list[int] | None] = mapped_column(JSON)
    tie_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    neighbourhood: Mapped[Neighbourhood | None] = relationship()
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="round", order_by="Proposal.id", cascade="all, delete-orphan"
    )

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def accepted(self) -> list[Proposal]:
        return [p for p in self.proposals if p.status == "accepted"]


class Proposal(db.Model):
    """An application to the pot, or an idea in a youth group. The decision reason is shown to
    the applicant on their status page."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    applicant_type: Mapped[str | None] = mapped_column(String(20))
    applicant_name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[int]
    neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("neighbourhood.id"))
    brings_together: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The applicant's private link to their status page.
    token: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship(back_populates="proposals")
    neighbourhood: Mapped[Neighbourhood | None] = relationship()
    member: Mapped[Member | None] = relationship()
    decided_by: Mapped[User | None] = relationship()
    updates: Mapped[list[ProjectUpdate]] = relationship(
        back_populates="proposal", order_by="ProjectUpdate.at", cascade="all, delete-orphan"
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="proposal", order_by="Comment.created_at", cascade="all, delete-orphan"
    )


class ProjectUpdate(db.Model):
    """A public follow-up note on a funded project, until it is delivered."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    proposal: Mapped[Proposal] = relationship(back_populates="updates")


class Member(db.Model):
    """A youth-group member, known by a nickname and an age band; no account. Each member gets
    a voter code of the round so that voting is the same machinery as for residents."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    nickname: Mapped[str] = mapped_column(String(60))
    age_band: Mapped[str | None] = mapped_column(String(10))
    voter_code_id: Mapped[int | None] = mapped_column(ForeignKey("voter_code.id"))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    voter_code: Mapped[VoterCode | None] = relationship()


class Comment(db.Model):
    """A youth-group member's comment on an idea."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="comments")
    member: Mapped[Member | None] = relationship()


class VoterCode(db.Model):
    """A single-use voting code of one round (printed with its QR code)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    batch: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Ballot(db.Model):
    """The ballot of one code in one round. Re-voting overwrites it (the last one counts); the
    unique constraint makes a second ballot for the same code impossible, even under races."""

    __table_args__ = (UniqueConstraint("round_id", "voter_code_id", name="uq_ballot_round_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    voter_code_id: Mapped[int] = mapped_column(ForeignKey("voter_code.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(10), default="online")
    # Proposal ids (most preferred first for rankings) and, for points ballots, their points.
    projects: Mapped[list[int]] = mapped_column(JSON)
    points: Mapped[list[int] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(default=1)
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None]

    voter_code: Mapped[VoterCode] = relationship()
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])


class Result(db.Model):
    """A counted result (``method`` count), a group agreement (agreement) — the latest counts.

    ``pb_text`` holds the anonymised ballots as a .pb file and ``voter_keys`` maps voter-code
    ids to the anonymous voter ids in it (kept here, never exported) for "why this result?"."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(20), default="count")
    variant: Mapped[str] = mapped_column(String(60), default="")
    winners: Mapped[list[int]] = mapped_column(JSON)
    total_cost: Mapped[int] = mapped_column(default=0)
    num_ballots: Mapped[int] = mapped_column(default=0)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    projects: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    pb_text: Mapped[str] = mapped_column(Text, default="")
    voter_keys: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    round: Mapped[Round] = relationship()
