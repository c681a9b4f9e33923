"""Staff pages of the panels feature (blueprint ``panels``): creating a panel, the register,
letters and the open-call poster, selection with commitment and draw, members with drop-outs
and replacements, deliberation and the final report. Views parse, call a service, render."""

from __future__ import annotations

import json
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
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
    DocumentForm,
    GroupsForm,
    LinkForm,
    PanelForm,
    PhaseForm,
    RecommendationForm,
    RegisterForm,
    SeedForm,
    SessionForm,
)
from .messages import message
from .models import (
    ExpertInput,
    Invitation,
    Panel,
    PanelSession,
    Phase,
    Recommendation,
    SelectionRun,
    Volunteer,
)
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
        return render_template(
            "panels/letters.html",
            panel=panel,
            letters=letters_,
            batch=batch,
            batches=batches,
            per_batch=LETTERS_PER_BATCH,
            total=total,
            code_url=url_for("panel.code", _external=True),
            deletion_date=services.deletion_date(panel),
        )


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


# --- Selection -----------------------------------------------------------------------------


@bp.route("/<int:panel_id>/selection")
@roles_required(*FACILITATOR)
def selection_page(panel_id: int):
    panel = get_panel(panel_id)
    run = selection.current_run(panel)
    return render_template(
        "panels/selection.html",
        panel=panel,
        run=run,
        summary=selection.probability_summary(run) if run else {},
        table=selection.representativeness(panel),
        seed_form=SeedForm(),
        button=ButtonForm(),
        error=message(run.error_code, run.error_params) if run and run.error_code else None,
        refresh=run is not None and run.status in ("queued", "running"),
    )


@bp.route("/<int:panel_id>/selection/start", methods=["POST"])
@roles_required(*FACILITATOR)
def start_selection(panel_id: int):
    panel = get_panel(panel_id)
    if ButtonForm().validate_on_submit():
        try:
            selection.start_selection(panel, g.user)
        except PanelError as error:
            db.session.rollback()
            refused(error)
    return redirect(url_for("panels.selection_page", panel_id=panel.id))


@bp.route("/<int:panel_id>/selection/<int:run_id>/commit", methods=["POST"])
@roles_required(*FACILITATOR)
def commit(panel_id: int, run_id: int):
    panel = get_panel(panel_id)
    run = owned(SelectionRun, run_id, panel)
    if ButtonForm().validate_on_submit():
        try:
            selection.publish_commitment(run, g.user)
            db.session.commit()
            flash(_("Commitment published. Now wait for the public seed."), "success")
        except PanelError as error:
            refused(error)
    return redirect(url_for("panels.selection_page", panel_id=panel.id))


@bp.route("/<int:panel_id>/selection/<int:run_id>/discard", methods=["POST"])
@roles_required(*FACILITATOR)
def discard(panel_id: int, run_id: int):
    panel = get_panel(panel_id)
    run = owned(SelectionRun, run_id, panel)
    if ButtonForm().validate_on_submit():
        try:
            selection.discard_run(run, g.user)
            db.session.commit()
            flash(_("The lottery is set aside. Start a new one when ready."), "success")
        except PanelError as error:
            refused(error)
    return redirect(url_for("panels.selection_page", panel_id=panel.id))


@bp.route("/<int:panel_id>/selection/<int:run_id>/draw", methods=["POST"])
@roles_required(*FACILITATOR)
def draw(panel_id: int, run_id: int):
    panel = get_panel(panel_id)
    run = owned(SelectionRun, run_id, panel)
    form = SeedForm()
    if form.validate_on_submit():
        try:
            chosen = selection.draw_panel(run, form.seed.data, g.user)
        except PanelError as error:
            refused(error)
        else:
            db.session.commit()
            flash(_("%(count)d people drawn.", count=len(chosen)), "success")
            return redirect(url_for("panels.members", panel_id=panel.id))
    else:
        for problem in form.seed.errors:
            flash(problem, "error")
    return redirect(url_for("panels.selection_page", panel_id=panel.id))


