"""Every form, fuzzed: generated values (empty, huge, unicode, control characters, NUL, negative
and huge numbers, unicode digits, a file where text is expected, a field sent twice) are POSTed
with a valid CSRF token to each form route, as a role allowed to use it. The answer is always a
clear error (4xx with a message, or the form shown again with its errors) or a success — never
a 500 — and a refused submission leaves every table as it was.

``TINGET_FUZZ_EXAMPLES`` raises the examples per route (default 6, to keep the suite quick)."""

from __future__ import annotations

import io
import os
import re

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_user
from tests.residents import build_residents
from tests.test_abuse import table_rows
from tests.test_route_roles import sample_arguments

EXAMPLES = int(os.environ.get("TINGET_FUZZ_EXAMPLES", "6"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
#: Counters of attempts (rate limiting) may grow with a refused submission; nothing else may.
COUNTERS = ("code_attempt", "login_failure", "input_submission")
NOT_LIMITED = 10**9
LIMITS_OFF = {
    "WTF_CSRF_ENABLED": True,
    "CODE_MAX_WRONG_PER_HOUR": NOT_LIMITED,
    "PUBLIC_FORM_MAX_PER_HOUR": NOT_LIMITED,
    "TAXONOMY_INPUT_MAX_PER_WINDOW": NOT_LIMITED,
    "LOGIN_MAX_FAILURES": NOT_LIMITED,
    "PANELS_SELECTION_INLINE": True,
}
#: Staff routes not fuzzed: logging out ends the sweep's session.
SKIPPED = {"auth.logout"}

AWKWARD = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\r\n\t",
        "\u202e\u200b",
        "٣",
        "²",
        "½",
        "-1",
        "0",
        "-0",
        "1e309",
        "nan",
        "9" * 30,
        "9" * 5000,
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "x" * 70_000,
        "2025-02-30",
        "on",
        "None",
    ]
)
NUMBERS = st.integers(min_value=-(10**20), max_value=10**20).map(str)
TEXT = st.text(max_size=40)  # any unicode code point but surrogates, control characters included
VALUE = st.one_of(AWKWARD, NUMBERS, TEXT)


def field_values(names: list[str]):
    """A submission: some of the form's fields, each a value, a value sent twice, or a file."""
    one = st.one_of(
        VALUE,
        st.lists(VALUE, min_size=2, max_size=3),
        st.binary(max_size=64).map(lambda data: (io.BytesIO(data), "x.csv")),
    )
    return (
        st.dictionaries(st.sampled_from(names), one, max_size=len(names)) if names else st.just({})
    )


def csrf_token(client, page: str = "/auth/login") -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(page).text)[1]


def form_fields(html: str) -> dict[str, list[str]]:
    """Field names of each POST form on a page, keyed by the form's action ("" = this page)."""
    forms: dict[str, list[str]] = {}
    for attributes, body in re.findall(r"<form\b([^>]*)>(.*?)</form>", html, re.S):
        if 'method="post"' not in attributes:
            continue
        action = re.search(r'action="([^"]*)"', attributes)
        names = re.findall(r'<(?:input|select|textarea|button)\b[^>]*\bname="([^"]+)"', body)
        key = action[1].replace("&amp;", "&") if action else ""
        forms.setdefault(key, [])
        forms[key] += [n for n in names if n != "csrf_token" and n not in forms[key]]
    return forms


def is_clear_error(response) -> bool:
    text = response.get_data(as_text=True)
    return any(mark in text for mark in ("error-summary", "error-message", "error-code"))


def check(client, url: str, token: str, fields: dict, failures: list[str], endpoint: str):
    before = table_rows(skip=COUNTERS)
    data = {**fields, "csrf_token": token}
    response = client.post(url, data=data, content_type="multipart/form-data")
    status = response.status_code
    shown_again = status == 200 and "error-summary" in response.get_data(as_text=True)
    if status >= 500:
        failures.append(f"{endpoint} {url}: {status} with {_short(fields)}")
    elif status >= 400 and not is_clear_error(response):
        failures.append(f"{endpoint} {url}: {status} without a message, {_short(fields)}")
    elif (status >= 400 or shown_again) and table_rows(skip=COUNTERS) != before:
        failures.append(f"{endpoint} {url}: refused ({status}) but saved, {_short(fields)}")


def _short(fields: dict) -> str:
    return repr(
        {k: (v[:40] if isinstance(v, str) else type(v).__name__) for k, v in fields.items()}
    )


#: Submissions tried per route in this run (``pytest -rP`` prints them).
TRIED: dict[str, int] = {}


def fuzz_route(client, url: str, names: list[str], token: str, endpoint: str) -> list[str]:
    failures: list[str] = []

    @FUZZ
    @given(field_values(names))
    def submit(fields):
        TRIED[endpoint] = TRIED.get(endpoint, 0) + 1
        check(client, url, token, fields, failures, endpoint)

    submit()
    return failures


def report_tried(endpoints) -> None:
    tried = {e: TRIED.get(e, 0) for e in endpoints}
    print(f"fuzzed {len(tried)} routes, {sum(tried.values())} submissions: {tried}")


