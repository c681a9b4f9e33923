"""Web views of budget rounds. Blueprint ``budget`` (/budsjett) is public: rounds, the
application form and its status page, voting with a code, results and "why this result?",
the results bundle, and youth groups (join, ideas, comments). Blueprint ``budgeting``
(/budgeting) is for staff: rounds and settings, eligibility review, follow-up, codes and QR
sheets, paper ballots, tie draw, count, agreements, export and .pb import.
Views parse, call ``services``/``voting``/``results``, render."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from app import limits
from app.auth import roles_required
from app.extensions import db
from app.i18n import current_language
from app.models import Neighbourhood
from taxonomy.posters import qr_svg
from taxonomy.vocabulary import AGE_BANDS

from . import results, services, voting
from .forms import (
    APPLICANT_TYPE_LABELS,
    BALLOT_TYPE_LABELS,
    FOLLOW_UP_LABELS,
    KIND_LABELS,
    VARIANT_LABELS,
    ActionForm,
    AgreementForm,
    ApplicationForm,
    CodeEntryForm,
    CodesForm,
    CommentForm,
    DecisionForm,
    IdeaForm,
    ImportForm,
    JoinForm,
    PaperIdeaForm,
    RoundForm,
    TieForm,
    UpdateForm,
)
from .messages import PHASE_LABELS, error_message
from .models import Ballot, Member, Proposal, Round, VoterCode

public_bp = Blueprint("budget", __name__, url_prefix="/budsjett")
bp = Blueprint("budgeting", __name__, url_prefix="/budgeting")

CODES_KEY = "budget_codes"
MEMBERS_KEY = "budget_members"


@public_bp.app_template_filter("nok")
def nok(value: int | float | str | None) -> str:
    if value is None or value == "":
        return ""
    # Left-to-right isolate (U+2066 … U+2069): inside Arabic text the amount and its "kr" stay
    # one left-to-right unit instead of being reordered as "kr 1,100,000" by the bidi rules.
    return f"\u2066{format_decimal(float(value), format='#,##0')} kr\u2069"


@public_bp.app_context_processor
def budgeting_helpers() -> dict:
    return {
        "phase_label": lambda key: str(PHASE_LABELS.get(key, key)),
        "kind_label": lambda key: str(KIND_LABELS.get(key, key)),
        "ballot_type_label": lambda key: str(BALLOT_TYPE_LABELS.get(key, key)),
        "variant_label": lambda key: str(VARIANT_LABELS.get(key, key)),
        "applicant_label": lambda key: str(APPLICANT_TYPE_LABELS.get(key, key or "")),
        "follow_up_label": lambda key: str(FOLLOW_UP_LABELS.get(key, key)),
        "format_code": voting.format_code,
    }


def neighbourhood_choices(blank) -> list[tuple[int, str]]:
    areas = db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.sort_order)).all()
    choices = [(0, blank)]
    for area in (a for a in areas if a.parent_id is None and a.status == "active"):
        choices.append((area.id, area.name))
        choices.extend((sub.id, f"{area.name} › {sub.name}") for sub in area.sub_areas)
    return choices


def round_by_slug(round_slug: str) -> Round:
    round_ = db.session.scalar(select(Round).where(Round.slug == round_slug))
    if round_ is None or round_.phase == "setup":
        abort(404)
    return round_


def round_by_id(round_id: int) -> Round:
    return db.session.get(Round, round_id) or abort(404)


# --- Public: rounds and applications -------------------------------------------------------


@public_bp.route("/")
def index():
    rounds = db.session.scalars(
        select(Round).where(Round.phase != "setup").order_by(Round.created_at.desc())
    ).all()
    return render_template("budgeting/index.html", rounds=rounds)


@public_bp.route("/<round_slug>")
def round_page(round_slug: str):
    round_ = round_by_slug(round_slug)
    result = results.latest_result(round_) if round_.phase == "published" else None
    return render_template("budgeting/round.html", round=round_, result=result)


@public_bp.route("/<round_slug>/soknad", methods=["GET", "POST"])
def apply(round_slug: str):
    round_ = round_by_slug(round_slug)
    if round_.kind != "pot" or round_.phase != "proposals":
        return render_template("budgeting/closed.html", round=round_), 409
    form = ApplicationForm()
    form.neighbourhood_id.choices = neighbourhood_choices(_("The whole area"))
    if request.method == "GET" and round_.neighbourhood_id:
        form.neighbourhood_id.data = round_.neighbourhood_id
    status = 200
    if form.validate_on_submit() and limits.public_form_blocked():
        db.session.commit()
        form.form_errors.append(limits.public_form_message())
        status = 429
    elif form.is_submitted() and not form.errors:
        application = services.Application(
            title=form.title.data,
            description=form.description.data,
            cost=form.cost.data,
            applicant_type=form.applicant_type.data,
            applicant_name=form.applicant_name.data,
            neighbourhood=db.session.get(Neighbourhood, form.neighbourhood_id.data or 0),
            brings_together=form.brings_together.data,
            contact_name=form.contact_name.data,
            contact_email=form.contact_email.data,
            contact_phone=form.contact_phone.data or "",
            language=current_language(),
        )
        try:
            proposal = services.submit_proposal(round_, application)
        except services.BudgetingError as error:
            db.session.rollback()
            form.form_errors.append(error_message(error))
            status = 400
        else:
            limits.record_public_form()
            db.session.commit()
            flash(_("Thank you! Your application has been received."), "success")
            return redirect(url_for("budget.application", token=proposal.token))
    elif form.is_submitted():
        status = 400
    return render_template("budgeting/apply.html", round=round_, form=form), status


@public_bp.route("/soknad/<token>")
def application(token: str):
    if limits.code_guessing_blocked():
        db.session.commit()
        abort(429)  # the translated "too many attempts" page
    proposal = db.session.scalar(select(Proposal).where(Proposal.token == token))
    if proposal is None:
        limits.record_wrong_code()
        abort(404)
    from followup import services as followup

    # The short receipt code and the programme's answer, shared with every other contribution.
    receipt = followup.proposal_receipt(proposal)
    item = followup.item_by_receipt(receipt) if receipt else None
    return render_template(
        "budgeting/application.html",
        proposal=proposal,
        round=proposal.round,
        receipt=receipt,
        public=followup.status_of(item) if item is not None else None,
    )


# --- Public: voting ------------------------------------------------------------------------


def session_code(round_: Round) -> VoterCode | None:
    code_id = session.get(CODES_KEY, {}).get(str(round_.id))
    code = db.session.get(VoterCode, code_id) if code_id else None
    return code if code is not None and code.round_id == round_.id else None


def remember_code(round_: Round, code: VoterCode) -> None:
    codes = dict(session.get(CODES_KEY, {}))
    codes[str(round_.id)] = code.id
    session[CODES_KEY] = codes


@public_bp.route("/<round_slug>/stem", methods=["GET", "POST"])
def vote(round_slug: str):
    round_ = round_by_slug(round_slug)
    if round_.phase != "voting":
        return render_template("budgeting/closed.html", round=round_), 409
    form = CodeEntryForm()
    if request.method == "GET" and request.args.get("kode"):
        form.code.data = voting.format_code(voting.normalise_code(request.args["kode"]))
    status = 200
    if form.validate_on_submit() and limits.code_guessing_blocked():
        db.session.commit()
        form.form_errors.append(limits.wrong_code_message())
        status = 429
    elif form.is_submitted() and not form.errors:
        code = voting.find_code(round_, form.code.data)
        if code is None:
            limits.record_wrong_code()
            form.code.errors.append(
                _("We do not recognise this code for this vote. Check the letters and try again.")
            )
            status = 400
        else:
            remember_code(round_, code)
            return redirect(url_for("budget.ballot", round_slug=round_.slug))
    elif form.is_submitted():
        status = 400
    return render_template("budgeting/code.html", round=round_, form=form), status


def is_number(raw: str) -> bool:
    """A whole number from 0 that ``int`` reads and a database column holds: ``isdigit`` alone
    lets "²" through, and thousands of digits are refused by ``int`` itself."""
    return raw.isascii() and raw.isdigit() and len(raw) <= 9


def parse_choice(round_: Round | voting.FrozenRound, form) -> tuple[voting.Choice, list[str]]:
    """Read the ballot fields; returns the choice and problems with the fields themselves."""
    problems: list[str] = []
    ids = {p.id for p in round_.accepted}
    if round_.ballot_type in ("approval", "knapsack"):
        picked = [int(v) for v in form.getlist("project") if is_number(v) and int(v) in ids]
        return voting.Choice(picked), problems
    if round_.ballot_type == "points":
        projects, points = [], []
        for pid in sorted(ids):
            raw = (form.get(f"points-{pid}") or "").strip()
            if raw and not is_number(raw):
                problems.append(_("Points must be whole numbers from 0 and up."))
                continue
            projects.append(pid)
            points.append(int(raw or 0))
        return voting.Choice(projects, points), problems
    ranks: dict[int, int] = {}
    for pid in ids:
        raw = form.get(f"rank-{pid}") or ""
        if is_number(raw):
            ranks[pid] = int(raw)
    if len(set(ranks.values())) != len(ranks):
        problems.append(_("Give each place in the ranking to one project only."))
    return voting.Choice(sorted(ranks, key=ranks.get)), problems


def ballot_state(round_: Round, choice: voting.Choice | None) -> dict:
    """What the ballot page shows as marked, plus the running total for knapsack ballots."""
    projects = choice.projects if choice else []
    points = dict(zip(projects, choice.points or [], strict=False)) if choice else {}
    cost = {p.id: p.cost for p in round_.accepted}
    total = sum(cost.get(pid, 0) for pid in projects)
    return {
        "picked": set(projects),
        "points": points,
        "ranks": {pid: i + 1 for i, pid in enumerate(projects)},
        "total": total,
        "limit": round_.max_cost or round_.budget,
        "points_used": sum(points.values()),
    }


def send_ballot(round_slug: str) -> Response | None:
    """The busy path of a vote: a valid ballot from a signed-in code, answered with a redirect.

    One indexed Core read, the round's frozen settings from the process cache, one upsert and
    one audit insert. ``None`` means "show the ballot page" (no code, closed round, problems):
    the full view then explains. CSRF was already checked for every POST by CSRFProtect."""
    found = voting.voting_state(round_slug, list(session.get(CODES_KEY, {}).values()))
    if found is None:
        return None
    state, code_id = found
    if state.phase != "voting" or code_id is None:
        return None
    frozen = voting.frozen_round(state)
    choice, problems = parse_choice(frozen, request.form)
    if problems:
        return None
    try:
        voting.cast_ballot(frozen, code_id, choice)
    except services.BudgetingError:
        db.session.rollback()
        return None
    db.session.commit()
    # 303: the browser fetches the receipt with GET, so reloading it never re-sends the ballot.
    return redirect(url_for("budget.ballot_done", round_slug=state.slug), 303)


@public_bp.route("/<round_slug>/stemmeseddel", methods=["GET", "POST"])
def ballot(round_slug: str):
    if request.method == "POST" and request.form.get("action") != "check":
        sent = send_ballot(round_slug)
        if sent is not None:
            return sent
    round_ = round_by_slug(round_slug)
    code = session_code(round_)
    if code is None:
        return redirect(url_for("budget.vote", round_slug=round_.slug))
    if round_.phase != "voting":
        return render_template("budgeting/closed.html", round=round_), 409
    form = ActionForm()
    problems: list[str] = []
    choice = None
    status = 200
    if form.validate_on_submit():
        choice, problems = parse_choice(round_, request.form)
        if not problems and request.form.get("action") != "check":
            try:
                voting.submit_ballot(round_, code, choice)
            except services.BudgetingError as error:
                db.session.rollback()
                problems.append(error_message(error))
            else:
                db.session.commit()
                return redirect(url_for("budget.ballot_done", round_slug=round_.slug))
        status = 400 if problems else 200
    elif form.is_submitted():
        problems.append(_("The form expired. Please try again."))
        status = 400
    existing = voting.ballot_of(round_, code)
    if existing is not None and choice is None:
        choice = voting.Choice(existing.projects, existing.points)
    return render_template(
        "budgeting/ballot.html",
        round=round_,
        form=form,
        problems=problems,
        existing=existing,
        state=ballot_state(round_, choice),
        action=url_for("budget.ballot", round_slug=round_.slug),
    ), status


@public_bp.route("/<round_slug>/takk")
def ballot_done(round_slug: str):
    round_ = round_by_slug(round_slug)
    code = session_code(round_)
    existing = voting.ballot_of(round_, code) if code else None
    if existing is None:
        return redirect(url_for("budget.vote", round_slug=round_.slug))
    titles = {p.id: p.title for p in round_.accepted}
    chosen = [titles.get(pid, "") for pid in existing.projects]
    return render_template(
        "budgeting/ballot_done.html", round=round_, ballot=existing, chosen=chosen
    )


# --- Public: results -----------------------------------------------------------------------


def published_result(round_: Round):
    if round_.phase != "published":
        abort(404)
    return results.latest_result(round_) or abort(404)


@public_bp.route("/<round_slug>/resultat")
def results_page(round_slug: str):
    round_ = round_by_slug(round_slug)
    result = published_result(round_)
    return render_template("budgeting/results.html", round=round_, result=result, staff_view=False)


@public_bp.route("/<round_slug>/hvorfor", methods=["GET", "POST"])
def why(round_slug: str):
    round_ = round_by_slug(round_slug)
    result = published_result(round_)
    form = CodeEntryForm()
    explanation = None
    code = session_code(round_) if request.method == "GET" else None
    status = 200
    if form.validate_on_submit() and limits.code_guessing_blocked():
        db.session.commit()
        form.form_errors.append(limits.wrong_code_message())
        status = 429
    elif form.is_submitted() and not form.errors:
        code = voting.find_code(round_, form.code.data)
        if code is None:
            limits.record_wrong_code()
            form.code.errors.append(_("We do not recognise this code for this vote."))
            status = 400
    elif form.is_submitted():
        status = 400
    if code is not None:
        explanation = results.explain_for_code(result, code.id)
        if explanation is None and request.method == "POST":
            form.code.errors.append(_("No ballot was counted for this code."))
            status = 400
    return render_template(
        "budgeting/why.html",
        round=round_,
        result=result,
        form=form,
        explanation=explanation,
        titles={str(p.id): p.title for p in round_.proposals},
    ), status


@public_bp.route("/<round_slug>/resultat.zip")
def bundle(round_slug: str):
    round_ = round_by_slug(round_slug)
    return bundle_response(round_, published_result(round_))


def bundle_response(round_: Round, result) -> Response:
    try:
        data = results.export_bundle(round_, result)
    except services.BudgetingError:
        abort(404)
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{round_.slug}-resultat.zip"'},
    )


# --- Public: youth groups ------------------------------------------------------------------


def session_member(round_: Round) -> Member | None:
    member_id = session.get(MEMBERS_KEY, {}).get(str(round_.id))
    member = db.session.get(Member, member_id) if member_id else None
    return member if member is not None and member.round_id == round_.id else None


@public_bp.route("/bli-med", methods=["GET", "POST"])
def join():
    form = JoinForm()
    form.age_band.choices = [("", _("I would rather not say"))] + [
        (k, str(v)) for k, v in AGE_BANDS.items()
    ]
    if request.method == "GET" and request.args.get("kode"):
        form.code.data = voting.normalise_code(request.args["kode"])
    status = 200
    if form.validate_on_submit() and limits.code_guessing_blocked():
        db.session.commit()
        form.form_errors.append(limits.wrong_code_message())
        status = 429
    elif form.is_submitted() and not form.errors:
        group = services.find_group(form.code.data)
        if group is None:
            limits.record_wrong_code()
            form.code.errors.append(_("We do not know this group code. Ask your group leader."))
            status = 400
        else:
            try:
                member = services.join_group(group, form.nickname.data, form.age_band.data or None)
            except services.BudgetingError as error:
                db.session.rollback()
                form.form_errors.append(error_message(error))
                status = 400
            else:
                db.session.commit()
                members = dict(session.get(MEMBERS_KEY, {}))
                members[str(group.id)] = member.id
                session[MEMBERS_KEY] = members
                remember_code(group, member.voter_code)
                return redirect(url_for("budget.group", round_slug=group.slug))
    elif form.is_submitted():
        status = 400
    return render_template("budgeting/join.html", form=form), status


@public_bp.route("/<round_slug>/gruppe", methods=["GET", "POST"])
def group(round_slug: str):
    round_ = round_by_slug(round_slug)
    member = session_member(round_)
    if round_.kind != "youth":
        abort(404)
    if member is None:
        return redirect(url_for("budget.join"))
    form = IdeaForm()
    status = 200
    if form.validate_on_submit():
        idea = services.Application(
            form.title.data,
            form.description.data or "",
            form.cost.data,
            language=current_language(),
        )
        try:
            services.submit_proposal(round_, idea, member)
        except services.BudgetingError as error:
            db.session.rollback()
            form.form_errors.append(error_message(error))
            status = 400
        else:
            db.session.commit()
            flash(_("Your idea has been added."), "success")
            return redirect(url_for("budget.group", round_slug=round_.slug))
    elif form.is_submitted():
        status = 400
    from followup import services as followup

    result = results.latest_result(round_) if round_.phase == "published" else None
    # a member's own ideas show their receipt code: what came of it can be followed later
    receipts = {
        p.id: followup.proposal_receipt(p) for p in round_.proposals if p.member_id == member.id
    }
    return render_template(
        "budgeting/group.html",
        round=round_,
        member=member,
        form=form,
        comment_form=CommentForm(formdata=None),
        result=result,
        receipts=receipts,
    ), status


@public_bp.route("/<round_slug>/gruppe/<int:proposal_id>/kommentar", methods=["POST"])
def comment(round_slug: str, proposal_id: int):
    round_ = round_by_slug(round_slug)
    member = session_member(round_)
    proposal = db.session.get(Proposal, proposal_id)
    if member is None or proposal is None or proposal.round_id != round_.id:
        abort(404)
    form = CommentForm()
    if form.validate_on_submit():
        services.add_comment(proposal, member, form.text.data, current_language())
        db.session.commit()
        flash(_("Your comment has been added."), "success")
    else:
        flash(_("Write a comment."), "error")
    return redirect(url_for("budget.group", round_slug=round_.slug) + f"#idea-{proposal.id}")


# --- Staff: rounds --------------------------------------------------------------------------

FACILITATOR = ("facilitator",)
READERS = ("facilitator", "reader")


@bp.route("/")
@roles_required(*READERS)
def rounds():
    all_rounds = db.session.scalars(select(Round).order_by(Round.created_at.desc())).all()
    return render_template("budgeting/rounds.html", rounds=all_rounds)


def settings_from(form: RoundForm) -> dict:
    values = {name: getattr(form, name).data for name in services.SETTINGS}
    values["neighbourhood_id"] = values["neighbourhood_id"] or None
    values["purpose"] = values["purpose"] or ""
    return values


@bp.route("/ny", methods=["GET", "POST"])
@roles_required(*FACILITATOR)
def round_new():
    form = RoundForm()
    form.neighbourhood_id.choices = neighbourhood_choices(_("No single neighbourhood"))
    status = 200
    if form.validate_on_submit():
        try:
            round_ = services.create_round(actor=g.user, kind=form.kind.data, **settings_from(form))
        except services.BudgetingError as error:
            db.session.rollback()
            form.form_errors.append(error_message(error))
            status = 400
        else:
            db.session.commit()
            flash(_("The round has been created."), "success")
            return redirect(url_for("budgeting.round_detail", round_id=round_.id))
    elif form.is_submitted():
        status = 400
    return render_template("budgeting/round_form.html", form=form, round=None), status


@bp.route("/<int:round_id>/innstillinger", methods=["GET", "POST"])
@roles_required(*FACILITATOR)
def round_edit(round_id: int):
    round_ = round_by_id(round_id)
    form = RoundForm(obj=round_)
    del form.kind
    form.neighbourhood_id.choices = neighbourhood_choices(_("No single neighbourhood"))
    if request.method == "GET":
        form.neighbourhood_id.data = round_.neighbourhood_id or 0
    status = 200
    if round_.frozen:
        form.form_errors.append(_("The settings are frozen because voting has opened."))
        status = 409 if request.method == "POST" else 200
    elif form.validate_on_submit():
        try:
            services.update_settings(round_, actor=g.user, **settings_from(form))
        except services.BudgetingError as error:
            db.session.rollback()
            form.form_errors.append(error_message(error))
            status = 400
        else:
            db.session.commit()
            flash(_("The settings have been saved."), "success")
            return redirect(url_for("budgeting.round_detail", round_id=round_.id))
    elif form.is_submitted():
        status = 400
    return render_template("budgeting/round_form.html", form=form, round=round_), status


@bp.route("/<int:round_id>")
@roles_required(*READERS)
def round_detail(round_id: int):
    round_ = round_by_id(round_id)
    join_url = url_for("budget.join", kode=round_.join_code, _external=True)
    return render_template(
        "budgeting/round_detail.html",
        round=round_,
        counts=voting.ballot_counts(round_),
        result=results.latest_result(round_),
        next_phase=services.next_phase(round_),
        action_form=ActionForm(),
        codes_form=CodesForm(),
        members=db.session.scalars(select(Member).where(Member.round_id == round_.id)).all(),
        join_qr=qr_svg(join_url, _("QR code to join the group")) if round_.join_code else "",
        join_url=join_url,
    )


@bp.route("/<int:round_id>/neste-fase", methods=["POST"])
@roles_required(*FACILITATOR)
def advance(round_id: int):
    round_ = round_by_id(round_id)
    if ActionForm().validate_on_submit():
        try:
            phase = services.advance_phase(round_, g.user)
        except services.BudgetingError as error:
            db.session.rollback()
            flash(error_message(error), "error")
        else:
            db.session.commit()
            flash(
                _("The round is now in the phase: %(phase)s.", phase=PHASE_LABELS[phase]), "success"
            )
    return redirect(url_for("budgeting.round_detail", round_id=round_.id))


@bp.route("/forslag/<int:proposal_id>", methods=["GET", "POST"])
@roles_required(*FACILITATOR)
def review(proposal_id: int):
    proposal = db.session.get(Proposal, proposal_id) or abort(404)
    form = DecisionForm()
    update_form = UpdateForm(formdata=None)
    status = 200
    if form.validate_on_submit():
        try:
            services.decide(proposal, form.decision.data == "accept", form.reason.data, g.user)
        except services.BudgetingError as error:
            db.session.rollback()
            form.form_errors.append(error_message(error))
            status = 400
        else:
            db.session.commit()
            flash(_("The decision has been saved."), "success")
            return redirect(url_for("budgeting.round_detail", round_id=proposal.round_id))
    elif form.is_submitted():
        status = 400
    result = results.latest_result(proposal.round)
    funded = result is not None and proposal.id in result.winners
    return render_template(
        "budgeting/review.html",
        proposal=proposal,
        form=form,
        update_form=update_form,
        funded=funded,
    ), status


@bp.route("/forslag/<int:proposal_id>/oppfolging", methods=["POST"])
@roles_required(*FACILITATOR)
def follow_up(proposal_id: int):
    proposal = db.session.get(Proposal, proposal_id) or abort(404)
    form = UpdateForm()
    if form.validate_on_submit():
        try:
            services.add_update(proposal, form.status.data, form.note.data, g.user)
        except services.BudgetingError as error:
            db.session.rollback()
            flash(error_message(error), "error")
        else:
            db.session.commit()
            flash(_("The update is published."), "success")
    else:
        flash(_("Write what has happened."), "error")
    return redirect(url_for("budgeting.review", proposal_id=proposal.id))


# --- Staff: codes, paper ballots -------------------------------------------------------------


@bp.route("/<int:round_id>/koder", methods=["POST"])
@roles_required(*FACILITATOR)
def codes(round_id: int):
    round_ = round_by_id(round_id)
    form = CodesForm()
    if form.validate_on_submit():
        made = voting.generate_codes(round_, form.how_many.data)
        db.session.commit()
        flash(_("%(n)s codes made.", n=len(made)), "success")
        return redirect(url_for("budgeting.code_sheet", round_id=round_.id, batch=made[0].batch))
    for message in form.how_many.errors:
        flash(message, "error")
    return redirect(url_for("budgeting.round_detail", round_id=round_.id))


@bp.route("/<int:round_id>/kodeark")
@roles_required(*FACILITATOR)
def code_sheet(round_id: int):
    round_ = round_by_id(round_id)
    batch = request.args.get("batch", type=int) or 1
    rows = db.session.scalars(
        select(VoterCode)
        .where(VoterCode.round_id == round_.id, VoterCode.batch == batch)
        .order_by(VoterCode.id)
    ).all()
    sheet = []
    for code in rows:
        url = url_for("budget.vote", round_slug=round_.slug, kode=code.code, _external=True)
        sheet.append((voting.format_code(code.code), qr_svg(url, _("QR code for voting"))))
    return render_template("budgeting/code_sheet.html", round=round_, sheet=sheet, batch=batch)


@bp.route("/<int:round_id>/papir", methods=["GET", "POST"])
@roles_required(*FACILITATOR)
def paper(round_id: int):
    round_ = round_by_id(round_id)
    form = ActionForm()
    problems: list[str] = []
    choice = None
    status = 200
    if form.validate_on_submit():
        code = voting.find_code(round_, request.form.get("code"))
        choice, problems = parse_choice(round_, request.form)
        if code is None:
            problems.insert(0, _("We do not recognise this code for this vote."))
        if not problems:
            try:
                voting.submit_ballot(round_, code, choice, method="paper", entered_by=g.user)
            except services.BudgetingError as error:
                db.session.rollback()
                problems.append(error_message(error))
            else:
                db.session.commit()
                flash(_("The paper ballot is saved."), "success")
                return redirect(url_for("budgeting.paper", round_id=round_.id))
        status = 400
    unconfirmed = db.session.scalars(
        select(Ballot)
        .where(
            Ballot.round_id == round_.id, Ballot.method == "paper", Ballot.confirmed_at.is_(None)
        )
        .order_by(Ballot.id)
    ).all()
    return render_template(
        "budgeting/paper.html",
        round=round_,
        form=form,
        problems=problems,
        state=ballot_state(round_, choice),
        unconfirmed=unconfirmed,
        titles={p.id: p.title for p in round_.accepted},
        typed_code=request.form.get("code", "") if problems else "",
        action=url_for("budgeting.paper", round_id=round_.id),
    ), status


@bp.route("/<int:round_id>/papir-ide", methods=["GET", "POST"])
@roles_required(*FACILITATOR)
def paper_idea(round_id: int):
    """Type in a youth group's idea written on a paper card."""
    round_ = round_by_id(round_id)
    if round_.kind != "youth":
        abort(404)
    members = db.session.scalars(
        select(Member).where(Member.round_id == round_.id).order_by(Member.nickname)
    ).all()
    form = PaperIdeaForm()
    form.member.choices = [(0, _("Not known, or not a member online"))] + [
        (m.id, m.nickname) for m in members
    ]
    status = 200
    if form.validate_on_submit():
        member = next((m for m in members if m.id == form.member.data), None)
        idea = services.Application(form.title.data, form.description.data or "", form.cost.data)
        try:
            services.submit_paper_idea(round_, idea, member, g.user)
        except services.BudgetingError as error:
            db.session.rollback()
            form.form_errors.append(error_message(error))
            status = 400
        else:
            db.session.commit()
            flash(_("The idea is added to the group's list."), "success")
            return redirect(url_for("budgeting.paper_idea", round_id=round_.id))
    elif form.is_submitted():
        status = 400
    return render_template("budgeting/paper_idea.html", round=round_, form=form), status


