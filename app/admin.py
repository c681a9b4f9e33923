"""Administration: staff accounts and the audit trail (administrators only)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select

from . import audit
from .accounts import AccountError, create_user
from .auth import roles_required
from .extensions import db
from .forms import ROLE_LABELS, UserForm
from .models import AuditEvent, User

bp = Blueprint("admin", __name__, url_prefix="/admin")

AUDIT_PAGE_SIZE = 100


@bp.route("/users", methods=["GET", "POST"])
@roles_required("admin")
def users():
    form = UserForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = create_user(
                form.username.data.strip(),
                form.password.data,
                form.role.data,
                form.name.data.strip(),
            )
        except AccountError as error:
            if error.code == "account.username_taken":
                form.username.errors.append(_("That username is already taken."))
            else:
                form.form_errors.append(_("The account could not be created."))
            db.session.rollback()
            status = 400
        else:
            db.session.commit()
            flash(_("Account %(username)s created.", username=user.username), "success")
            return redirect(url_for("admin.users"))
    elif form.is_submitted():
        status = 400
    accounts = db.session.scalars(select(User).order_by(User.username)).all()
    return (
        render_template(
            "admin/users.html",
            form=form,
            accounts=accounts,
            role_labels=ROLE_LABELS,
            toggle_form=FlaskForm(),
        ),
        status,
    )


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required("admin")
def toggle_active(user_id: int):
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    user = db.session.get(User, user_id) or abort(404)
    if user.id == g.user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("admin.users"))
    user.active = not user.active
    audit.record("user.activated" if user.active else "user.deactivated", user)
    db.session.commit()
    flash(_("Account %(username)s updated.", username=user.username), "success")
    return redirect(url_for("admin.users"))


@bp.route("/audit")
@roles_required("admin")
def audit_log():
    events = db.session.scalars(
        select(AuditEvent)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(AUDIT_PAGE_SIZE)
    ).all()
    return render_template("admin/audit.html", events=events)
