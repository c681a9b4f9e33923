"""Forms of budget rounds: round settings, the public application form, eligibility decisions,
follow-up notes, voter codes, joining a youth group, ideas and comments, agreements and .pb
import. Ballots are parsed in ``views`` because their fields depend on the round's projects."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from .models import APPLICANT_TYPES, BALLOT_TYPES, FOLLOW_UP_STATUSES, KINDS

KIND_LABELS = {"pot": _l("Neighbourhood pot"), "youth": _l("Youth group")}
BALLOT_TYPE_LABELS = {
    "approval": _l("Approval: tick the projects you support"),
    "knapsack": _l("Knapsack: choose projects within the budget"),
    "points": _l("Points: share out a number of points"),
    "ranking": _l("Ranking: put projects in order"),
}
APPLICANT_TYPE_LABELS = {
    "borettslag": _l("Housing cooperative (borettslag)"),
    "sameie": _l("Owners' association (sameie)"),
    "velforening": _l("Residents' association (velforening)"),
    "lag_forening": _l("Club or association (lag/forening)"),
    "other": _l("Other local actor"),
}
FOLLOW_UP_LABELS = {
    "planned": _l("Planned"),
    "in_progress": _l("Under way"),
    "delivered": _l("Delivered"),
}
VARIANT_LABELS = {
    "mes_cost_add1+greedy": _l("Method of Equal Shares, completed (recommended)"),
    "mes_cost_add1": _l("Method of Equal Shares with raised shares"),
    "mes_cost+greedy": _l("Method of Equal Shares, filled up by votes"),
    "mes_cost": _l("Method of Equal Shares, plain"),
    "greedy_cost": _l("Most votes first (greedy)"),
    "greedy_card": _l("Most votes first, counting projects (greedy)"),
    "phragmen": _l("Sequential Phragmén"),
    "mes_points+greedy": _l("Method of Equal Shares with points, filled up"),
    "mes_points": _l("Method of Equal Shares with points"),
    "greedy_points": _l("Most points first (greedy)"),
    "mes_borda+greedy": _l("Method of Equal Shares with rankings, filled up"),
    "mes_borda": _l("Method of Equal Shares with rankings"),
    "greedy_borda": _l("Best ranked first (greedy)"),
}
NEED_NUMBER = _l("Write a whole number.")


#: The largest whole number the database columns hold (PostgreSQL ``integer``).
LARGEST = 2_000_000_000


def _whole(label, minimum: int = 0, required: bool = False, **kw) -> IntegerField:
    validators = [
        InputRequired(message=NEED_NUMBER) if required else Optional(),
        NumberRange(
            min=minimum,
            max=LARGEST,
            message=_l("Write a whole number from %(min)s to %(max)s."),
        ),
    ]
    return IntegerField(label, validators=validators, **kw)


class RoundForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Give the round a title.")), Length(max=200)],
    )
    kind = RadioField(
        _l("Kind of round"), choices=[(k, KIND_LABELS[k]) for k in KINDS], default="pot"
    )
    neighbourhood_id = SelectField(_l("Neighbourhood"), coerce=int, validate_choice=False)
    year = _whole(_l("Year"), 2000)
    purpose = TextAreaField(_l("Purpose and criteria"), render_kw={"rows": 4})
    administrator = StringField(
        _l("Run by"),
        default="Kulturenheten",
        validators=[DataRequired(message=_l("Say who runs the round.")), Length(max=120)],
    )
    budget = _whole(_l("Budget in NOK"), 1, required=True)
    ballot_type = SelectField(
        _l("Ballot type"), choices=[(b, BALLOT_TYPE_LABELS[b]) for b in BALLOT_TYPES]
    )
    min_projects = _whole(_l("At least this many projects on a ballot"), 1)
    max_projects = _whole(_l("At most this many projects on a ballot"), 1)
    max_cost = _whole(_l("Knapsack: most a ballot may spend (NOK; empty = the budget)"), 1)
    max_points = _whole(_l("Points: points each voter shares out"), 1)
    rule_variant = SelectField(
        _l("Counting rule"), choices=[(k, v) for k, v in VARIANT_LABELS.items()]
    )
    paper_needs_confirmation = BooleanField(_l("Paper ballots need a second person's check"))
    proposals_open = DateField(_l("Applications open"), validators=[Optional()])
    proposals_close = DateField(_l("Applications close"), validators=[Optional()])
    voting_open = DateField(_l("Voting opens"), validators=[Optional()])
    voting_close = DateField(_l("Voting closes"), validators=[Optional()])


class ApplicationForm(FlaskForm):
    applicant_type = SelectField(
        _l("Who is applying?"),
        choices=[("", _l("Choose…"))] + [(k, APPLICANT_TYPE_LABELS[k]) for k in APPLICANT_TYPES],
        validators=[DataRequired(message=_l("Choose who is applying."))],
    )
    applicant_name = StringField(
        _l("Name of the organisation or group"),
        validators=[DataRequired(message=_l("Write the name of the applicant.")), Length(max=200)],
    )
    title = StringField(
        _l("Name of the project"),
        validators=[DataRequired(message=_l("Give the project a name.")), Length(max=200)],
    )
    description = TextAreaField(
        _l("What will you do?"),
        validators=[
            DataRequired(message=_l("Describe the project.")),
            Length(max=4000, message=_l("Please keep it under 4000 characters.")),
        ],
        render_kw={"rows": 5},
    )
    brings_together = TextAreaField(
        _l("Who does it bring together?"),
        validators=[DataRequired(message=_l("Say who the project brings together."))],
        render_kw={"rows": 3},
    )
    cost = _whole(_l("Amount applied for (NOK)"), 1, required=True)
    neighbourhood_id = SelectField(_l("Where?"), coerce=int, validate_choice=False)
    contact_name = StringField(
        _l("Contact person"),
        validators=[DataRequired(message=_l("Write a contact person.")), Length(max=200)],
    )
    contact_email = StringField(
        _l("E-mail"),
        validators=[
            DataRequired(message=_l("Write an e-mail address.")),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Write a valid e-mail address.")),
        ],
    )
    contact_phone = StringField(_l("Phone (optional)"), validators=[Length(max=40)])


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[("accept", _l("Eligible: goes to the vote")), ("reject", _l("Not eligible"))],
        validators=[InputRequired(message=_l("Choose a decision."))],
    )
    reason = TextAreaField(
        _l("Reason (the applicant sees it; needed when not eligible)"), render_kw={"rows": 3}
    )


class UpdateForm(FlaskForm):
    status = SelectField(
        _l("Status"), choices=[(k, FOLLOW_UP_LABELS[k]) for k in FOLLOW_UP_STATUSES]
    )
    note = TextAreaField(
        _l("Public note"),
        validators=[DataRequired(message=_l("Write what has happened."))],
        render_kw={"rows": 3},
    )


class CodesForm(FlaskForm):
    how_many = IntegerField(
        _l("How many codes?"),
        default=50,
        validators=[
            InputRequired(message=NEED_NUMBER),
            NumberRange(min=1, max=20000, message=_l("Between 1 and 20 000 codes at a time.")),
        ],
    )


class CodeEntryForm(FlaskForm):
    code = StringField(
        _l("Your voting code"),
        validators=[DataRequired(message=_l("Write the code from your letter or card."))],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class JoinForm(FlaskForm):
    code = StringField(
        _l("Group code"),
        validators=[DataRequired(message=_l("Write the code you got from the group leader."))],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    nickname = StringField(
        _l("Your first name or a nickname"),
        validators=[
            DataRequired(message=_l("Write a name the group knows you by.")),
            Length(max=60),
        ],
    )
    age_band = SelectField(_l("Your age"), validators=[Optional()])


class IdeaForm(FlaskForm):
    title = StringField(
        _l("Your idea"),
        validators=[DataRequired(message=_l("Give your idea a name.")), Length(max=200)],
    )
    description = TextAreaField(_l("Tell the group more (optional)"), render_kw={"rows": 3})
    cost = _whole(_l("About how much does it cost (NOK)?"), 1, required=True)


class PaperIdeaForm(IdeaForm):
    """An idea a group member wrote on a paper card, typed in by staff."""

    member = SelectField(_l("Who wrote it"), coerce=int)


class CommentForm(FlaskForm):
    text = TextAreaField(
        _l("Your comment"),
        validators=[DataRequired(message=_l("Write a comment.")), Length(max=2000)],
        render_kw={"rows": 2},
    )


class TieForm(FlaskForm):
    note = TextAreaField(
        _l("How and where was the order drawn?"),
        validators=[DataRequired(message=_l("Say how the order was drawn, for the record."))],
        render_kw={"rows": 2},
    )


class AgreementForm(FlaskForm):
    note = TextAreaField(
        _l("What did the group agree?"),
        validators=[DataRequired(message=_l("Write down what the group agreed."))],
        render_kw={"rows": 4},
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l(".pb file or results bundle (.zip)"),
        validators=[FileRequired(message=_l("Choose a file."))],
    )
    rule_variant = SelectField(
        _l("Counting rule (a bundle brings its own)"),
        choices=[("", _l("As named in the file"))] + [(k, v) for k, v in VARIANT_LABELS.items()],
        validators=[Optional()],
    )


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token."""