@bp.route("/stemmeseddel/<int:ballot_id>/bekreft", methods=["POST"])
@roles_required(*FACILITATOR)
def confirm_paper(ballot_id: int):
    ballot_ = db.session.get(Ballot, ballot_id) or abort(404)
    if ActionForm().validate_on_submit():
        try:
            voting.confirm_paper(ballot_, g.user)
        except services.BudgetingError as error:
            db.session.rollback()
            flash(error_message(error), "error")
        else:
            db.session.commit()
            flash(_("The paper ballot is confirmed."), "success")
    return redirect(url_for("budgeting.paper", round_id=ballot_.round_id))


# --- Staff: ties, count, agreement, export, import ------------------------------------------


@bp.route("/<int:round_id>/opptelling", methods=["GET", "POST"])
@roles_required(*FACILITATOR)
def count(round_id: int):
    round_ = round_by_id(round_id)
    form = ActionForm()
    tie_form = TieForm(formdata=None)
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            results.count_round(round_, g.user)
        except services.BudgetingError as error:
            db.session.rollback()
            problems.append(error_message(error))
        else:
            db.session.commit()
            flash(_("The votes are counted."), "success")
            return redirect(url_for("budgeting.round_result", round_id=round_.id))
    return render_template(
        "budgeting/count.html",
        round=round_,
        form=form,
        tie_form=tie_form,
        problems=problems,
        ties=results.possible_ties(round_),
        undrawn=results.undrawn_ties(round_),
        votes=results.vote_counts(round_),
        counts=voting.ballot_counts(round_),
    ), (400 if problems else 200)


