"""Translated messages for the codes of :class:`budgeting.services.BudgetingError`, and the
labels of round phases."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .services import BudgetingError

PHASE_LABELS = {
    "setup": _l("Setting up"),
    "proposals": _l("Proposals"),
    "review": _l("Review"),
    "voting": _l("Voting"),
    "closed": _l("Voting closed"),
    "published": _l("Results published"),
}

MESSAGES = {
    "round.unknown_kind": _l("Choose a kind of round."),
    "round.budget_positive": _l("The budget must be more than 0."),
    "round.unknown_ballot_type": _l("Choose a ballot type."),
    "round.variant_mismatch": _l("This counting rule does not fit the chosen ballot type."),
    "round.min_above_max": _l(
        "The least number of projects is above the most (%(min)s > %(max)s)."
    ),
    "round.points_need_total": _l("A points ballot needs the number of points each voter has."),
    "round.dates_reversed": _l("A phase cannot close before it opens."),
    "round.frozen": _l("The settings are frozen because voting has opened."),
    "round.unknown_setting": _l("Unknown setting."),
    "round.last_phase": _l("The round is in its last phase."),
    "round.nothing_to_vote_on": _l("Accept at least one proposal before voting opens."),
    "round.undecided_applications": _l("Decide on every application before voting opens."),
    "round.no_result": _l("Count the votes or record the group's agreement before publishing."),
    "proposal.closed": _l("Proposals cannot be sent in now."),
    "proposal.applicant_type": _l("Choose who is applying."),
    "proposal.cost_range": _l("The amount must be between 1 and %(budget)s NOK."),
    "proposal.reason_needed": _l("Give a reason when an application is not eligible."),
    "update.unknown_status": _l("Choose a status."),
    "update.not_funded": _l("Only funded projects get follow-up updates."),
    "group.not_a_group": _l("This round is not a youth group."),
    "group.closed": _l("This group has finished and takes no new members."),
    "group.age_band": _l("Choose an age from the list."),
    "group.nickname": _l("Write a name the group knows you by."),
    "group.not_member": _l("You are not a member of this group."),
    "comment.empty": _l("Write a comment."),
    "codes.how_many": _l("Between 1 and 20 000 codes at a time."),
    "ballot.unknown_project": _l("The ballot names a project that is not on the ballot."),
    "ballot.duplicate_project": _l("A project is chosen twice."),
    "ballot.points_invalid": _l("Points must be whole numbers from 0 and up."),
    "ballot.too_many_points": _l("You gave %(total)s points, but you have %(limit)s."),
    "ballot.empty": _l("Choose at least one project."),
    "ballot.too_few": _l("Choose at least %(limit)s projects (you chose %(count)s)."),
    "ballot.too_many": _l("Choose at most %(limit)s projects (you chose %(count)s)."),
    "ballot.over_budget": _l(
        "Your choice costs %(total)s NOK, more than the %(limit)s NOK you can spend."
    ),
    "ballot.not_open": _l("Voting is not open."),
    "ballot.wrong_round": _l("This code belongs to another vote."),
    "ballot.method": _l("Unknown voting method."),
    "ballot.other_method": _l(
        "This code has already been used to vote in another way (online or on paper)."
    ),
    "paper.not_paper": _l("This is not a paper ballot."),
    "paper.same_person": _l(
        "Someone other than the person who entered the ballot must confirm it."
    ),
    "tie.not_closed": _l("Close voting before drawing the order of tied projects."),
    "tie.bad_order": _l("The drawn order must list each tied project once."),
    "tie.incomplete": _l("The drawn order must include every project that could tie."),
    "count.not_closed": _l("Close voting before counting."),
    "count.unconfirmed_paper": _l("Some paper ballots still need a second person's check."),
    "count.tie_order_needed": _l(
        "Some projects could tie. Draw their order in public and record it before counting."
    ),
    "agreement.not_a_group": _l("Only youth groups record agreements."),
    "agreement.phase": _l("Record the agreement after the ideas are in."),
    "agreement.note_needed": _l("Write down what the group agreed."),
    "agreement.nothing_funded": _l("Choose the ideas the group agreed to fund."),
    "agreement.over_budget": _l(
        "The chosen ideas cost %(total)s NOK, more than the budget of %(budget)s NOK."
    ),
    "bundle.no_ballots": _l("A group agreement has no ballots to export."),
    "import.no_pb": _l("The zip file has no ballots.pb in it."),
    "import.bad_zip": _l("The file is not a readable zip file."),
    "import.bad_json": _l("The result.json in the bundle cannot be read."),
    "import.pb_error": _l("The .pb file cannot be read (line %(line)s): %(detail)s"),
    "import.count_error": _l("The file cannot be counted with this rule: %(detail)s"),
}


def error_message(error: BudgetingError) -> str:
    """The translated message for an error code, with its parameters filled in."""
    message = MESSAGES.get(error.code)
    if message is None:
        return _("Something went wrong (%(code)s).", code=error.code)
    params = {k: v for k, v in error.params.items() if isinstance(v, (int, str, type(None)))}
    try:
        return str(message) % params if "%(" in str(message) else str(message)
    except (KeyError, TypeError, ValueError):
        return str(message)
