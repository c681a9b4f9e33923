"""Residents' pages (blueprint ``panel``, no account: the letter's token or code is the key):
typing the letter's code, signing up from a letter or the open-call poster, the personal status
page with sessions and expert inputs, support votes, check-in at the venue, and the public
record of each lottery's commitment and seed. A token only works under its own panel."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import limits
from app.extensions import db
from app.forms import submission_key
from app.i18n import current_language

from . import deliberation, services
from .forms import (
    CheckinForm,
    CodeForm,
    OneTapCheckinForm,
    signup_answers,
    signup_form,
    vote_form,
)
from .messages import message
from .models import Invitation, Panel, PanelSession, SelectionRun, Volunteer
from .services import PanelError
from .views_deliberation import send_input

public_bp = Blueprint("panel", __name__, url_prefix="/p")


def get_panel(panel_id: int) -> Panel:
    return db.session.get(Panel, panel_id) or abort(404)


def member_or_404(panel: Panel, token: str):
    volunteer = services.volunteer_by_token(panel, token)
    if volunteer is None or volunteer.personal_data_deleted_at is not None:
        abort(404)
    return volunteer


@public_bp.route("/code", methods=["GET", "POST"])
def code():
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        invitation = None
        if limits.code_guessing_blocked():
            form.form_errors.append(message("code.too_many_wrong"))
            status = 429
        else:
            invitation = db.session.scalar(
                select(Invitation).where(
                    Invitation.short_code == services.normalise_code(form.code.data)
                )
            )
            if invitation is None:
                limits.record_wrong_code()
                form.code.errors = [message("checkin.unknown_code")]
                status = 400
        db.session.commit()
        if invitation is not None:
            return redirect(
                url_for("panel.join", panel_id=invitation.panel_id, token=invitation.token)
            )
    elif form.is_submitted():
        status = 400
    return render_template("panels/public/code.html", form=form), status


def _to_personal_page(panel: Panel, volunteer: Volunteer):
    return redirect(url_for("panel.status", panel_id=panel.id, token=volunteer.access_token))


def _signup(panel: Panel, invitation: Invitation | None):
    if invitation is not None and invitation.volunteer is not None:
        return render_template(
            "panels/public/message.html",
            panel=panel,
            title=_("Already signed up"),
            text=message("signup.already_used"),
        )
    if not services.signup_open(panel):
        return render_template(
            "panels/public/message.html",
            panel=panel,
            title=_("Sign-up is closed"),
            text=message("signup.closed"),
        )
    form = signup_form(panel)
    status = 200
    if form.validate_on_submit() and limits.public_form_blocked():
        db.session.commit()
        form.form_errors.append(limits.public_form_message())
        status = 429
    elif form.is_submitted() and not form.errors:
        answers = signup_answers(panel, form, current_language())
        key = submission_key(form.submission.data)
        volunteer = services.volunteer_by_submission(panel, key)
        if volunteer is not None:
            # This form was stored before (a resend after a lost answer, or a double click)
            return _to_personal_page(panel, volunteer)
        try:
            volunteer = services.sign_up(panel, answers, invitation, key)
            limits.record_public_form()
            db.session.commit()
        except PanelError as error:
            db.session.rollback()
            form.form_errors.append(message(error.code, error.params))
            status = 400
        except IntegrityError:
            # The same form or letter was sent from two devices at once and the other one was
            # first (PostgreSQL refuses at the flush in sign_up, SQLite at the commit).
            db.session.rollback()
            volunteer = services.volunteer_by_submission(panel, key)
            if volunteer is not None:
                return _to_personal_page(panel, volunteer)
            return render_template(
                "panels/public/message.html",
                panel=panel,
                title=_("Already signed up"),
                text=message("signup.already_used"),
            ), 409
        else:
            flash(
                _(
                    "Thank you! You are signed up. Keep this page's address: it is your personal link."
                ),
                "success",
            )
            return _to_personal_page(panel, volunteer)
    elif form.is_submitted():
        status = 400
    return render_template(
        "panels/public/signup.html",
        panel=panel,
        form=form,
        questions=[form[f"q{i}"] for i in range(len(panel.categories))],
        deletion_date=services.deletion_date(panel),
        open_call=invitation is None,
    ), status


@public_bp.route("/<int:panel_id>/join/<token>", methods=["GET", "POST"])
def join(panel_id: int, token: str):
    panel = get_panel(panel_id)
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.panel_id == panel.id, Invitation.token == token)
    )
    if invitation is None:
        abort(404)
    return _signup(panel, invitation)


@public_bp.route("/<int:panel_id>/open/<token>", methods=["GET", "POST"])
def open_call(panel_id: int, token: str):
    panel = get_panel(panel_id)
    if token != panel.open_call_token:
        abort(404)
    return _signup(panel, None)


@public_bp.route("/<int:panel_id>/me/<token>")
def status(panel_id: int, token: str):
    panel = get_panel(panel_id)
    volunteer = member_or_404(panel, token)
    # Remembered so that scanning the venue's QR code on this phone checks in with one tap.
    members = dict(session.get("panel_members", {}))
    members[str(panel.id)] = token
    session["panel_members"] = members
    voting = [r for r in panel.recommendations if r.voting_open]
    return render_template(
        "panels/public/status.html",
        panel=panel,
        volunteer=volunteer,
        sessions=panel.sessions if volunteer.status == "selected" else [],
        voting=voting if volunteer.status == "selected" else [],
    )


@public_bp.route("/<int:panel_id>/me/<token>/vote", methods=["GET", "POST"])
def vote(panel_id: int, token: str):
    panel = get_panel(panel_id)
    volunteer = member_or_404(panel, token)
    if volunteer.status != "selected":
        abort(404)
    recommendations = [r for r in panel.recommendations if r.voting_open]
    form = vote_form(recommendations)
    if not form.is_submitted():
        for vote_ in (v for r in recommendations for v in r.votes):
            if vote_.volunteer_id == volunteer.id:
                form[f"r{vote_.recommendation_id}"].data = str(vote_.score)
    status_code = 200
    if form.validate_on_submit():
        try:
            for rec in recommendations:
                # Optional() lets a blank answer (even " ") through unchecked: it means no vote.
                chosen = (form[f"r{rec.id}"].data or "").strip()
                if chosen not in ("", "None"):
                    deliberation.cast_support(rec, volunteer, int(chosen))
        except PanelError as error:
            db.session.rollback()
            form.form_errors.append(message(error.code, error.params))
            status_code = 400
        else:
            db.session.commit()
            flash(_("Your votes are saved. You can change them while voting is open."), "success")
            return redirect(url_for("panel.status", panel_id=panel.id, token=token))
    elif form.is_submitted():
        status_code = 400
    return render_template(
        "panels/public/vote.html",
        panel=panel,
        volunteer=volunteer,
        form=form,
        questions=[(rec, form[f"r{rec.id}"]) for rec in recommendations],
    ), status_code


@public_bp.route("/<int:panel_id>/me/<token>/inputs/<int:input_id>")
def member_input(panel_id: int, token: str, input_id: int):
    panel = get_panel(panel_id)
    if member_or_404(panel, token).status != "selected":
        abort(404)
    return send_input(panel, input_id)


@public_bp.route("/<int:panel_id>/check-in/<token>", methods=["GET", "POST"])
def checkin(panel_id: int, token: str):
    panel = get_panel(panel_id)
    session_ = db.session.scalar(
        select(PanelSession).where(
            PanelSession.panel_id == panel.id, PanelSession.checkin_token == token
        )
    )
    if session_ is None:
        abort(404)
    known = services.volunteer_by_token(
        panel, session.get("panel_members", {}).get(str(panel.id), "")
    )
    if known is not None and known.status != "selected":
        known = None
    form, one_tap = CheckinForm(), OneTapCheckinForm(prefix="tap")
    status_code, done = 200, False
    if known is not None and one_tap.me.data and one_tap.validate_on_submit():
        deliberation.check_in_member(session_, known, "qr")
        db.session.commit()
        done = True
    elif form.validate_on_submit():
        status_code, done = _typed_check_in(session_, form)
    elif form.is_submitted():
        status_code = 400
    return render_template(
        "panels/public/checkin.html",
        panel=panel,
        session=session_,
        form=form,
        done=done,
        known=known,
        one_tap=one_tap,
    ), status_code


def _typed_check_in(session_: PanelSession, form: CheckinForm) -> tuple[int, bool]:
    """Check in with a typed personal code; wrong codes count towards the guessing limit."""
    if limits.code_guessing_blocked():
        db.session.commit()
        form.form_errors.append(message("code.too_many_wrong"))
        return 429, False
    try:
        deliberation.check_in(session_, form.code.data)
    except PanelError as error:
        db.session.rollback()
        if error.code == "checkin.unknown_code":
            limits.record_wrong_code()
        form.code.errors = [message(error.code, error.params)]
        return 400, False
    db.session.commit()
    return 200, True


@public_bp.route("/<int:panel_id>/lottery")
def lottery(panel_id: int):
    panel = get_panel(panel_id)
    runs = db.session.scalars(
        select(SelectionRun)
        .where(SelectionRun.panel_id == panel.id, SelectionRun.committed_at.is_not(None))
        .order_by(SelectionRun.id)
    ).all()
    return render_template("panels/public/lottery.html", panel=panel, runs=runs)
