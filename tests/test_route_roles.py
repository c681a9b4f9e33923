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
}

ACTORS = ("anonymous", *ROLES)


def sample_arguments(rule, other_user: User) -> dict:
    samples = {"filename": "tinget.css", "user_id": other_user.id}
    missing = [name for name in rule.arguments if name not in samples]
    assert not missing, f"add sample values for {missing} (route {rule.rule})"
    return {name: samples[name] for name in rule.arguments}


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
