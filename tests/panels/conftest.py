"""Fixtures for the panel tests: Lademoen with its sub-areas, a panel with gender and age
quotas, a household register as CSV, and a helper that fills the pool through sign-ups."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.demo import load_neighbourhoods
from app.extensions import db
from app.models import Neighbourhood
from panels import services
from panels.services import PanelSpec, QuotaLine, SignUp

QUOTAS = [
    QuotaLine("gender", "female", 2, 4, 0.5),
    QuotaLine("gender", "male", 2, 4, 0.5),
    QuotaLine("age", "16-39", 2, 4, 0.45),
    QuotaLine("age", "40+", 2, 4, 0.55),
]


def register_csv(households: int = 120, areas=("Buran", "Lilleby")) -> bytes:
    lines = ["husstand;adresse;område"]
    for i in range(households):
        lines.append(f"H{i:04d};Innherredsveien {i + 1};{areas[i % len(areas)]}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def panels_app(app):
    app.config["PANELS_SELECTION_INLINE"] = True
    app.config["PANELS_LOTTERY_SIZE"] = 100
    load_neighbourhoods()
    db.session.commit()
    return app


@pytest.fixture
def lademoen(panels_app) -> Neighbourhood:
    return db.session.scalar(select(Neighbourhood).where(Neighbourhood.slug == "lademoen"))


@pytest.fixture
def make_panel(lademoen):
    def make(size: int = 6, pool_target: int = 12, kind: str = "adult", **kw):
        spec = PanelSpec(
            title=kw.pop("title", "Borgerpanel om Buran"),
            neighbourhood=lademoen,
            panel_size=size,
            pool_target=pool_target,
            closes_on=kw.pop("closes_on", date.today() + timedelta(days=60)),
            quotas=kw.pop("quotas", QUOTAS),
            default_response_rate=0.5,
            kind=kind,
            **kw,
        )
        panel = services.create_panel(spec)
        db.session.commit()
        return panel

    return make


def answers(gender: str = "female", age: str = "16-39", **kw) -> SignUp:
    values = {
        "features": {"gender": gender, "age": age},
        "availability": ["weekday_evenings"],
        "access_needs": [],
        "name": kw.pop("name", "Kari Nordmann"),
        "phone": "+47 900 00 000",
        "consent": True,
    }
    values.update(kw)
    return SignUp(**values)


@pytest.fixture
def invited_panel(make_panel):
    """A panel whose register is imported and whose letters are drawn."""
    panel = make_panel()
    services.import_register(panel, register_csv())
    services.run_stage1(panel)
    db.session.commit()
    return panel


@pytest.fixture
def full_pool(invited_panel):
    """Twelve volunteers, one per letter, three of each gender × age profile."""
    panel = invited_panel
    profiles = itertools.cycle(
        [("female", "16-39"), ("female", "40+"), ("male", "16-39"), ("male", "40+")]
    )
    for n, invitation in enumerate(panel_invitations(panel)[:12]):
        gender, age = next(profiles)
        services.sign_up(panel, answers(gender, age, name=f"Person {n}"), invitation)
    db.session.commit()
    return panel


def panel_invitations(panel):
    from panels.models import Invitation

    return db.session.scalars(
        select(Invitation).where(Invitation.panel_id == panel.id).order_by(Invitation.id)
    ).all()
