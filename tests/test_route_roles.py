"""Route × role matrix: every route in ``app.url_map`` must have an expectation here, and each
actor (anonymous and every staff role) gets exactly the access the table says."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from flask import url_for
from sqlalchemy import func, select

from app.extensions import db
from app.models import ROLES, User
from tests.conftest import AuthActions
from tests.residents import PanelKeys, Residents, RoundKeys, build_residents

PUBLIC = "public"  # anyone, logged in or not
STAFF = "staff"  # any logged-in staff member

#: endpoint -> PUBLIC, STAFF or the roles allowed (admins are always allowed).
EXPECTATIONS: dict[str, str | tuple[str, ...]] = {
    "static": PUBLIC,
    "main.index": PUBLIC,
    "main.health": PUBLIC,
    "main.staff": STAFF,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "admin.users": ("admin",),
    "admin.toggle_active": ("admin",),
    "admin.audit_log": ("admin",),
    # Taxonomy: residents' input from every channel, coding, codebook, summaries.
    "input.index": PUBLIC,
    "input.form": PUBLIC,
    "input.thanks": PUBLIC,
    "taxonomy.home": STAFF,
    "taxonomy.topics": ("facilitator",),
    "taxonomy.poster": ("facilitator",),
    "taxonomy.bulk": ("facilitator",),
    "taxonomy.import_csv": ("facilitator",),
    "taxonomy.items": ("facilitator", "coder"),
    "taxonomy.queue": ("coder",),
    "taxonomy.code_item": ("coder",),
    "taxonomy.remove_coding": ("coder",),
    "taxonomy.mark_double": ("coder",),
    "taxonomy.codebook": STAFF,
    "taxonomy.code_detail": STAFF,
    "taxonomy.code_new": ("admin",),
    "taxonomy.code_edit": ("admin",),
    "taxonomy.indicators": STAFF,
    "taxonomy.indicator_new": ("admin",),
    "taxonomy.agreement": ("coder", "reader"),
    "taxonomy.summary": STAFF,
    "taxonomy.report": STAFF,
    "taxonomy.export": STAFF,
    # Panels: staff pages (facilitators run panels; readers see reports) and residents' pages
    # reached through a letter's token or code (a token of another panel gives 404).
    "panels.index": ("facilitator", "reader"),
    "panels.report": ("facilitator", "reader"),
    "panels.new": ("facilitator",),
    "panels.detail": ("facilitator",),
    "panels.register": ("facilitator",),
    "panels.stage1": ("facilitator",),
    "panels.letters": ("facilitator",),
    "panels.poster": ("facilitator",),
    "panels.open_call": ("facilitator",),
    "panels.selection_page": ("facilitator",),
    "panels.start_selection": ("facilitator",),
    "panels.commit": ("facilitator",),
    "panels.draw": ("facilitator",),
    "panels.discard": ("facilitator",),
    "panels.members": ("facilitator",),
    "panels.members_csv": ("facilitator",),
    "panels.drop_out": ("facilitator",),
    "panels.replacements": ("facilitator",),
    "panels.person_export": ("facilitator",),
    "panels.person_delete": ("facilitator",),
    "panels.deliberation_page": ("facilitator",),
    "panels.phase": ("facilitator",),
    "panels.new_session": ("facilitator",),
    "panels.session": ("facilitator",),
    "panels.add_link": ("facilitator",),
    "panels.add_document": ("facilitator",),
    "panels.staff_checkin": ("facilitator",),
    "panels.input_file": ("facilitator",),
    "panels.groups": ("facilitator",),
    "panels.new_recommendation": ("facilitator",),
    "panels.voting": ("facilitator",),
    "panels.recommendation_image": ("facilitator", "reader"),
    "panels.close": ("facilitator",),
    "panel.code": PUBLIC,
    "panel.join": PUBLIC,
    "panel.open_call": PUBLIC,
    "panel.status": PUBLIC,
    "panel.vote": PUBLIC,
    "panel.member_input": PUBLIC,
    "panel.checkin": PUBLIC,
    "panel.lottery": PUBLIC,
    # Budgeting: public rounds, applications, voting by code, results, youth groups; staff pages.
    "budget.index": PUBLIC,
    "budget.round_page": PUBLIC,
    "budget.apply": PUBLIC,
    "budget.application": PUBLIC,
    "budget.vote": PUBLIC,
    "budget.ballot": PUBLIC,
    "budget.ballot_done": PUBLIC,
    "budget.results_page": PUBLIC,
    "budget.why": PUBLIC,
    "budget.bundle": PUBLIC,
    "budget.join": PUBLIC,
    "budget.group": PUBLIC,
    "budget.comment": PUBLIC,
    "budgeting.rounds": ("facilitator", "reader"),
    "budgeting.round_new": ("facilitator",),
    "budgeting.round_edit": ("facilitator",),
    "budgeting.round_detail": ("facilitator", "reader"),
    "budgeting.advance": ("facilitator",),
    "budgeting.review": ("facilitator",),
    "budgeting.follow_up": ("facilitator",),
    "budgeting.codes": ("facilitator",),
    "budgeting.code_sheet": ("facilitator",),
    "budgeting.paper": ("facilitator",),
    "budgeting.confirm_paper": ("facilitator",),
    "budgeting.count": ("facilitator",),
    "budgeting.tie_order": ("facilitator",),
    "budgeting.round_result": ("facilitator", "reader"),
    "budgeting.agreement": ("facilitator",),
    "budgeting.export": ("facilitator", "reader"),
    "budgeting.import_pb": ("facilitator", "reader"),
    # Follow-up: residents read the status of their contribution with its receipt code and
    # what came of input per neighbourhood, and give feedback on funded projects; facilitators
    # answer, print receipts, write scope statements and evaluate; readers see the list.
    "loop.receipt_form": PUBLIC,
    "loop.receipt": PUBLIC,
    "loop.areas": PUBLIC,
    "loop.area": PUBLIC,
    "loop.project": PUBLIC,
    "followup.index": ("facilitator", "reader"),
    "followup.answer": ("facilitator",),
    "followup.receipts": ("facilitator",),
    "followup.scope": ("facilitator",),
    "followup.evaluation": ("facilitator",),
    "followup.feedback": ("facilitator",),
    "followup.paper_application": ("facilitator",),
    # Paper routes (issue 8): staff type in what residents sent on paper.
    "panels.paper_signup": ("facilitator",),
    "budgeting.paper_idea": ("facilitator",),
}

ACTORS = ("anonymous", *ROLES)


def sample_arguments(rule, other_user: User) -> dict:
    # Features may use the same argument name (e.g. ``token``) for different things, so each
    # route gets its own feature's samples last.
    feature_samples = {"panel": panels_samples, "panels": panels_samples}
    feature_samples |= {"budget": budgeting_samples, "budgeting": budgeting_samples}
    feature_samples |= {"loop": followup_samples, "followup": followup_samples}
    samples = {
        "filename": "tinget.css",
        "user_id": other_user.id,
        **taxonomy_samples(),
        **panels_samples(),
        **budgeting_samples(),
    }
    own = feature_samples.get(rule.endpoint.split(".")[0])
    if own is not None:
        samples |= own()
    missing = [name for name in rule.arguments if name not in samples]
    assert not missing, f"add sample values for {missing} (route {rule.rule})"
    return {name: samples[name] for name in rule.arguments}


def taxonomy_samples() -> dict:
    """A topic, an item, a coding and a code to point the taxonomy routes at (re-created when a
    route such as "remove coding" deleted one)."""
    from datetime import date

    from app.extensions import db
    from app.models import Neighbourhood
    from taxonomy.models import Code, Coding, InputItem, Topic

    topic = db.session.query(Topic).first()
    if topic is None:
        area = Neighbourhood(slug="route-area", name="Route area")
        topic = Topic(slug="route-topic", neighbourhood=area, title="Route topic")
        db.session.add_all([area, topic])
    code = db.session.query(Code).first()
    if code is None:
        code = Code(key="route.code", label_nb="Kode", label_en="Code")
        db.session.add(code)
    item = db.session.query(InputItem).first()
    if item is None:
        item = InputItem(
            text="Route text", channel="web", received_on=date(2025, 1, 1), receipt="ROUTE001"
        )
        db.session.add(item)
    db.session.flush()
    coding = db.session.query(Coding).first()
    if coding is None:
        coding = Coding(item=item, code=code, coder_id=_any_user_id())
        db.session.add(coding)
    db.session.commit()
    return {
        "slug": topic.slug,
        "topic_id": topic.id,
        "item_id": item.id,
        "coding_id": coding.id,
        "code_id": code.id,
        "fmt": "csv",
    }


def panels_samples() -> dict:
    """A panel with a volunteer, a selection run, a session with a document and a
    recommendation, for the panel routes (re-used across actors)."""
    from datetime import date, datetime

    from app.extensions import db
    from app.models import Neighbourhood
    from panels import deliberation, services
    from panels.models import Panel, SelectionRun
    from panels.services import PanelSpec, QuotaLine, SignUp

    panel = db.session.query(Panel).first()
    if panel is None:
        area = db.session.query(Neighbourhood).first()
        panel = services.create_panel(
            PanelSpec(
                "Route panel",
                area,
                2,
                date(2030, 1, 1),
                [QuotaLine("gender", "f", 0, 2), QuotaLine("gender", "m", 0, 2)],
            )
        )
        panel.status = "inviting"
        services.sign_up(
            panel,
            SignUp({"gender": "f"}, [], [], "Route person", phone="1", consent=True),
        )
        db.session.add(SelectionRun(panel=panel, status="failed"))
        session = deliberation.add_session(panel, "learning", "Route", datetime(2030, 1, 1))
        deliberation.add_document(session, "Doc", "doc.pdf", b"%PDF-1.4")
        deliberation.save_recommendation(panel, "Route rec", "Text")
        db.session.commit()
    session = panel.sessions[0]
    return {
        "panel_id": panel.id,
        "run_id": db.session.query(SelectionRun.id).filter_by(panel_id=panel.id).scalar(),
        "volunteer_id": panel.volunteers[0].id,
        "phase_id": panel.phases[0].id,
        "session_id": session.id,
        "input_id": session.inputs[0].id,
        "rec_id": panel.recommendations[0].id,
        "token": panel.volunteers[0].access_token,
    }


def budgeting_samples() -> dict:
    """A pot round in the voting phase with one accepted application and one paper ballot."""
    from app.extensions import db
    from budgeting import services, voting
    from budgeting.models import Ballot, Round

    round_ = db.session.query(Round).first()
    if round_ is None:
        round_ = services.create_round(title="Route round", budget=1000)
        services.advance_phase(round_)
        proposal = services.submit_proposal(
            round_, services.Application("Route project", "", 100, applicant_type="sameie")
        )
        services.decide(proposal, True, "")
        services.advance_phase(round_)
        services.advance_phase(round_)
        (code,) = voting.generate_codes(round_, 1)
        voting.submit_ballot(round_, code, voting.Choice([proposal.id]), method="paper")
        db.session.commit()
    proposal = round_.proposals[0]
    ballot = db.session.query(Ballot).first()
    return {
        "round_slug": round_.slug,
        "round_id": round_.id,
        "proposal_id": proposal.id,
        "ballot_id": ballot.id,
        "token": proposal.token,
    }


def _any_user_id() -> int:
    from app.extensions import db

    return db.session.query(User).first().id


def is_allowed(expectation, actor: str) -> bool:
    if expectation == PUBLIC:
        return True
    if actor == "anonymous":
        return False
    if expectation == STAFF:
        return True
    return actor == "admin" or actor in expectation


def test_every_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(EXPECTATIONS))
    stale = sorted(set(EXPECTATIONS) - endpoints)
    assert not missing, f"routes without a row in the route × role table: {missing}"
    assert not stale, f"rows for routes that no longer exist: {stale}"


@pytest.mark.parametrize("actor", ACTORS)
def test_each_route_admits_exactly_the_roles_in_the_table(app, client, auth, actor):
    from tests.conftest import make_user

    other_user = make_user("reader", "someone-else")
    if actor != "anonymous":
        auth.become(actor)
    failures = []
    for rule in app.url_map.iter_rules():
        expectation = EXPECTATIONS[rule.endpoint]
        if expectation == PUBLIC:
            continue  # exact statuses per resident key: VISITS below
        with app.test_request_context():
            url = url_for(rule.endpoint, **sample_arguments(rule, other_user))
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        location = response.headers.get("Location", "")
        sent_to_login = response.status_code == 302 and "/auth/login" in location
        if is_allowed(expectation, actor):
            ok = response.status_code < 500 and response.status_code != 403 and not sent_to_login
        elif actor == "anonymous":
            ok = sent_to_login
        else:
            ok = response.status_code == 403
        if not ok:
            failures.append(f"{method} {url}: {response.status_code} {location}")
        if actor != "anonymous" and rule.endpoint == "auth.logout":
            auth.become(actor)
    assert not failures, f"{actor}: " + "; ".join(failures)


def followup_samples() -> dict:
    """A published round with a funded project, and a wish-tree card from a bulk batch with its
    receipt code, for the follow-up routes."""
    from datetime import date

    from app.extensions import db
    from app.models import Neighbourhood
    from budgeting.models import Round
    from followup import services
    from followup.demo import publish_round
    from taxonomy.models import InputItem
    from taxonomy.services import intake

    round_ = db.session.query(Round).filter_by(slug="route-followup").first()
    if round_ is None:
        area = db.session.query(Neighbourhood).first()
        round_ = publish_round(
            area, "route-followup", "Route follow-up", [("Funded", 100, "sameie", "S")] * 2
        )
        intake(
            None,
            None,
            "Route card",
            channel="wish_tree",
            neighbourhood=area,
            received_on=date(2025, 1, 1),
            batch="route-batch",
        )
        db.session.commit()
    item = db.session.query(InputItem).filter_by(batch="route-batch").first()
    project = services.funded_projects()[0]
    return {
        "code": item.receipt,
        "slug": round_.neighbourhood.slug,
        "batch": item.batch,
        "item_id": item.id,
        "proposal_id": project.id,
        "process_type": "round",
        "process_id": round_.id,
    }


# --- Residents' keys: every public route, with no key, its own key and a key of another round,
# group or panel. Each row states the exact status (and redirect) for every actor above.


@dataclass
class Visit:
    endpoint: str
    key: str  # whose key is used: "none", "own", or what else
    expected: int
    url: Callable[[Residents], str]
    method: str = "GET"
    data: Callable[[Residents], dict] | None = None
    session: Callable[[Residents], dict] | None = None
    goes_to: Callable[[Residents], str] | None = None  # path of the redirect

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint} with {self.key}"


def codes_session(keys: RoundKeys, in_round: RoundKeys | None = None) -> dict:
    """The session after typing ``keys``' voter code (``in_round``: as if stored for another
    round, i.e. a forged or stale session)."""
    return {"budget_codes": {str((in_round or keys).id): keys.code_id}}


def member_session(keys: RoundKeys, in_round: RoundKeys | None = None) -> dict:
    target = in_round or keys
    return {
        "budget_members": {str(target.id): keys.member_id},
        "budget_codes": {str(target.id): keys.code_id},
    }


def _p(panel: PanelKeys, rest: str) -> str:
    return f"/p/{panel.id}/{rest}"


def _receipt(keys) -> str:
    """The short receipt code of a round's application (its taxonomy item's)."""
    from app.extensions import db
    from budgeting.models import Proposal
    from followup import services

    return services.proposal_receipt(db.session.get(Proposal, keys.proposal_id))


def _area_slug() -> str:
    from app.extensions import db
    from app.models import Neighbourhood

    return db.session.query(Neighbourhood).filter(Neighbourhood.parent_id.is_(None)).first().slug


VISITS: list[Visit] = [
    Visit("static", "none", 200, lambda r: "/static/tinget.css"),
    Visit("main.index", "none", 200, lambda r: "/"),
    Visit("main.health", "none", 200, lambda r: "/healthz"),
    Visit("auth.login", "none", 200, lambda r: "/auth/login"),
    Visit("auth.logout", "none", 302, lambda r: "/auth/logout", "POST", goes_to=lambda r: "/"),
    Visit("input.index", "none", 200, lambda r: "/input/"),
    Visit("input.form", "none", 200, lambda r: f"/input/{r.topic_slug}"),
    Visit("input.form", "unknown topic", 404, lambda r: "/input/finnes-ikke"),
    Visit("input.thanks", "none", 200, lambda r: f"/input/{r.topic_slug}/thanks"),
    # Panels: the letter's code and token, the open call, the personal link and code.
    # Closing the loop: receipts, what came of it, funded projects' feedback.
    Visit("loop.receipt_form", "none", 200, lambda r: "/svar/"),
    Visit("loop.receipt", "own receipt", 200, lambda r: f"/svar/{_receipt(r.published_a)}"),
    Visit("loop.receipt", "a made-up receipt", 404, lambda r: "/svar/ZZZZZZZZ"),
    Visit("loop.areas", "none", 200, lambda r: "/hva-skjedde/"),
    Visit("loop.area", "none", 200, lambda r: f"/hva-skjedde/{_area_slug()}"),
    Visit("loop.area", "unknown area", 404, lambda r: "/hva-skjedde/finnes-ikke"),
    Visit(
        "loop.project",
        "none, funded project",
        200,
        lambda r: f"/hva-skjedde/prosjekt/{r.published_a.proposal_id}",
    ),
    Visit(
        "loop.project",
        "none, project still in a vote",
        404,
        lambda r: f"/hva-skjedde/prosjekt/{r.voting_a.proposal_id}",
    ),
    Visit("panel.code", "none", 200, lambda r: "/p/code"),
    Visit(
        "panel.code",
        "own letter code",
        302,
        lambda r: "/p/code",
        "POST",
        data=lambda r: {"code": r.panel_a.invitation_code},
        goes_to=lambda r: _p(r.panel_a, f"join/{r.panel_a.invitation_token}"),
    ),
    Visit(
        "panel.code",
        "panel A's personal code (not a letter code)",
        400,
        lambda r: "/p/code",
        "POST",
        data=lambda r: {"code": r.panel_a.member_code},
    ),
    Visit(
        "panel.join",
        "own letter",
        200,
        lambda r: _p(r.panel_a, f"join/{r.panel_a.invitation_token}"),
    ),
    Visit(
        "panel.join",
        "panel A's letter",
        404,
        lambda r: _p(r.panel_b, f"join/{r.panel_a.invitation_token}"),
    ),
    Visit(
        "panel.join",
        "panel A's letter",
        404,
        lambda r: _p(r.panel_b, f"join/{r.panel_a.invitation_token}"),
        "POST",
        data=lambda r: {"name": "X", "consent": "y", "q0": "f"},
    ),
    Visit(
        "panel.join",
        "panel A's open-call token",
        404,
        lambda r: _p(r.panel_a, f"join/{r.panel_a.open_token}"),
    ),
    Visit(
        "panel.open_call",
        "own poster",
        200,
        lambda r: _p(r.panel_a, f"open/{r.panel_a.open_token}"),
    ),
    Visit(
        "panel.open_call",
        "panel A's poster",
        404,
        lambda r: _p(r.panel_b, f"open/{r.panel_a.open_token}"),
    ),
    Visit("panel.status", "own link", 200, lambda r: _p(r.panel_a, f"me/{r.panel_a.member_token}")),
    Visit(
        "panel.status",
        "panel A's link",
        404,
        lambda r: _p(r.panel_b, f"me/{r.panel_a.member_token}"),
    ),
    Visit(
        "panel.status",
        "panel A's letter",
        404,
        lambda r: _p(r.panel_a, f"me/{r.panel_a.invitation_token}"),
    ),
    Visit(
        "panel.vote", "own link", 200, lambda r: _p(r.panel_a, f"me/{r.panel_a.member_token}/vote")
    ),
    Visit(
        "panel.vote",
        "panel A's link",
        404,
        lambda r: _p(r.panel_b, f"me/{r.panel_a.member_token}/vote"),
    ),
    Visit(
        "panel.vote",
        "panel A's link",
        404,
        lambda r: _p(r.panel_b, f"me/{r.panel_a.member_token}/vote"),
        "POST",
        data=lambda r: {f"r{r.panel_b.recommendation_id}": "2"},
    ),
    Visit(
        "panel.member_input",
        "own link",
        200,
        lambda r: _p(r.panel_a, f"me/{r.panel_a.member_token}/inputs/{r.panel_a.input_id}"),
    ),
    Visit(
        "panel.member_input",
        "panel A's link",
        404,
        lambda r: _p(r.panel_b, f"me/{r.panel_a.member_token}/inputs/{r.panel_b.input_id}"),
    ),
    Visit(
        "panel.member_input",
        "own link, panel B's document",
        404,
        lambda r: _p(r.panel_a, f"me/{r.panel_a.member_token}/inputs/{r.panel_b.input_id}"),
    ),
    Visit(
        "panel.checkin",
        "own venue link",
        200,
        lambda r: _p(r.panel_a, f"check-in/{r.panel_a.checkin_token}"),
    ),
    Visit(
        "panel.checkin",
        "panel A's venue link",
        404,
        lambda r: _p(r.panel_b, f"check-in/{r.panel_a.checkin_token}"),
    ),
    Visit(
        "panel.checkin",
        "own personal code",
        200,
        lambda r: _p(r.panel_a, f"check-in/{r.panel_a.checkin_token}"),
        "POST",
        data=lambda r: {"code": r.panel_a.member_code},
    ),
    Visit(
        "panel.checkin",
        "panel A's personal code",
        400,
        lambda r: _p(r.panel_b, f"check-in/{r.panel_b.checkin_token}"),
        "POST",
        data=lambda r: {"code": r.panel_a.member_code},
    ),
    Visit(
        "panel.checkin",
        "panel A's link remembered as panel B's (one tap)",
        400,
        lambda r: _p(r.panel_b, f"check-in/{r.panel_b.checkin_token}"),
        "POST",
        data=lambda r: {"tap-me": "y"},
        session=lambda r: {"panel_members": {str(r.panel_b.id): r.panel_a.member_token}},
    ),
    Visit("panel.lottery", "none", 200, lambda r: _p(r.panel_a, "lottery")),
    # Budgeting: rounds, applications and their receipts.
    Visit("budget.index", "none", 200, lambda r: "/budsjett/"),
    Visit("budget.round_page", "none", 200, lambda r: f"/budsjett/{r.voting_a.slug}"),
    Visit("budget.round_page", "none, round in set-up", 404, lambda r: f"/budsjett/{r.draft.slug}"),
    Visit("budget.apply", "none", 200, lambda r: f"/budsjett/{r.applying.slug}/soknad"),
    Visit(
        "budget.apply",
        "none, round in voting",
        409,
        lambda r: f"/budsjett/{r.voting_a.slug}/soknad",
    ),
    Visit(
        "budget.application", "own receipt", 200, lambda r: f"/budsjett/soknad/{r.voting_a.receipt}"
    ),
    Visit("budget.application", "a made-up receipt", 404, lambda r: "/budsjett/soknad/gjettet"),
    # Voter codes: a code of round A opens nothing of round B.
    Visit("budget.vote", "none", 200, lambda r: f"/budsjett/{r.voting_a.slug}/stem"),
    Visit(
        "budget.vote",
        "own voter code",
        302,
        lambda r: f"/budsjett/{r.voting_a.slug}/stem",
        "POST",
        data=lambda r: {"code": r.voting_a.code},
        goes_to=lambda r: f"/budsjett/{r.voting_a.slug}/stemmeseddel",
    ),
    Visit(
        "budget.vote",
        "round A's voter code",
        400,
        lambda r: f"/budsjett/{r.voting_b.slug}/stem",
        "POST",
        data=lambda r: {"code": r.voting_a.code},
    ),
    Visit(
        "budget.ballot",
        "none",
        302,
        lambda r: f"/budsjett/{r.voting_a.slug}/stemmeseddel",
        goes_to=lambda r: f"/budsjett/{r.voting_a.slug}/stem",
    ),
    Visit(
        "budget.ballot",
        "own voter code",
        200,
        lambda r: f"/budsjett/{r.voting_a.slug}/stemmeseddel",
        session=lambda r: codes_session(r.voting_a),
    ),
    Visit(
        "budget.ballot",
        "own voter code",
        303,
        lambda r: f"/budsjett/{r.voting_a.slug}/stemmeseddel",
        "POST",
        data=lambda r: {"project": str(r.voting_a.proposal_id)},
        session=lambda r: codes_session(r.voting_a),
        goes_to=lambda r: f"/budsjett/{r.voting_a.slug}/takk",
    ),
    Visit(
        "budget.ballot",
        "round A's voter code",
        302,
        lambda r: f"/budsjett/{r.voting_b.slug}/stemmeseddel",
        session=lambda r: codes_session(r.voting_a),
        goes_to=lambda r: f"/budsjett/{r.voting_b.slug}/stem",
    ),
    Visit(
        "budget.ballot",
        "round A's voter code stored as round B's",
        302,
        lambda r: f"/budsjett/{r.voting_b.slug}/stemmeseddel",
        "POST",
        data=lambda r: {"project": str(r.voting_b.proposal_id)},
        session=lambda r: codes_session(r.voting_a, in_round=r.voting_b),
        goes_to=lambda r: f"/budsjett/{r.voting_b.slug}/stem",
    ),
    Visit(
        "budget.ballot_done",
        "none",
        302,
        lambda r: f"/budsjett/{r.voting_a.slug}/takk",
        goes_to=lambda r: f"/budsjett/{r.voting_a.slug}/stem",
    ),
    Visit(
        "budget.ballot_done",
        "own counted voter code",
        200,
        lambda r: f"/budsjett/{r.published_a.slug}/takk",
        session=lambda r: codes_session(r.published_a),
    ),
    Visit(
        "budget.ballot_done",
        "round A's voter code stored as round B's",
        302,
        lambda r: f"/budsjett/{r.published_b.slug}/takk",
        session=lambda r: codes_session(r.published_a, in_round=r.published_b),
        goes_to=lambda r: f"/budsjett/{r.published_b.slug}/stem",
    ),
    Visit("budget.results_page", "none", 200, lambda r: f"/budsjett/{r.published_a.slug}/resultat"),
    Visit(
        "budget.results_page",
        "none, round still voting",
        404,
        lambda r: f"/budsjett/{r.voting_a.slug}/resultat",
    ),
    Visit("budget.bundle", "none", 200, lambda r: f"/budsjett/{r.published_a.slug}/resultat.zip"),
    Visit(
        "budget.bundle",
        "none, round still voting",
        404,
        lambda r: f"/budsjett/{r.voting_a.slug}/resultat.zip",
    ),
    Visit("budget.why", "none", 200, lambda r: f"/budsjett/{r.published_a.slug}/hvorfor"),
    Visit(
        "budget.why",
        "own voter code",
        200,
        lambda r: f"/budsjett/{r.published_a.slug}/hvorfor",
        "POST",
        data=lambda r: {"code": r.published_a.code},
    ),
    Visit(
        "budget.why",
        "round A's voter code",
        400,
        lambda r: f"/budsjett/{r.published_b.slug}/hvorfor",
        "POST",
        data=lambda r: {"code": r.published_a.code},
    ),
    Visit(
        "budget.why",
        "none, round still voting",
        404,
        lambda r: f"/budsjett/{r.voting_a.slug}/hvorfor",
    ),
    # Youth groups: membership of group A opens nothing of group B.
    Visit("budget.join", "none", 200, lambda r: "/budsjett/bli-med"),
    Visit(
        "budget.join",
        "own join code",
        302,
        lambda r: "/budsjett/bli-med",
        "POST",
        data=lambda r: {"code": r.group_a.join_code, "nickname": "Ali"},
        goes_to=lambda r: f"/budsjett/{r.group_a.slug}/gruppe",
    ),
    Visit(
        "budget.join",
        "round A's voter code (not a join code)",
        400,
        lambda r: "/budsjett/bli-med",
        "POST",
        data=lambda r: {"code": r.voting_a.code, "nickname": "Ali"},
    ),
    Visit(
        "budget.group",
        "none",
        302,
        lambda r: f"/budsjett/{r.group_a.slug}/gruppe",
        goes_to=lambda r: "/budsjett/bli-med",
    ),
    Visit(
        "budget.group",
        "own membership",
        200,
        lambda r: f"/budsjett/{r.group_a.slug}/gruppe",
        session=lambda r: member_session(r.group_a),
    ),
    Visit(
        "budget.group",
        "group A's membership",
        302,
        lambda r: f"/budsjett/{r.group_b.slug}/gruppe",
        session=lambda r: member_session(r.group_a),
        goes_to=lambda r: "/budsjett/bli-med",
    ),
    Visit(
        "budget.group",
        "group A's membership stored as group B's",
        302,
        lambda r: f"/budsjett/{r.group_b.slug}/gruppe",
        "POST",
        data=lambda r: {"title": "Innbrudd", "cost": "10"},
        session=lambda r: member_session(r.group_a, in_round=r.group_b),
        goes_to=lambda r: "/budsjett/bli-med",
    ),
    Visit(
        "budget.group",
        "own membership, a pot round",
        404,
        lambda r: f"/budsjett/{r.voting_a.slug}/gruppe",
        session=lambda r: member_session(r.group_a),
    ),
    Visit(
        "budget.comment",
        "own membership",
        302,
        lambda r: f"/budsjett/{r.group_a.slug}/gruppe/{r.group_a.proposal_id}/kommentar",
        "POST",
        data=lambda r: {"text": "Bra!"},
        session=lambda r: member_session(r.group_a),
        goes_to=lambda r: f"/budsjett/{r.group_a.slug}/gruppe",
    ),
    Visit(
        "budget.comment",
        "none",
        404,
        lambda r: f"/budsjett/{r.group_a.slug}/gruppe/{r.group_a.proposal_id}/kommentar",
        "POST",
        data=lambda r: {"text": "Bra!"},
    ),
    Visit(
        "budget.comment",
        "group A's membership",
        404,
        lambda r: f"/budsjett/{r.group_b.slug}/gruppe/{r.group_b.proposal_id}/kommentar",
        "POST",
        data=lambda r: {"text": "Bra!"},
        session=lambda r: member_session(r.group_a),
    ),
    Visit(
        "budget.comment",
        "group A's membership, group B's idea under group A",
        404,
        lambda r: f"/budsjett/{r.group_a.slug}/gruppe/{r.group_b.proposal_id}/kommentar",
        "POST",
        data=lambda r: {"text": "Bra!"},
        session=lambda r: member_session(r.group_a),
    ),
    Visit(
        "budget.comment",
        "group A's membership stored as group B's",
        404,
        lambda r: f"/budsjett/{r.group_b.slug}/gruppe/{r.group_b.proposal_id}/kommentar",
        "POST",
        data=lambda r: {"text": "Bra!"},
        session=lambda r: member_session(r.group_a, in_round=r.group_b),
    ),
]


def test_every_public_route_has_visits_with_and_without_a_key(app):
    public = {e for e, expectation in EXPECTATIONS.items() if expectation == PUBLIC}
    missing = sorted(public - {visit.endpoint for visit in VISITS})
    assert not missing, f"public routes without visits: {missing}"
    endpoints = {rule.rule: rule.endpoint for rule in app.url_map.iter_rules()}
    assert {visit.endpoint for visit in VISITS} <= set(endpoints.values())


def _rows(app) -> tuple[int, int, int]:
    from budgeting.models import Ballot, Comment, Proposal
    from panels.models import Attendance, SupportVote

    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Ballot, Comment, Proposal, Attendance, SupportVote)
    )


@pytest.mark.parametrize("actor", ACTORS)
def test_each_resident_key_opens_exactly_its_own_round_group_or_panel(app, actor):
    residents = build_residents()
    failures = []
    for visit in VISITS:
        client = app.test_client()
        if actor != "anonymous":
            AuthActions(client).become(actor)
        if visit.session is not None:
            with client.session_transaction() as session:
                session.update(visit.session(residents))
        before = _rows(app)
        url = visit.url(residents)
        data = visit.data(residents) if visit.data else None
        response = client.open(url, method=visit.method, data=data)
        where = urlsplit(response.headers.get("Location", "")).path
        wanted = visit.goes_to(residents) if visit.goes_to else None
        if response.status_code != visit.expected or (wanted is not None and where != wanted):
            failures.append(f"{visit} ({url}): {response.status_code} {where}")
        if response.status_code >= 400 and _rows(app) != before:
            failures.append(f"{visit} ({url}): refused but something was saved")
    assert not failures, f"{actor}: " + "; ".join(failures)
