"""The crawl list: one address (or a few, one per state worth seeing) for every page a GET can
reach, built from the demo data plus the states the demo does not reach on its own (a ballot of
every type, a published result, a drawn panel with a session and a recommendation to vote on).

``tests/browser/test_crawl.py`` checks every page in it with axe-core, and
``tests/browser/test_crawl_coverage.py`` fails when a GET route in the url_map is missing here, so
a new page cannot escape the accessibility check."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select

from app import limits
from app.accounts import client_fingerprint
from app.demo import load_demo_users, load_neighbourhoods
from app.extensions import db
from app.models import CodeAttempt, Neighbourhood, User
from budgeting import results, services, voting
from budgeting.demo import GROUP_SLUG, POT_SLUG, load_budgeting_demo
from budgeting.models import Proposal, Round
from followup.demo import load_followup_demo
from panels import deliberation, selection
from panels import services as panel_services
from panels.demo import load_panels_demo
from panels.models import Invitation, Panel
from panels.services import PanelSpec, QuotaLine, SignUp
from taxonomy.demo import load_taxonomy_demo
from taxonomy.models import Code, InputItem, Topic
from tests.conftest import make_user

#: GET routes that answer with a file, not a page: nothing for axe to read.
DOWNLOADS = {
    "budget.bundle": "results bundle (.zip)",
    "budgeting.export": "results bundle (.zip)",
    "panels.members_csv": "contact list (.csv)",
    "panels.person_export": "a person's data (.json)",
    "panels.input_file": "an uploaded expert document",
    "panel.member_input": "an uploaded expert document",
    "panels.recommendation_image": "a recommendation's image",
    "taxonomy.export": "summary export (.csv/.json/.svg)",
    "main.health": "health check (plain text for monitors)",
    "static": "CSS, JavaScript and images",
}


@dataclass(frozen=True)
class Step:
    """Open ``path``, fill the fields (selector → text), press the submit button: what a resident
    does before reaching a page that needs a code or a sent form in the session."""

    path: str
    fields: dict[str, str] = field(default_factory=dict)
    submit: str = "main [type=submit]"


@dataclass(frozen=True)
class CrawlPage:
    """``path`` empty: the page is the answer to the last step's form."""

    endpoint: str
    path: str
    audience: str  # "resident", "staff" (admin) or "reader" (for the 403 page)
    status: int = 200
    before: tuple[Step, ...] = ()
    name: str = ""
    language: str = ""  # set when the page is always in one language, whatever the reader's
    locked_out: bool = False  # the client has typed too many wrong codes when it opens the page

    @property
    def label(self) -> str:
        return self.name or self.endpoint


PANEL_QUOTAS = [
    QuotaLine("kjønn", "kvinne", 2, 4, 0.5),
    QuotaLine("kjønn", "mann", 2, 4, 0.5),
    QuotaLine("alder", "16-39", 2, 4, 0.45),
    QuotaLine("alder", "40+", 2, 4, 0.55),
]


def seed_crawl(app) -> list[CrawlPage]:
    """Load the demo, add the missing states and return the crawl list (commits)."""
    app.config["PANELS_SELECTION_INLINE"] = True
    app.config["PANELS_LOTTERY_SIZE"] = 60
    load_neighbourhoods()
    load_demo_users()
    admin = make_user("admin")
    make_user("reader")
    load_taxonomy_demo()
    load_panels_demo()
    load_budgeting_demo()
    load_followup_demo()
    db.session.commit()
    pages = _shell_pages() + _taxonomy_pages() + _panel_pages(admin) + _budgeting_pages()
    pages += _followup_pages()
    db.session.commit()
    return pages


@contextmanager
def locked_out(app) -> Iterator[None]:
    """This client (every test request comes from 127.0.0.1) has reached the wrong-code limit."""
    client = client_fingerprint("127.0.0.1", limits.WRONG_CODE)
    with app.app_context():
        for _ in range(int(app.config["CODE_MAX_WRONG_PER_HOUR"])):
            db.session.add(CodeAttempt(client=client))
        db.session.commit()
    try:
        yield
    finally:
        with app.app_context():
            db.session.execute(delete(CodeAttempt).where(CodeAttempt.client == client))
            db.session.commit()


def _shell_pages() -> list[CrawlPage]:
    return [
        CrawlPage("main.index", "/", "resident"),
        CrawlPage("auth.login", "/auth/login", "resident"),
        CrawlPage("main.staff", "/staff", "staff"),
        CrawlPage("admin.users", "/admin/users", "staff"),
        CrawlPage("admin.audit_log", "/admin/audit", "staff"),
        CrawlPage("errors.404", "/finnes-ikke", "resident", 404, name="error 404"),
        CrawlPage("errors.403", "/admin/users", "reader", 403, name="error 403"),
    ]


