"""Closed to abuse: guessing residents' codes is refused after a few wrong tries and would take
decades anyway, public forms are limited per client, every POST route needs its CSRF token,
every kind of response carries the security headers, and personal data stays out of logs and
URLs."""

from __future__ import annotations

import logging
import math
import re
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import func, select

from app.extensions import db
from app.models import CodeAttempt
from budgeting import voting
from budgeting.models import Proposal
from panels import services as panel_services
from panels.models import Volunteer
from tests.conftest import ROOT, make_user
from tests.residents import build_residents
from tests.test_route_roles import sample_arguments

LIMIT = 3  # wrong codes allowed per client and hour in these tests


def table_rows(skip: tuple[str, ...] = ()) -> dict[str, int]:
    """Rows in every table (the counters of attempts can be left out)."""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name not in skip
    }


# --- Code guessing ---------------------------------------------------------------------------

#: Each place a resident types (or follows) a code: a wrong guess and the right key.
CODE_ENTRIES = {
    "budgeting voter code": lambda r: (
        f"/budsjett/{r.voting_a.slug}/stem",
        "POST",
        {"code": "ZZZZZZZZZZ"},
        {"code": r.voting_a.code},
    ),
    "budgeting 'why' code": lambda r: (
        f"/budsjett/{r.published_a.slug}/hvorfor",
        "POST",
        {"code": "ZZZZZZZZZZ"},
        {"code": r.published_a.code},
    ),
    "youth group join code": lambda r: (
        "/budsjett/bli-med",
        "POST",
        {"code": "ZZZZZZ", "nickname": "Ali"},
        {"code": r.group_a.join_code, "nickname": "Ali"},
    ),
    "panel letter code": lambda r: (
        "/p/code",
        "POST",
        {"code": "ZZZZ-ZZZZ"},
        {"code": r.panel_a.invitation_code},
    ),
    "panel personal code at check-in": lambda r: (
        f"/p/{r.panel_a.id}/check-in/{r.panel_a.checkin_token}",
        "POST",
        {"code": "ZZZZ-ZZZZ"},
        {"code": r.panel_a.member_code},
    ),
}


def _guess(client, url: str, method: str, data: dict):
    if method == "GET":
        return client.get(url + "?lang=en")
    return client.post(url + "?lang=en", data=data)


