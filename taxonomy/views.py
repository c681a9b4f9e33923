"""Web views of the taxonomy: the public input form and thank-you page (blueprint ``input``),
and the staff pages (blueprint ``taxonomy``): topics and QR posters, bulk entry, CSV import,
item list, coding queue and coding view, codebook and indicators, agreement, summaries,
exports and the printable report. Views parse, call a module, render."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
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
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.auth import login_required, roles_required
from app.extensions import db
from app.forms import submission_key
from app.i18n import current_language
from app.models import Neighbourhood

from . import agreement as agreement_module
from . import charts, importing, services, summaries
from .forms import (
    BulkForm,
    CodeForm,
    CodingForm,
    ImportForm,
    IndicatorForm,
    PublicInputForm,
    SummaryFilterForm,
    TopicForm,
)
from .models import Code, Coding, Indicator, InputItem, Topic
from .posters import qr_svg
from .redact import redact
from .suggestions import suggestions_for
from .vocabulary import AGE_BANDS, CHANNELS, FRAMEWORKS, INDICATOR_KINDS, INPUT_LANGUAGES, label

public_bp = Blueprint("input", __name__, url_prefix="/input")
bp = Blueprint("taxonomy", __name__, url_prefix="/taxonomy")


def redaction_labels() -> dict[str, str]:
    return {"email": _("[e-mail]"), "phone": _("[phone]"), "name": _("[name]")}


def quote(text: str) -> str:
    return redact(text, redaction_labels())


@bp.app_context_processor
def taxonomy_helpers() -> dict:
    return {
        "channel_label": lambda key: label(CHANNELS, key),
        "age_band_label": lambda key: label(AGE_BANDS, key),
        "language_name": lambda key: INPUT_LANGUAGES.get(key, key),
        "redacted": quote,
    }


def neighbourhood_choices() -> list[tuple[int, str]]:
    areas = db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.sort_order)).all()
    top = [a for a in areas if a.parent_id is None]
    choices = []
    for area in top:
        choices.append((area.id, area.name))
        choices.extend((sub.id, f"{area.name} › {sub.name}") for sub in area.sub_areas)
    return choices


# --- Public input --------------------------------------------------------------------------


@public_bp.route("/")
def index():
    topics = db.session.scalars(
        select(Topic).where(Topic.active.is_(True)).order_by(Topic.created_at.desc())
    ).all()
    return render_template("taxonomy/public_index.html", topics=topics)


@public_bp.route("/<slug>", methods=["GET", "POST"])
def form(slug: str):
    topic = db.session.scalar(select(Topic).where(Topic.slug == slug)) or abort(404)
    if not topic.active:
        abort(404)
    form = PublicInputForm()
    status = 200
    if form.validate_on_submit():
        if form.website.data:
            # A robot filled in the hidden field: pretend all went well, store nothing.
            return redirect(url_for("input.thanks", slug=topic.slug))
        key = submission_key(form.submission.data)
        stored = services.stored_public_input(key)
        if stored is not None and stored.text == form.text.data.strip():
            session["input_receipt"] = stored.receipt
            return redirect(url_for("input.thanks", slug=topic.slug))
        if stored is not None:
            # Back to a sent form and wrote something else: that is a new message.
            key = submission_key(None)
        if not services.submission_allowed():
            db.session.commit()
            form.form_errors.append(
                _(
                    "We have received many messages from you in a short time. Please try again later."
                )
            )
            status = 429
        else:
            try:
                item = services.intake(
                    services.PUBLIC_FORM,
                    key,
                    form.text.data,
                    channel="qr_poster" if request.args.get("via") == "qr" else "web",
                    topic=topic,
                    language=current_language(),
                    age_band=form.age_band.data or None,
                    consent=True,
                )
                db.session.commit()
            except IntegrityError:
                # The same form arrived twice at the same moment and the other request stored it
                # (PostgreSQL refuses at intake's flush, SQLite at the commit).
                db.session.rollback()
                item = services.stored_public_input(key)
            session["input_receipt"] = item.receipt
            return redirect(url_for("input.thanks", slug=topic.slug))
    elif form.is_submitted():
        status = 400
    return render_template("taxonomy/public_form.html", form=form, topic=topic), status


@public_bp.route("/<slug>/thanks")
def thanks(slug: str):
    topic = db.session.scalar(select(Topic).where(Topic.slug == slug)) or abort(404)
    return render_template(
        "taxonomy/public_thanks.html", topic=topic, receipt=session.pop("input_receipt", None)
    )


# --- Staff start ----------------------------------------------------------------------------


@bp.route("/")
@login_required
def home():
    counts = {
        "items": db.session.scalar(select(func.count(InputItem.id))),
        "coded": db.session.scalar(select(func.count(func.distinct(Coding.item_id)))),
        "codes": db.session.scalar(select(func.count(Code.id))),
        "indicators": db.session.scalar(select(func.count(Indicator.id))),
    }
    return render_template("taxonomy/home.html", counts=counts)


# --- Topics and posters --------------------------------------------------------------------


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower().replace("æ", "ae").replace("ø", "o"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "topic"


@bp.route("/topics", methods=["GET", "POST"])
@roles_required("facilitator")
def topics():
    form = TopicForm()
    form.neighbourhood.choices = neighbourhood_choices()
    status = 200
    if form.validate_on_submit():
        area = db.session.get(Neighbourhood, form.neighbourhood.data) or abort(400)
        base = slugify(f"{area.slug} {form.title.data}")
        slug, n = base, 2
        while db.session.scalar(select(Topic.id).where(Topic.slug == slug)):
            slug, n = f"{base}-{n}", n + 1
        topic = Topic(
            slug=slug,
            neighbourhood=area,
            title=form.title.data.strip(),
            question=(form.question.data or "").strip(),
        )
        db.session.add(topic)
        db.session.flush()
        audit.record("taxonomy.topic_created", topic, slug=slug)
        db.session.commit()
        flash(_("Topic created. Print its poster below."), "success")
        return redirect(url_for("taxonomy.poster", topic_id=topic.id))
    elif form.is_submitted():
        status = 400
    all_topics = db.session.scalars(select(Topic).order_by(Topic.created_at.desc())).all()
    return render_template("taxonomy/topics.html", form=form, topics=all_topics), status


@bp.route("/topics/<int:topic_id>/poster")
@roles_required("facilitator")
def poster(topic_id: int):
    topic = db.session.get(Topic, topic_id) or abort(404)
    size = "a3" if request.args.get("size") == "a3" else "a4"
    url = url_for("input.form", slug=topic.slug, via="qr", _external=True)
    svg = qr_svg(url, _("QR code that opens the form for %(topic)s", topic=topic.title))
    return render_template("taxonomy/poster.html", topic=topic, size=size, url=url, qr=svg)


# --- Bulk entry and import -----------------------------------------------------------------


def _batch(form) -> services.Batch:
    return services.Batch(
        channel=form.channel.data,
        neighbourhood=db.session.get(Neighbourhood, form.neighbourhood.data),
        place=(form.place.data or "").strip(),
        received_on=form.received_on.data,
        language=form.language.data,
        age_band=form.age_band.data or None,
    )


@bp.route("/bulk", methods=["GET", "POST"])
@roles_required("facilitator")
def bulk():
    form = BulkForm()
    form.neighbourhood.choices = neighbourhood_choices()
    status = 200
    if form.validate_on_submit():
        items = services.bulk_entry(form.cards.data, _batch(form), g.user)
        db.session.commit()
        flash(_("%(count)d items saved.", count=len(items)), "success")
        # One printable receipt (code + QR) per card, so each card's author can follow it up.
        return redirect(url_for("followup.receipts", batch=items[0].batch))
    elif form.is_submitted():
        status = 400
    return render_template("taxonomy/bulk.html", form=form), status


IMPORT_MESSAGES = {
    "import.no_text_column": lambda e: _("The file has no column named “text”."),
    "import.no_rows": lambda e: _("The file has no rows."),
    "import.not_csv": lambda e: _(
        "The file could not be read as a CSV file. Save it again as CSV from the spreadsheet."
    ),
    "import.empty_text": lambda e: _("The text is empty."),
    "import.text_too_long": lambda e: _("The text is longer than 5000 characters."),
    "import.bad_date": lambda e: _(
        "“%(value)s” is not a date (use 2025-03-31 or 31.03.2025).", value=e.value
    ),
    "import.unknown_channel": lambda e: _("Unknown channel “%(value)s”.", value=e.value),
    "import.unknown_neighbourhood": lambda e: _(
        "Unknown neighbourhood “%(value)s”.", value=e.value
    ),
    "import.unknown_age_band": lambda e: _("Unknown age band “%(value)s”.", value=e.value),
    "import.unknown_language": lambda e: _("Unknown language “%(value)s”.", value=e.value),
}


@bp.route("/import", methods=["GET", "POST"])
@roles_required("facilitator")
def import_csv():
    form = ImportForm()
    form.neighbourhood.choices = neighbourhood_choices()
    status, errors = 200, []
    if form.validate_on_submit():
        batch = _batch(form)
        parsed = importing.parse_csv(
            importing.decode(form.file.data.read()),
            areas=list(db.session.scalars(select(Neighbourhood))),
            default_channel=batch.channel,
            default_area=batch.neighbourhood,
            default_date=batch.received_on,
            default_language=batch.language,
        )
        if parsed.errors:
            errors = [(e.row, IMPORT_MESSAGES[e.code](e)) for e in parsed.errors]
            form.form_errors.append(
                _("Nothing was imported. Correct the rows below and try again.")
            )
            status = 400
        else:
            label_ = f"csv-{date.today():%Y%m%d}-{services.secrets.token_hex(2)}"
            for row in parsed.rows:
                services.intake(
                    None,
                    None,
                    row.text,
                    channel=row.channel,
                    neighbourhood=row.neighbourhood,
                    language=row.language,
                    received_on=row.received_on,
                    age_band=row.age_band,
                    place=row.place or batch.place,
                    consent=True,
                    batch=label_,
                    entered_by=g.user,
                )
            audit.record("taxonomy.csv_import", None, batch=label_, items=len(parsed.rows))
            db.session.commit()
            flash(_("%(count)d items imported.", count=len(parsed.rows)), "success")
            return redirect(url_for("taxonomy.import_csv"))
    elif form.is_submitted():
        status = 400
    return render_template("taxonomy/import.html", form=form, errors=errors), status


# --- Items and coding ----------------------------------------------------------------------


@bp.route("/items")
@roles_required("facilitator", "coder")
def items():
    rows = db.session.scalars(
        select(InputItem).order_by(InputItem.created_at.desc(), InputItem.id.desc()).limit(200)
    ).all()
    return render_template("taxonomy/items.html", items=rows)


@bp.route("/queue")
@roles_required("coder")
def queue():
    waiting = services.queue_for(g.user, limit=100)
    return render_template("taxonomy/queue.html", items=waiting)


def _code_choices(lang: str) -> list[tuple[int, str]]:
    return [
        (c.id, f"{c.parent.label(lang)} › {c.label(lang)}" if c.parent else c.label(lang))
        for c in services.active_codes()
    ]


def _excerpt_span(form: CodingForm, text: str) -> tuple[int | None, int | None] | None:
    """(start, end) from the selection offsets or from the typed excerpt; None when not found."""
    excerpt = (form.excerpt.data or "").strip()
    if form.start.data is not None and form.end.data is not None:
        start, end = form.start.data, form.end.data
        if 0 <= start < end <= len(text) and (not excerpt or text[start:end].strip() == excerpt):
            return start, end
    if not excerpt:
        return None, None
    position = text.find(excerpt)
    if position < 0:
        position = text.lower().find(excerpt.lower())
    if position < 0:
        return None
    return position, position + len(excerpt)


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
@roles_required("coder")
def code_item(item_id: int):
    item = db.session.get(InputItem, item_id) or abort(404)
    lang = current_language()
    form = CodingForm()
    form.codes.choices = _code_choices(lang)
    suggestions = suggestions_for(item, exclude_coder=g.user)
    status = 200
    if form.validate_on_submit():
        span = _excerpt_span(form, item.text)
        chosen = form.codes.data or []
        suggested_ids = {
            int(x)
            for x in (form.suggested.data or "").split(",")
            if x.isascii() and x.isdigit() and len(x) <= 9
        }
        if span is None:
            form.excerpt.errors.append(_("The excerpt must be copied exactly from the text."))
            status = 400
        elif not chosen and not (form.memo.data or "").strip():
            form.codes.errors.append(_("Choose at least one code, or write a memo."))
            status = 400
        else:
            for code_id in chosen:
                code = db.session.get(Code, code_id) or abort(400)
                services.apply_coding(
                    item, code, g.user, span[0], span[1], from_suggestion=code_id in suggested_ids
                )
            if (form.memo.data or "").strip():
                services.add_memo(item, g.user, form.memo.data)
            db.session.commit()
            flash(_("Saved."), "success")
            if form.save_next.data:
                following = services.next_item_for(g.user, after=item.id)
                if following is not None:
                    return redirect(url_for("taxonomy.code_item", item_id=following.id))
                flash(_("The queue is empty. Thank you!"), "success")
                return redirect(url_for("taxonomy.queue"))
            return redirect(url_for("taxonomy.code_item", item_id=item.id))
    elif form.is_submitted():
        status = 400
    mine = [c for c in item.codings if c.coder_id == g.user.id]
    others = [c for c in item.codings if c.coder_id != g.user.id]
    form.suggested.data = ",".join(str(s.code.id) for s in suggestions)
    return (
        render_template(
            "taxonomy/code_item.html",
            item=item,
            form=form,
            suggestions=suggestions,
            mine=mine,
            others=others,
            lang=lang,
            small_form=FlaskForm(),
        ),
        status,
    )


@bp.route("/codings/<int:coding_id>/delete", methods=["POST"])
@roles_required("coder")
def remove_coding(coding_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    coding = db.session.get(Coding, coding_id) or abort(404)
    item_id = coding.item_id
    try:
        services.remove_coding(coding, g.user)
    except services.TaxonomyError:
        flash(_("You can only remove your own codes."), "error")
        return redirect(url_for("taxonomy.code_item", item_id=item_id))
    db.session.commit()
    flash(_("Code removed."), "success")
    return redirect(url_for("taxonomy.code_item", item_id=item_id))


@bp.route("/items/<int:item_id>/double", methods=["POST"])
@roles_required("coder")
def mark_double(item_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    item = db.session.get(InputItem, item_id) or abort(404)
    item.double_code = not item.double_code
    audit.record("taxonomy.double_code", item, double_code=item.double_code)
    db.session.commit()
    return redirect(url_for("taxonomy.code_item", item_id=item.id))


# --- Codebook and indicators ---------------------------------------------------------------


@bp.route("/codes")
@login_required
def codebook():
    return render_template(
        "taxonomy/codebook.html", roots=services.code_tree(), lang=current_language()
    )


@bp.route("/codes/<int:code_id>")
@login_required
def code_detail(code_id: int):
    code = db.session.get(Code, code_id) or abort(404)
    return render_template(
        "taxonomy/code_detail.html", code=code, lang=current_language(), frameworks=FRAMEWORKS
    )


def _indicator_choices(lang: str) -> list[tuple[int, str]]:
    rows = db.session.scalars(select(Indicator).order_by(Indicator.sort_order)).all()
    return [(i.id, f"{i.key} – {i.label(lang)[:90]}") for i in rows]


def _fill_code_form(form: CodeForm, code: Code | None, lang: str) -> None:
    form.parent.choices = [(0, _("(top level)"))] + [
        (c.id, c.label(lang)) for c in services.active_codes() if code is None or c.id != code.id
    ]
    form.indicators.choices = _indicator_choices(lang)


def _code_changes(form: CodeForm) -> dict:
    changes = {
        name: (getattr(form, name).data or "").strip()
        for name in (
            "label_nb",
            "label_en",
            "definition_nb",
            "definition_en",
            "include_nb",
            "include_en",
            "exclude_nb",
            "exclude_en",
            "examples_nb",
            "examples_en",
        )
    }
    changes["examples_nb"] = "\n".join(
        x.strip() for x in changes["examples_nb"].splitlines() if x.strip()
    )
    changes["examples_en"] = "\n".join(
        x.strip() for x in changes["examples_en"].splitlines() if x.strip()
    )
    changes["parent_id"] = form.parent.data or None
    changes["active"] = bool(form.active.data)
    changes["key"] = form.key.data
    return changes


CODE_ERRORS = {
    "code.key_taken": lambda: _("That key is already used by another code."),
    "code.parent_cycle": lambda: _("A code cannot be placed under itself or one of its sub-codes."),
    "code.key_required": lambda: _("Give the code a key."),
}


def _save_code_view(code: Code | None):
    lang = current_language()
    form = CodeForm(obj=code)
    _fill_code_form(form, code, lang)
    if code is not None and request.method == "GET":
        form.parent.data = code.parent_id or 0
        form.indicators.data = [i.id for i in code.indicators]
    if code is not None:
        form.key.data = code.key
    status = 200
    if form.validate_on_submit():
        try:
            saved = services.save_code(
                code, _code_changes(form), form.indicators.data or [], g.user
            )
        except services.TaxonomyError as error:
            db.session.rollback()
            form.form_errors.append(CODE_ERRORS[error.code]())
            status = 400
        else:
            db.session.commit()
            flash(_("Code saved (version %(version)d).", version=saved.version), "success")
            return redirect(url_for("taxonomy.code_detail", code_id=saved.id))
    elif form.is_submitted():
        status = 400
    return render_template("taxonomy/code_form.html", form=form, code=code), status


@bp.route("/codes/new", methods=["GET", "POST"])
@roles_required("admin")
def code_new():
    return _save_code_view(None)


@bp.route("/codes/<int:code_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def code_edit(code_id: int):
    return _save_code_view(db.session.get(Code, code_id) or abort(404))


@bp.route("/indicators")
@login_required
def indicators():
    framework = request.args.get("framework", "programme")
    if framework not in FRAMEWORKS:
        framework = "programme"
    rows = db.session.scalars(
        select(Indicator).where(Indicator.framework == framework).order_by(Indicator.sort_order)
    ).all()
    linked = dict(
        db.session.execute(
            select(Indicator.id, func.count(Code.id)).join(Indicator.codes).group_by(Indicator.id)
        ).all()
    )
    return render_template(
        "taxonomy/indicators.html",
        rows=rows,
        framework=framework,
        frameworks=FRAMEWORKS,
        kinds=INDICATOR_KINDS,
        lang=current_language(),
        linked=linked,
        form=IndicatorForm(),
    )


@bp.route("/indicators/new", methods=["POST"])
@roles_required("admin")
def indicator_new():
    form = IndicatorForm()
    if form.validate_on_submit():
        key = form.key.data.strip()
        if not key.upper().startswith("LOCAL-"):
            key = f"LOCAL-{key}"
        if db.session.scalar(select(Indicator.id).where(Indicator.key == key)):
            flash(_("That key is already used by another indicator."), "error")
        else:
            indicator = Indicator(
                key=key,
                framework="local",
                kind="local",
                number=key[6:],
                label_nb=form.label_nb.data.strip(),
                label_en=form.label_en.data.strip(),
                sources=(form.sources.data or "").strip(),
                local=True,
                sort_order=90_000,
            )
            db.session.add(indicator)
            db.session.flush()
            audit.record("taxonomy.indicator_created", indicator, key=key)
            db.session.commit()
            flash(_("Local indicator added."), "success")
    else:
        flash(_("The indicator needs a key and names in Bokmål and English."), "error")
    return redirect(url_for("taxonomy.indicators", framework="local"))


# --- Agreement -----------------------------------------------------------------------------


@bp.route("/agreement")
@roles_required("coder", "reader")
def agreement():
    codes = {c.id: c for c in db.session.scalars(select(Code))}
    triples = [
        (item_id, codes[code_id].key, coder_id)
        for item_id, code_id, coder_id in db.session.execute(
            select(Coding.item_id, Coding.code_id, Coding.coder_id)
        )
    ]
    active_keys = [c.key for c in services.active_codes()]
    report = agreement_module.agreement_report(triples, active_keys)
    by_key = {c.key: c for c in codes.values()}
    rows = [r for r in report.per_code if r.both + r.only_first + r.only_second > 0]
    return render_template(
        "taxonomy/agreement.html", report=report, rows=rows, by_key=by_key, lang=current_language()
    )


# --- Summaries, exports, report ------------------------------------------------------------


def _summary_filters() -> tuple[SummaryFilterForm, summaries.Filters]:
    form = SummaryFilterForm(request.args)
    areas = db.session.scalars(
        select(Neighbourhood)
        .where(Neighbourhood.parent_id.is_(None))
        .order_by(Neighbourhood.sort_order)
    ).all()
    form.neighbourhood.choices = [("", _("All neighbourhoods"))] + [(a.slug, a.name) for a in areas]
    form.channel.choices = [("", _("All channels"))] + list(CHANNELS.items())
    form.age_band.choices = [("", _("All ages"))] + list(AGE_BANDS.items())
    form.validate()
    area = next((a for a in areas if a.slug == form.neighbourhood.data), None)
    period = form.period.data if form.period.data in summaries.PERIODS else "quarter"
    return form, summaries.Filters(
        neighbourhood=area,
        channel=form.channel.data if form.channel.data in CHANNELS else None,
        age_band=form.age_band.data if form.age_band.data in AGE_BANDS else None,
        start=form.start.data if not form.start.errors else None,
        end=form.end.data if not form.end.errors else None,
        period=period,
    )


def _labels() -> dict:
    return {
        "channel": {k: str(v) for k, v in CHANNELS.items()},
        "age_band": {k: str(v) for k, v in AGE_BANDS.items()},
    }


def _summary_context() -> dict:
    form, filters = _summary_filters()
    lang = current_language()
    summary = summaries.summarise(filters, lang, _labels())
    top_rows = [r for r in summary.by_code if r.depth == 0]
    code_rows = [r for r in summary.by_code if r.count]
    code_labels = {r.key: r.label for r in summary.by_code}

    def pct(r):
        return f"{r.count} ({r.share:.0%})"

    svg = {
        "codes": charts.bar_chart(
            [charts.Bar(("· " if r.depth else "") + r.label, r.count, pct(r)) for r in code_rows],
            title=_("Coded input per code"),
            description=_("Number of coded items per code; the table below has the same figures."),
            chart_id="chart-codes",
        ),
        "indicators": charts.bar_chart(
            [charts.Bar(r.key, r.count, pct(r)) for r in summary.by_indicator[:12]],
            title=_("Coded input per indicator"),
            description=_("The twelve indicators with most linked input; all are in the table."),
            chart_id="chart-indicators",
        ),
        "time": charts.line_chart(
            summary.periods,
            {code_labels[k]: v for k, v in summary.over_time.items()},
            title=_("Change over time"),
            description=_(
                "Coded items per programme goal and period; the table below has the same figures."
            ),
            chart_id="chart-time",
        ),
    }
    return {
        "form": form,
        "filters": filters,
        "summary": summary,
        "svg": svg,
        "lang": lang,
        "top_rows": top_rows,
        "code_labels": code_labels,
        "query": {k: v for k, v in request.args.items() if k != "submit" and v},
    }


@bp.route("/summary")
@login_required
def summary():
    return render_template("taxonomy/summary.html", **_summary_context())


@bp.route("/report")
@login_required
def report():
    return render_template("taxonomy/report.html", **_summary_context())


@bp.route("/summary/export.<fmt>")
@login_required
def export(fmt: str):
    if fmt not in ("csv", "json"):
        abort(404)
    _form, filters = _summary_filters()
    lang = current_language()
    rows = summaries.cube(filters, lang)
    audit.record(
        "taxonomy.summary_exported",
        None,
        format=fmt,
        rows=len(rows),
        neighbourhood=filters.neighbourhood.slug if filters.neighbourhood else "",
    )
    db.session.commit()
    name = f"tinget-summary-{filters.neighbourhood.slug if filters.neighbourhood else 'all'}"
    if fmt == "json":
        summary = summaries.summarise(filters, lang, _labels())
        body = {
            "filters": {
                "neighbourhood": filters.neighbourhood.slug if filters.neighbourhood else None,
                "channel": filters.channel,
                "age_band": filters.age_band,
                "start": filters.start.isoformat() if filters.start else None,
                "end": filters.end.isoformat() if filters.end else None,
                "period": filters.period,
            },
            "items": summary.items,
            "coded_items": summary.coded_items,
            "by_code": [r.__dict__ for r in summary.by_code],
            "by_indicator": [r.__dict__ for r in summary.by_indicator],
            "by_channel": [r.__dict__ for r in summary.by_channel],
            "by_age_band": [r.__dict__ for r in summary.by_age_band],
            "over_time": {"periods": summary.periods, "series": summary.over_time},
            "quotes": summary.quotes,
            "cube": rows,
        }
        return Response(
            json.dumps(body, ensure_ascii=False, indent=2),
            mimetype="application/json",
            headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
        )
    out = io.StringIO()
    out.write("\ufeff")  # so spreadsheet programs read UTF-8
    writer = csv.DictWriter(out, fieldnames=summaries.CUBE_FIELDS)
    writer.writeheader()
    writer.writerows(rows)
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