def _taxonomy_pages() -> list[CrawlPage]:
    topic = db.session.scalar(select(Topic).order_by(Topic.id))
    code = db.session.scalar(select(Code).order_by(Code.id))
    item = db.session.scalar(select(InputItem).order_by(InputItem.id))
    form = f"/input/{topic.slug}"
    staff = [
        ("taxonomy.home", "/taxonomy/"),
        ("taxonomy.topics", "/taxonomy/topics"),
        ("taxonomy.poster", f"/taxonomy/topics/{topic.id}/poster"),
        ("taxonomy.bulk", "/taxonomy/bulk"),
        ("taxonomy.import_csv", "/taxonomy/import"),
        ("taxonomy.items", "/taxonomy/items"),
        ("taxonomy.queue", "/taxonomy/queue"),
        ("taxonomy.code_item", f"/taxonomy/items/{item.id}"),
        ("taxonomy.codebook", "/taxonomy/codes"),
        ("taxonomy.code_detail", f"/taxonomy/codes/{code.id}"),
        ("taxonomy.code_edit", f"/taxonomy/codes/{code.id}/edit"),
        ("taxonomy.code_new", "/taxonomy/codes/new"),
        ("taxonomy.indicators", "/taxonomy/indicators"),
        ("taxonomy.agreement", "/taxonomy/agreement"),
        ("taxonomy.summary", "/taxonomy/summary"),
        ("taxonomy.report", "/taxonomy/report"),
    ]
    return [
        CrawlPage("input.index", "/input/", "resident"),
        CrawlPage("input.form", form, "resident"),
        CrawlPage(
            "input.thanks",
            f"{form}/thanks",
            "resident",
            before=(Step(form, {"#text": "Flere benker langs elva", "#consent": "check"}),),
        ),
        *(CrawlPage(endpoint, path, "staff") for endpoint, path in staff),
    ]


def _followup_pages() -> list[CrawlPage]:
    """Receipts and answers, what came of it per neighbourhood, funded projects and their
    evaluation, and the staff pages that answer residents."""
    from followup import services as followup
    from taxonomy.services import intake

    lademoen = db.session.scalar(select(Neighbourhood).where(Neighbourhood.slug == "lademoen"))
    card = intake(
        None, None, "Benker ved elva", channel="wish_tree", neighbourhood=lademoen,
        batch="crawl-cards",
    )  # fmt: skip
    db.session.flush()
    answered = db.session.scalar(
        select(InputItem).where(InputItem.neighbourhood_id == lademoen.id).order_by(InputItem.id)
    )
    project = followup.funded_projects()[0]
    pot = db.session.scalar(select(Round).where(Round.slug == POT_SLUG))
    staff = [
        ("followup.index", "/oppfolging/"),
        ("followup.answer", f"/oppfolging/bidrag/{answered.id}"),
        ("followup.receipts", f"/oppfolging/kvitteringer/{card.batch}"),
        ("followup.paper_application", "/oppfolging/papirsoknad"),
        ("followup.scope", f"/oppfolging/omfang/round/{pot.id}"),
        ("followup.evaluation", f"/oppfolging/prosjekt/{project.id}"),
    ]
    return [
        CrawlPage("loop.receipt_form", "/svar/", "resident"),
        CrawlPage("loop.receipt", f"/svar/{card.receipt}", "resident"),
        CrawlPage("loop.areas", "/hva-skjedde/", "resident"),
        CrawlPage("loop.area", "/hva-skjedde/lademoen", "resident"),
        CrawlPage("loop.project", f"/hva-skjedde/prosjekt/{project.id}", "resident"),
        *(CrawlPage(endpoint, path, "staff") for endpoint, path in staff),
    ]