@pytest.mark.app_config(CODE_MAX_WRONG_PER_HOUR=LIMIT)
@pytest.mark.parametrize("entry", list(CODE_ENTRIES))
def test_after_too_many_wrong_codes_even_the_right_code_is_refused_with_429(app, client, entry):
    residents = build_residents()
    url, method, wrong, right = CODE_ENTRIES[entry](residents)
    for _ in range(LIMIT):
        assert _guess(client, url, method, wrong).status_code == 400
    before = table_rows(skip=("code_attempt", "audit_event"))
    refused = _guess(client, url, method, right)
    assert refused.status_code == 429
    assert "Too many wrong codes from this connection" in refused.text
    assert table_rows(skip=("code_attempt", "audit_event")) == before
    elsewhere = app.test_client().post(url, data=right, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert elsewhere.status_code in (200, 302)


@pytest.mark.app_config(CODE_MAX_WRONG_PER_HOUR=LIMIT)
def test_wrong_receipt_links_count_as_wrong_codes(client):
    residents = build_residents()
    for n in range(LIMIT):
        assert client.get(f"/budsjett/soknad/gjettet{n}").status_code == 404
    refused = client.get(f"/budsjett/soknad/{residents.voting_a.receipt}?lang=en")
    assert refused.status_code == 429
    assert "Too many attempts" in refused.text


@pytest.mark.app_config(CODE_MAX_WRONG_PER_HOUR=LIMIT)
def test_wrong_codes_of_different_kinds_share_one_counter(client):
    """A guesser cannot get the limit once per kind of code by switching forms."""
    residents = build_residents()
    client.post(f"/budsjett/{residents.voting_a.slug}/stem", data={"code": "ZZZZZZZZZZ"})
    client.post("/budsjett/bli-med", data={"code": "ZZZZZZ", "nickname": "x"})
    client.post("/p/code", data={"code": "ZZZZ-ZZZZ"})
    refused = client.post("/p/code", data={"code": residents.panel_a.invitation_code})
    assert refused.status_code == 429
    stored = db.session.scalars(select(CodeAttempt.client)).all()
    assert len(stored) == LIMIT and "127.0.0.1" not in repr(stored)


#: code type -> (alphabet size, length, most codes of that type valid at once in Tinget).
CODE_TYPES = {
    "budgeting voter code": (len(voting.ALPHABET), voting.CODE_LENGTH, 100_000),
    "youth group join code": (len(voting.ALPHABET), 6, 200),
    "panel letter code": (len(panel_services.CODE_ALPHABET), 8, 20_000),
    "panel personal code": (len(panel_services.CODE_ALPHABET), 8, 5_000),
    "application receipt (token_urlsafe(24))": (64, 32, 10_000),
    "panel link tokens (token_urlsafe(18))": (64, 24, 20_000),
}


@pytest.mark.parametrize("code_type", list(CODE_TYPES))
def test_guessing_any_valid_code_takes_one_client_decades(app, code_type):
    """alphabet^length against the lock-out: a client guessing at the fastest allowed rate
    (``CODE_MAX_WRONG_PER_HOUR`` all year round) expects to need this many years to hit any of
    the codes valid at the same time."""
    alphabet, length, valid = CODE_TYPES[code_type]
    bits = length * math.log2(alphabet)
    guesses_per_year = app.config["CODE_MAX_WRONG_PER_HOUR"] * 24 * 365
    years = alphabet**length / valid / guesses_per_year
    assert bits >= 29
    assert years >= 10, f"{code_type}: {bits:.0f} bits, {years:.1f} years"


def test_the_code_generators_use_the_alphabets_and_lengths_stated(app):
    assert re.fullmatch(f"[{voting.ALPHABET}]{{{voting.CODE_LENGTH}}}", voting.new_code())
    letter = panel_services.new_short_code()
    assert re.fullmatch(
        f"[{panel_services.CODE_ALPHABET}]{{4}}-[{panel_services.CODE_ALPHABET}]{{4}}", letter
    )
    assert len(panel_services.new_token()) == 24
    from budgeting import services as budgeting_services

    assert len(budgeting_services.new_token()) == 32
    assert len(budgeting_services._new_join_code()) == 6


# --- Public forms ------------------------------------------------------------------------------


def _application_form(round_slug: str) -> dict:
    return {
        "applicant_type": "velforening",
        "applicant_name": "Lademoen vel",
        "title": "Nabofest",
        "description": "Fest i parken",
        "brings_together": "Alle naboer",
        "cost": "500",
        "neighbourhood_id": "0",
        "contact_name": "Per Hansen",
        "contact_email": "per.hansen@example.org",
    }


def _signup_form() -> dict:
    return {
        "q0": "f",
        "availability": "weekday_evenings",
        "name": "Kari Nordmann",
        "phone": "+47 912 34 567",
        "email": "kari.nordmann@example.org",
        "access_note": "Trenger tolk til somali",
        "consent": "y",
    }


@pytest.mark.app_config(PUBLIC_FORM_MAX_PER_HOUR=1)
def test_applications_are_limited_per_client_with_a_translated_429(client):
    residents = build_residents()
    url = f"/budsjett/{residents.applying.slug}/soknad?lang=en"
    assert client.post(url, data=_application_form(residents.applying.slug)).status_code == 302
    before = table_rows(skip=("code_attempt",))
    again = client.post(url, data=_application_form(residents.applying.slug))
    assert again.status_code == 429
    assert "many forms from this connection" in again.text
    assert "Fest i parken" in again.text  # what was typed is kept
    assert table_rows(skip=("code_attempt",)) == before


@pytest.mark.app_config(PUBLIC_FORM_MAX_PER_HOUR=1)
def test_panel_sign_ups_are_limited_per_client_with_a_translated_429(client):
    residents = build_residents()
    url = f"/p/{residents.panel_a.id}/open/{residents.panel_a.open_token}?lang=en"
    assert client.post(url, data=_signup_form()).status_code == 302
    before = table_rows(skip=("code_attempt",))
    again = client.post(url, data=_signup_form() | {"name": "Ola Nordmann"})
    assert again.status_code == 429
    assert "many forms from this connection" in again.text
    assert table_rows(skip=("code_attempt",)) == before


# --- CSRF ------------------------------------------------------------------------------------


def _post_routes(app) -> list[str]:
    return sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint != "static"
    )


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_every_post_route_refuses_a_missing_or_wrong_csrf_token(app, client, auth):
    """Swept over the url_map as an admin (allowed everywhere), with and without a resident's
    session: 400, the translated "form has expired" page, and no row saved anywhere."""
    other = make_user("reader", "someone-else")
    auth.become("admin")
    endpoints = _post_routes(app)
    assert len(endpoints) > 40
    failures = []
    for endpoint in endpoints:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        with app.test_request_context():
            url = url_for(endpoint, **sample_arguments(rule, other))
        for token in (None, "forged-token"):
            data = {"csrf_token": token} if token else {}
            before = table_rows()
            response = client.post(url + "?lang=en", data=data | {"code": "X", "title": "T"})
            if response.status_code != 400 or "The form has expired" not in response.text:
                failures.append(f"{endpoint} token={token}: {response.status_code}")
            if table_rows() != before:
                failures.append(f"{endpoint} token={token}: something was saved")
        auth.become("admin")  # in case logout had worked
    assert not failures, "; ".join(failures)


