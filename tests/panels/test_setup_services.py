"""Setting a panel up without a request: quotas typed or from shares, the register import,
stage-1 letters and residents' sign-up (one per letter, open call kept apart)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent
from panels import privacy, services
from panels.models import Invitation, Phase, RegisterHousehold, Volunteer
from panels.services import PanelError, parse_quota_lines, suggest_quotas

from .conftest import answers, panel_invitations, register_csv


def test_typed_quota_lines_become_quotas_with_their_population_share():
    quotas, problems = parse_quota_lines("gender; female; 2; 4; 51%\ngender; male; 2; 4\n", 6)
    assert problems == []
    assert [(q.value, q.min, q.max, q.share) for q in quotas] == [
        ("female", 2, 4, 0.51),
        ("male", 2, 4, None),
    ]


def test_bad_quota_lines_are_reported_with_their_line_numbers():
    text = "gender; female; 2; 4\ngender; male; two; 4\n\nage; young\nage; old; 3; 9"
    _, problems = parse_quota_lines(text, 6)
    assert [(p.line, p.code) for p in problems][:3] == [
        (2, "quota.bounds_not_numbers"),
        (4, "quota.line_format"),
        (5, "quota.bounds_out_of_range"),
    ]


def test_minimums_that_do_not_fit_the_panel_name_the_category():
    _, problems = parse_quota_lines("gender; female; 4; 5\ngender; male; 4; 5", 6)
    assert ("quota.minimums_exceed_size", {"category": "gender"}) in [
        (p.code, p.params) for p in problems
    ]


def test_quotas_from_shares_keep_the_sum_and_show_the_rounding():
    suggestions, problems = suggest_quotas("age; 16-29; 3200\nage; 30-59; 4800\nage; 60+; 2000", 20)
    assert problems == []
    assert [(q.value, round(q.exact, 2), q.target) for q in suggestions] == [
        ("16-29", 6.4, 6),
        ("30-59", 9.6, 10),
        ("60+", 4.0, 4),
    ]
    assert sum(q.target for q in suggestions) == 20
    lines = services.quota_lines_text(suggestions)
    assert parse_quota_lines(lines, 20)[1] == []


def test_a_new_panel_has_three_phases_and_an_audit_event(make_panel):
    make_panel()
    assert [p.name for p in db.session.scalars(select(Phase).order_by(Phase.position))] == [
        "learning",
        "discussion",
        "decision",
    ]
    assert db.session.scalar(select(AuditEvent.action)) == "panels.created"


def test_register_import_keeps_good_rows_and_lists_bad_ones(make_panel):
    panel = make_panel()
    data = register_csv(4) + b"H0001;Duplicate 1;Buran\n;No id;Buran\nH0099;Somewhere;Oslo\n"
    parsed = services.import_register(panel, data)
    assert len(parsed.households) == 4
    assert [(p.row, p.code) for p in parsed.problems] == [
        (6, "register.duplicate_id"),
        (7, "register.missing_id"),
        (8, "register.unknown_area"),
    ]
    assert db.session.scalar(select(func.count(RegisterHousehold.id))) == 4


def test_stage1_sends_one_letter_per_household_with_token_and_short_code(invited_panel):
    invitations = panel_invitations(invited_panel)
    assert invitations and invited_panel.status == "inviting"
    households = [i.household_id for i in invitations]
    assert len(households) == len(set(households))
    assert len({i.token for i in invitations}) == len(invitations)
    assert all(len(i.token) >= 24 for i in invitations)
    assert all(len(i.short_code) == 9 and i.short_code[4] == "-" for i in invitations)
    assert (
        services.invitation_by_code(invited_panel, invitations[0].short_code.lower())
        == (invitations[0])
    )


def test_stage1_with_too_small_a_register_says_which_area(make_panel):
    panel = make_panel(pool_target=40)
    services.import_register(panel, register_csv(20))
    with pytest.raises(PanelError) as error:
        services.run_stage1(panel)
    assert error.value.code == "stage1.register_too_small"
    assert error.value.params["area"] in ("Buran", "Lilleby")


def test_a_letter_can_be_used_for_one_sign_up_only(invited_panel):
    invitation = panel_invitations(invited_panel)[0]
    volunteer = services.sign_up(invited_panel, answers(), invitation)
    assert volunteer.source == "lottery" and volunteer.status == "pool"
    assert volunteer.delete_after == invited_panel.closes_on + timedelta(days=90)
    with pytest.raises(PanelError) as error:
        services.sign_up(invited_panel, answers(name="Someone else"), invitation)
    assert error.value.code == "signup.already_used"


def test_a_letter_for_another_panel_is_refused(invited_panel, make_panel):
    other = make_panel(title="Et annet panel")
    other.status = "inviting"
    with pytest.raises(PanelError) as error:
        services.sign_up(other, answers(), panel_invitations(invited_panel)[0])
    assert error.value.code == "signup.wrong_panel"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"consent": False}, "signup.no_consent"),
        ({"features": {"gender": "female"}}, "signup.answer_missing"),
        ({"phone": "", "email": ""}, "signup.no_contact"),
        ({"access_needs": ["helicopter"]}, "signup.unknown_choice"),
    ],
)
def test_incomplete_sign_ups_are_refused_with_a_reason(invited_panel, change, code):
    with pytest.raises(PanelError) as error:
        services.sign_up(invited_panel, answers(**change), panel_invitations(invited_panel)[0])
    assert error.value.code == code


def test_childrens_panel_needs_guardian_consent_and_keeps_no_child_contact(make_panel):
    panel = make_panel(kind="children")
    panel.status = "inviting"
    with pytest.raises(PanelError) as error:
        services.sign_up(panel, answers(phone="", name="Ola"))
    assert error.value.code == "signup.no_guardian_consent"
    child = services.sign_up(
        panel, answers(phone="", name="Ola", guardian_name="Mor", guardian_consent=True)
    )
    assert child.guardian_consent_at is not None and child.phone == ""


def test_open_call_volunteers_stay_out_of_the_pool_until_included(invited_panel):
    letter = services.sign_up(invited_panel, answers(), panel_invitations(invited_panel)[0])
    poster = services.sign_up(invited_panel, answers(name="Walk-in"))
    assert poster.source == "open_call"
    assert services.pool_members(invited_panel) == [letter]
    services.set_open_call_in_pool(invited_panel, True)
    assert services.pool_members(invited_panel) == [letter, poster]
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "panels.open_call_pool_changed")
    )


def test_register_cannot_be_replaced_once_letters_are_drawn(invited_panel):
    with pytest.raises(PanelError) as error:
        services.import_register(invited_panel, register_csv(10))
    assert error.value.code == "register.invitations_exist"
    assert db.session.scalar(select(func.count(Invitation.id))) > 0


def test_age_limits_are_checked_at_sign_up_and_the_age_is_not_kept(make_panel):
    panel = make_panel(kind="youth", min_age=13, max_age=19)
    panel.status = "inviting"
    for age, code in ((None, "signup.age_missing"), (25, "signup.age_outside")):
        with pytest.raises(PanelError) as error:
            services.sign_up(panel, replace(answers(), age=age))
        assert error.value.code == code
    volunteer = services.sign_up(panel, replace(answers(), age=15))
    assert "age" not in Volunteer.__table__.columns
    assert 15 not in privacy.export_person(volunteer).values()


def test_areas_that_answer_less_get_more_letters(make_panel):
    panel = make_panel(response_rates={"Lilleby": 0.25})
    services.import_register(panel, register_csv(200))
    invitations = services.run_stage1(panel)
    per_area = {
        area: sum(1 for i in invitations if i.stratum == area) for area in ("Buran", "Lilleby")
    }
    # Both areas need six volunteers; Lilleby answers half as often, so it gets about twice
    # as many letters.
    assert per_area["Lilleby"] > 1.6 * per_area["Buran"]