@bp.route("/<int:panel_id>/members")
@roles_required(*FACILITATOR)
def members(panel_id: int):
    panel = get_panel(panel_id)
    return render_template(
        "panels/members.html",
        panel=panel,
        button=ButtonForm(),
        pending=selection.pending_dropouts(panel),
    )


@bp.route("/<int:panel_id>/members.csv")
@roles_required(*FACILITATOR)
def members_csv(panel_id: int):
    panel = get_panel(panel_id)
    return Response(
        selection.contact_csv(panel),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=panel-{panel.id}-members.csv"},
    )


@bp.route("/<int:panel_id>/members/<int:volunteer_id>/drop-out", methods=["POST"])
@roles_required(*FACILITATOR)
def drop_out(panel_id: int, volunteer_id: int):
    panel = get_panel(panel_id)
    volunteer = owned(Volunteer, volunteer_id, panel)
    if ButtonForm().validate_on_submit():
        try:
            selection.mark_dropped_out(volunteer, g.user)
            db.session.commit()
        except PanelError as error:
            refused(error)
    return redirect(url_for("panels.members", panel_id=panel.id))


@bp.route("/<int:panel_id>/replacements", methods=["POST"])
@roles_required(*FACILITATOR)
def replacements(panel_id: int):
    panel = get_panel(panel_id)
    if ButtonForm().validate_on_submit():
        try:
            selection.start_replacement(panel, g.user)
        except PanelError as error:
            db.session.rollback()
            refused(error)
            return redirect(url_for("panels.members", panel_id=panel.id))
    return redirect(url_for("panels.selection_page", panel_id=panel.id))


@bp.route("/<int:panel_id>/members/<int:volunteer_id>/export")
@roles_required(*FACILITATOR)
def person_export(panel_id: int, volunteer_id: int):
    panel = get_panel(panel_id)
    volunteer = owned(Volunteer, volunteer_id, panel)
    body = json.dumps(privacy.export_person(volunteer), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=person-{volunteer.id}.json"},
    )


@bp.route("/<int:panel_id>/members/<int:volunteer_id>/delete", methods=["GET", "POST"])
@roles_required(*FACILITATOR)
def person_delete(panel_id: int, volunteer_id: int):
    """Deletion cannot be undone, so it is confirmed on a page of its own."""
    panel = get_panel(panel_id)
    volunteer = owned(Volunteer, volunteer_id, panel)
    form = ButtonForm()
    if volunteer.personal_data_deleted_at is None and form.validate_on_submit():
        privacy.delete_person(volunteer, g.user)
        db.session.commit()
        flash(_("The person's personal data is deleted."), "success")
        return redirect(url_for("panels.members", panel_id=panel.id))
    return render_template(
        "panels/person_delete.html", panel=panel, volunteer=volunteer, button=form
    )


# --- Deliberation --------------------------------------------------------------------------


def _deliberation_page(panel: Panel, status: int = 200, **forms):
    defaults = {
        "session_form": SessionForm(prefix="session"),
        "groups_form": GroupsForm(prefix="groups"),
        "rec_form": RecommendationForm(prefix="rec"),
    }
    defaults.update(forms)
    defaults["rec_form"].group.choices = [(0, _("Whole panel"))] + [
        (grp.id, _("Group %(name)s", name=grp.name)) for grp in panel.groups
    ]
    phase_forms = {
        phase.id: PhaseForm(prefix=f"phase{phase.id}", obj=phase) for phase in panel.phases
    }
    if "phase_form" in forms:
        phase_forms[forms["phase_id"]] = forms["phase_form"]
    return render_template(
        "panels/deliberation.html",
        panel=panel,
        phase_forms=phase_forms,
        button=ButtonForm(),
        support=deliberation.support_levels(panel),
        **{k: v for k, v in defaults.items() if k.endswith("_form")},
    ), status


@bp.route("/<int:panel_id>/deliberation")
@roles_required(*FACILITATOR)
def deliberation_page(panel_id: int):
    return _deliberation_page(get_panel(panel_id))