# --- Security headers ------------------------------------------------------------------------

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.app_config(CODE_MAX_WRONG_PER_HOUR=0)
def test_every_kind_of_response_carries_the_security_headers(app, client, auth):
    """HTML, JSON, CSV, zip, PDF and PNG downloads, static files, redirects and each error."""
    residents = build_residents()
    a = residents.panel_a
    responses = {
        "html": client.get("/"),
        "json": client.get("/healthz"),
        "zip": client.get(f"/budsjett/{residents.published_a.slug}/resultat.zip"),
        "pdf": client.get(f"/p/{a.id}/me/{a.member_token}/inputs/{a.input_id}"),
        "css": client.get("/static/tinget.css"),
        "redirect": client.get(f"/budsjett/{residents.voting_a.slug}/stemmeseddel"),
        "404": client.get("/finnes-ikke"),
        "405": client.get("/auth/logout"),
        "429": client.post("/p/code", data={"code": "ZZZZ-ZZZZ"}),
        "403": (auth.become("coder"), client.get("/admin/users"))[1],
        "csv": (auth.become("reader"), client.get("/taxonomy/summary/export.csv"))[1],
    }
    expected_types = {
        "json": "application/json",
        "zip": "application/zip",
        "pdf": "application/pdf",
    }
    for kind, response in responses.items():
        assert response.status_code < 500, kind
        for header, value in HEADERS.items():
            assert response.headers.get(header) == value, f"{kind}: {header}"
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, kind
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, kind
        if kind in expected_types:
            assert response.mimetype == expected_types[kind]
    assert responses["429"].status_code == 429
    assert responses["pdf"].headers["Content-Disposition"].startswith("attachment")


def test_a_server_error_page_carries_the_security_headers_too(database_url):
    from app import create_app
    from tests.conftest import settings_for_tests

    app = create_app(settings_for_tests(database_url, PROPAGATE_EXCEPTIONS=False))

    @app.route("/boom")
    def boom():
        raise RuntimeError("simulated failure")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    for header, value in HEADERS.items():
        assert response.headers.get(header) == value
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


# --- Personal data in logs and URLs -------------------------------------------------------------

PERSONAL = (
    "Kari Nordmann",
    "kari.nordmann@example.org",
    "912 34 567",
    "Trenger tolk",
    "Per Hansen",
    "per.hansen@example.org",
    "Fest i parken",
    "Bussen til Lademoen går for sjelden",
)


