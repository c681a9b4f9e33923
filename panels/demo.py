"""Panel demo data for ``flask demo``: one panel on Lademoen with gender and age quotas, a
household register of 400 addresses across the sub-areas, the letters drawn, and volunteers
who signed up (24 by letter, 3 through the open-call poster). Safe to run again."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Neighbourhood, User

from . import services
from .models import Invitation, Panel
from .services import PanelSpec, QuotaLine, SignUp

DEMO_TITLE = "Borgerpanel: Trygge møteplasser på Lademoen"
STREETS = ("Innherredsveien", "Mellomveien", "Biskop Darres gate", "Dalsenget", "Nonnegata")
PROFILES = [(g, a) for g in ("kvinne", "mann") for a in ("16-34", "35-59", "60+")]


@dataclass(frozen=True)
class PanelDemoReport:
    panels_added: int
    volunteers_added: int


def demo_register(areas: list[str], households: int = 400) -> bytes:
    rng = random.Random(2026)
    lines = ["husstand;adresse;område"]
    for i in range(households):
        lines.append(
            f"LAD{i:05d};{rng.choice(STREETS)} {rng.randint(1, 120)};{areas[i % len(areas)]}"
        )
    return ("\n".join(lines) + "\n").encode()


def load_panels_demo() -> PanelDemoReport:
    if db.session.scalar(select(Panel.id).where(Panel.title == DEMO_TITLE)):
        return PanelDemoReport(0, 0)
    lademoen = db.session.scalar(select(Neighbourhood).where(Neighbourhood.slug == "lademoen"))
    if lademoen is None:
        return PanelDemoReport(0, 0)
    facilitator = db.session.scalar(select(User).where(User.username == "demo-facilitator"))
    quotas = [
        QuotaLine("kjønn", "kvinne", 5, 7, 0.5),
        QuotaLine("kjønn", "mann", 5, 7, 0.5),
        QuotaLine("alder", "16-34", 3, 6, 0.38),
        QuotaLine("alder", "35-59", 3, 6, 0.4),
        QuotaLine("alder", "60+", 2, 4, 0.22),
    ]
    panel = services.create_panel(
        PanelSpec(
            title=DEMO_TITLE,
            topic="Hvordan kan vi gjøre møteplassene i bydelen tryggere og mer brukt, for alle aldre?",
            neighbourhood=lademoen,
            panel_size=12,
            pool_target=24,
            closes_on=date.today() + timedelta(days=120),
            signup_closes_on=date.today() + timedelta(days=21),
            quotas=quotas,
            default_response_rate=0.25,
            response_rates={"Nyhavna": 0.15},
        ),
        facilitator,
    )
    services.import_register(panel, demo_register([s.name for s in lademoen.sub_areas]))
    services.run_stage1(panel, facilitator)
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.panel_id == panel.id).order_by(Invitation.id)
    ).all()
    rng = random.Random(5)
    added = 0
    for n, invitation in enumerate(invitations[:24]):
        gender, age = PROFILES[n % len(PROFILES)]
        services.sign_up(panel, _answers(gender, age, f"Beboer {n + 1}", rng), invitation)
        added += 1
    for n in range(3):
        gender, age = PROFILES[(n * 2) % len(PROFILES)]
        services.sign_up(panel, _answers(gender, age, f"Plakat {n + 1}", rng))
        added += 1
    db.session.flush()
    return PanelDemoReport(1, added)


def _answers(gender: str, age: str, name: str, rng: random.Random) -> SignUp:
    return SignUp(
        features={"kjønn": gender, "alder": age},
        availability=rng.sample(["weekday_evenings", "saturdays", "sundays"], 2),
        access_needs=rng.choice([[], [], ["childcare"], ["interpreter"], ["step_free"]]),
        name=name,
        phone=f"+47 9{rng.randint(1000000, 9999999)}",
        consent=True,
    )
