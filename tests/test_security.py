"""Security defaults: CSRF on every form, security headers, translated error pages."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD, make_user


def test_every_response_carries_a_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_security_headers_are_set(client):
    headers = client.get("/").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_a_form_posted_without_csrf_token_is_refused_and_nothing_happens(client):
    make_user("admin")
    response = client.post(
        "/auth/login?lang=en", data={"username": "test-admin", "password": TEST_PASSWORD}
    )
    assert response.status_code == 400
    assert "The form has expired" in response.text
    with client.session_transaction() as session:
        assert "user_id" not in session


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_every_form_page_embeds_a_csrf_token(client, auth):
    assert 'name="csrf_token"' in client.get("/auth/login").text
    auth.become("admin")
    make_user("coder")
    page = client.get("/admin/users").text
    assert page.count('name="csrf_token"') >= 3  # create form, a toggle per other user, logout


def test_unknown_page_gives_a_translated_404(client):
    assert "Fant ikke siden" in client.get("/finnes-ikke").text
    response = client.get("/does-not-exist?lang=en")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_wrong_role_gives_a_translated_403(client, auth):
    auth.become("coder")
    response = client.get("/admin/users?lang=en")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.text


def test_a_crash_gives_a_translated_500_page(database_url):
    from app import create_app
    from tests.conftest import settings_for_tests

    app = create_app(settings_for_tests(database_url, PROPAGATE_EXCEPTIONS=False))

    @app.route("/boom")
    def boom():
        raise RuntimeError("simulated failure")

    response = app.test_client().get("/boom?lang=en")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "simulated failure" not in response.text


def test_a_lost_database_connection_asks_to_send_again_with_503(database_url):
    from sqlalchemy.exc import OperationalError

    from app import create_app
    from tests.conftest import settings_for_tests

    app = create_app(settings_for_tests(database_url, PROPAGATE_EXCEPTIONS=False))

    @app.route("/db-gone")
    def db_gone():
        raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))

    response = app.test_client().get("/db-gone?lang=en")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "Nothing you sent was saved by this request" in response.text
    assert "server closed" not in response.text


def test_a_connection_lost_after_the_answer_was_made_does_not_turn_it_into_a_500(
    database_url, monkeypatch
):
    """PostgreSQL terminating the connection between the answer and the end of the request
    made the teardown's rollback raise, and gunicorn answered 500 (seen in bench/load.py)."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    from app import create_app
    from app.extensions import db
    from tests.conftest import settings_for_tests

    app = create_app(settings_for_tests(database_url))

    @app.route("/answered")
    def answered():
        return str(db.session.execute(text("SELECT 41 + 1")).scalar())

    close = Session.close
    failures = []

    def terminated(self):
        if not failures:
            failures.append(self)
            raise OperationalError("ROLLBACK", {}, ConnectionError("terminating connection"))
        return close(self)

    monkeypatch.setattr(Session, "close", terminated)
    client = app.test_client()
    response = client.get("/answered")
    assert failures, "the simulated loss did not happen"
    assert response.status_code == 200 and response.text == "42"
    assert client.get("/answered").text == "42"
