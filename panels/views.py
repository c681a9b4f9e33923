"""Staff pages of the panels feature (blueprint ``panels``): creating a panel, the register,
letters and the open-call poster, selection with commitment and draw, members with drop-outs
and replacements, deliberation and the final report. Views parse, call a service, render."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.auth import roles_required
from app.extensions import db
from taxonomy.posters import qr_svg

from . import deliberation, privacy, selection, services
from .forms import (
    ACCESS_LABELS,
    PHASE_LABELS,
    PHASE_STATUS_LABELS,
    STATUS_LABELS,
    SUPPORT_LABELS,
    ButtonForm,
    PanelForm,
    RegisterForm,
    signup_answers,
    signup_form,
)
from .messages import message
from .models import Invitation, Panel, SelectionRun
from .panel_form import area_choices, panel_spec, prefill_quotas
from .register import RegisterFileError
from .services import PanelError

bp = Blueprint("panels", __name__, url_prefix="/panels")

FACILITATOR = ("facilitator",)
RUN_STATUS_LABELS = {
    "queued": _l("Waiting to start"),
    "running": _l("Computing fair probabilities…"),
    "ready": _l("Ready: publish the commitment"),
    "failed": _l("The lottery could not be computed"),
    "committed": _l("Commitment published: waiting for the public seed"),
    "drawn": _l("Drawn"),
    "discarded": _l("Set aside before its commitment was published"),
}


@bp.app_context_processor
def panel_labels() -> dict:
    return {
        "status_label": lambda key: STATUS_LABELS.get(key, key),
        "phase_label": lambda key: PHASE_LABELS.get(key, key),
        "phase_status_label": lambda key: PHASE_STATUS_LABELS.get(key, key),
        "run_status_label": lambda key: RUN_STATUS_LABELS.get(key, key),
        "support_labels": list(SUPPORT_LABELS.items()),
    }


@bp.app_template_filter("access_label")
def access_label(key: str) -> str:
    return str(ACCESS_LABELS.get(key, key))


def get_panel(panel_id: int) -> Panel:
    return db.session.get(Panel, panel_id) or abort(404)


def owned(model, object_id: int, panel: Panel):
    """An object of ``panel``; ids from another panel are not found."""
    obj = db.session.get(model, object_id)
    if obj is None or obj.panel_id != panel.id:
        abort(404)
    return obj


def refused(error: PanelError) -> None:
    flash(message(error.code, error.params), "error")


@bp.route("/")
@roles_required("facilitator", "reader")
def index():
    panels = db.session.scalars(select(Panel).order_by(Panel.created_at.desc())).all()
    return render_template("panels/index.html", panels=panels)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*FACILITATOR)
def new():
    form = PanelForm()
    form.neighbourhood.choices = area_choices()
    status, problems, suggestions = 200, [], []
    if form.is_submitted() and form.compute.data:
        # Only compute and show the rounding; nothing is saved and nothing typed is lost.
        suggestions, problems = prefill_quotas(form)
        status = 400 if problems else 200
    elif form.validate_on_submit():
        spec, problems = panel_spec(form)
        if not problems:
            panel = services.create_panel(spec, g.user)
            db.session.commit()
            flash(_("Panel created. Import the household register next."), "success")
            return redirect(url_for("panels.detail", panel_id=panel.id))
        status = 400
    elif form.is_submitted():
        status = 400
    if problems:
        form.form_errors.append(_("Nothing was saved. Correct the lines listed below."))
    return render_template(
        "panels/new.html", form=form, problems=problems, suggestions=suggestions
    ), status


@bp.route("/<int:panel_id>")
@roles_required(*FACILITATOR)
def detail(panel_id: int):
    panel = get_panel(panel_id)
    counts = {
        "households": len(panel_households(panel)),
        "invitations": db.session.query(Invitation).filter_by(panel_id=panel.id).count(),
        "printed": db.session.query(Invitation)
        .filter(Invitation.panel_id == panel.id, Invitation.printed_at.is_not(None))
        .count(),
        "lottery": sum(1 for v in panel.volunteers if v.source == "lottery"),
        "open_call": sum(1 for v in panel.volunteers if v.source == "open_call"),
        "pool": len(services.pool_members(panel)),
    }
    return render_template(
        "panels/detail.html",
        panel=panel,
        counts=counts,
        button=ButtonForm(),
        run=selection.current_run(panel),
        deletion_date=privacy.due_date(panel),
    )


def panel_households(panel: Panel):
    from .models import RegisterHousehold

    return db.session.scalars(
        select(RegisterHousehold.id).where(RegisterHousehold.panel_id == panel.id)
    ).all()


@bp.route("/<int:panel_id>/register", methods=["GET", "POST"])
@roles_required(*FACILITATOR)
def register(panel_id: int):
    panel = get_panel(panel_id)
    form = RegisterForm()
    status, result = 200, None
    if form.validate_on_submit():
        try:
            result = services.import_register(panel, form.file.data.read())
        except RegisterFileError as error:
            form.file.errors = [message(error.code, error.params)]
            status = 400
        except PanelError as error:
            form.form_errors.append(message(error.code, error.params))
            status = 400
        else:
            db.session.commit()
            flash(
                _("%(count)d households imported.", count=len(result.households)),
                "success",
            )
    elif form.is_submitted():
        status = 400
    return render_template(
        "panels/register.html", panel=panel, form=form, result=result, message=message
    ), status


@bp.route("/<int:panel_id>/stage1", methods=["POST"])
@roles_required(*FACILITATOR)
def stage1(panel_id: int):
    panel = get_panel(panel_id)
    if ButtonForm().validate_on_submit():
        try:
            invitations = services.run_stage1(panel, g.user)
        except PanelError as error:
            db.session.rollback()
            refused(error)
        else:
            db.session.commit()
            flash(_("%(count)d letters drawn.", count=len(invitations)), "success")
    return redirect(url_for("panels.detail", panel_id=panel.id))


LETTERS_PER_BATCH = 100  # each letter's QR code takes ~20 ms to draw; keep pages quick


@bp.route("/<int:panel_id>/letters")
@roles_required(*FACILITATOR)
def letters(panel_id: int):
    panel = get_panel(panel_id)
    total = db.session.scalar(
        select(func.count(Invitation.id)).where(Invitation.panel_id == panel.id)
    )
    batches = max(1, -(-total // LETTERS_PER_BATCH))
    batch = min(max(request.args.get("batch", 1, type=int), 1), batches)
    invitations = db.session.scalars(
        select(Invitation)
        .where(Invitation.panel_id == panel.id)
        .order_by(Invitation.id)
        .offset((batch - 1) * LETTERS_PER_BATCH)
        .limit(LETTERS_PER_BATCH)
    ).all()
    letters_ = []
    for invitation in invitations:
        url = url_for("panel.join", panel_id=panel.id, token=invitation.token, _external=True)
        letters_.append((invitation, url, qr_svg(url, "QR-kode til påmeldingen")))
    services.mark_printed(invitations)
    db.session.commit()
    # Letters go out in Bokmål whatever language the facilitator reads the site in.
    with force_locale("nb"):
        # The paper reply asks what the web form asks, so staff type it in with the same form.
        reply = signup_form(panel)
        return render_template(
            "panels/letters.html",
            reply=reply,
            questions=[reply[f"q{i}"] for i in range(len(panel.categories))],
            panel=panel,
            letters=letters_,
            batch=batch,
            batches=batches,
            per_batch=LETTERS_PER_BATCH,
            total=total,
            code_url=url_for("panel.code", _external=True),
            deletion_date=services.deletion_date(panel),
        )


@bp.route("/<int:panel_id>/papir", methods=["GET", "POST"])
@roles_required(*FACILITATOR)
def paper_signup(panel_id: int):
    """Type in a reply that came back on paper, against the code printed on the letter."""
    panel = get_panel(panel_id)
    form = signup_form(panel, paper=True)
    status = 200
    if form.validate_on_submit():
        try:
            services.paper_sign_up(panel, form.code.data, signup_answers(panel, form, "nb"), g.user)
        except PanelError as error:
            db.session.rollback()
            form.form_errors.append(message(error.code, error.params))
            status = 400
        else:
            db.session.commit()
            flash(
                _("The paper reply is saved: the person is in the pool like any volunteer."),
                "success",
            )
            return redirect(url_for("panels.paper_signup", panel_id=panel.id))
    elif form.is_submitted():
        status = 400
    return render_template(
        "panels/paper.html",
        panel=panel,
        form=form,
        questions=[form[f"q{i}"] for i in range(len(panel.categories))],
        open=services.signup_open(panel),
    ), status


@bp.route("/<int:panel_id>/poster")
@roles_required(*FACILITATOR)
def poster(panel_id: int):
    panel = get_panel(panel_id)
    url = url_for("panel.open_call", panel_id=panel.id, token=panel.open_call_token, _external=True)
    svg = qr_svg(url, _("QR code for signing up to %(title)s", title=panel.title))
    return render_template("panels/poster.html", panel=panel, url=url, qr=svg)


@bp.route("/<int:panel_id>/open-call", methods=["POST"])
@roles_required(*FACILITATOR)
def open_call(panel_id: int):
    panel = get_panel(panel_id)
    if ButtonForm().validate_on_submit():
        services.set_open_call_in_pool(panel, not panel.open_call_in_pool, g.user)
        db.session.commit()
    return redirect(url_for("panels.detail", panel_id=panel.id))


@bp.route("/<int:panel_id>/report")
@roles_required("facilitator", "reader")
def report(panel_id: int):
    panel = get_panel(panel_id)
    return render_template(
        "panels/report.html",
        panel=panel,
        report=deliberation.final_report(panel),
        runs=db.session.scalars(
            select(SelectionRun)
            .where(SelectionRun.panel_id == panel.id, SelectionRun.status == "drawn")
            .order_by(SelectionRun.id)
        ).all(),
        today=date.today(),
    )


# The selection and deliberation pages live in their own modules on the same blueprint.
from . import views_deliberation, views_selection  # noqa: E402, F401
