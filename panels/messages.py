"""Translated messages for the machine codes raised by panels services, the register reader,
quota parsing and the sampling package. Unknown codes get a general message naming the code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    # Quotas, shares and response rates
    "quota.line_format": lambda p: _("Write each quota as: category; value; min; max."),
    "quota.bounds_not_numbers": lambda p: _("Minimum and maximum must be whole numbers."),
    "quota.share_not_a_number": lambda p: _("The share must be a number, e.g. 0.25 or 25%."),
    "quota.bounds_out_of_range": lambda p: _(
        "Minimum and maximum must be between 0 and the panel size (%(panel_size)s), minimum first.",
        panel_size=p.get("panel_size"),
    ),
    "quota.duplicate": lambda p: _("“%(value)s” is listed twice.", value=p.get("value")),
    "quota.none": lambda p: _("Enter at least one category with its quotas."),
    "quota.minimums_exceed_size": lambda p: _(
        "The minimums for “%(category)s” add up to more than the panel size.",
        category=p.get("category"),
    ),
    "quota.maximums_below_size": lambda p: _(
        "The maximums for “%(category)s” add up to less than the panel size.",
        category=p.get("category"),
    ),
    "share.line_format": lambda p: _("Write each share as: category; value; share."),
    "quota.shares_all_zero": lambda p: _("All shares are zero."),
    "quota.share_not_a_proportion": lambda p: _("Shares cannot be negative."),
    "quota.no_values": lambda p: _("Enter at least one category with its quotas."),
    "quota.panel_size_not_positive": lambda p: _("Enter the panel size first."),
    "rate.invalid": lambda p: _(
        "Write each response rate as: area; share (a number above 0 and at most 1)."
    ),
    # Register
    "register.empty": lambda p: _("The file is empty."),
    "register.missing_columns": lambda p: _(
        "The file lacks the columns %(columns)s (household id, address and area are needed).",
        columns=", ".join(p.get("columns", [])),
    ),
    "register.not_csv": lambda p: _(
        "The file could not be read as a CSV file. Save it again as CSV from the spreadsheet."
    ),
    "register.too_many_rows": lambda p: _(
        "The file has more than %(maximum)s rows.", maximum=p.get("maximum")
    ),
    "register.missing_id": lambda p: _("The household id is missing."),
    "register.duplicate_id": lambda p: _(
        "Household “%(id)s” already appears in row %(first_row)s.",
        id=p.get("id"),
        first_row=p.get("first_row"),
    ),
    "register.missing_address": lambda p: _("The address is missing."),
    "register.missing_area": lambda p: _("The area is missing."),
    "register.unknown_area": lambda p: _(
        "“%(area)s” is not this panel's neighbourhood or one of its sub-areas.", area=p.get("area")
    ),
    "register.invitations_exist": lambda p: _(
        "Letters have already been drawn from the register, so it can no longer be replaced."
    ),
    # Stage 1
    "stage1.already_run": lambda p: _("The letters have already been drawn."),
    "stage1.no_register": lambda p: _("Import a household register first."),
    "stage1.register_too_small": lambda p: _(
        "%(area)s needs %(needed)s letters but has only %(households)s households. "
        "Lower the number of volunteers wanted or raise the response rate.",
        area=p.get("area"),
        needed=p.get("needed"),
        households=p.get("households"),
    ),
    "stage1.rate_invalid": lambda p: _("A response rate must be above 0 and at most 1."),
    "stage1.rate_missing": lambda p: _("No response rate for %(area)s.", area=p.get("area")),
    # Sign-up
    "signup.closed": lambda p: _("Sign-up for this panel is closed."),
    "signup.no_consent": lambda p: _("Tick the box to agree, or we cannot sign you up."),
    "signup.no_guardian_consent": lambda p: _("A parent or guardian must agree."),
    "signup.answer_missing": lambda p: _("Answer every question about yourself."),
    "signup.age_missing": lambda p: _("Enter your age."),
    "signup.age_outside": lambda p: _(
        "This panel is for people aged %(min)s to %(max)s.", min=p.get("min"), max=p.get("max")
    ),
    "signup.unknown_choice": lambda p: _("Choose from the options shown."),
    "signup.no_contact": lambda p: _(
        "Give a phone number or an e-mail address so we can reach you."
    ),
    "signup.already_used": lambda p: _(
        "Someone in your household has already signed up with this letter."
    ),
    "signup.wrong_panel": lambda p: _("This letter belongs to another panel."),
    "paper.unknown_code": lambda p: _(
        "No letter for this panel has this code. Check the code printed on the reply form."
    ),
    # Selection
    "selection.run_open": lambda p: _(
        "A selection is already under way. Draw it, or set it aside before its commitment "
        "is published."
    ),
    "selection.cannot_discard": lambda p: _(
        "A lottery whose commitment is published cannot be set aside; draw it."
    ),
    "selection.interrupted": lambda p: _(
        "The computation was interrupted (the server stopped). Start it again."
    ),
    "selection.wrong_status": lambda p: _("This panel is not collecting volunteers."),
    "selection.pool_too_small": lambda p: _(
        "The pool has %(pool)s volunteers, fewer than the panel size %(panel_size)s.",
        pool=p.get("pool"),
        panel_size=p.get("panel_size"),
    ),
    "selection.not_ready": lambda p: _("The lottery is not ready to be committed."),
    "selection.not_committed": lambda p: _("Publish the commitment before drawing."),
    "selection.seed_empty": lambda p: _("Enter the public seed."),
    "quota.infeasible": lambda p: _(
        "No panel can meet the quotas with these volunteers. Conflicting quotas: %(conflict)s.",
        conflict=", ".join(
            f"{c['category']}={c['value']} {c['side']} {c['bound']}"
            for c in p.get("conflicting", [])
        )
        or "–",
    ),
    "panel.size_exceeds_pool": lambda p: _(
        "The panel size %(panel_size)s is larger than the pool of %(pool_size)s.",
        panel_size=p.get("panel_size"),
        pool_size=p.get("pool_size"),
    ),
    "replacement.none_dropped": lambda p: _("Mark who dropped out first."),
    "replacement.not_selected": lambda p: _("Only panel members can drop out."),
    "replacement.none_needed": lambda p: _("There are no seats to fill."),
    "replacement.max_exceeded": lambda p: _("The remaining panel already exceeds a maximum quota."),
    # Deliberation
    "phase.unknown_status": lambda p: _("Choose a status from the list."),
    "phase.ends_before_start": lambda p: _("A phase cannot end before it starts."),
    "phase.unknown": lambda p: _("Choose a phase from the list."),
    "panel.already_closed": lambda p: _("The panel is already closed."),
    "input.bad_url": lambda p: _("Enter a full web address starting with https://."),
    "document.type": lambda p: _(
        "This file type is not accepted. Upload one of: %(allowed)s.", allowed=p.get("allowed")
    ),
    "document.empty": lambda p: _("The file is empty."),
    "document.too_large": lambda p: _(
        "The file is larger than %(limit_mb)s MB.", limit_mb=p.get("limit_mb")
    ),
    "document.content_mismatch": lambda p: _(
        "The file does not look like a .%(extension)s file.", extension=p.get("extension")
    ),
    "code.too_many_wrong": lambda p: _(
        "Too many wrong codes from this connection. Wait an hour, or ask the panel's staff."
    ),
    "checkin.unknown_code": lambda p: _("We do not recognise that code. Check it and try again."),
    "checkin.not_a_member": lambda p: _("This code does not belong to a member of this panel."),
    "groups.no_moderators": lambda p: _("Name at least one moderator."),
    "groups.too_many": lambda p: _(
        "There are more moderators than the %(members)s panel members.", members=p.get("members")
    ),
    "recommendation.empty": lambda p: _("Give the recommendation a title and a text."),
    "recommendation.caption_missing": lambda p: _(
        "Write a caption that says what the drawing or photo shows."
    ),
    "recommendation.wrong_group": lambda p: _("Choose a group of this panel."),
    "vote.not_a_member": lambda p: _("Only panel members can vote."),
    "vote.closed": lambda p: _("Voting on this recommendation is not open."),
    "vote.bad_score": lambda p: _("Choose a point on the scale."),
}


def message(code: str, params: dict[str, Any] | None = None) -> str:
    """The translated sentence for ``code``."""
    render = MESSAGES.get(code)
    if render is None:
        return _("The operation failed (%(code)s).", code=code)
    return render(params or {})
