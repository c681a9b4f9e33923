"""Forms of the taxonomy: the public input form, topics/posters, bulk entry, CSV import,
coding, the codebook editor, local indicators and the summary filters."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import submission_field

from .vocabulary import AGE_BANDS, CHANNELS, INPUT_LANGUAGES

MAX_INPUT = 2000


def age_band_choices(blank_label) -> list[tuple[str, object]]:
    return [("", blank_label), *AGE_BANDS.items()]


class PublicInputForm(FlaskForm):
    text = TextAreaField(
        _l("Your input"),
        validators=[
            DataRequired(message=_l("Write what you want to say.")),
            Length(max=MAX_INPUT, message=_l("Please keep it under 2000 characters.")),
        ],
        render_kw={"rows": 6},
    )
    age_band = SelectField(
        _l("Your age (optional)"),
        choices=age_band_choices(_l("I would rather not say")),
        validators=[Optional()],
    )
    consent = BooleanField(
        _l("I agree that my input is stored and used as described above."),
        validators=[
            InputRequired(message=_l("Tick the box to agree, or your input cannot be sent."))
        ],
    )
    submission = submission_field()
    # Honeypot: hidden from people by CSS, filled in by robots.
    website = StringField(
        _l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"}
    )
    submit = SubmitField(_l("Send"))


class TopicForm(FlaskForm):
    neighbourhood = SelectField(_l("Neighbourhood"), coerce=int)
    title = StringField(
        _l("Topic"),
        validators=[DataRequired(message=_l("Give the topic a title.")), Length(max=200)],
    )
    question = TextAreaField(
        _l("Question to residents"), validators=[Length(max=1000)], render_kw={"rows": 3}
    )
    submit = SubmitField(_l("Create topic and poster"))


def _batch_fields(form_class):
    form_class.channel = SelectField(
        _l("Channel"), choices=list(CHANNELS.items()), default="wish_tree"
    )
    form_class.neighbourhood = SelectField(_l("Neighbourhood"), coerce=int)
    form_class.place = StringField(_l("Place"), validators=[Length(max=200)])
    form_class.received_on = DateField(
        _l("Date"), default=date.today, validators=[InputRequired(message=_l("Enter a date."))]
    )
    form_class.language = SelectField(
        _l("Language"), choices=list(INPUT_LANGUAGES.items()), default="nb"
    )
    form_class.age_band = SelectField(
        _l("Age band"), choices=age_band_choices(_l("Mixed or unknown")), validators=[Optional()]
    )
    return form_class


@_batch_fields
class BulkForm(FlaskForm):
    cards = TextAreaField(
        _l("Cards or notes, one per line"),
        validators=[DataRequired(message=_l("Write at least one card."))],
        render_kw={"rows": 12},
    )
    submit = SubmitField(_l("Save all"))


@_batch_fields
class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(message=_l("Choose a CSV file."))])
    submit = SubmitField(_l("Import"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CodingForm(FlaskForm):
    codes = MultiCheckboxField(_l("Codes"), coerce=int, validators=[Optional()])
    excerpt = TextAreaField(
        _l("Excerpt (optional)"),
        validators=[Optional(), Length(max=MAX_INPUT)],
        render_kw={"rows": 2},
    )
    # Character offsets into the item's text (bounded: they are stored in integer columns).
    start = IntegerField(validators=[Optional(), NumberRange(min=0, max=1_000_000)])
    end = IntegerField(validators=[Optional(), NumberRange(min=0, max=1_000_000)])
    suggested = StringField(validators=[Optional()])
    memo = TextAreaField(
        _l("Memo (optional)"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 2}
    )
    save = SubmitField(_l("Save"))
    save_next = SubmitField(_l("Save and go to the next item"))


class CodeForm(FlaskForm):
    key = StringField(
        _l("Key"),
        validators=[
            DataRequired(message=_l("Give the code a key.")),
            Length(max=60),
            Regexp(
                r"^[a-z0-9_.-]+$",
                message=_l("Use lower-case letters, digits, dots, hyphens and underscores."),
            ),
        ],
    )
    parent = SelectField(_l("Parent code"), coerce=int)
    label_nb = StringField(
        _l("Name (Bokmål)"), validators=[DataRequired(message=_l("Enter a name.")), Length(max=200)]
    )
    label_en = StringField(
        _l("Name (English)"),
        validators=[DataRequired(message=_l("Enter a name.")), Length(max=200)],
    )
    definition_nb = TextAreaField(_l("Definition (Bokmål)"), render_kw={"rows": 3})
    definition_en = TextAreaField(_l("Definition (English)"), render_kw={"rows": 3})
    include_nb = TextAreaField(_l("Include (Bokmål)"), render_kw={"rows": 2})
    include_en = TextAreaField(_l("Include (English)"), render_kw={"rows": 2})
    exclude_nb = TextAreaField(_l("Exclude (Bokmål)"), render_kw={"rows": 2})
    exclude_en = TextAreaField(_l("Exclude (English)"), render_kw={"rows": 2})
    examples_nb = TextAreaField(_l("Examples (Bokmål), one per line"), render_kw={"rows": 4})
    examples_en = TextAreaField(_l("Examples (English), one per line"), render_kw={"rows": 4})
    indicators = SelectMultipleField(_l("Linked indicators"), coerce=int, render_kw={"size": 12})
    active = BooleanField(_l("Active (can be applied)"), default=True)
    submit = SubmitField(_l("Save code"))


class IndicatorForm(FlaskForm):
    key = StringField(
        _l("Key"),
        validators=[
            DataRequired(message=_l("Give the indicator a key.")),
            Length(max=50),
            Regexp(
                r"^[A-Za-z0-9_.-]+$",
                message=_l("Use letters, digits, dots, hyphens and underscores."),
            ),
        ],
    )
    label_nb = StringField(
        _l("Name (Bokmål)"), validators=[DataRequired(message=_l("Enter a name."))]
    )
    label_en = StringField(
        _l("Name (English)"), validators=[DataRequired(message=_l("Enter a name."))]
    )
    sources = StringField(_l("Data sources"), validators=[Length(max=500)])
    submit = SubmitField(_l("Add local indicator"))


class SummaryFilterForm(FlaskForm):
    class Meta:
        csrf = False

    neighbourhood = SelectField(_l("Neighbourhood"), validators=[Optional()])
    channel = SelectField(_l("Channel"), validators=[Optional()])
    age_band = SelectField(_l("Age band"), validators=[Optional()])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    period = SelectField(
        _l("Period"),
        choices=[("quarter", _l("Quarter")), ("month", _l("Month")), ("year", _l("Year"))],
        default="quarter",
    )
    submit = SubmitField(_l("Show"))
