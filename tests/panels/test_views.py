"""The panel pages through the test client: forms keep what was typed and name problems in the
reader's language, letters carry the QR and code, residents' tokens only work under their own
panel, and the selection, check-in, votes, report and purge commands work end to end."""

from __future__ import annotations

import io
import re
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CodeAttempt
from panels import selection
from panels.models import Attendance, Panel, SupportVote, Volunteer

from .conftest import panel_invitations, register_csv

PANEL_FORM = {
    "title": "Borgerpanel Buran",
    "kind": "adult",
    "panel_size": "6",
    "pool_target": "12",
    "quotas": "gender; female; 2; 4\ngender; male; 2; 4",
    "default_response_rate": "0.5",
    "closes_on": (date.today() + timedelta(days=90)).isoformat(),
    "retention_days": "90",
    "tolerance": "1",
}


def new_panel_form(lademoen, **changes) -> dict:
    return {**PANEL_FORM, "neighbourhood": str(lademoen.id), **changes}


def test_facilitator_creates_a_panel_from_the_form(client, auth, lademoen):
    auth.become("facilitator")
    response = client.post("/panels/new", data=new_panel_form(lademoen))
    assert response.status_code == 302
    panel = db.session.scalar(select(Panel))
    assert [(q.value, q.min, q.max) for q in panel.quotas] == [("female", 2, 4), ("male", 2, 4)]


def test_the_timeline_on_the_form_sets_the_phase_dates(client, auth, lademoen):
    auth.become("facilitator")
    data = new_panel_form(
        lademoen,
        closes_on="2027-03-31",
        learning_starts="2027-01-10",
        discussion_starts="2027-02-01",
        decision_starts="2027-03-01",
    )
    assert client.post("/panels/new", data=data).status_code == 302
    phases = db.session.scalar(select(Panel)).phases
    assert [(p.starts_on.isoformat(), p.ends_on.isoformat()) for p in phases] == [
        ("2027-01-10", "2027-01-31"),
        ("2027-02-01", "2027-02-28"),
        ("2027-03-01", "2027-03-31"),
    ]
    wrong = dict(data, discussion_starts="2027-03-15", title="Annet panel")
    response = client.post("/panels/new?lang=en", data=wrong)
    assert response.status_code == 400 and "The phases must follow each other" in response.text


def test_bad_quota_lines_are_named_in_english_and_nothing_typed_is_lost(client, auth, lademoen):
    auth.become("facilitator")
    data = new_panel_form(lademoen, quotas="gender; female; 2; 4\ngender; male; lots; 4")
    response = client.post("/panels/new?lang=en", data=data)
    assert response.status_code == 400
    assert "Categories and quotas, line 2" in response.text
    assert "Minimum and maximum must be whole numbers." in response.text
    assert "gender; male; lots; 4" in response.text and "Borgerpanel Buran" in response.text
    assert db.session.scalar(select(Panel)) is None


def test_computing_quotas_from_shares_shows_the_rounding_and_fills_the_box(client, auth, lademoen):
    auth.become("facilitator")
    data = new_panel_form(
        lademoen,
        shares="age; young; 3200\nage; middle; 4800\nage; old; 2000",
        quotas="",
        compute="y",
    )
    data["panel_size"] = "20"
    response = client.post("/panels/new?lang=en", data=data)
    assert response.status_code == 200
    assert "6.4" in response.text and "9.6" in response.text
    assert "age; young; 5; 7; 0.32" in response.text
    assert db.session.scalar(select(Panel)) is None  # computing never saves


