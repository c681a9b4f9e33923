"""Staff pages for deliberation (blueprint ``panels``): phases, sessions with expert inputs and
check-in, groups, recommendations with their support votes, and closing the panel."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from app.auth import roles_required
from app.extensions import db
from taxonomy.posters import qr_svg

from . import deliberation, privacy
from .forms import (
    ButtonForm,
    DocumentForm,
    GroupsForm,
    LinkForm,
    PhaseForm,
    RecommendationForm,
    SessionForm,
)
from .messages import message
from .models import ExpertInput, Panel, PanelSession, Phase, Recommendation, Volunteer
from .services import PanelError
from .views import FACILITATOR, bp, get_panel, owned, refused

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
