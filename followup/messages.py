"""Translated messages for the follow-up's error codes."""

from __future__ import annotations

from flask_babel import gettext as _

from .services import FollowupError

MESSAGES = {
    "followup.unknown_status": lambda p: _("Choose a status from the list."),
    "followup.reason_needed": lambda p: _(
        "Write the reason: residents are told why their contribution is not taken forward."
    ),
    "followup.project_needed": lambda p: _("Choose the funded project it turned into."),
    "followup.project_not_funded": lambda p: _(
        "This project has not been funded in a published round."
    ),
    "followup.answer_needed": lambda p: _("Write the public answer in Norwegian Bokmål."),
    "evaluation.unknown_phase": lambda p: _("Choose a phase from the list."),
    "evaluation.negative_count": lambda p: _("The number cannot be negative."),
    "feedback.smiley_needed": lambda p: _("Choose a face."),
    "feedback.unknown_age_band": lambda p: _("Choose an age band from the list."),
    "feedback.unknown_channel": lambda p: _("Choose how you heard it."),
    "scope.unknown_process": lambda p: _("Unknown kind of process."),
    "scope.text_needed": lambda p: _("Write both what can and what cannot be decided."),
}


def error_message(error: FollowupError) -> str:
    return MESSAGES.get(error.code, lambda p: error.code)(error.params)
