"""Follow-up demo data for ``flask demo``: a counted and published 2024 pot round per programme
neighbourhood (so there are funded projects to follow), a few answered contributions per
neighbourhood (answered, turned into a project, not taken forward), an evaluation with
participants' feedback, and the municipality's response to a panel recommendation. Safe to run
again."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Neighbourhood, User
from budgeting import services as budgeting
from budgeting import voting
from budgeting.models import Proposal, Round
from budgeting.results import count_round
from budgeting.services import Application
from taxonomy.models import InputItem

from . import services
from .services import Answer

#: Invented 2024 projects per neighbourhood (title, cost, applicant type, applicant).
PROJECTS = {
    "lademoen": [
        ("Benker og lys i Buran-parken", 150_000, "velforening", "Buran vel"),
        ("Leksehjelp med middag", 90_000, "lag_forening", "Lademoen frivilligsentral"),
        ("Ny asfalt på egen parkeringsplass", 200_000, "sameie", "Sameiet Dalsenget 4"),
    ],
    "mollenberg": [
        ("Gatetun i Rosenborggata", 120_000, "velforening", "Møllenberg vel"),
        ("Bytteloppis i bakgården", 30_000, "borettslag", "Møllenberg borettslag"),
    ],
    "tempe-sorgenfri": [
        ("Nabolagshage ved Tempe kirke", 110_000, "lag_forening", "Tempe hagelag"),
        ("Sommerkino for barn", 60_000, "other", "Sorgenfri foreldregruppe"),
    ],
}
BUDGET = 300_000
ANSWERS = [
    (
        "answered",
        "Takk! Vi har tatt innspillet med til bydelens driftsenhet, som ser på saken i vår.",
        "Thank you! We have passed your input to the district's operations unit, which will "
        "look at it this spring.",
        "",
    ),
    (
        "project",
        "Innspillet ditt ble en del av et prosjekt som fikk penger fra Nabolagspotten.",
        "Your input became part of a project funded by the neighbourhood pot.",
        "",
    ),
    (
        "not_taken_forward",
        "Takk for innspillet.",
        "Thank you for your input.",
        "Dette bestemmes av fylkeskommunen, ikke av områdeløftet. Vi har sendt innspillet videre.",
    ),
]


@dataclass
class FollowupDemoReport:
    rounds_added: int = 0
    answers_added: int = 0


def load_followup_demo() -> FollowupDemoReport:
    """Add what is missing (not committed)."""
    report = FollowupDemoReport()
    staff = db.session.scalar(select(User).where(User.username == "demo-facilitator"))
    for slug, projects in PROJECTS.items():
        area = db.session.scalar(select(Neighbourhood).where(Neighbourhood.slug == slug))
        if area is None:
            continue
        round_slug = f"nabolagspotten-{slug}-2024"
        round_ = db.session.scalar(select(Round).where(Round.slug == round_slug))
        if round_ is None:
            round_ = publish_round(area, round_slug, f"Nabolagspotten {area.name} 2024", projects)
            report.rounds_added += 1
        report.answers_added += _answer_items(area, round_, staff)
    _evaluate(staff)
    _respond_to_panel(staff)
    db.session.flush()
    return report


def publish_round(
    area: Neighbourhood, slug: str, title: str, projects: list[tuple[str, int, str, str]]
) -> Round:
    """A pot round taken through applications, votes and counting to a published result.
    Every project but the last gets votes, so the last one is not funded."""
    round_ = budgeting.create_round(
        slug=slug, title=title, neighbourhood_id=area.id, year=2024, budget=BUDGET
    )
    budgeting.advance_phase(round_)
    proposals = []
    for name, cost, kind, applicant in projects:
        application = Application(
            title=name,
            description=f"{name} for naboene i {area.name}.",
            cost=cost,
            applicant_type=kind,
            applicant_name=applicant,
            contact_name="Demo",
            contact_email="demo@example.org",
        )
        proposal = budgeting.submit_proposal(round_, application)
        budgeting.decide(proposal, True, "")
        proposals.append(proposal)
    budgeting.advance_phase(round_)  # review
    budgeting.advance_phase(round_)  # voting
    favourites = [p.id for p in proposals[:-1]]
    for code in voting.generate_codes(round_, 7):
        voting.submit_ballot(round_, code, voting.Choice(favourites))
    budgeting.advance_phase(round_)  # closed
    count_round(round_)
    budgeting.advance_phase(round_)  # published
    return round_


def _answer_items(area: Neighbourhood, round_: Round, staff: User | None) -> int:
    items = db.session.scalars(
        select(InputItem)
        .where(
            InputItem.neighbourhood_id.in_(services.area_ids(area)),
            InputItem.source_type.is_(None),
        )
        .order_by(InputItem.id)
        .limit(len(ANSWERS))
    ).all()
    funded = services.funded_projects(area)
    added = 0
    for item, (status, answer_nb, answer_en, reason) in zip(items, ANSWERS, strict=False):
        if services.followup_for(*services.contribution_key(item)) is not None:
            continue
        project = funded[0] if status == "project" and funded else None
        if status == "project" and project is None:
            continue
        services.record_answer(
            item, Answer(status, answer_nb, answer_en, reason, project=project), staff
        )
        added += 1
    return added


def _evaluate(staff: User | None) -> None:
    projects = services.funded_projects()
    if not projects or services.evaluation_of(projects[-1]) is not None:
        return
    project: Proposal = projects[-1]
    services.save_evaluation(
        project,
        staff,
        phase="evaluation",
        planned="Fire benker og to lyktestolper før sommeren.",
        delivered="Fire benker og ett lys; det andre lyset venter på kommunens el-kontroll.",
        participants="Familier fra Buran, 14 barn 6–12 år, pensjonistforeningen",
        participant_count=38,
        learned="Barna ville ha benkene nærmere ballbingen. Spør barna tidlig.",
    )
    for smiley, text, age_band in (
        (5, "Vi sitter der hver dag etter skolen!", "0-12"),
        (4, "", "0-12"),
        (4, "Fint, men lyset kom sent.", "45-66"),
        (5, "", "67+"),
        (3, "Mer lys, takk.", "13-19"),
    ):
        services.record_feedback(project, smiley, text, age_band)


def _respond_to_panel(staff: User | None) -> None:
    from panels import deliberation
    from panels.models import Panel

    panel = db.session.scalar(select(Panel).order_by(Panel.id).limit(1))
    if panel is None or panel.recommendations:
        return
    first = deliberation.save_recommendation(
        panel,
        "Lys og benker langs Nonnegata",
        "Panelet anbefaler bedre belysning og sitteplasser langs Nonnegata, prioritert før vinteren.",
    )
    deliberation.save_recommendation(
        panel,
        "Åpen skolegård på kveldstid",
        "Skolegården bør være åpen og tilsynt på kveldstid som trygt møtested for ungdom.",
    )
    item = services.item_for(services.RECOMMENDATION, first.id)
    if item is not None:
        services.record_answer(
            item,
            Answer(
                "answered",
                "Kommunen følger opp: seks nye lyspunkter settes opp i Nonnegata høsten 2026.",
                "The municipality follows up: six new street lights go up in Nonnegata in autumn "
                "2026.",
            ),
            staff,
        )
