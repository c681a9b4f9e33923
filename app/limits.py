"""Slowing down guessing and flooding by residents' clients, shared by every feature.

Attempts are counted per client as a keyed hash of its address (``client_fingerprint``, one
purpose per counter, so counters cannot be linked to each other or to an address) in a table
that keeps each row for the window only. Two counters use it:

- wrong resident codes (panel letter and check-in codes, budgeting voter and youth-group codes,
  application receipts): one counter for all of them, so a guesser cannot spread guesses over
  code types; ``CODE_MAX_WRONG_PER_HOUR`` wrong codes per hour, then every code entry refuses
  with 429 until the hour has passed;
- public form submissions (panel sign-up, applications to a budgeting round):
  ``PUBLIC_FORM_MAX_PER_HOUR`` per client per hour.

The taxonomy input form keeps its own table (``InputSubmission``) but counts through
``too_many``/``record`` as well."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from .accounts import client_fingerprint
from .extensions import db
from .models import CodeAttempt, utcnow

HOUR = timedelta(hours=1)
WRONG_CODE = "resident-code"
PUBLIC_FORM = "public-form"


def client_address() -> str:
    return request.remote_addr or ""


def too_many(purpose: str, limit: int, window: timedelta = HOUR, model=CodeAttempt) -> bool:
    """Has this request's client reached ``limit`` attempts of ``purpose`` within ``window``?
    Rows older than the window are deleted on the way (the caller commits)."""
    since = utcnow() - window
    db.session.execute(delete(model).where(model.at < since))
    client = client_fingerprint(client_address(), purpose)
    count = db.session.scalar(
        select(func.count(model.id)).where(model.client == client, model.at >= since)
    )
    return count >= limit


def record(purpose: str, model=CodeAttempt) -> None:
    """Count one attempt of ``purpose`` for this request's client (the caller commits)."""
    db.session.add(model(client=client_fingerprint(client_address(), purpose)))


def code_guessing_blocked() -> bool:
    """Has this client typed too many wrong resident codes in the last hour?"""
    return too_many(WRONG_CODE, int(current_app.config["CODE_MAX_WRONG_PER_HOUR"]))


def record_wrong_code() -> None:
    """Count a wrong resident code and commit at once: the refusal that follows may roll back
    the request's other work, but the guess must still count."""
    record(WRONG_CODE)
    db.session.commit()


def public_form_blocked() -> bool:
    """Has this client sent too many public forms (sign-ups, applications) in the last hour?"""
    return too_many(PUBLIC_FORM, int(current_app.config["PUBLIC_FORM_MAX_PER_HOUR"]))


def record_public_form() -> None:
    record(PUBLIC_FORM)


def wrong_code_message() -> str:
    return _("Too many wrong codes from this connection. Wait an hour and try again.")


def public_form_message() -> str:
    return _("We have received many forms from this connection in a short time. Try again later.")
