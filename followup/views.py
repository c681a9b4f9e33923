"""Web views of the follow-up. Residents (blueprint ``loop``, no account): the receipt-code form
and status page, the "what came of it" page per neighbourhood and the feedback form of a funded
project. Staff (blueprint ``followup``): contributions with their status, the answer form, the
printable receipts of a batch of cards, scope statements and project evaluation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from app import limits
from app.auth import roles_required
from app.extensions import db
from app.i18n import current_language
from app.models import Neighbourhood
from budgeting.models import Proposal, Round
from panels.models import Panel
from taxonomy.models import InputItem, Topic
from taxonomy.posters import qr_svg

from . import report, services
from .forms import (
    AnswerForm,
    EvaluationForm,
    FeedbackForm,
    PaperApplicationForm,
    ReceiptForm,
    ScopeForm,
    StaffFeedbackForm,
)
from .messages import error_message
from .models import PROCESS_TYPES, STATUSES
from .vocabulary import (
    DELIVERY_LABELS,
    ENTRY_CHANNEL_LABELS,
    PHASE_LABELS,
    SMILEY_LABELS,
    STATUS_EXPLANATIONS,
    STATUS_LABELS,
    label,
)

public_bp = Blueprint("loop", __name__)
bp = Blueprint("followup", __name__, url_prefix="/oppfolging")


@public_bp.app_context_processor
def followup_helpers() -> dict:
    return {
        "status_label": lambda key: label(STATUS_LABELS, key),
        "status_explanation": lambda key: label(STATUS_EXPLANATIONS, key),
        "phase_label": lambda key: label(PHASE_LABELS, key),
        "delivery_label": lambda key: label(DELIVERY_LABELS, key),
        "entry_channel_label": lambda key: label(ENTRY_CHANNEL_LABELS, key),
        "smiley_label": lambda key: label(SMILEY_LABELS, key),
        "receipt_qr": receipt_qr,
        "process_scope": lambda kind, process_id: services.scope_for(
            kind, process_id, current_language()
        ),
        "small_cell": services.SMALL_CELL,
    }


def receipt_qr(code: str) -> Markup:
    """An inline QR code that opens the status page of ``code`` (on the thanks page and on
    the printed receipt of a wish-tree card)."""
    url = url_for("loop.receipt", code=code, _external=True)
    return Markup(qr_svg(url, _("QR code for the status of receipt %(code)s", code=code)))  # noqa: S704


# --- Residents: receipt code and status ----------------------------------------------------


@public_bp.route("/svar/", methods=["GET", "POST"])
def receipt_form():
    form = ReceiptForm()
    if request.method == "GET" and request.args.get("kode"):
        form.code.data = request.args["kode"]
    status = 200
    if form.validate_on_submit():
        item, status = _lookup(form.code.data, form)
        if item is not None:
            return redirect(url_for("loop.receipt", code=item.receipt))
    elif form.is_submitted():
        status = 400
    return render_template("followup/receipt_form.html", form=form), status


def _lookup(code: str, form: ReceiptForm) -> tuple[InputItem | None, int]:
    """Find the contribution of a typed code; wrong codes count with every other kind of
    resident code (app.limits), so guessing receipts cannot get around the lock-out."""
    if limits.code_guessing_blocked():
        db.session.commit()
        form.form_errors.append(
            _("Too many wrong codes from this device. Wait an hour and try again.")
        )
        return None, 429
    item = services.item_by_receipt(code)
    if item is None:
        limits.record_wrong_code()
        form.code.errors = [
            _("We found no contribution with this code. Check the code and try again.")
        ]
        return None, 404
    return item, 200


@public_bp.route("/svar/<code>")
def receipt(code: str):
    form = ReceiptForm(data={"code": code})
    item, status = _lookup(code, form)
    if item is None:
        return render_template("followup/receipt_form.html", form=form), status
    if services.normalise_receipt(code) != code:
        return redirect(url_for("loop.receipt", code=item.receipt))
    return render_template(
        "followup/receipt.html", item=item, public=services.status_of(item), lang=current_language()
    )


# --- Residents: what came of it ------------------------------------------------------------


@public_bp.route("/hva-skjedde/")
def areas():
    neighbourhoods = db.session.scalars(
        select(Neighbourhood)
        .where(Neighbourhood.parent_id.is_(None), Neighbourhood.status == "active")
        .order_by(Neighbourhood.sort_order)
    ).all()
    return render_template("followup/areas.html", neighbourhoods=neighbourhoods)


@public_bp.route("/hva-skjedde/<slug>")
def area(slug: str):
    neighbourhood = db.session.scalar(
        select(Neighbourhood).where(Neighbourhood.slug == slug)
    ) or abort(404)
    data = report.area_report(neighbourhood, current_language())
    return render_template("followup/area.html", report=data, lang=current_language())


def funded_or_404(proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not services.is_funded(proposal):
        abort(404)
    return proposal


@public_bp.route("/hva-skjedde/prosjekt/<int:proposal_id>", methods=["GET", "POST"])
def project(proposal_id: int):
    proposal = funded_or_404(proposal_id)
    form = FeedbackForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.record_feedback(
                proposal,
                form.smiley.data,
                form.text.data or "",
                form.age_band.data or None,
                language=current_language(),
            )
        except services.FollowupError as error:
            db.session.rollback()
            form.form_errors.append(error_message(error))
            status = 400
        else:
            db.session.commit()
            flash(_("Thank you for your feedback!"), "success")
            return redirect(url_for("loop.project", proposal_id=proposal.id))
    elif form.is_submitted():
        status = 400
    return render_template(
        "followup/project.html",
        proposal=proposal,
        update=services.delivery_status(proposal),
        evaluation=services.evaluation_of(proposal),
        feedback=services.feedback_summary(proposal),
        form=form,
    ), status


# --- Staff: contributions and answers ------------------------------------------------------


def neighbourhood_choices() -> list[tuple[int, str]]:
    from taxonomy.views import neighbourhood_choices as choices

    return choices()


#: contributions per page of the staff list; statuses are worked out this many at a time
PAGE_SIZE = 200
STATUS_BATCH = 500


def _page_with_status(query, wanted: str, page: int) -> tuple[list[InputItem], dict, bool]:
    """One page of the contributions whose (possibly implied) status is ``wanted``.

    An implied status comes from the feature's own data (review, vote, coding), not from a
    column, so the newest contributions are read in batches until the page is full."""
    skip, found, statuses = (page - 1) * PAGE_SIZE, [], {}
    offset = 0
    while len(found) <= PAGE_SIZE:
        batch = list(db.session.scalars(query.offset(offset).limit(STATUS_BATCH)))
        if not batch:
            break
        offset += len(batch)
        batch_statuses = report.statuses_by_item(batch)
        for item in batch:
            if batch_statuses[item.id].status != wanted:
                continue
            if skip:
                skip -= 1
                continue
            found.append(item)
            statuses[item.id] = batch_statuses[item.id]
    return found[:PAGE_SIZE], statuses, len(found) > PAGE_SIZE


@bp.route("/")
@roles_required("facilitator", "reader")
def index():
    query = select(InputItem).order_by(InputItem.created_at.desc(), InputItem.id.desc())
    area_id = request.args.get("omrade", type=int)
    if area_id:
        chosen = db.session.get(Neighbourhood, area_id)
        if chosen is not None:
            query = query.where(InputItem.neighbourhood_id.in_(services.area_ids(chosen)))
    code = services.normalise_receipt(request.args.get("kode"))
    if code:
        # a resident on the phone reads out the code on their receipt
        query = query.where(InputItem.receipt == code)
    page = max(request.args.get("side", 1, type=int) or 1, 1)
    wanted = request.args.get("status")
    if wanted in STATUSES:
        items, statuses, more = _page_with_status(query, wanted, page)
    else:
        wanted = None
        rows = list(db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
        items, more = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
        statuses = report.statuses_by_item(items)
    filters = {"omrade": area_id or None, "status": wanted, "kode": code or None}
    return render_template(
        "followup/index.html",
        items=items,
        statuses=statuses,
        areas=neighbourhood_choices(),
        area_id=area_id,
        wanted=wanted,
        code=code,
        statuses_list=STATUSES,
        page=page,
        previous_url=url_for("followup.index", side=page - 1, **filters) if page > 1 else None,
        next_url=url_for("followup.index", side=page + 1, **filters) if more else None,
    )


def project_choices() -> list[tuple[int, str]]:
    return [(0, _("No project"))] + [
        (p.id, f"{p.title} ({p.round.title})") for p in services.funded_projects()
    ]


@bp.route("/bidrag/<int:item_id>", methods=["GET", "POST"])
@roles_required("facilitator")
def answer(item_id: int):
    item = db.session.get(InputItem, item_id) or abort(404)
    source_type, source_id = services.contribution_key(item)
    followup = services.followup_for(source_type, source_id)
    form = AnswerForm(obj=followup if request.method == "GET" else None)
    form.project.choices = project_choices()
    if request.method == "GET":
        if followup is None:
            form.status.data = services.implied_status(item).status
        else:
            form.project.data = followup.project_id or 0
            form.publish.data = followup.published
    status = 200
    if form.validate_on_submit():
        answer = services.Answer(
            status=form.status.data,
            answer_nb=form.answer_nb.data or "",
            answer_en=form.answer_en.data or "",
            reason=form.reason.data or "",
            project=db.session.get(Proposal, form.project.data) if form.project.data else None,
            publish=form.publish.data,
        )
        try:
            services.record_answer(item, answer, g.user)
        except services.FollowupError as error:
            db.session.rollback()
            form.form_errors.append(error_message(error))
            status = 400
        else:
            db.session.commit()
            flash(_("The answer is saved."), "success")
            return redirect(url_for("followup.answer", item_id=item.id))
    elif form.is_submitted():
        status = 400
    return render_template(
        "followup/answer.html",
        item=item,
        form=form,
        followup=followup,
        public=services.status_of(item),
        source_type=source_type,
    ), status


@bp.route("/kvitteringer/<batch>")
@roles_required("facilitator")
def receipts(batch: str):
    items = db.session.scalars(
        select(InputItem).where(InputItem.batch == batch).order_by(InputItem.id)
    ).all()
    if not items:
        abort(404)
    return render_template("followup/receipts.html", items=items, batch=batch)


@bp.route("/papirsoknad", methods=["GET", "POST"])
@roles_required("facilitator")
def paper_application():
    """A pot application from paper or a conversation; the applicant gets a printed receipt."""
    from budgeting import services as budgeting
    from budgeting.messages import error_message as budgeting_message

    form = PaperApplicationForm()
    open_rounds = db.session.scalars(
        select(Round)
        .where(Round.kind == "pot", Round.phase == "proposals")
        .order_by(Round.created_at.desc())
    ).all()
    form.round_id.choices = [(r.id, r.title) for r in open_rounds]
    form.neighbourhood_id.choices = [(0, _("The whole area")), *neighbourhood_choices()]
    status = 200
    if not open_rounds and form.is_submitted():
        status = 409  # nothing takes applications now; the page says so
    elif form.validate_on_submit():
        application = budgeting.Application(
            title=form.title.data,
            description=form.description.data,
            cost=form.cost.data,
            applicant_type=form.applicant_type.data,
            applicant_name=form.applicant_name.data,
            neighbourhood=db.session.get(Neighbourhood, form.neighbourhood_id.data or 0),
            brings_together=form.brings_together.data,
            contact_name=form.contact_name.data,
            contact_email=form.contact_email.data or "",
            contact_phone=form.contact_phone.data or "",
        )
        round_ = db.session.get(Round, form.round_id.data) or abort(404)
        try:
            proposal, item = services.apply_on_behalf(
                round_, application, form.channel.data, g.user
            )
        except budgeting.BudgetingError as error:
            db.session.rollback()
            form.form_errors.append(budgeting_message(error))
            status = 400
        except services.FollowupError as error:
            db.session.rollback()
            form.form_errors.append(error_message(error))
            status = 400
        else:
            db.session.commit()
            flash(_("The application is saved. Print the receipt for the applicant."), "success")
            return redirect(url_for("followup.receipts", batch=item.batch))
    elif form.is_submitted():
        status = 400
    return render_template(
        "followup/paper_application.html", form=form, has_rounds=bool(open_rounds)
    ), status


# --- Staff: scope statements ---------------------------------------------------------------


PROCESS_MODELS = {"panel": Panel, "round": Round, "topic": Topic}


@bp.route("/omfang/<process_type>/<int:process_id>", methods=["GET", "POST"])
@roles_required("facilitator")
def scope(process_type: str, process_id: int):
    if process_type not in PROCESS_TYPES:
        abort(404)
    process = db.session.get(PROCESS_MODELS[process_type], process_id) or abort(404)
    row = services.scope_row(process_type, process_id)
    form = ScopeForm(obj=row if request.method == "GET" else None)
    if request.method == "GET" and row is None:
        nb = services.scope_for(process_type, process_id, "nb")
        form.can_decide_nb.data, form.cannot_decide_nb.data = nb.can, nb.cannot
    status = 200
    if form.validate_on_submit():
        services.save_scope(process_type, process_id, form.data, g.user)
        db.session.commit()
        flash(_("The statement is saved."), "success")
        return redirect(url_for("followup.scope", process_type=process_type, process_id=process_id))
    elif form.is_submitted():
        status = 400
    return render_template(
        "followup/scope.html", form=form, process=process, process_type=process_type
    ), status


# --- Staff: project evaluation and feedback on paper ---------------------------------------


@bp.route("/prosjekt/<int:proposal_id>", methods=["GET", "POST"])
@roles_required("facilitator")
def evaluation(proposal_id: int):
    proposal = funded_or_404(proposal_id)
    existing = services.evaluation_of(proposal)
    form = EvaluationForm(obj=existing if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        fields = {
            name: getattr(form, name).data
            for name in (
                "phase",
                "planned",
                "delivered",
                "participants",
                "participant_count",
                "learned",
            )
        }
        try:
            services.save_evaluation(proposal, g.user, **fields)
        except services.FollowupError as error:
            db.session.rollback()
            form.form_errors.append(error_message(error))
            status = 400
        else:
            db.session.commit()
            flash(_("The evaluation is saved."), "success")
            return redirect(url_for("followup.evaluation", proposal_id=proposal.id))
    elif form.is_submitted():
        status = 400
    return render_template(
        "followup/evaluation.html",
        proposal=proposal,
        form=form,
        feedback_form=StaffFeedbackForm(formdata=None),
        feedback=services.feedback_summary(proposal),
    ), status


@bp.route("/prosjekt/<int:proposal_id>/tilbakemelding", methods=["POST"])
@roles_required("facilitator")
def feedback(proposal_id: int):
    proposal = funded_or_404(proposal_id)
    form = StaffFeedbackForm()
    if form.validate_on_submit():
        try:
            services.record_feedback(
                proposal,
                form.smiley.data,
                form.text.data or "",
                form.age_band.data or None,
                channel=form.channel.data,
                entered_by=g.user,
            )
        except services.FollowupError as error:
            db.session.rollback()
            form.form_errors.append(error_message(error))
        else:
            db.session.commit()
            flash(_("The feedback is saved."), "success")
            return redirect(url_for("followup.evaluation", proposal_id=proposal.id))
    return render_template(
        "followup/evaluation.html",
        proposal=proposal,
        form=EvaluationForm(obj=services.evaluation_of(proposal)),
        feedback_form=form,
        feedback=services.feedback_summary(proposal),
    ), 400