def _drawn_panel(admin: User) -> tuple[Panel, str, str]:
    """A second panel, drawn, with a session, a link and a recommendation open for votes;
    returns it with a selected member's token and the session's check-in token."""
    lademoen = db.session.scalar(select(Panel).order_by(Panel.id)).neighbourhood

    panel = panel_services.create_panel(
        PanelSpec(
            title="Borgerpanel om Buran",
            neighbourhood=lademoen,
            panel_size=4,
            pool_target=8,
            closes_on=date.today() + timedelta(days=60),
            quotas=PANEL_QUOTAS,
            default_response_rate=0.5,
        ),
        admin,
    )
    lines = ["husstand;adresse;område"] + [f"B{i:04d};Mellomveien {i};Buran" for i in range(60)]
    panel_services.import_register(panel, ("\n".join(lines) + "\n").encode())
    panel_services.run_stage1(panel, admin)
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.panel_id == panel.id).order_by(Invitation.id)
    ).all()
    profiles = itertools.cycle(itertools.product(("kvinne", "mann"), ("16-39", "40+")))
    for n, invitation in enumerate(invitations[:8]):
        gender, age = next(profiles)
        panel_services.sign_up(
            panel,
            SignUp(
                features={"kjønn": gender, "alder": age},
                availability=["weekday_evenings"],
                access_needs=[],
                name=f"Medlem {n}",
                phone="+47 900 00 000",
                consent=True,
            ),
            invitation,
        )
    db.session.commit()
    run = selection.start_selection(panel, admin)
    selection.publish_commitment(run, admin)
    selection.draw_panel(run, "crawl", admin)
    session_ = deliberation.add_session(panel, "learning", "Kveld 1", datetime(2026, 1, 6, 18))
    deliberation.add_link(session_, "Kommuneplanen", "https://trondheim.kommune.no/")
    recommendation = deliberation.save_recommendation(
        panel, "Lys i parken", "Bedre lys langs gangveien i parken."
    )
    deliberation.set_voting(recommendation, True, admin)
    db.session.commit()
    member = next(v for v in panel.volunteers if v.status == "selected")
    return panel, member.access_token, session_.checkin_token


def _panel_pages(admin: User) -> list[CrawlPage]:
    inviting = db.session.scalar(select(Panel).order_by(Panel.id))
    letter = db.session.scalar(
        select(Invitation)
        .where(Invitation.panel_id == inviting.id, Invitation.volunteer == None)  # noqa: E711
        .order_by(Invitation.id)
    )
    drawn, member_token, checkin_token = _drawn_panel(admin)
    someone = drawn.volunteers[0]
    resident = [
        ("panel.code", "/p/code"),
        ("panel.join", f"/p/{inviting.id}/join/{letter.token}"),
        ("panel.open_call", f"/p/{inviting.id}/open/{inviting.open_call_token}"),
        ("panel.status", f"/p/{drawn.id}/me/{member_token}"),
        ("panel.vote", f"/p/{drawn.id}/me/{member_token}/vote"),
        ("panel.checkin", f"/p/{drawn.id}/check-in/{checkin_token}"),
        ("panel.lottery", f"/p/{drawn.id}/lottery"),
    ]
    staff = [
        ("panels.index", "/panels/"),
        ("panels.new", "/panels/new"),
        ("panels.detail", f"/panels/{inviting.id}"),
        ("panels.register", f"/panels/{inviting.id}/register"),
        ("panels.paper_signup", f"/panels/{inviting.id}/papir"),
        ("panels.poster", f"/panels/{inviting.id}/poster"),
        ("panels.report", f"/panels/{drawn.id}/report"),
        ("panels.deliberation_page", f"/panels/{drawn.id}/deliberation"),
        ("panels.session", f"/panels/{drawn.id}/sessions/{drawn.sessions[0].id}"),
        ("panels.selection_page", f"/panels/{drawn.id}/selection"),
        ("panels.members", f"/panels/{drawn.id}/members"),
        ("panels.person_delete", f"/panels/{drawn.id}/members/{someone.id}/delete"),
    ]
    # The 429 page: this client has already typed too many wrong codes (the crawl locks the
    # client out just for this page: the lock-out covers every kind of code and receipt).
    blocked = CrawlPage(
        "errors.429",
        "",
        "resident",
        429,
        before=(Step("/p/code", {"#code": "ABCD-EFGH"}),),
        name="error 429 (too many wrong codes)",
        locked_out=True,
    )
    return [
        *(CrawlPage(endpoint, path, "resident") for endpoint, path in resident),
        *(CrawlPage(endpoint, path, "staff") for endpoint, path in staff),
        # Letters go out in Bokmål whatever language the facilitator reads the site in.
        CrawlPage("panels.letters", f"/panels/{inviting.id}/letters", "staff", language="nb"),
        blocked,
    ]


def _round_with(ballot_type: str, rule: str, **values) -> Round:
    values.setdefault("slug", f"stemme-{ballot_type}")
    round_ = services.create_round(
        title=f"Avstemning ({ballot_type})",
        budget=500_000,
        ballot_type=ballot_type,
        rule_variant=rule,
        **values,
    )
    services.advance_phase(round_)
    for title, cost in (("Benker", 100_000), ("Lys", 200_000), ("Lekeplass", 300_000)):
        application = services.Application(
            title=title,
            description=f"{title} i parken",
            cost=cost,
            applicant_type="velforening",
            applicant_name="Velforeningen",
            brings_together="Alle naboer",
            contact_name="Kari",
            contact_email="kari@example.org",
        )
        services.decide(services.submit_proposal(round_, application), True, "")
    services.advance_phase(round_)
    services.advance_phase(round_)
    return round_


