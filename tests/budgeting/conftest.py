"""Fixtures for the budgeting web feature: programme neighbourhoods, a neighbourhood-pot round
with accepted applications, a youth group, and helpers to vote."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.demo import load_neighbourhoods
from app.extensions import db
from app.models import Neighbourhood
from budgeting import services, voting
from budgeting.models import Ballot
from budgeting.services import Application


@pytest.fixture
def lademoen(app) -> Neighbourhood:
    load_neighbourhoods()
    db.session.commit()
    return db.session.scalar(select(Neighbourhood).where(Neighbourhood.slug == "lademoen"))


@pytest.fixture
def make_round(lademoen):
    def make(**values):
        settings = {
            "title": "Nabolagspotten Lademoen 2025",
            "budget": 1_100_000,
            "neighbourhood_id": lademoen.id,
            "year": 2025,
        }
        settings.update(values)
        round_ = services.create_round(**settings)
        db.session.commit()
        return round_

    return make


def application(title: str, cost: int, **values) -> Application:
    fields = {
        "applicant_type": "borettslag",
        "applicant_name": "Lademoen borettslag",
        "description": f"{title} for alle naboer",
        "brings_together": "Naboer i alle aldre",
        "contact_name": "Kari",
        "contact_email": "kari@example.org",
    }
    fields.update(values)
    return Application(title=title, cost=cost, **fields)


@pytest.fixture
def open_round(make_round):
    """A pot round with accepted projects A (500 000), B (400 000), C (300 000), D (200 000),
    in the voting phase."""

    def make(**values):
        round_ = make_round(**values)
        services.advance_phase(round_)  # proposals
        for title, cost in (("A", 500_000), ("B", 400_000), ("C", 300_000), ("D", 200_000)):
            proposal = services.submit_proposal(round_, application(title, cost))
            services.decide(proposal, True, "")
        services.advance_phase(round_)  # review
        services.advance_phase(round_)  # voting
        db.session.commit()
        return round_

    return make


def project(round_, title: str) -> int:
    return next(p.id for p in round_.proposals if p.title == title)


def vote(round_, *titles: str, method: str = "online", points=None, entered_by=None):
    (code,) = voting.generate_codes(round_, 1)
    choice = voting.Choice([project(round_, t) for t in titles], points)
    cast = voting.submit_ballot(round_, code, choice, method=method, entered_by=entered_by)
    db.session.commit()
    return code, db.session.get(Ballot, cast.id)
