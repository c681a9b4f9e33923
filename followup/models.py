"""Follow-up models: the programme's status and public answer for one contribution (referenced
by the same (source_type, source_id) key as taxonomy's intake), the per-process statement of what
the municipality can and cannot decide, evaluation of funded projects and participants' feedback
on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import User, utcnow

#: The public statuses of a contribution, in the order a contribution usually moves through them.
STATUSES = ("received", "considering", "answered", "project", "not_taken_forward")
#: Processes that carry a scope statement (a panel, a budget round, a public input topic).
PROCESS_TYPES = ("panel", "round", "topic")
PROJECT_PHASES = ("testing", "implementation", "evaluation")
#: How staff heard a contribution or feedback they record on a resident's behalf.
ENTRY_CHANNELS = ("web", "paper", "conversation", "phone")
SMILEYS = (1, 2, 3, 4, 5)


class Followup(db.Model):
    """The programme's status and answer for one contribution. Contributions without a row are
    shown with the status their own feature implies (see ``followup.services.status_of``)."""

    __table_args__ = (UniqueConstraint("source_type", "source_id", name="uq_followup_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_type: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="received")
    answer_nb: Mapped[str] = mapped_column(Text, default="")
    answer_en: Mapped[str] = mapped_column(Text, default="")
    # Required for "not taken forward": residents are told why.
    reason: Mapped[str] = mapped_column(Text, default="")
    project_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="SET NULL"))
    published: Mapped[bool] = mapped_column(default=False)
    # Set when staff recorded the contribution on a resident's behalf (paper, conversation, …).
    recorded_channel: Mapped[str] = mapped_column(String(20), default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    answered_by: Mapped[User | None] = relationship()
    project = relationship("Proposal")

    def answer(self, lang: str) -> str:
        return (self.answer_en if lang == "en" and self.answer_en else self.answer_nb) or ""


class ProcessScope(db.Model):
    """What the municipality can and cannot decide in one process, written by staff."""

    __table_args__ = (
        UniqueConstraint("process_type", "process_id", name="uq_process_scope_process"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_type: Mapped[str] = mapped_column(String(20))
    process_id: Mapped[int]
    can_decide_nb: Mapped[str] = mapped_column(Text, default="")
    can_decide_en: Mapped[str] = mapped_column(Text, default="")
    cannot_decide_nb: Mapped[str] = mapped_column(Text, default="")
    cannot_decide_en: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProjectEvaluation(db.Model):
    """Planned against delivered, who took part and what was learned, for one funded project.
    Public on the neighbourhood's "what came of it" page."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), unique=True
    )
    phase: Mapped[str] = mapped_column(String(20), default="implementation")
    planned: Mapped[str] = mapped_column(Text, default="")
    delivered: Mapped[str] = mapped_column(Text, default="")
    participants: Mapped[str] = mapped_column(Text, default="")
    participant_count: Mapped[int | None]
    learned: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal = relationship("Proposal")


class ProjectFeedback(db.Model):
    """A participant's (child's, family's) feedback on a funded project: a smiley from 1 (sad)
    to 5 (happy), optional text (also handed to the taxonomy) and an optional age band."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    smiley: Mapped[int]
    text: Mapped[str] = mapped_column(Text, default="")
    age_band: Mapped[str | None] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(20), default="web")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