@bp.route("/<int:panel_id>/phases/<int:phase_id>", methods=["POST"])
@roles_required(*FACILITATOR)
def phase(panel_id: int, phase_id: int):
    panel = get_panel(panel_id)
    phase_ = owned(Phase, phase_id, panel)
    form = PhaseForm(prefix=f"phase{phase_.id}")
    if form.validate_on_submit():
        try:
            deliberation.update_phase(
                phase_, form.starts_on.data, form.ends_on.data, form.status.data, g.user
            )
        except PanelError as error:
            form.form_errors.append(message(error.code, error.params))
        else:
            db.session.commit()
            flash(_("Phase saved."), "success")
            return redirect(url_for("panels.deliberation_page", panel_id=panel.id))
    return _deliberation_page(panel, 400, phase_form=form, phase_id=phase_.id)


@bp.route("/<int:panel_id>/sessions", methods=["POST"])
@roles_required(*FACILITATOR)
def new_session(panel_id: int):
    panel = get_panel(panel_id)
    form = SessionForm(prefix="session")
    if form.validate_on_submit():
        session = deliberation.add_session(
            panel,
            form.phase.data,
            form.title.data,
            form.starts_at.data,
            form.place.data or "",
            form.agenda.data or "",
        )
        db.session.commit()
        return redirect(url_for("panels.session", panel_id=panel.id, session_id=session.id))
    return _deliberation_page(panel, 400, session_form=form)


@bp.route("/<int:panel_id>/groups", methods=["POST"])
@roles_required(*FACILITATOR)
def groups(panel_id: int):
    panel = get_panel(panel_id)
    form = GroupsForm(prefix="groups")
    if form.validate_on_submit():
        try:
            deliberation.assign_groups(panel, form.moderators.data.splitlines(), g.user)
        except PanelError as error:
            db.session.rollback()
            form.moderators.errors = [message(error.code, error.params)]
        else:
            db.session.commit()
            flash(_("Groups made."), "success")
            return redirect(url_for("panels.deliberation_page", panel_id=panel.id) + "#groups")
    return _deliberation_page(panel, 400, groups_form=form)


@bp.route("/<int:panel_id>/recommendations", methods=["POST"])
@roles_required(*FACILITATOR)
def new_recommendation(panel_id: int):
    panel = get_panel(panel_id)
    form = RecommendationForm(prefix="rec")
    form.group.choices = [(0, "")] + [(grp.id, grp.name) for grp in panel.groups]
    if form.validate_on_submit():
        group = next((grp for grp in panel.groups if grp.id == form.group.data), None)
        upload = form.image.data
        image = (upload.filename or "", upload.read()) if upload and upload.filename else None
        try:
            deliberation.save_recommendation(
                panel,
                form.title.data,
                form.text.data,
                group,
                image=image,
                caption=form.caption.data or "",
            )
        except PanelError as error:
            db.session.rollback()
            target = form.caption if error.code == "recommendation.caption_missing" else form.image
            target.errors = [message(error.code, error.params)]
        else:
            db.session.commit()
            flash(_("Recommendation saved and sent to the input queue."), "success")
            return redirect(
                url_for("panels.deliberation_page", panel_id=panel.id) + "#recommendations"
            )
    return _deliberation_page(panel, 400, rec_form=form)


@bp.route("/<int:panel_id>/recommendations/<int:rec_id>/image")
@roles_required("facilitator", "reader")
def recommendation_image(panel_id: int, rec_id: int):
    panel = get_panel(panel_id)
    rec = owned(Recommendation, rec_id, panel)
    if rec.image is None:
        abort(404)
    return Response(rec.image, mimetype=rec.image_type)


@bp.route("/<int:panel_id>/recommendations/<int:rec_id>/voting", methods=["POST"])
@roles_required(*FACILITATOR)
def voting(panel_id: int, rec_id: int):
    panel = get_panel(panel_id)
    rec = owned(Recommendation, rec_id, panel)
    if ButtonForm().validate_on_submit():
        deliberation.set_voting(rec, not rec.voting_open, g.user)
        db.session.commit()
    return redirect(url_for("panels.deliberation_page", panel_id=panel.id) + "#recommendations")


