"""Personal data of panel volunteers: export one person's data, delete one person's data on
request, and the scheduled purge (``flask purge``) of contact data, answers and the household
register once the retention period after a panel closes has passed. Aggregates are kept first;
every deletion writes an audit event in the same transaction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from app import audit
from app.extensions import db
from app.models import User, utcnow

from .models import Invitation, Panel, RegisterHousehold, Volunteer


def export_person(volunteer: Volunteer) -> dict[str, Any]:
    """Everything stored about one volunteer, for a subject-access request."""
    return {
        "panel": volunteer.panel.title,
        "source": volunteer.source,
        "status": volunteer.status,
        "name": volunteer.name,
        "phone": volunteer.phone,
        "email": volunteer.email,
        "language": volunteer.language,
        "answers": dict(volunteer.features),
        "availability": list(volunteer.availability),
        "access_needs": list(volunteer.access_needs),
        "access_note": volunteer.access_note,
        "guardian_name": volunteer.guardian_name,
        "consent_at": volunteer.consent_at.isoformat(),
        "delete_after": volunteer.delete_after.isoformat(),
        "signed_up_at": volunteer.created_at.isoformat(),
        "group": volunteer.group.name if volunteer.group else None,
        "sessions_attended": _attended(volunteer),
    }


def _attended(volunteer: Volunteer) -> list[str]:
    from .models import Attendance, PanelSession

    rows = db.session.scalars(
        select(PanelSession.title)
        .join(Attendance, Attendance.session_id == PanelSession.id)
        .where(Attendance.volunteer_id == volunteer.id)
    )
    return list(rows)


def keep_aggregates(panel: Panel) -> None:
    """Store the panel's composition before answers disappear (only once)."""
    from .deliberation import composition

    if not panel.aggregates.get("composition"):
        panel.aggregates = {
            "composition": composition(panel),
            "members": len([v for v in panel.volunteers if v.status == "selected"]),
            "volunteers": len(panel.volunteers),
        }


def _erase(volunteer: Volunteer) -> None:
    volunteer.name = volunteer.phone = volunteer.email = ""
    volunteer.guardian_name = volunteer.access_note = ""
    volunteer.features, volunteer.availability, volunteer.access_needs = {}, [], []
    volunteer.personal_data_deleted_at = utcnow()


def delete_person(volunteer: Volunteer, actor: User | None = None, reason: str = "request") -> None:
    """Erase one volunteer's personal data. Without answers nobody can be drawn, so someone in
    the pool or among the reserves withdraws, and a panel member counts as dropped out (and
    can be replaced)."""
    if volunteer.status in ("pool", "reserve"):
        volunteer.status = "withdrawn"
    elif volunteer.status == "selected":
        volunteer.status = "dropped_out"
        volunteer.group = None
    _erase(volunteer)
    audit.record("panels.personal_data_deleted", volunteer, actor=actor, reason=reason, count=1)


def due_date(panel: Panel) -> date:
    """The earlier of the promised date and ``retention_days`` after the actual closing."""
    promised = panel.closes_on + timedelta(days=panel.retention_days)
    if panel.closed_at is not None:
        return min(promised, panel.closed_at.date() + timedelta(days=panel.retention_days))
    return promised


def purge(today: date | None = None, actor: User | None = None) -> dict[int, int]:
    """Delete personal data of every panel whose deletion date has come; returns
    ``{panel id: volunteers erased}`` for panels where something was deleted."""
    today = today or date.today()
    done: dict[int, int] = {}
    for panel in db.session.scalars(select(Panel)):
        if today < due_date(panel):
            continue
        pending = [v for v in panel.volunteers if v.personal_data_deleted_at is None]
        households = db.session.scalars(
            select(RegisterHousehold).where(RegisterHousehold.panel_id == panel.id)
        ).all()
        if not pending and not households:
            continue
        keep_aggregates(panel)
        for volunteer in pending:
            _erase(volunteer)
        for invitation in db.session.scalars(
            select(Invitation).where(Invitation.panel_id == panel.id)
        ):
            invitation.household = None
        for household in households:
            db.session.delete(household)
        audit.record(
            "panels.personal_data_purged",
            panel,
            actor=actor,
            volunteers=len(pending),
            households=len(households),
            due=due_date(panel).isoformat(),
        )
        done[panel.id] = len(pending)
    db.session.flush()
    return done
