"""Staff pages for selection (blueprint ``panels``): the stage-2 lottery with its progress,
commitment and draw, the members with drop-outs, replacements and personal-data requests."""

from __future__ import annotations

import json

from flask import Response, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from app.auth import roles_required
from app.extensions import db

from . import privacy, selection
from .forms import ButtonForm, SeedForm
from .messages import message
from .models import SelectionRun, Volunteer
from .services import PanelError
from .views import FACILITATOR, bp, get_panel, owned, refused

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