def test_register_upload_lists_bad_rows_and_keeps_the_good(client, auth, make_panel):
    panel = make_panel()
    auth.become("facilitator")
    data = register_csv(5) + b"H0099;;Buran\n"
    response = client.post(
        f"/panels/{panel.id}/register?lang=en",
        data={"file": (io.BytesIO(data), "register.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "5 households imported" in response.text
    assert "The address is missing." in response.text and "<td>7</td>" in response.text


def test_letters_have_a_qr_code_and_the_short_code_in_bokmal(client, auth, invited_panel):
    auth.become("facilitator")
    response = client.get(f"/panels/{invited_panel.id}/letters?lang=en")
    invitation = panel_invitations(invited_panel)[0]
    assert invitation.short_code in response.text
    assert response.text.count('<svg class="qr"') == min(100, len(panel_invitations(invited_panel)))
    assert f"/p/{invited_panel.id}/join/{invitation.token}" in response.text
    assert "Du er invitert" in response.text  # Bokmål whatever the staff language
    assert invitation.printed_at is not None


def test_each_letter_carries_a_paper_reply_with_the_same_questions_as_the_web_form(
    client, auth, invited_panel
):
    """Residents without a phone reply on paper; staff type it in against the printed code."""
    auth.become("facilitator")
    page = client.get(f"/panels/{invited_panel.id}/letters").text
    invitation = panel_invitations(invited_panel)[0]
    reply = page.split('class="letter paper-reply"')[1].split("</article>")[0]
    assert invitation.short_code in reply
    for value in ("Kvinne", "Mann", "16-39", "40+"):  # the quotas' values, as on the web form
        assert value in reply
    assert "Når kan du delta?" in reply
    assert "Navn" in reply and "Telefon" in reply and "Underskrift" in reply
    assert page.count('class="letter paper-reply"') == page.count('<svg class="qr"')


def test_letters_come_in_batches_so_each_page_stays_quick(client, auth, invited_panel, monkeypatch):
    from panels import views

    monkeypatch.setattr(views, "LETTERS_PER_BATCH", 10)
    auth.become("facilitator")
    invitations = panel_invitations(invited_panel)
    second = client.get(f"/panels/{invited_panel.id}/letters?batch=2&lang=en")
    assert second.text.count('<svg class="qr"') == min(10, len(invitations) - 10)
    assert invitations[10].short_code in second.text
    assert invitations[0].short_code not in second.text
    assert invitations[0].printed_at is None and invitations[10].printed_at is not None


def signup_data(**changes) -> dict:
    data = {
        "q0": "female",
        "q1": "16-39",
        "availability": ["saturdays"],
        "name": "Amina",
        "email": "amina@example.no",
        "consent": "y",
    }
    data.update(changes)
    return data


def test_resident_signs_up_in_english_through_the_letter_link(client, invited_panel):
    invitation = panel_invitations(invited_panel)[0]
    url = f"/p/{invited_panel.id}/join/{invitation.token}?lang=en"
    page = client.get(url)
    assert "How we use your answers" in page.text
    response = client.post(url, data=signup_data())
    assert response.status_code == 302
    volunteer = db.session.scalar(select(Volunteer))
    assert volunteer.language == "en" and volunteer.invitation == invitation
    status = client.get(response.headers["Location"] + "?lang=en")
    assert "The panel has not been drawn yet" in status.text
    again = client.get(url)
    assert "already signed up" in again.text


def test_sign_up_errors_are_translated_and_keep_the_answers(client, invited_panel):
    invitation = panel_invitations(invited_panel)[0]
    url = f"/p/{invited_panel.id}/join/{invitation.token}?lang=en"
    response = client.post(url, data=signup_data(consent="", email="not-an-address"))
    assert response.status_code == 400
    assert "Tick the box to agree" in response.text
    assert "Enter an e-mail address like name@example.no." in response.text
    assert 'value="Amina"' in response.text
    assert re.search(r'value="female"[^>]*checked|checked[^>]*value="female"', response.text)
    nb = client.post(url.replace("lang=en", "lang=nb"), data=signup_data(consent=""))
    assert "Kryss av" in nb.text


def test_a_token_only_works_under_its_own_panel(client, invited_panel, make_panel):
    other = make_panel(title="Et annet panel")
    invitation = panel_invitations(invited_panel)[0]
    assert client.get(f"/p/{other.id}/join/{invitation.token}").status_code == 404
    assert client.get(f"/p/{other.id}/open/{invited_panel.open_call_token}").status_code == 404
    assert client.get(f"/p/{invited_panel.id}/join/not-a-token").status_code == 404


def test_the_typed_code_leads_to_the_sign_up_page(client, invited_panel):
    invitation = panel_invitations(invited_panel)[0]
    response = client.post("/p/code", data={"code": invitation.short_code.lower()})
    assert response.headers["Location"].endswith(f"/join/{invitation.token}")
    wrong = client.post("/p/code?lang=en", data={"code": "AAAA-AAAA"})
    assert wrong.status_code == 400 and "We do not recognise that code" in wrong.text


def test_selection_commitment_draw_and_public_record(client, auth, full_pool):
    auth.become("facilitator")
    client.post(f"/panels/{full_pool.id}/selection/start")
    run = selection.current_run(full_pool)
    page = client.get(f"/panels/{full_pool.id}/selection?lang=en")
    assert run.commitment in page.text and "Publish the commitment" in page.text
    client.post(f"/panels/{full_pool.id}/selection/{run.id}/commit")
    empty = client.post(
        f"/panels/{full_pool.id}/selection/{run.id}/draw?lang=en",
        data={"seed": ""},
        follow_redirects=True,
    )
    assert "Enter the public seed." in empty.text
    client.post(f"/panels/{full_pool.id}/selection/{run.id}/draw", data={"seed": "7 12 19"})
    assert run.status == "drawn"
    record = client.get(f"/p/{full_pool.id}/lottery")
    assert run.commitment in record.text and "7 12 19" in record.text
    csv_text = client.get(f"/panels/{full_pool.id}/members.csv").text
    assert csv_text.count("selected") == 6


def test_a_running_selection_page_refreshes_itself(client, auth, full_pool):
    from panels.models import SelectionRun

    db.session.add(SelectionRun(panel=full_pool, status="running", progress=0.4))
    db.session.commit()
    auth.become("facilitator")
    page = client.get(f"/panels/{full_pool.id}/selection")
    assert '<meta http-equiv="refresh" content="2">' in page.text
    assert "<script" not in page.text


def drawn(panel):
    run = selection.start_selection(panel)
    selection.publish_commitment(run)
    selection.draw_panel(run, "seed")
    db.session.commit()
    return [v for v in panel.volunteers if v.status == "selected"]


def test_check_in_vote_and_report_through_the_pages(client, auth, full_pool):
    members = drawn(full_pool)
    auth.become("facilitator")
    client.post(
        f"/panels/{full_pool.id}/sessions",
        data={
            "session-phase": "learning",
            "session-title": "Kveld 1",
            "session-starts_at": "2026-12-01T18:00",
        },
    )
    session = full_pool.sessions[0]
    checkin = client.post(
        f"/p/{full_pool.id}/check-in/{session.checkin_token}?lang=en",
        data={"code": members[0].short_code},
    )
    assert "You are checked in" in checkin.text
    assert db.session.scalar(select(Attendance.volunteer_id)) == members[0].id
    client.post(
        f"/panels/{full_pool.id}/recommendations",
        data={"rec-group": "0", "rec-title": "Lys i parken", "rec-text": "Mer lys."},
    )
    rec = full_pool.recommendations[0]
    client.post(f"/panels/{full_pool.id}/recommendations/{rec.id}/voting")
    url = f"/p/{full_pool.id}/me/{members[0].access_token}/vote"
    assert client.post(url, data={f"r{rec.id}": "2"}).status_code == 302
    assert db.session.scalar(select(SupportVote.score)) == 2
    reserve = next(v for v in full_pool.volunteers if v.status == "reserve")
    assert client.get(f"/p/{full_pool.id}/me/{reserve.access_token}/vote").status_code == 404
    auth.become("reader")
    report = client.get(f"/panels/{full_pool.id}/report?lang=en")
    assert "Lys i parken" in report.text and "1 votes" in report.text
    assert members[0].name not in report.text and members[0].short_code not in report.text


def test_flask_purge_deletes_due_personal_data(runner, full_pool):
    full_pool.closes_on = date.today() - timedelta(days=full_pool.retention_days)
    db.session.commit()
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "deleted for 12 volunteers in 1 panels" in result.output
    assert all(v.name == "" for v in full_pool.volunteers)


def test_demo_loads_a_lademoen_panel_with_volunteers(runner, panels_app):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    panel = db.session.scalar(select(Panel))
    assert panel.neighbourhood.slug == "lademoen" and len(panel.volunteers) == 27
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert db.session.query(Panel).count() == 1


def test_a_drawing_without_caption_is_refused_and_the_text_is_kept(client, auth, full_pool):
    drawn(full_pool)
    auth.become("facilitator")
    data = {
        "rec-group": "0",
        "rec-title": "Huske",
        "rec-text": "Vi vil ha en huske.",
        "rec-image": (io.BytesIO(b"\x89PNG\r\n\x1a\n0000"), "tegning.png"),
    }
    response = client.post(
        f"/panels/{full_pool.id}/recommendations?lang=en",
        data=data,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Write a caption" in response.text and "Vi vil ha en huske." in response.text
    data["rec-image"] = (io.BytesIO(b"\x89PNG\r\n\x1a\n0000"), "tegning.png")
    data["rec-caption"] = "En rød huske"
    ok = client.post(
        f"/panels/{full_pool.id}/recommendations", data=data, content_type="multipart/form-data"
    )
    assert ok.status_code == 302
    rec = full_pool.recommendations[0]
    image = client.get(f"/panels/{full_pool.id}/recommendations/{rec.id}/image")
    assert image.mimetype == "image/png"
    page = client.get(f"/panels/{full_pool.id}/report")
    assert 'alt="En rød huske"' in page.text


def test_the_sign_up_page_reads_right_to_left_in_arabic(client, invited_panel):
    invitation = panel_invitations(invited_panel)[0]
    page = client.get(f"/p/{invited_panel.id}/join/{invitation.token}?lang=ar")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "كيف نستخدم إجاباتك" in page.text


def test_a_member_who_opened_their_page_checks_in_with_one_tap(client, full_pool):
    members = drawn(full_pool)
    from datetime import datetime

    from panels import deliberation

    session = deliberation.add_session(full_pool, "learning", "Kveld", datetime(2026, 12, 1, 18))
    db.session.commit()
    client.get(f"/p/{full_pool.id}/me/{members[1].access_token}")
    url = f"/p/{full_pool.id}/check-in/{session.checkin_token}?lang=en"
    assert members[1].short_code in client.get(url).text
    done = client.post(url, data={"tap-me": "Check in"})
    assert "You are checked in" in done.text
    assert db.session.scalar(select(Attendance.volunteer_id)) == members[1].id


def test_deleting_a_persons_data_is_confirmed_first(client, auth, full_pool):
    person = full_pool.volunteers[0]
    auth.become("facilitator")
    url = f"/panels/{full_pool.id}/members/{person.id}/delete?lang=en"
    page = client.get(url)
    assert "deleted for good" in page.text and person.name
    exported = client.get(f"/panels/{full_pool.id}/members/{person.id}/export")
    assert exported.json["name"] == person.name
    client.post(url)
    assert person.name == "" and person.personal_data_deleted_at is not None


@pytest.mark.app_config(CODE_MAX_WRONG_PER_HOUR=3)
def test_guessing_letter_codes_is_slowed_down(client, invited_panel):
    for guess in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC"):
        assert client.post("/p/code", data={"code": guess}).status_code == 400
    right = panel_invitations(invited_panel)[0].short_code
    blocked = client.post("/p/code?lang=en", data={"code": right})
    assert blocked.status_code == 429 and "Too many wrong codes" in blocked.text
    assert "AAAA" not in repr(db.session.scalars(select(CodeAttempt.client)).all())


def test_one_letter_sent_from_several_devices_at_once_gives_one_volunteer(app, invited_panel):
    invitation = panel_invitations(invited_panel)[0]
    url = f"/p/{invited_panel.id}/join/{invitation.token}"
    db.session.commit()
    start = threading.Barrier(6)
    statuses: list[int] = []

    def send() -> None:
        with app.test_client() as device:
            start.wait(timeout=30)
            statuses.append(device.post(url, data=signup_data()).status_code)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(statuses) == 6  # no device met an error page (an exception drops its status)
    assert statuses.count(302) == 1 and set(statuses) <= {200, 302, 409}
    assert len(db.session.scalars(select(Volunteer)).all()) == 1


def _open_call_form_key(client, panel) -> tuple[str, str]:
    url = f"/p/{panel.id}/open/{panel.open_call_token}"
    page = client.get(url).text
    return url, re.search(r'name="submission" type="hidden" value="([^"]+)"', page).group(1)


def test_an_open_call_form_sent_again_gives_one_volunteer_and_the_same_personal_link(
    client, invited_panel
):
    url, key = _open_call_form_key(client, invited_panel)
    first = client.post(url, data=signup_data(submission=key))
    resent = client.post(url, data=signup_data(submission=key))
    assert first.status_code == resent.status_code == 302
    assert resent.headers["Location"] == first.headers["Location"]
    assert len(db.session.scalars(select(Volunteer)).all()) == 1
    _, other_form = _open_call_form_key(client, invited_panel)
    client.post(url, data=signup_data(submission=other_form, name="Jonas"))
    assert len(db.session.scalars(select(Volunteer)).all()) == 2  # a new form is a new person


def test_one_open_call_form_sent_from_several_devices_at_once_gives_one_volunteer(
    app, client, invited_panel
):
    url, key = _open_call_form_key(client, invited_panel)
    db.session.commit()
    start = threading.Barrier(6)
    answers: list[tuple[int, str]] = []

    def send() -> None:
        with app.test_client() as device:
            start.wait(timeout=30)
            response = device.post(url, data=signup_data(submission=key))
            answers.append((response.status_code, response.headers.get("Location", "")))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 6  # no device met an error page (an exception drops its answer)
    volunteers = db.session.scalars(select(Volunteer)).all()
    assert len(volunteers) == 1
    assert {status for status, _ in answers} == {302}
    assert {location.split("?")[0] for _, location in answers} == {
        f"/p/{invited_panel.id}/me/{volunteers[0].access_token}"
    }


def test_sign_up_questions_typed_in_norwegian_are_shown_in_the_residents_language(
    client, make_panel
):
    from panels.services import QuotaLine

    panel = make_panel(
        quotas=[
            QuotaLine("kjønn", "kvinne", 2, 4),
            QuotaLine("kjønn", "mann", 2, 4),
            QuotaLine("alder", "16-39", 2, 4),
            QuotaLine("alder", "40+", 2, 4),
        ]
    )
    panel.status = "inviting"
    db.session.commit()
    page = client.get(f"/p/{panel.id}/open/{panel.open_call_token}?lang=en").text
    assert "Gender" in page and "Woman" in page and "Man" in page
    assert 'value="kvinne"' in page  # the stored answer stays the quota's own word
    assert "16-39" in page  # an age range needs no translation and is shown as typed
    norsk = client.get(f"/p/{panel.id}/open/{panel.open_call_token}?lang=nb").text
    assert "Kjønn" in norsk and "Kvinne" in norsk
