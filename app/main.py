"""Public front page and the staff start page."""

from __future__ import annotations

from flask import Blueprint, g, render_template
from sqlalchemy import select

from .auth import login_required
from .extensions import db
from .models import Neighbourhood

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    areas = db.session.scalars(
        select(Neighbourhood)
        .where(Neighbourhood.parent_id.is_(None))
        .order_by(Neighbourhood.sort_order, Neighbourhood.name)
    ).all()
    return render_template("main/index.html", areas=areas)


@bp.route("/staff")
@login_required
def staff():
    return render_template("main/staff.html", user=g.user)


@bp.route("/healthz")
def health():
    db.session.execute(select(1))
    return {"status": "ok"}
