"""Translated labels of the follow-up statuses, project phases and entry channels, and the
default scope statements shown until staff write one for a process."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS: dict[str, object] = {
    "received": _l("Received"),
    "considering": _l("Being considered"),
    "answered": _l("Answered"),
    "project": _l("Turned into a project"),
    "not_taken_forward": _l("Not taken forward"),
}

#: One plain sentence per status, for the resident's status page.
STATUS_EXPLANATIONS: dict[str, object] = {
    "received": _l("We have received your contribution. Nobody has looked at it yet."),
    "considering": _l("The programme has read your contribution and is considering it."),
    "answered": _l("The programme has answered your contribution."),
    "project": _l("Your contribution has become part of a project."),
    "not_taken_forward": _l("Your contribution will not be taken forward. The reason is below."),
}

PHASE_LABELS: dict[str, object] = {
    "testing": _l("Testing"),
    "implementation": _l("Implementation"),
    "evaluation": _l("Evaluation"),
}

ENTRY_CHANNEL_LABELS: dict[str, object] = {
    "web": _l("Online form"),
    "paper": _l("Paper form or card"),
    "conversation": _l("Conversation"),
    "phone": _l("Phone call"),
}

SMILEY_LABELS: dict[int, object] = {
    1: _l("Very bad"),
    2: _l("Bad"),
    3: _l("OK"),
    4: _l("Good"),
    5: _l("Very good"),
}

DELIVERY_LABELS: dict[str, object] = {
    "planned": _l("Planned"),
    "in_progress": _l("Under way"),
    "delivered": _l("Delivered"),
}

#: What the municipality can and cannot decide, per kind of process, until staff write their own.
DEFAULT_SCOPES: dict[str, tuple[object, object]] = {
    "panel": (
        _l(
            "The panel's recommendations go to the municipality, which must answer each of them "
            "publicly: what it will do, and why or why not."
        ),
        _l(
            "The panel does not decide on its own. Matters that belong to the city council, the "
            "state or private owners cannot be decided here."
        ),
    ),
    "round": (
        _l(
            "The residents' vote decides which eligible projects get money from this pot, within "
            "the amount set for the round."
        ),
        _l(
            "The pot cannot pay for running costs of municipal services, buildings the "
            "municipality does not own, or anything that needs a planning decision."
        ),
    ),
    "topic": (
        _l(
            "Your input is read by the programme and used when it chooses what to work on in the "
            "neighbourhood. You get an answer through your receipt code."
        ),
        _l(
            "Input here does not decide anything by itself. Zoning, schools and health services "
            "are decided elsewhere in the municipality; we pass input on where we can."
        ),
    ),
}


def label(mapping: dict, key) -> str:
    if key is None or key == "":
        return ""
    return str(mapping.get(key, key))
