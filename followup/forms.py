"""Forms of the follow-up: the resident's receipt-code form and project feedback, and the staff
forms for answers, scope statements, project evaluation and feedback taken down on paper."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from budgeting.forms import ApplicationForm
from taxonomy.forms import age_band_choices

from .models import STATUSES
from .vocabulary import ENTRY_CHANNEL_LABELS, PHASE_LABELS, SMILEY_LABELS, STATUS_LABELS

MAX_TEXT = 2000


class ReceiptForm(FlaskForm):
    code = StringField(
        _l("Receipt code"),
        validators=[DataRequired(message=_l("Type the code from your receipt."))],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Show status"))


class FeedbackForm(FlaskForm):
    smiley = RadioField(
        _l("How was it?"),
        choices=[(value, label) for value, label in SMILEY_LABELS.items()],
        coerce=int,
        validators=[InputRequired(message=_l("Choose a face."))],
    )
    text = TextAreaField(
        _l("Anything you want to tell us? (optional)"),
        validators=[
            Optional(),
            Length(max=MAX_TEXT, message=_l("Please keep it under 2000 characters.")),
        ],
        render_kw={"rows": 4},
    )
    age_band = SelectField(
        _l("Your age (optional)"),
        choices=age_band_choices(_l("I would rather not say")),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Send"))


class StaffFeedbackForm(FeedbackForm):
    channel = SelectField(
        _l("How did you hear it?"),
        choices=[(k, v) for k, v in ENTRY_CHANNEL_LABELS.items() if k != "web"],
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Save feedback"))


class AnswerForm(FlaskForm):
    status = SelectField(
        _l("Status"),
        choices=[(key, STATUS_LABELS[key]) for key in STATUSES],
        validators=[DataRequired(message=_l("Choose a status."))],
    )
    answer_nb = TextAreaField(
        _l("Public answer in Norwegian Bokmål"),
        validators=[Length(max=MAX_TEXT, message=_l("Please keep it under 2000 characters."))],
        render_kw={"rows": 4},
    )
    answer_en = TextAreaField(
        _l("Public answer in English (optional)"),
        validators=[Length(max=MAX_TEXT, message=_l("Please keep it under 2000 characters."))],
        render_kw={"rows": 4},
    )
    reason = TextAreaField(
        _l("Reason (needed when not taken forward)"),
        validators=[Length(max=MAX_TEXT, message=_l("Please keep it under 2000 characters."))],
        render_kw={"rows": 3},
    )
    project = SelectField(_l("Funded project"), coerce=int, validators=[Optional()])
    publish = BooleanField(_l("Publish the answer now"), default=True)
    submit = SubmitField(_l("Save answer"))


class ScopeForm(FlaskForm):
    can_decide_nb = TextAreaField(
        _l("What the municipality can decide here (Bokmål)"),
        validators=[DataRequired(message=_l("Write what can be decided."))],
        render_kw={"rows": 3},
    )
    can_decide_en = TextAreaField(_l("The same in English (optional)"), render_kw={"rows": 3})
    cannot_decide_nb = TextAreaField(
        _l("What cannot be decided here, and who decides it (Bokmål)"),
        validators=[DataRequired(message=_l("Write what cannot be decided."))],
        render_kw={"rows": 3},
    )
    cannot_decide_en = TextAreaField(_l("The same in English (optional)"), render_kw={"rows": 3})
    submit = SubmitField(_l("Save statement"))


class EvaluationForm(FlaskForm):
    phase = SelectField(_l("Phase"), choices=list(PHASE_LABELS.items()))
    planned = TextAreaField(_l("What was planned"), render_kw={"rows": 3})
    delivered = TextAreaField(_l("What was delivered"), render_kw={"rows": 3})
    participants = TextAreaField(_l("Who took part"), render_kw={"rows": 3})
    participant_count = IntegerField(
        _l("How many took part (optional)"),
        validators=[
            Optional(),
            NumberRange(min=0, max=1_000_000, message=_l("Enter a number from 0 to 1 000 000.")),
        ],
    )
    learned = TextAreaField(_l("What we learned"), render_kw={"rows": 3})
    submit = SubmitField(_l("Save evaluation"))


class PaperApplicationForm(ApplicationForm):
    """An application to the pot taken down by staff; the applicant may have no e-mail."""

    round_id = SelectField(
        _l("Round"), coerce=int, validators=[DataRequired(message=_l("Choose the round."))]
    )
    channel = SelectField(
        _l("How did you get the application?"),
        choices=[(k, v) for k, v in ENTRY_CHANNEL_LABELS.items() if k != "web"],
        validators=[DataRequired()],
    )
    contact_email = StringField(
        _l("E-mail (optional)"),
        validators=[
            Optional(),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Write a valid e-mail address.")),
        ],
    )
    submit = SubmitField(_l("Save the application"))
