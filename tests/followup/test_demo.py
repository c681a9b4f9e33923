"""``flask demo`` gives every programme neighbourhood a funded project and a few published
answers to follow, once."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Neighbourhood
from followup import report


def test_demo_answers_a_few_contributions_in_every_neighbourhood_once(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Follow-up: 3 published rounds, 9 answers added." in first.output
    second = runner.invoke(args=["demo"])
    assert "Follow-up: 0 published rounds, 0 answers added." in second.output
    for slug in ("lademoen", "mollenberg", "tempe-sorgenfri"):
        area = db.session.scalar(select(Neighbourhood).where(Neighbourhood.slug == slug))
        data = report.area_report(area)
        assert len(data.answers) >= 3, slug
        assert data.projects, slug
        assert data.by_status["not_taken_forward"] >= 1, slug
