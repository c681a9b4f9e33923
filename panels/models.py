"""Citizen-panel models: the panel and its quotas, the household register and invitations,
volunteers (personal data with a deletion date), selection runs with their committed lottery,
and the deliberation: phases, sessions with expert inputs, attendance, groups, recommendations
and support votes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Neighbourhood, User, utcnow

PANEL_KINDS = ("adult", "youth", "children")
PANEL_STATUSES = ("draft", "inviting", "selection", "deliberation", "closed")
VOLUNTEER_SOURCES = ("lottery", "open_call")
VOLUNTEER_STATUSES = ("pool", "selected", "reserve", "dropped_out", "withdrawn")
PHASES = ("learning", "discussion", "decision")
PHASE_STATUSES = ("planned", "active", "done")
RUN_STATUSES = ("queued", "running", "ready", "failed", "committed", "drawn", "discarded")
SUPPORT_SCALE = (2, 1, 0, -1, -2)  # strongly agree … strongly disagree
AVAILABILITY = ("weekday_evenings", "weekday_daytime", "saturdays", "sundays")
ACCESS_NEEDS = ("interpreter", "childcare", "travel", "step_free")


class Panel(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(Text, default="")
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id"))
    kind: Mapped[str] = mapped_column(String(20), default="adult")
    panel_size: Mapped[int]
    # Volunteers wanted in the pool before stage 2 (sizes the stage-1 letters).
    pool_target: Mapped[int]
    default_response_rate: Mapped[float] = mapped_column(default=0.05)
    # Expected share of invited households that volunteer, per register area.
    response_rates: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default="draft")
    signup_closes_on: Mapped[date | None]
    closes_on: Mapped[date]
    closed_at: Mapped[datetime | None]
    # Personal data of volunteers is deleted this many days after the panel closes.
    retention_days: Mapped[int] = mapped_column(default=90)
    open_call_in_pool: Mapped[bool] = mapped_column(default=False)
    open_call_token: Mapped[str] = mapped_column(String(64), unique=True)
    # Composition of the panel, kept when personal data is deleted (aggregates only).
    aggregates: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    neighbourhood: Mapped[Neighbourhood] = relationship()
    created_by: Mapped[User | None] = relationship()
    quotas: Mapped[list[PanelQuota]] = relationship(
        back_populates="panel", cascade="all, delete-orphan", order_by="PanelQuota.position"
    )
    volunteers: Mapped[list[Volunteer]] = relationship(
        back_populates="panel", cascade="all, delete-orphan", order_by="Volunteer.id"
    )
    phases: Mapped[list[Phase]] = relationship(
        cascade="all, delete-orphan", order_by="Phase.position"
    )
    sessions: Mapped[list[PanelSession]] = relationship(
        back_populates="panel", cascade="all, delete-orphan", order_by="PanelSession.starts_at"
    )
    groups: Mapped[list[PanelGroup]] = relationship(
        back_populates="panel", cascade="all, delete-orphan", order_by="PanelGroup.id"
    )
    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="panel", cascade="all, delete-orphan", order_by="Recommendation.id"
    )

    @property
    def categories(self) -> list[str]:
        seen: dict[str, None] = {}
        for quota in self.quotas:
            seen.setdefault(quota.category, None)
        return list(seen)

    def values_of(self, category: str) -> list[str]:
        return [q.value for q in self.quotas if q.category == category]


class PanelQuota(db.Model):
    """Bounds on panel members with ``category = value``, plus what the bounds came from."""

    __table_args__ = (UniqueConstraint("panel_id", "category", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(80))
    value: Mapped[str] = mapped_column(String(120))
    min: Mapped[int]
    max: Mapped[int]
    population_share: Mapped[float | None]
    position: Mapped[int] = mapped_column(default=0)

    panel: Mapped[Panel] = relationship(back_populates="quotas")


class RegisterHousehold(db.Model):
    """A row of the imported household register; deleted with the panel's personal data."""

    __table_args__ = (UniqueConstraint("panel_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(300))
    area: Mapped[str] = mapped_column(String(120))
    sub_area: Mapped[str] = mapped_column(String(120), default="")
    strata: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Invitation(db.Model):
    """One letter to one household. ``token`` goes in the QR link; ``short_code`` is typed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("register_household.id", ondelete="SET NULL"), unique=True
    )
    stratum: Mapped[str] = mapped_column(String(120))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    short_code: Mapped[str] = mapped_column(String(16), unique=True)
    printed_at: Mapped[datetime | None]

    household: Mapped[RegisterHousehold | None] = relationship()
    volunteer: Mapped[Volunteer | None] = relationship(back_populates="invitation")


class Volunteer(db.Model):
    """A resident who said yes. ``invitation_id`` is unique: one sign-up per household letter;
    ``submission_key`` (the open-call form's key) is unique per panel: one sign-up per form."""

    __table_args__ = (UniqueConstraint("panel_id", "submission_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="SET NULL"), unique=True
    )
    group_id: Mapped[int | None] = mapped_column(ForeignKey("panel_group.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(20), default="lottery")
    status: Mapped[str] = mapped_column(String(20), default="pool")
    # The personal link (status page, support votes) and a code to type at check-in.
    access_token: Mapped[str] = mapped_column(String(64), unique=True)
    short_code: Mapped[str] = mapped_column(String(16), unique=True)
    submission_key: Mapped[str | None] = mapped_column(String(64))
    features: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    access_needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    access_note: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(10), default="nb")
    name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    guardian_name: Mapped[str] = mapped_column(String(200), default="")
    guardian_consent_at: Mapped[datetime | None]
    consent_at: Mapped[datetime]
    delete_after: Mapped[date]
    personal_data_deleted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    panel: Mapped[Panel] = relationship(back_populates="volunteers")
    invitation: Mapped[Invitation | None] = relationship(back_populates="volunteer")
    group: Mapped[PanelGroup | None] = relationship(back_populates="members")

    @property
    def label(self) -> str:
        """What staff see: the name while it exists, else a pseudonym."""
        return self.name or f"#{self.id}"


class SelectionRun(db.Model):
    """One stage-2 computation: probabilities, the committed lottery, then the seeded draw."""

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20), default="panel")  # or "replacement"
    algorithm: Mapped[str] = mapped_column(String(20), default="leximin")
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[float] = mapped_column(default=0.0)
    progress_message: Mapped[str] = mapped_column(String(200), default="")
    error_code: Mapped[str] = mapped_column(String(80), default="")
    error_params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seats: Mapped[int] = mapped_column(default=0)
    dropped: Mapped[list[int]] = mapped_column(JSON, default=list)  # replacement runs
    probabilities: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    # The canonical lottery JSON whose SHA-256 is the commitment (ids and quota values only).
    payload: Mapped[str] = mapped_column(Text, default="")
    max_deviation: Mapped[float] = mapped_column(default=0.0)
    commitment: Mapped[str] = mapped_column(String(64), default="")
    committed_at: Mapped[datetime | None]
    seed: Mapped[str] = mapped_column(String(200), default="")
    drawn_index: Mapped[int | None]
    drawn: Mapped[list[str]] = mapped_column(JSON, default=list)
    drawn_at: Mapped[datetime | None]
    seconds: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    panel: Mapped[Panel] = relationship()


class Phase(db.Model):
    __table_args__ = (UniqueConstraint("panel_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="planned")


class PanelSession(db.Model):
    """A meeting of the panel, with its agenda, expert inputs and a check-in code for the venue."""

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    phase: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    checkin_token: Mapped[str] = mapped_column(String(64), unique=True)

    panel: Mapped[Panel] = relationship(back_populates="sessions")
    inputs: Mapped[list[ExpertInput]] = relationship(
        cascade="all, delete-orphan", order_by="ExpertInput.id"
    )
    attendances: Mapped[list[Attendance]] = relationship(cascade="all, delete-orphan")


class ExpertInput(db.Model):
    """A link or an uploaded document for a session. Documents live in the database so any
    app server can serve them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("panel_session.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500), default="")
    filename: Mapped[str] = mapped_column(String(200), default="")
    content_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(default=0)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attendance(db.Model):
    __table_args__ = (UniqueConstraint("session_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("panel_session.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id", ondelete="CASCADE"))
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    method: Mapped[str] = mapped_column(String(20), default="qr")


class PanelGroup(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    moderator: Mapped[str] = mapped_column(String(200), default="")

    panel: Mapped[Panel] = relationship(back_populates="groups")
    members: Mapped[list[Volunteer]] = relationship(back_populates="group", order_by="Volunteer.id")


class Recommendation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("panel_group.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    # Children's panels may answer with a drawing or a photo; the caption says what it shows.
    image: Mapped[bytes | None] = mapped_column(LargeBinary)
    image_type: Mapped[str] = mapped_column(String(40), default="")
    caption: Mapped[str] = mapped_column(Text, default="")
    voting_open: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    panel: Mapped[Panel] = relationship(back_populates="recommendations")
    group: Mapped[PanelGroup | None] = relationship()
    votes: Mapped[list[SupportVote]] = relationship(cascade="all, delete-orphan")


class SupportVote(db.Model):
    """A panel member's support for a recommendation; changing it replaces the earlier vote."""

    __table_args__ = (UniqueConstraint("recommendation_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE")
    )
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id", ondelete="CASCADE"))
    score: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
