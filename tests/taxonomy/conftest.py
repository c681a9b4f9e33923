"""Fixtures for the taxonomy tests: programme neighbourhoods plus the shipped frameworks and
codebook, and helpers to make items and codings."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.demo import load_neighbourhoods
from app.extensions import db
from app.models import Neighbourhood
from taxonomy import services
from taxonomy.frameworks import load_defaults
from taxonomy.models import Code, Topic


@pytest.fixture
def taxonomy(app):
    load_neighbourhoods()
    load_defaults()
    db.session.commit()


@pytest.fixture
def area():
    def get(slug: str = "lademoen") -> Neighbourhood:
        return db.session.scalar(select(Neighbourhood).where(Neighbourhood.slug == slug))

    return get


@pytest.fixture
def code():
    def get(key: str) -> Code:
        return db.session.scalar(select(Code).where(Code.key == key))

    return get


@pytest.fixture
def topic(taxonomy, area):
    t = Topic(slug="lademoen-test", neighbourhood=area("lademoen"), title="Hva ønsker du deg?")
    db.session.add(t)
    db.session.commit()
    return t


@pytest.fixture
def make_item(taxonomy, area):
    def make(
        text: str, slug: str = "lademoen", channel: str = "wish_tree", on=date(2025, 3, 1), **kw
    ):
        item = services.intake(
            None, None, text, channel=channel, neighbourhood=area(slug), received_on=on, **kw
        )
        db.session.commit()
        return item

    return make
