"""Models shared by every feature: neighbourhoods, staff accounts, the audit trail and the
record of failed logins used for rate limiting."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db

ROLES = ("admin", "facilitator", "coder", "reader")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Neighbourhood(db.Model):
    """An area the programme works in; sub-areas (e.g. Buran in Lademoen) point to their parent."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("neighbourhood.id"))
    # "active" areas are in the programme now; "finished" ones (Saupstad-Kolstad) are kept for history.
    status: Mapped[str] = mapped_column(String(20), default="active")
    sort_order: Mapped[int] = mapped_column(default=0)

    parent: Mapped[Neighbourhood | None] = relationship(
        remote_side=[id], back_populates="sub_areas"
    )
    sub_areas: Mapped[list[Neighbourhood]] = relationship(
        back_populates="parent", order_by="Neighbourhood.sort_order"
    )

    def __repr__(self) -> str:
        return f"<Neighbourhood {self.slug}>"


class User(db.Model):
    """A staff account. Residents never have one: they act through codes and links."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.username} ({self.role})>"


class AuditEvent(db.Model):
    """One state change that matters for legitimacy or privacy, written in the same transaction."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(80), default="")
    object_id: Mapped[str] = mapped_column(String(80), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


class LoginFailure(db.Model):
    """A failed login, kept briefly so repeated guessing is slowed across all app servers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    client: Mapped[str] = mapped_column(Text, default="")


class CodeAttempt(db.Model):
    """A wrong resident code or a public form sent, kept an hour (keyed hash of the client and
    purpose only) so that guessing codes and flooding forms are slowed down (``app.limits``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
