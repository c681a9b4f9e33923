"""Staff accounts: creating them and checking a login attempt, with rate limiting.

Plain functions used by the login view and by ``flask user create``."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select

from . import audit
from .extensions import db
from .models import ROLES, LoginFailure, User, utcnow

MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """A refused account operation; ``code`` is translated by the caller."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def create_user(username: str, password: str, role: str, name: str = "") -> User:
    if role not in ROLES:
        raise AccountError("account.unknown_role", role=role)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("account.password_too_short", minimum=MIN_PASSWORD_LENGTH)
    if db.session.scalar(select(User).where(func.lower(User.username) == username.lower())):
        raise AccountError("account.username_taken", username=username)
    user = User(username=username, name=name, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", user, username=username, role=role)
    return user


@dataclass
class LoginOutcome:
    user: User | None
    locked_out: bool = False


def client_fingerprint(address: str, purpose: str = "login") -> str:
    """A keyed hash of a client address, for counting attempts (logins, public forms, typed
    codes) without storing the address. ``purpose`` keeps the counters of different features
    from being linkable to each other."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}:{address}".encode(), hashlib.sha256).hexdigest()[:32]


def attempt_login(username: str, password: str, client_address: str) -> LoginOutcome:
    """Check a password, refusing early when this account or client failed too often lately."""
    window = timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    since = utcnow() - window
    client = client_fingerprint(client_address)
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < since))
    recent = db.session.scalar(
        select(func.count(LoginFailure.id)).where(
            LoginFailure.at >= since,
            or_(LoginFailure.username == username.lower(), LoginFailure.client == client),
        )
    )
    if recent >= current_app.config["LOGIN_MAX_FAILURES"]:
        db.session.commit()
        return LoginOutcome(user=None, locked_out=True)

    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None or not user.active or not user.check_password(password):
        db.session.add(LoginFailure(username=username.lower()[:80], client=client))
        db.session.commit()
        return LoginOutcome(user=None)

    user.last_login_at = utcnow()
    audit.record("user.login", user, actor=user)
    db.session.commit()
    return LoginOutcome(user=user)
