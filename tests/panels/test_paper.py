"""Sign-up on paper: staff type in a reply form against the letter's code, and the person enters
the lottery pool exactly as they would have by signing up online with the same letter."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from panels import services
from panels.models import Volunteer

from .conftest import panel_invitations

REPLY = {
    "q0": "female",
    "q1": "40+",
    "availability": ["weekday_evenings", "saturdays"],
    "access_needs": ["interpreter"],
    "name": "Halima Yusuf",
    "phone": "+47 900 11 222",
    "consent": "y",
}


def counted(volunteer: Volunteer) -> tuple:
    """Everything the lottery and the staff's planning look at."""
    return (
        volunteer.source,
        volunteer.features,
        sorted(volunteer.availability),
        sorted(volunteer.access_needs),
        volunteer.status,
        volunteer in services.pool_members(volunteer.panel),
    )


def test_a_paper_reply_enters_the_pool_exactly_like_the_same_reply_online(
    client, auth, invited_panel
):
    online_letter, paper_letter = panel_invitations(invited_panel)[:2]
    client.post(f"/p/{invited_panel.id}/join/{online_letter.token}", data=REPLY)
    auth.login("facilitator")
    typed = paper_letter.short_code.lower().replace("-", " ")  # as read off a crumpled form
    response = client.post(
        f"/panels/{invited_panel.id}/papir?lang=en",
        data={**REPLY, "code": typed},
        follow_redirects=True,
    )
    assert "The paper reply is saved" in response.get_data(as_text=True)
    db.session.expire_all()
    online, paper = online_letter.volunteer, paper_letter.volunteer
    assert online is not None and paper is not None
    assert counted(paper) == counted(online)
    assert counted(paper)[-1] is True
    logged = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "panels.paper_signup"))
    assert logged.actor.username == "test-facilitator"


def test_a_paper_reply_with_a_code_from_no_letter_is_refused_and_nothing_is_kept(
    client, auth, invited_panel
):
    auth.login("facilitator")
    response = client.post(
        f"/panels/{invited_panel.id}/papir?lang=en", data={**REPLY, "code": "ZZZZ-ZZZZ"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "No letter for this panel has this code." in page
    assert "Halima Yusuf" in page  # what was typed is still in the form
    assert db.session.scalar(select(Volunteer.id)) is None


def test_a_letter_already_answered_online_cannot_be_answered_again_on_paper(
    client, auth, invited_panel
):
    letter = panel_invitations(invited_panel)[0]
    client.post(f"/p/{invited_panel.id}/join/{letter.token}", data=REPLY)
    auth.login("facilitator")
    response = client.post(
        f"/panels/{invited_panel.id}/papir?lang=en",
        data={**REPLY, "name": "Someone Else", "code": letter.short_code},
    )
    assert response.status_code == 400
    assert "already signed up with this letter" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(Volunteer)).all()) == 1


def test_a_paper_reply_without_the_signature_box_ticked_is_not_saved(client, auth, invited_panel):
    letter = panel_invitations(invited_panel)[0]
    auth.login("facilitator")
    unsigned = {k: v for k, v in REPLY.items() if k != "consent"}
    response = client.post(
        f"/panels/{invited_panel.id}/papir?lang=en", data={**unsigned, "code": letter.short_code}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(Volunteer.id)) is None