@bp.route("/<int:round_id>/trekning", methods=["POST"])
@roles_required(*FACILITATOR)
def tie_order(round_id: int):
    round_ = round_by_id(round_id)
    form = TieForm()
    if form.validate_on_submit():
        drawn = {}
        for group_ in results.possible_ties(round_):
            for p in group_:
                raw = request.form.get(f"place-{p.id}", "")
                drawn[p.id] = int(raw) if is_number(raw) else 0
        order = sorted(drawn, key=lambda pid: (drawn[pid], pid))
        if any(v == 0 for v in drawn.values()) or len(set(drawn.values())) != len(drawn):
            flash(_("Give every tied project its own drawn place (1, 2, 3 …)."), "error")
        else:
            try:
                results.record_tie_order(round_, order, form.note.data, g.user)
            except services.BudgetingError as error:
                db.session.rollback()
                flash(error_message(error), "error")
            else:
                db.session.commit()
                flash(_("The drawn order is recorded."), "success")
    else:
        flash(_("Say how the order was drawn, for the record."), "error")
    return redirect(url_for("budgeting.count", round_id=round_.id))


@bp.route("/<int:round_id>/resultat")
@roles_required(*READERS)
def round_result(round_id: int):
    round_ = round_by_id(round_id)
    result = results.latest_result(round_) or abort(404)
    return render_template("budgeting/results.html", round=round_, result=result, staff_view=True)


