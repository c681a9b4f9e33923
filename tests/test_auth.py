"""Staff login and logout, password hashing, role checks and login rate limiting."""

from __future__ import annotations

import pytest

from app.accounts import AccountError, create_user
from app.extensions import db
from app.models import AuditEvent, User
from tests.conftest import TEST_PASSWORD, make_user


def test_passwords_are_stored_hashed_never_in_clear(app):
    user = make_user("coder")
    assert TEST_PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert user.check_password(TEST_PASSWORD)
    assert not user.check_password("wrong password!")


def test_login_with_correct_password_reaches_the_staff_page(client, auth):
    response = auth.login("facilitator")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff")
    page = client.get("/staff?lang=en")
    assert "test-facilitator" in page.text or "Test facilitator" in page.text


def test_login_is_audited(app, auth):
    auth.login("coder")
    assert db.session.query(AuditEvent).filter_by(action="user.login").count() == 1


def test_wrong_password_is_refused_with_a_translated_message(client, auth):
    make_user("reader")
    response = client.post(
        "/auth/login?lang=nb", data={"username": "test-reader", "password": "not the password"}
    )
    assert response.status_code == 401
    assert "Brukernavnet eller passordet er feil." in response.text
    with client.session_transaction() as session:
        assert "user_id" not in session


def test_empty_login_form_lists_each_missing_field_in_the_error_summary(client):
    response = client.post("/auth/login?lang=en", data={"username": "", "password": ""})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.text
    assert 'href="#username"' in response.text and "Enter your username." in response.text
    assert 'href="#password"' in response.text and "Enter your password." in response.text
    assert 'aria-invalid="true"' in response.text


def test_deactivated_staff_cannot_log_in(client):
    user = make_user("coder")
    user.active = False
    db.session.commit()
    response = client.post(
        "/auth/login", data={"username": "test-coder", "password": TEST_PASSWORD}
    )
    assert response.status_code == 401


@pytest.mark.app_config(LOGIN_MAX_FAILURES=3)
def test_repeated_failures_lock_the_account_even_for_the_right_password(client):
    make_user("admin")
    for _ in range(3):
        client.post("/auth/login", data={"username": "test-admin", "password": "guess guess"})
    response = client.post(
        "/auth/login?lang=en", data={"username": "test-admin", "password": TEST_PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many failed attempts" in response.text


def test_next_parameter_never_leads_to_another_site(client):
    make_user("admin")
    response = client.post(
        "/auth/login?next=https://evil.example/",
        data={"username": "test-admin", "password": TEST_PASSWORD},
    )
    assert response.headers["Location"] == "/staff"


def test_next_parameter_returns_to_the_page_that_asked_for_login(client):
    make_user("admin")
    response = client.post(
        "/auth/login?next=/admin/users", data={"username": "test-admin", "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/admin/users"


def test_logout_forgets_the_user(client, auth):
    auth.login("reader")
    auth.logout()
    assert client.get("/staff").status_code == 302


def test_admin_creates_an_account_that_can_log_in(client, auth):
    auth.login("admin")
    response = client.post(
        "/admin/users",
        data={
            "username": "kari",
            "name": "Kari Nordmann",
            "role": "facilitator",
            "password": "a long enough password",
            "confirm": "a long enough password",
        },
    )
    assert response.status_code == 302
    kari = db.session.query(User).filter_by(username="kari").one()
    assert kari.role == "facilitator"
    assert db.session.query(AuditEvent).filter_by(action="user.created").count() >= 1


def test_account_form_keeps_what_was_typed_when_a_field_is_wrong(client, auth):
    auth.login("admin")
    response = client.post(
        "/admin/users?lang=en",
        data={
            "username": "kari",
            "name": "Kari Nordmann",
            "role": "coder",
            "password": "short",
            "confirm": "short",
        },
    )
    assert response.status_code == 400
    assert "A password must have at least 12 characters." in response.text
    assert 'value="Kari Nordmann"' in response.text
    assert db.session.query(User).filter_by(username="kari").count() == 0


def test_admin_can_deactivate_another_account_but_not_their_own(client, auth):
    admin = auth.become("admin")
    other = make_user("coder")
    client.post(f"/admin/users/{other.id}/active")
    db.session.refresh(other)
    assert other.active is False
    client.post(f"/admin/users/{admin.id}/active")
    db.session.refresh(admin)
    assert admin.active is True


def test_usernames_are_unique_regardless_of_case(app):
    create_user("Ola", "twelve chars!!", "coder")
    with pytest.raises(AccountError) as error:
        create_user("ola", "twelve chars!!", "reader")
    assert error.value.code == "account.username_taken"