@bp.route("/<int:panel_id>/close", methods=["POST"])
@roles_required(*FACILITATOR)
def close(panel_id: int):
    panel = get_panel(panel_id)
    if ButtonForm().validate_on_submit():
        try:
            deliberation.close_panel(panel, g.user)
            db.session.commit()
            flash(
                _(
                    "The panel is closed. Personal data will be deleted on %(date)s.",
                    date=privacy.due_date(panel).isoformat(),
                ),
                "success",
            )
        except PanelError as error:
            refused(error)
    return redirect(url_for("panels.detail", panel_id=panel.id))


def _session_page(panel: Panel, session_: PanelSession, status: int = 200, **forms):
    checkin_url = url_for(
        "panel.checkin", panel_id=panel.id, token=session_.checkin_token, _external=True
    )
    return render_template(
        "panels/session.html",
        panel=panel,
        session=session_,
        link_form=forms.get("link_form") or LinkForm(prefix="link"),
        doc_form=forms.get("doc_form") or DocumentForm(prefix="doc"),
        button=ButtonForm(),
        checkin_url=checkin_url,
        qr=qr_svg(checkin_url, _("QR code for checking in to %(title)s", title=session_.title)),
        attended={a.volunteer_id for a in session_.attendances},
    ), status


@bp.route("/<int:panel_id>/sessions/<int:session_id>")
@roles_required(*FACILITATOR)
def session(panel_id: int, session_id: int):
    panel = get_panel(panel_id)
    return _session_page(panel, owned(PanelSession, session_id, panel))


def _saved(panel: Panel, session_: PanelSession) -> Response:
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("panels.session", panel_id=panel.id, session_id=session_.id))


@bp.route("/<int:panel_id>/sessions/<int:session_id>/links", methods=["POST"])
@roles_required(*FACILITATOR)
def add_link(panel_id: int, session_id: int):
    panel = get_panel(panel_id)
    session_ = owned(PanelSession, session_id, panel)
    form = LinkForm(prefix="link")
    if form.validate_on_submit():
        try:
            deliberation.add_link(session_, form.title.data, form.url.data)
            return _saved(panel, session_)
        except PanelError as error:
            form.url.errors = [message(error.code, error.params)]
    return _session_page(panel, session_, 400, link_form=form)


@bp.route("/<int:panel_id>/sessions/<int:session_id>/documents", methods=["POST"])
@roles_required(*FACILITATOR)
def add_document(panel_id: int, session_id: int):
    panel = get_panel(panel_id)
    session_ = owned(PanelSession, session_id, panel)
    form = DocumentForm(prefix="doc")
    if form.validate_on_submit():
        upload = form.file.data
        try:
            deliberation.add_document(
                session_, form.title.data or "", upload.filename or "", upload.read()
            )
            return _saved(panel, session_)
        except PanelError as error:
            form.file.errors = [message(error.code, error.params)]
    return _session_page(panel, session_, 400, doc_form=form)


@bp.route("/<int:panel_id>/sessions/<int:session_id>/check-in/<int:volunteer_id>", methods=["POST"])
@roles_required(*FACILITATOR)
def staff_checkin(panel_id: int, session_id: int, volunteer_id: int):
    panel = get_panel(panel_id)
    session_ = owned(PanelSession, session_id, panel)
    volunteer = owned(Volunteer, volunteer_id, panel)
    if ButtonForm().validate_on_submit():
        try:
            deliberation.check_in_member(session_, volunteer, "staff")
            return _saved(panel, session_)
        except PanelError as error:
            refused(error)
    return redirect(url_for("panels.session", panel_id=panel.id, session_id=session_.id))


@bp.route("/<int:panel_id>/inputs/<int:input_id>")
@roles_required(*FACILITATOR)
def input_file(panel_id: int, input_id: int):
    panel = get_panel(panel_id)
    return send_input(panel, input_id)


def send_input(panel: Panel, input_id: int) -> Response:
    item = db.session.get(ExpertInput, input_id)
    session_ = db.session.get(PanelSession, item.session_id) if item else None
    if item is None or item.data is None or session_ is None or session_.panel_id != panel.id:
        abort(404)
    return Response(
        item.data,
        mimetype=item.content_type,
        headers={
            "Content-Disposition": f"attachment; filename={item.filename}",
            "X-Content-Type-Options": "nosniff",
        },
    )


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