@bp.route("/<int:round_id>/enighet", methods=["GET", "POST"])
@roles_required(*FACILITATOR)
def agreement(round_id: int):
    round_ = round_by_id(round_id)
    if round_.kind != "youth":
        abort(404)
    form = AgreementForm()
    votes = results.vote_counts(round_)
    status = 200
    if form.validate_on_submit():
        funded = [p.id for p in round_.accepted if request.form.get(f"fund-{p.id}")]
        support = {}
        for p in round_.accepted:
            raw = request.form.get(f"support-{p.id}", "")
            support[p.id] = int(raw) if is_number(raw) else 0
        try:
            results.record_agreement(round_, funded, support, form.note.data, g.user)
        except services.BudgetingError as error:
            db.session.rollback()
            form.form_errors.append(error_message(error))
            status = 400
        else:
            db.session.commit()
            flash(_("The group's agreement is recorded."), "success")
            return redirect(url_for("budgeting.round_result", round_id=round_.id))
    elif form.is_submitted():
        status = 400
    return render_template("budgeting/agreement.html", round=round_, form=form, votes=votes), status


@bp.route("/<int:round_id>/resultat.zip")
@roles_required(*READERS)
def export(round_id: int):
    round_ = round_by_id(round_id)
    return bundle_response(round_, results.latest_result(round_) or abort(404))


@bp.route("/importer", methods=["GET", "POST"])
@roles_required(*READERS)
def import_pb():
    form = ImportForm()
    counted = None
    status = 200
    if form.validate_on_submit():
        try:
            counted = results.count_upload(form.file.data.read(), form.rule_variant.data or None)
        except services.BudgetingError as error:
            form.file.errors.append(error_message(error))
            status = 400
    elif form.is_submitted():
        status = 400
    return render_template("budgeting/import.html", form=form, counted=counted), status