def test_no_personal_data_reaches_the_logs_or_the_urls(app, client, caplog):
    residents = build_residents()
    app.logger.setLevel(logging.DEBUG)
    with caplog.at_level(logging.DEBUG):
        signed_up = client.post(
            f"/p/{residents.panel_a.id}/open/{residents.panel_a.open_token}", data=_signup_form()
        )
        applied = client.post(
            f"/budsjett/{residents.applying.slug}/soknad",
            data=_application_form(residents.applying.slug),
        )
        sent = client.post(
            f"/input/{residents.topic_slug}",
            data={"text": "Bussen til Lademoen går for sjelden", "consent": "y"},
        )
    assert [signed_up.status_code, applied.status_code, sent.status_code] == [302, 302, 302]
    stored = db.session.scalar(select(Volunteer).where(Volunteer.name == "Kari Nordmann"))
    assert stored is not None and db.session.scalar(select(func.count(Proposal.id))) > 0
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    urls = " ".join(r.headers["Location"] for r in (signed_up, applied, sent))
    for value in PERSONAL:
        assert value not in logged
        assert value not in urls


PERSONAL_FIELDS = {
    "name",
    "email",
    "phone",
    "contact_name",
    "contact_email",
    "contact_phone",
    "guardian_name",
    "access_note",
    "text",
    "description",
    "nickname",
    "code",
    "password",
}


def test_no_form_with_personal_fields_sends_them_by_get():
    """A GET form would put what residents type into the address, the history and logs."""
    problems = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        for match in re.finditer(r"<form\b([^>]*)>(.*?)</form>", template.read_text(), re.S):
            attributes, body = match.groups()
            if re.search(r'method="post"', attributes, re.I):
                continue
            names = set(re.findall(r'name="([a-z_]+)"', body))
            names |= set(re.findall(r"field\(form\.([a-z_]+)", body))
            if names & PERSONAL_FIELDS:
                problems.append(f"{template.relative_to(ROOT)}: {sorted(names & PERSONAL_FIELDS)}")
    assert not problems


def test_the_template_scan_would_catch_a_get_form_with_a_name_field(tmp_path: Path):
    body = '<form method="get"><input name="email"></form>'
    match = re.search(r"<form\b([^>]*)>(.*?)</form>", body, re.S)
    assert match and not re.search(r'method="post"', match.group(1))
    assert set(re.findall(r'name="([a-z_]+)"', match.group(2))) & PERSONAL_FIELDS


def test_referrer_policy_keeps_personal_links_from_other_sites(client):
    """Status pages carry the resident's token in their address; it must never be sent on to
    another site as a Referer."""
    assert client.get("/").headers["Referrer-Policy"] in ("same-origin", "no-referrer")


@pytest.mark.app_config(CODE_MAX_WRONG_PER_HOUR=1, PROXY_HOPS=1)
def test_behind_a_proxy_each_resident_has_their_own_code_counter(app):
    residents = build_residents()
    url = f"/budsjett/{residents.voting_a.slug}/stem"

    def from_address(address: str, code: str):
        return app.test_client().post(
            url, data={"code": code}, headers={"X-Forwarded-For": address}
        )

    assert from_address("203.0.113.5", "ZZZZZZZZZZ").status_code == 400
    assert from_address("203.0.113.5", residents.voting_a.code).status_code == 429
    assert from_address("198.51.100.7", residents.voting_a.code).status_code == 302


@pytest.mark.app_config(CODE_MAX_WRONG_PER_HOUR=1)
def test_without_a_proxy_a_forged_forwarded_for_header_changes_nothing(app, client):
    residents = build_residents()
    url = f"/budsjett/{residents.voting_a.slug}/stem"
    client.post(url, data={"code": "ZZZZZZZZZZ"}, headers={"X-Forwarded-For": "203.0.113.5"})
    again = client.post(
        url, data={"code": residents.voting_a.code}, headers={"X-Forwarded-For": "198.51.100.7"}
    )
    assert again.status_code == 429