def _budgeting_pages() -> list[CrawlPage]:
    pot = db.session.scalar(select(Round).where(Round.slug == POT_SLUG))
    group = db.session.scalar(select(Round).where(Round.slug == GROUP_SLUG))
    proposal = db.session.scalar(
        select(Proposal).where(Proposal.round_id == pot.id).order_by(Proposal.id)
    )
    applying = services.create_round(
        slug="soknader", title="Nabolagspotten Møllenberg", budget=300_000
    )
    services.advance_phase(applying)  # proposals: the application form is open
    pages: list[CrawlPage] = [
        CrawlPage("budget.index", "/budsjett/", "resident"),
        CrawlPage("budget.round_page", f"/budsjett/{pot.slug}", "resident"),
        CrawlPage("budget.apply", f"/budsjett/{applying.slug}/soknad", "resident"),
        CrawlPage("budget.application", f"/budsjett/soknad/{proposal.token}", "resident"),
        CrawlPage("budget.join", "/budsjett/bli-med", "resident"),
    ]
    rounds = {
        "knapsack": pot,
        "approval": _round_with("approval", "mes_cost_add1+greedy"),
        "points": _round_with("points", "mes_points+greedy", max_points=10),
        "ranking": _round_with("ranking", "mes_borda+greedy", max_projects=3),
    }
    for ballot_type, round_ in rounds.items():
        code = voting.generate_codes(round_, 1)[0].code
        enter = Step(f"/budsjett/{round_.slug}/stem?kode={code}")
        pages.append(CrawlPage("budget.vote", f"/budsjett/{round_.slug}/stem", "resident"))
        pages.append(
            CrawlPage(
                "budget.ballot",
                f"/budsjett/{round_.slug}/stemmeseddel",
                "resident",
                before=(enter,),
                name=f"ballot ({ballot_type})",
            )
        )
    # A counted, published round: receipt, results and "why" for a code that voted.
    published = _round_with("approval", "mes_cost_add1+greedy", slug="publisert")
    codes = voting.generate_codes(published, 3)
    ids = [p.id for p in published.accepted]
    for code, picks in zip(codes, ([ids[0], ids[1]], [ids[1]], [ids[2]]), strict=True):
        voting.submit_ballot(published, code, voting.Choice(picks))
    services.advance_phase(published)  # closed
    results.count_round(published)
    services.advance_phase(published)  # published
    enter = Step(f"/budsjett/{published.slug}/hvorfor", {"#code": codes[0].code})
    voted_pot = voting.generate_codes(pot, 1)[0]
    voting.submit_ballot(pot, voted_pot, voting.Choice([proposal.id]))
    pages += [
        CrawlPage(
            "budget.ballot_done",
            f"/budsjett/{pot.slug}/takk",
            "resident",
            before=(Step(f"/budsjett/{pot.slug}/stem?kode={voted_pot.code}"),),
        ),
        CrawlPage("budget.results_page", f"/budsjett/{published.slug}/resultat", "resident"),
        CrawlPage("budget.why", f"/budsjett/{published.slug}/hvorfor", "resident", 200, (enter,)),
        CrawlPage("errors.409", f"/budsjett/{published.slug}/stem", "resident", 409),
        CrawlPage(
            "budget.group",
            f"/budsjett/{group.slug}/gruppe",
            "resident",
            before=(Step(f"/budsjett/bli-med?kode={group.join_code}", {"#nickname": "Lina"}),),
        ),
        CrawlPage("budgeting.rounds", "/budgeting/", "staff"),
        CrawlPage("budgeting.round_new", "/budgeting/ny", "staff"),
        CrawlPage("budgeting.round_detail", f"/budgeting/{pot.id}", "staff"),
        CrawlPage("budgeting.round_edit", f"/budgeting/{pot.id}/innstillinger", "staff"),
        CrawlPage("budgeting.review", f"/budgeting/forslag/{proposal.id}", "staff"),
        CrawlPage("budgeting.code_sheet", f"/budgeting/{pot.id}/kodeark?batch=1", "staff"),
        CrawlPage("budgeting.paper", f"/budgeting/{pot.id}/papir", "staff"),
        CrawlPage("budgeting.count", f"/budgeting/{published.id}/opptelling", "staff"),
        CrawlPage("budgeting.round_result", f"/budgeting/{published.id}/resultat", "staff"),
        CrawlPage("budgeting.agreement", f"/budgeting/{group.id}/enighet", "staff"),
        CrawlPage("budgeting.paper_idea", f"/budgeting/{group.id}/papir-ide", "staff"),
        CrawlPage("budgeting.import_pb", "/budgeting/importer", "staff"),
    ]
    return pages
