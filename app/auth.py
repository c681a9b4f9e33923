"""Login, logout and the role checks every staff route uses."""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from .accounts import attempt_login
from .extensions import db
from .forms import LoginForm
from .models import User

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.before_app_request
def load_logged_in_user() -> None:
    user_id = session.get("user_id")
    user = db.session.get(User, user_id) if user_id is not None else None
    g.user = user if user is not None and user.active else None


def login_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(**kwargs)

    return wrapped


def roles_required(*roles: str) -> Callable[[Callable], Callable]:
    """Allow staff with one of ``roles``; administrators are always allowed."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(**kwargs):
            if g.user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if g.user.role != "admin" and g.user.role not in roles:
                abort(403)
            return view(**kwargs)

        wrapped.allowed_roles = ("admin", *roles)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def safe_next(target: str | None) -> str:
    """Follow ``next`` only to a path on this site, never to another host."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
        ):
            return target
    return url_for("main.staff")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        outcome = attempt_login(form.username.data, form.password.data, request.remote_addr or "")
        if outcome.locked_out:
            form.form_errors.append(
                _(
                    "Too many failed attempts. Wait 15 minutes and try again, or ask an administrator."
                )
            )
            status = 429
        elif outcome.user is None:
            form.form_errors.append(_("The username or password is wrong."))
            status = 401
        else:
            session.clear()
            session["user_id"] = outcome.user.id
            session.permanent = True
            flash(_("You are logged in."), "success")
            return redirect(safe_next(request.args.get("next")))
    elif form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("main.index"))
