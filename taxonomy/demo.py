"""Taxonomy demo data for ``flask demo``: frameworks, codebook, one topic with a poster per
programme neighbourhood, and the demo input items (two thirds of them coded by demo-coder)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Neighbourhood, User

from .frameworks import LoadReport, load_defaults, load_demo_inputs
from .models import Topic

DEMO_TOPICS = {
    "lademoen": ("lademoen-nabolaget", "Hva ønsker du deg i nabolaget?"),
    "mollenberg": ("mollenberg-nabolaget", "Hva ønsker du deg i nabolaget?"),
    "tempe-sorgenfri": ("tempe-sorgenfri-nabolaget", "Hva ønsker du deg i nabolaget?"),
}


def load_taxonomy_demo() -> LoadReport:
    report = load_defaults()
    for area_slug, (slug, title) in DEMO_TOPICS.items():
        area = db.session.scalar(select(Neighbourhood).where(Neighbourhood.slug == area_slug))
        if area is not None and not db.session.scalar(select(Topic.id).where(Topic.slug == slug)):
            db.session.add(
                Topic(
                    slug=slug,
                    neighbourhood=area,
                    title=title,
                    question="Fortell oss hva som er bra, og hva som kan bli bedre.",
                )
            )
    coder = db.session.scalar(select(User).where(User.username == "demo-coder"))
    load_demo_inputs(coder, report)
    db.session.flush()
    return report
