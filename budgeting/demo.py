"""Demo data: a Nabolagspotten 2025 round for Lademoen (NOK 1 100 000, the 2025 amount in the
programme accounts) with applications in the voting phase, and the youth group "Veien til
førerkortet" with members, ideas and comments. Safe to run again."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Neighbourhood

from . import services, voting
from .models import Round
from .services import Application

POT_SLUG = "nabolagspotten-lademoen-2025"
GROUP_SLUG = "veien-til-forerkortet"

# Invented applications of the kinds the seeds name as eligible (borettslag, sameie, velforening).
APPLICATIONS = [
    (
        "borettslag",
        "Lademoen borettslag",
        "Felles grillplass i bakgården",
        180_000,
        "Naboer i fire oppganger som ellers sjelden møtes",
        True,
        "",
    ),
    (
        "velforening",
        "Lademoen velforening",
        "Gatefest i Nonnegata",
        120_000,
        "Alle naboer, barnefamilier og eldre",
        True,
        "",
    ),
    (
        "sameie",
        "Sameiet Rosenborggata 10",
        "Hagekasser og dyrkedager",
        90_000,
        "Beboere og nyinnflyttede som vil dyrke sammen",
        True,
        "",
    ),
    (
        "lag_forening",
        "Lademoen idrettslag",
        "Gratis aktivitetsdager for barn",
        350_000,
        "Barn fra hele Lademoen og foreldrene deres",
        True,
        "",
    ),
    (
        "other",
        "Kunstkollektivet Nyhavna",
        "Nabolagsmural ved Lademoen kirke",
        420_000,
        "Ungdom og kunstnere i nabolaget",
        True,
        "",
    ),
    (
        "other",
        "Privatperson",
        "Ny hagemøbler til egen terrasse",
        40_000,
        "Min familie",
        False,
        "Tiltaket er privat og fremmer ikke kontakt mellom naboer.",
    ),
]

IDEAS = [
    ("Kjøretimer", "Timer hos trafikkskolen for dem som har teorien", 120_000),
    ("Teoriprøve og kurs", "Teorikurs og gebyr for teoriprøven", 40_000),
    ("Trafikalt grunnkurs", "Obligatorisk kurs før kjøretimer", 50_000),
    ("Mentor fra politiet", "Faste møter med en voksen vi stoler på", 30_000),
]


@dataclass
class DemoReport:
    rounds_added: int = 0
    codes: list[str] | None = None
    join_code: str = ""


def load_budgeting_demo() -> DemoReport:
    """Add the demo rounds if they are missing (not committed)."""
    report = DemoReport()
    lademoen = db.session.scalar(select(Neighbourhood).where(Neighbourhood.slug == "lademoen"))
    if db.session.scalar(select(Round).where(Round.slug == POT_SLUG)) is None:
        report.codes = _pot_round(lademoen)
        report.rounds_added += 1
    group = db.session.scalar(select(Round).where(Round.slug == GROUP_SLUG))
    if group is None:
        group = _youth_group(lademoen)
        report.rounds_added += 1
    report.join_code = group.join_code or ""
    db.session.flush()
    return report


def _pot_round(area: Neighbourhood | None) -> list[str]:
    round_ = services.create_round(
        slug=POT_SLUG,
        title="Nabolagspotten Lademoen 2025",
        neighbourhood_id=area.id if area else None,
        year=2025,
        budget=1_100_000,
        ballot_type="knapsack",
        rule_variant="mes_cost_add1+greedy",
        paper_needs_confirmation=True,
        purpose=(
            "Attraktive og inkluderende tiltak i bomiljøet som fremmer kontakt mellom mennesker."
        ),
    )
    services.advance_phase(round_)
    for kind, name, title, cost, together, accept, reason in APPLICATIONS:
        application = Application(
            title=title,
            description=f"{title}: et tiltak for naboene på Lademoen.",
            cost=cost,
            applicant_type=kind,
            applicant_name=name,
            brings_together=together,
            contact_name="Demo",
            contact_email="demo@example.org",
        )
        services.decide(services.submit_proposal(round_, application), accept, reason)
    services.advance_phase(round_)
    services.advance_phase(round_)
    return [c.code for c in voting.generate_codes(round_, 20)]


def _youth_group(area: Neighbourhood | None) -> Round:
    group = services.create_round(
        slug=GROUP_SLUG,
        title="Veien til førerkortet",
        kind="youth",
        neighbourhood_id=area.id if area else None,
        year=2025,
        budget=200_000,
        administrator="Uteseksjonen",
        purpose="Hva trenger dere hjelp til for å delta i utdanning, arbeid og samfunnsliv?",
    )
    services.advance_phase(group)
    members = [
        services.join_group(group, name, "13-19" if i < 2 else "20-44")
        for i, name in enumerate(("Ali", "Sara", "Yusuf"))
    ]
    ideas = []
    for (title, text, cost), member in zip(IDEAS, members * 2, strict=False):
        ideas.append(services.submit_proposal(group, Application(title, text, cost), member))
    services.add_comment(ideas[0], members[1], "Uten lappen får vi ikke jobb som bud.")
    return group
