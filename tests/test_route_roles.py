"""Route × role matrix: every route in ``app.url_map`` must have an expectation here, and each
actor (anonymous and every staff role) gets exactly the access the table says."""

from __future__ import annotations

import pytest
from flask import url_for

from app.models import ROLES, User

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
