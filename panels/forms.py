"""Forms of the panels feature: creating a panel (quotas typed or from shares), the register
upload, the public seed, drop-outs, phases, sessions and expert inputs, groups,
recommendations, and the residents' forms (sign-up, code, check-in, support votes)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app.forms import submission_field
from taxonomy.forms import MultiCheckboxField

from .models import PHASE_STATUSES, PHASES, SUPPORT_SCALE
from .services import SignUp
from .vocabulary import term_label

KIND_LABELS = {
    "adult": _l("Adults"),
    "youth": _l("Young people"),
    "children": _l("Children (guardian consents)"),
}
PHASE_LABELS = {
    "learning": _l("Learning"),
    "discussion": _l("Discussion and reflection"),
    "decision": _l("Decision"),
}
PHASE_STATUS_LABELS = {"planned": _l("Planned"), "active": _l("Under way"), "done": _l("Done")}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "inviting": _l("Inviting"),
    "selection": _l("Selection"),
    "deliberation": _l("Deliberation"),
    "closed": _l("Closed"),
    "pool": _l("In the pool"),
    "selected": _l("Selected"),
    "reserve": _l("Reserve"),
    "dropped_out": _l("Dropped out"),
    "withdrawn": _l("Withdrawn"),
}
AVAILABILITY_LABELS = {
    "weekday_evenings": _l("Weekday evenings"),
    "weekday_daytime": _l("Weekdays in the daytime"),
    "saturdays": _l("Saturdays"),
    "sundays": _l("Sundays"),
}
ACCESS_LABELS = {
    "interpreter": _l("An interpreter"),
    "childcare": _l("Childcare"),
    "travel": _l("Help with travel"),
    "step_free": _l("Step-free access"),
}
SUPPORT_LABELS = {
    2: _l("Strongly agree"),
    1: _l("Agree"),
    0: _l("Neither agree nor disagree"),
    -1: _l("Disagree"),
    -2: _l("Strongly disagree"),
}


class PanelForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Give the panel a title.")), Length(max=200)],
    )
    topic = TextAreaField(_l("Question the panel works on"), render_kw={"rows": 3})
    neighbourhood = SelectField(_l("Neighbourhood"), coerce=int)
    kind = SelectField(_l("Who can take part"), choices=list(KIND_LABELS.items()))
    panel_size = IntegerField(
        _l("Panel size"),
        validators=[
            InputRequired(message=_l("Enter the number of panel members.")),
            NumberRange(min=2, max=500, message=_l("A panel has between 2 and 500 members.")),
        ],
    )
    pool_target = IntegerField(
        _l("Volunteers wanted before the draw"),
        validators=[
            Optional(),
            NumberRange(min=2, max=100_000, message=_l("Enter a number from 2 to 100 000.")),
        ],
    )
    shares = TextAreaField(_l("Population shares (optional)"), render_kw={"rows": 5})
    tolerance = IntegerField(
        _l("Seats of slack on each side"),
        default=1,
        validators=[Optional(), NumberRange(min=0, max=50)],
    )
    compute = SubmitField(_l("Compute quotas from shares"))
    quotas = TextAreaField(_l("Categories and quotas"), render_kw={"rows": 8})
    default_response_rate = FloatField(
        _l("Expected response rate"),
        default=0.05,
        validators=[
            InputRequired(message=_l("Enter an expected response rate, e.g. 0.05.")),
            NumberRange(min=0.001, max=1, message=_l("Enter a share between 0.001 and 1.")),
        ],
    )
    response_rates = TextAreaField(_l("Response rate per area (optional)"), render_kw={"rows": 3})
    signup_closes_on = DateField(_l("Sign-up closes on"), validators=[Optional()])
    closes_on = DateField(
        _l("Panel ends on"),
        validators=[InputRequired(message=_l("Enter the date the panel ends."))],
    )
    retention_days = IntegerField(
        _l("Delete personal data this many days after the end"),
        default=90,
        validators=[InputRequired(), NumberRange(min=0, max=3650)],
    )
    min_age = IntegerField(_l("Youngest age"), validators=[Optional(), NumberRange(min=0, max=120)])
    max_age = IntegerField(_l("Oldest age"), validators=[Optional(), NumberRange(min=0, max=120)])
    submit = SubmitField(_l("Create panel"))

    learning_starts = DateField(_l("Learning phase starts"), validators=[Optional()])
    discussion_starts = DateField(_l("Discussion phase starts"), validators=[Optional()])
    decision_starts = DateField(_l("Decision phase starts"), validators=[Optional()])

    def validate_closes_on(self, field) -> None:
        start = self.signup_closes_on.data
        if start and field.data and field.data < start:
            raise ValidationError(_l("The panel cannot end before sign-up closes."))

    def validate_decision_starts(self, field) -> None:
        dates = [
            d
            for d in (
                self.learning_starts.data,
                self.discussion_starts.data,
                field.data,
                self.closes_on.data,
            )
            if d
        ]
        if dates != sorted(dates):
            raise ValidationError(
                _l("The phases must follow each other and end by the day the panel ends.")
            )


class RegisterForm(FlaskForm):
    file = FileField(
        _l("Household register (CSV)"),
        validators=[FileRequired(message=_l("Choose a CSV file."))],
    )
    submit = SubmitField(_l("Import register"))


class SeedForm(FlaskForm):
    seed = StringField(
        _l("Public seed"),
        validators=[DataRequired(message=_l("Enter the public seed.")), Length(max=200)],
    )
    submit = SubmitField(_l("Draw"))


class ButtonForm(FlaskForm):
    """A form that is only a button (its CSRF token is what matters)."""

    submit = SubmitField(_l("Confirm"))


class PhaseForm(FlaskForm):
    starts_on = DateField(_l("Starts"), validators=[Optional()])
    ends_on = DateField(_l("Ends"), validators=[Optional()])
    status = SelectField(
        _l("Status"), choices=[(s, PHASE_STATUS_LABELS[s]) for s in PHASE_STATUSES]
    )
    submit = SubmitField(_l("Save phase"))


class SessionForm(FlaskForm):
    phase = SelectField(_l("Phase"), choices=[(p, PHASE_LABELS[p]) for p in PHASES])
    title = StringField(
        _l("Title"), validators=[DataRequired(message=_l("Give the session a title."))]
    )
    starts_at = DateTimeLocalField(
        _l("Starts at"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(message=_l("Enter a date and time."))],
    )
    place = StringField(_l("Place"), validators=[Length(max=200)])
    agenda = TextAreaField(_l("Agenda"), render_kw={"rows": 4})
    submit = SubmitField(_l("Add session"))


class LinkForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Give it a title."))])
    url = StringField(_l("Link"), validators=[DataRequired(message=_l("Enter a link."))])
    submit = SubmitField(_l("Add link"))


class DocumentForm(FlaskForm):
    title = StringField(_l("Title"))
    file = FileField(_l("Document"), validators=[FileRequired(message=_l("Choose a file."))])
    submit = SubmitField(_l("Upload"))


class GroupsForm(FlaskForm):
    moderators = TextAreaField(
        _l("Moderators, one per line (one group each)"),
        validators=[DataRequired(message=_l("Name at least one moderator."))],
        render_kw={"rows": 4},
    )
    submit = SubmitField(_l("Make groups"))


class RecommendationForm(FlaskForm):
    group = SelectField(_l("Group"), coerce=int)
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Give the recommendation a title.")), Length(max=200)],
    )
    text = TextAreaField(
        _l("Recommendation"),
        validators=[DataRequired(message=_l("Write the recommendation."))],
        render_kw={"rows": 5},
    )
    image = FileField(_l("Drawing or photo (optional)"))
    caption = TextAreaField(_l("Caption"), validators=[Length(max=1000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Save recommendation"))


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code from the letter"),
        validators=[DataRequired(message=_l("Type the code from your letter."))],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    submit = SubmitField(_l("Continue"))


class CheckinForm(FlaskForm):
    code = StringField(
        _l("Your personal code"),
        validators=[DataRequired(message=_l("Type your personal code."))],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    submit = SubmitField(_l("Check in"))


class OneTapCheckinForm(FlaskForm):
    """Check in as the member whose personal page was opened on this phone."""

    me = SubmitField(_l("Check in"))


def signup_form(panel, formdata=None, paper: bool = False) -> FlaskForm:
    """The sign-up form for ``panel``: one question per quota category, then the rest.

    ``paper``: the form staff type a paper reply into, with the letter's code first and the
    consent being the signature on the paper form."""

    class SignupForm(FlaskForm):
        pass

    if paper:
        SignupForm.code = StringField(
            _l("Code on the reply form"),
            validators=[DataRequired(message=_l("Enter the code printed on the reply form."))],
            render_kw={"autocomplete": "off", "spellcheck": "false"},
        )

    for index, category in enumerate(panel.categories):
        setattr(
            SignupForm,
            f"q{index}",
            RadioField(
                term_label(category),
                choices=[(v, term_label(v)) for v in panel.values_of(category)],
                validators=[InputRequired(message=_l("Choose an answer."))],
            ),
        )
    if panel.min_age is not None or panel.max_age is not None:
        SignupForm.age = IntegerField(
            _l("Age of the person taking part"),
            validators=[InputRequired(message=_l("Enter your age.")), NumberRange(min=0, max=120)],
        )
    SignupForm.availability = MultiCheckboxField(
        _l("When can you take part?"), choices=list(AVAILABILITY_LABELS.items())
    )
    SignupForm.access_needs = MultiCheckboxField(
        _l("What would help you take part?"), choices=list(ACCESS_LABELS.items())
    )
    SignupForm.access_note = TextAreaField(
        _l("Anything else we should know (optional)"),
        validators=[Length(max=1000)],
        render_kw={"rows": 3},
    )
    children = panel.kind == "children"
    SignupForm.name = StringField(
        _l("The child's first name") if children else _l("Name"),
        validators=[DataRequired(message=_l("Enter your name.")), Length(max=200)],
    )
    SignupForm.phone = TelField(
        _l("Phone of parent or guardian") if children else _l("Phone"),
        validators=[Optional(), Length(max=40)],
        render_kw={"autocomplete": "tel"},
    )
    SignupForm.email = EmailField(
        _l("E-mail of parent or guardian") if children else _l("E-mail"),
        # A plain pattern, not a deliverability check: staff confirm contact by phone or mail.
        validators=[
            Optional(),
            Length(max=200),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                message=_l("Enter an e-mail address like name@example.no."),
            ),
        ],
        render_kw={"autocomplete": "email"},
    )
    if panel.kind == "children":
        SignupForm.guardian_name = StringField(
            _l("Name of parent or guardian"),
            validators=[DataRequired(message=_l("Enter the name of a parent or guardian."))],
        )
        SignupForm.guardian_consent = BooleanField(
            _l("As parent or guardian, I agree that my child takes part."),
            validators=[InputRequired(message=_l("A parent or guardian must agree."))],
        )
    SignupForm.consent = BooleanField(
        _l("The reply form is signed: the person agrees to how the answers are used.")
        if paper
        else _l("I agree that my answers are stored and used as described above."),
        validators=[InputRequired(message=_l("Tick the box to agree, or we cannot sign you up."))],
    )
    if not paper:
        SignupForm.submission = submission_field()
    SignupForm.submit = SubmitField(_l("Save the paper reply") if paper else _l("Sign me up"))
    return SignupForm(formdata=formdata) if formdata is not None else SignupForm()


def signup_answers(panel, form: FlaskForm, language: str) -> SignUp:
    """What a validated sign-up form (online or typed in from paper) says, for the services."""
    return SignUp(
        features={c: form[f"q{i}"].data for i, c in enumerate(panel.categories)},
        availability=form.availability.data or [],
        access_needs=form.access_needs.data or [],
        access_note=form.access_note.data or "",
        name=form.name.data,
        phone=form.phone.data or "",
        email=form.email.data or "",
        language=language,
        consent=bool(form.consent.data),
        guardian_name=form.guardian_name.data if "guardian_name" in form else "",
        guardian_consent=bool(form.guardian_consent.data) if "guardian_consent" in form else False,
        age=form.age.data if "age" in form else None,
    )


def vote_form(recommendations) -> FlaskForm:
    class VoteForm(FlaskForm):
        pass

    for rec in recommendations:
        setattr(
            VoteForm,
            f"r{rec.id}",
            RadioField(
                rec.title,
                choices=[(str(s), SUPPORT_LABELS[s]) for s in SUPPORT_SCALE],
                validators=[Optional()],
            ),
        )
    VoteForm.submit = SubmitField(_l("Save my votes"))
    return VoteForm()
