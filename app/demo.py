"""Demo data: the programme's neighbourhoods and one staff account per role."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from .accounts import create_user
from .extensions import db
from .models import ROLES, Neighbourhood, User

# The programme's three neighbourhoods with the sub-areas the programme documents name, and the
# finished area uplift Saupstad-Kolstad, kept for history and comparison.
NEIGHBOURHOODS: list[dict] = [
    {
        "slug": "lademoen",
        "name": "Lademoen",
        "sub_areas": [
            ("buran", "Buran"),
            ("lilleby", "Lilleby"),
            ("nyhavna", "Nyhavna"),
            ("svartlamon", "Svartlamon"),
        ],
    },
    {"slug": "mollenberg", "name": "Møllenberg", "sub_areas": [("rosenborg", "Rosenborg")]},
    {
        "slug": "tempe-sorgenfri",
        "name": "Tempe-Sorgenfri",
        "sub_areas": [("tempe", "Tempe"), ("sorgenfri", "Sorgenfri")],
    },
    {"slug": "saupstad-kolstad", "name": "Saupstad-Kolstad", "status": "finished", "sub_areas": []},
]


def load_neighbourhoods() -> int:
    """Insert missing neighbourhoods; returns how many were added."""
    added = 0
    existing = {n.slug: n for n in db.session.scalars(select(Neighbourhood))}
    for order, spec in enumerate(NEIGHBOURHOODS):
        parent = existing.get(spec["slug"])
        if parent is None:
            parent = Neighbourhood(
                slug=spec["slug"],
                name=spec["name"],
                status=spec.get("status", "active"),
                sort_order=order,
            )
            db.session.add(parent)
            added += 1
        for sub_order, (slug, name) in enumerate(spec["sub_areas"]):
            if slug not in existing:
                db.session.add(
                    Neighbourhood(slug=slug, name=name, parent=parent, sort_order=sub_order)
                )
                added += 1
    db.session.flush()
    return added


def load_demo_users() -> dict[str, str]:
    """Make sure ``demo-<role>`` exists for each role, with a fresh random password.

    Passwords are new on every run and only printed, so no fixed password ever exists."""
    logins: dict[str, str] = {}
    for role in ROLES:
        username = f"demo-{role}"
        password = secrets.token_urlsafe(12)
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            create_user(username, password, role, name=f"Demo {role}")
        else:
            user.set_password(password)
            user.active = True
        logins[username] = password
    return logins
