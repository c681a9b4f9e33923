"""Fixtures for the follow-up tests: programme neighbourhoods and codebook, a facilitator, a
published pot round with funded projects, and helpers to make contributions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.demo import load_neighbourhoods
from app.extensions import db
from app.models import Neighbourhood
from followup.demo import publish_round
from taxonomy import services as taxonomy
from taxonomy.frameworks import load_defaults
from tests.conftest import make_user


@pytest.fixture
def lademoen(app) -> Neighbourhood:
    load_neighbourhoods()
    load_defaults()
    db.session.commit()
    return db.session.scalar(select(Neighbourhood).where(Neighbourhood.slug == "lademoen"))


@pytest.fixture
def facilitator(app):
    return make_user("facilitator", "fasilitator")


@pytest.fixture
def funded_round(lademoen):
    """Nabolagspotten Lademoen 2024: "Benker" and "Leksehjelp" funded, "Asfalt" not."""
    round_ = publish_round(
        lademoen,
        "nabolagspotten-lademoen-2024",
        "Nabolagspotten Lademoen 2024",
        [
            ("Benker", 150_000, "velforening", "Buran vel"),
            ("Leksehjelp", 90_000, "lag_forening", "Frivilligsentralen"),
            ("Asfalt", 200_000, "sameie", "Sameiet"),
        ],
    )
    db.session.commit()
    return round_


def proposal_titled(round_, title: str):
    return next(p for p in round_.proposals if p.title == title)


@pytest.fixture
def card(lademoen):
    def make(text: str = "Flere benker i Buran-parken", slug: str = "buran"):
        area = db.session.scalar(select(Neighbourhood).where(Neighbourhood.slug == slug))
        item = taxonomy.intake(
            None, None, text, channel="wish_tree", neighbourhood=area, received_on=date(2025, 5, 1)
        )
        db.session.commit()
        return item

    return make
