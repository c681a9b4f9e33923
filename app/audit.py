"""Writing audit events. Callers commit them together with the change they describe."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context

from .extensions import db
from .models import AuditEvent, User


def record(
    action: str,
    obj: Any = None,
    *,
    actor: User | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the current session (not committed here, on purpose)."""
    if actor is None and has_request_context():
        actor = getattr(g, "user", None)
    event = AuditEvent(
        action=action,
        actor=actor,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "id", "") or "") if obj is not None else "",
        details=details,
    )
    db.session.add(event)
    return event