@pytest.mark.app_config(**LIMITS_OFF)
def test_no_staff_form_gives_a_500_or_saves_half_a_submission(app, client, auth):
    other = make_user("reader", "someone-else")
    auth.become("admin")  # allowed on every staff route
    routes = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in SKIPPED:
            continue
        if rule.endpoint.split(".")[0] in ("panel", "budget", "input"):
            continue  # residents' forms: the next test, with residents' keys
        with app.test_request_context():
            url = url_for(rule.endpoint, **sample_arguments(rule, other))
        routes.append((rule.endpoint, url, "GET" in rule.methods))
    pages = {}
    for _endpoint, url, has_page in routes:
        if has_page:
            pages[url] = form_fields(client.get(url).get_data(as_text=True))
    every_name = sorted({n for forms in pages.values() for f in forms.values() for n in f})
    token = csrf_token(client)
    failures = []
    for endpoint, url, _ in routes:
        names = pages.get(url, {}).get("") or _posted_to(pages, url) or every_name[:30]
        failures += fuzz_route(client, url, names, token, endpoint)
        auth.become("admin")
    report_tried(e for e, _, _ in routes)
    assert len(routes) > 40
    assert not failures, "\n".join(failures[:20])


def _posted_to(pages: dict, url: str) -> list[str]:
    for forms in pages.values():
        if url in forms:
            return forms[url]
    return []


RESIDENT_FORMS = {
    "auth.login": lambda r: ("/auth/login", None),
    "input.form": lambda r: (f"/input/{r.topic_slug}", None),
    "panel.code": lambda r: ("/p/code", None),
    "panel.join": lambda r: (f"/p/{r.panel_a.id}/join/{r.panel_a.invitation_token}", None),
    "panel.open_call": lambda r: (f"/p/{r.panel_a.id}/open/{r.panel_a.open_token}", None),
    "panel.vote": lambda r: (f"/p/{r.panel_a.id}/me/{r.panel_a.member_token}/vote", None),
    "panel.checkin": lambda r: (
        f"/p/{r.panel_a.id}/check-in/{r.panel_a.checkin_token}",
        {"panel_members": {str(r.panel_a.id): r.panel_a.member_token}},
    ),
    "budget.apply": lambda r: (f"/budsjett/{r.applying.slug}/soknad", None),
    "budget.vote": lambda r: (f"/budsjett/{r.voting_a.slug}/stem", None),
    "budget.ballot": lambda r: (
        f"/budsjett/{r.voting_a.slug}/stemmeseddel",
        {"budget_codes": {str(r.voting_a.id): r.voting_a.code_id}},
    ),
    "budget.why": lambda r: (f"/budsjett/{r.published_a.slug}/hvorfor", None),
    "budget.join": lambda r: ("/budsjett/bli-med", None),
    "budget.group": lambda r: (
        f"/budsjett/{r.group_a.slug}/gruppe",
        {"budget_members": {str(r.group_a.id): r.group_a.member_id}},
    ),
    "budget.comment": lambda r: (
        f"/budsjett/{r.group_a.slug}/gruppe/{r.group_a.proposal_id}/kommentar",
        {"budget_members": {str(r.group_a.id): r.group_a.member_id}},
    ),
}


@pytest.mark.app_config(**LIMITS_OFF)
def test_no_resident_form_gives_a_500_or_saves_half_a_submission(app, client):
    residents = build_residents()
    resident_posts = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint.split(".")[0] in ("panel", "budget", "input")
    }
    assert resident_posts <= set(RESIDENT_FORMS), resident_posts - set(RESIDENT_FORMS)
    failures = []
    for endpoint, where in RESIDENT_FORMS.items():
        url, session = where(residents)
        if session:
            with client.session_transaction() as stored:
                stored.update(session)
        page = f"/budsjett/{residents.group_a.slug}/gruppe" if endpoint == "budget.comment" else url
        forms = form_fields(client.get(page).get_data(as_text=True))
        names = forms.get("") or forms.get(url) or next(iter(forms.values()), [])
        if endpoint == "budget.ballot":
            names += [
                f"points-{residents.voting_a.proposal_id}",
                f"rank-{residents.voting_a.proposal_id}",
            ]
        failures += fuzz_route(client, url, names, csrf_token(client), endpoint)
    report_tried(RESIDENT_FORMS)
    assert not failures, "\n".join(failures[:20])


DATABASE_INT_MAX = 2**31 - 1  # PostgreSQL ``integer``; SQLite fails beyond 2**63 - 1


def _form_classes() -> list[type]:
    """Every form class of the app (forms built per panel at request time are built from
    fields declared here too)."""
    from flask_wtf import FlaskForm

    import budgeting.forms
    import panels.forms
    import taxonomy.forms

    assert budgeting.forms and panels.forms and taxonomy.forms
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_whole_number_field_has_an_upper_bound_the_database_can_hold(app):
    """A number too large for the column would be accepted by the form and crash the insert."""
    from wtforms import IntegerField
    from wtforms.fields.core import UnboundField
    from wtforms.validators import NumberRange

    unbounded = []
    for cls in _form_classes():
        for name in dir(cls):
            field = getattr(cls, name, None)
            if not isinstance(field, UnboundField) or not issubclass(
                field.field_class, IntegerField
            ):
                continue
            validators = field.kwargs.get("validators") or (
                field.args[1] if len(field.args) > 1 else []
            )
            maxima = [v.max for v in validators if isinstance(v, NumberRange) and v.max is not None]
            if not maxima or max(maxima) > DATABASE_INT_MAX:
                unbounded.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert not unbounded, "\n".join(unbounded)
