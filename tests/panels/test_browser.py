"""The whole citizens' panel story in a real Chromium: a facilitator creates a panel with quotas
computed from shares, imports a register and prints letters; a resident opens the letter's QR
link on a phone and signs up in English; the lottery is computed in the background, committed
and drawn with a public seed; a drop-out is replaced; a member checks in at a session; groups
are made; members vote on a recommendation; the final report shows the support. Every page
visited is checked with axe at phone and desktop sizes (resident pages in Bokmål and Arabic)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.demo import load_neighbourhoods
from app.extensions import db
from panels import services
from panels.models import Invitation, Panel, Volunteer
from tests.conftest import TEST_PASSWORD, VIEWPORTS, axe_violations, make_user

from .conftest import answers, register_csv

SHARES = "gender; female; 50\ngender; male; 50\nage; 16-39; 45\nage; 40+; 55"


@pytest.fixture(scope="module", autouse=True)
def seeded(live_app):
    live_app.config["PANELS_LOTTERY_SIZE"] = 200
    load_neighbourhoods()
    make_user("facilitator", "fasilitator")
    make_user("reader", "leser")
    db.session.commit()


def log_in(context, base: str, username: str):
    page = context.new_page()
    page.goto(f"{base}/auth/login?lang=en")
    page.fill("#username", username)
    page.fill("#password", TEST_PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"{base}/staff")
    return page


def fresh() -> None:
    """See what the server threads committed."""
    db.session.rollback()
    db.session.expire_all()


def draw_when_ready(page, seed: str) -> str:
    """Wait for the background run (the page refreshes itself), publish, then draw."""
    page.wait_for_selector("text=Publish the commitment", timeout=90_000)
    commitment = page.inner_text(".commitment").strip()
    page.click("button:has-text('Publish the commitment')")
    page.fill("#seed", seed)
    page.click("#submit")
    page.wait_for_selector("text=people drawn")
    return commitment


def fill_others(panel_id: int, count: int) -> None:
    """Other households answer their letters (the pool the lottery draws from)."""
    fresh()
    panel = db.session.get(Panel, panel_id)
    free = db.session.scalars(
        select(Invitation).where(Invitation.panel_id == panel_id).order_by(Invitation.id)
    ).all()
    free = [i for i in free if i.volunteer is None]
    profiles = itertools.cycle(
        [("male", "40+"), ("female", "40+"), ("male", "16-39"), ("female", "16-39")]
    )
    for n, invitation in zip(range(count), free, strict=False):
        gender, age = next(profiles)
        services.sign_up(panel, answers(gender, age, name=f"Nabo {n}"), invitation)
    db.session.commit()


@pytest.mark.browser
def test_a_citizens_panel_from_register_to_final_report(browser, live_server, axe_source, tmp_path):
    base = live_server.url
    staff = browser.new_context(viewport=VIEWPORTS["desktop"])
    facilitator = log_in(staff, base, "fasilitator")
    staff_pages: list[str] = []

    # The facilitator creates the panel; quotas come from population shares.
    facilitator.goto(f"{base}/panels/new?lang=en")
    facilitator.fill("#title", "Borgerpanel om Buran")
    facilitator.select_option("#neighbourhood", label="Lademoen")
    facilitator.fill("#panel_size", "6")
    facilitator.fill("#pool_target", "12")
    facilitator.fill("#shares", SHARES)
    facilitator.click("#compute")
    assert "gender; female; 2; 4" in facilitator.input_value("#quotas")
    assert facilitator.input_value("#title") == "Borgerpanel om Buran"
    facilitator.fill("#default_response_rate", "0.5")
    facilitator.fill("#closes_on", (date.today() + timedelta(days=90)).isoformat())
    facilitator.click("#submit")
    facilitator.wait_for_selector("text=Panel created")
    panel_id = int(facilitator.url.rstrip("/").rsplit("/", 1)[1])
    staff_pages += ["/panels/new", f"/panels/{panel_id}"]

    # The register: one bad row is listed, the good rows are kept.
    csv_path = tmp_path / "register.csv"
    csv_path.write_bytes(register_csv(120) + b"H9999;;Buran\n")
    facilitator.goto(f"{base}/panels/{panel_id}/register?lang=en")
    facilitator.set_input_files("#file", str(csv_path))
    facilitator.click("#submit")
    assert "120 households imported" in facilitator.inner_text("main")
    assert "The address is missing." in facilitator.inner_text("table.row-errors")
    staff_pages.append(f"/panels/{panel_id}/register")

    facilitator.goto(f"{base}/panels/{panel_id}?lang=en")
    facilitator.click("text=Draw households to invite")
    assert "letters drawn" in facilitator.inner_text(".flashes")
    facilitator.goto(f"{base}/panels/{panel_id}/letters")
    letters = facilitator.locator("article.letter")
    assert letters.count() > 12
    assert letters.first.locator("svg.qr").count() == 1
    letter_url = letters.first.locator(".letter-url").inner_text().strip()
    short_code = letters.first.locator(".letter-code").inner_text().strip()
    assert len(short_code) == 9
    staff_pages += [f"/panels/{panel_id}/letters", f"/panels/{panel_id}/poster"]

    # A resident scans the letter's QR code on a phone and signs up in English.
    resident = browser.new_context(viewport=VIEWPORTS["phone"])
    phone = resident.new_page()
    phone.goto(f"{letter_url}?lang=en")
    assert phone.get_attribute("html", "lang") == "en"
    phone.check("#q0-0")
    phone.check("#q1-0")
    phone.check("#availability-0")
    phone.check("#access_needs-1")
    phone.fill("#name", "Amina Hassan")
    phone.fill("#email", "amina@example")
    phone.click("#submit")  # no consent, e-mail incomplete: told why, nothing lost
    summary = phone.inner_text(".error-summary")
    assert "Tick the box to agree" in summary and "Enter an e-mail address" in summary
    assert phone.input_value("#name") == "Amina Hassan" and phone.is_checked("#q0-0")
    assert axe_violations(phone, axe_source) == []
    phone.fill("#email", "amina@example.no")
    phone.check("#consent")
    phone.click("#submit")
    assert "You are signed up" in phone.inner_text("main")
    assert phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    amina_url = phone.url.split("?")[0]
    fill_others(panel_id, 11)

    # Selection: computed in the background, committed, then drawn with a public seed.
    facilitator.goto(f"{base}/panels/{panel_id}/selection?lang=en")
    facilitator.click("button:has-text('Compute the lottery')")
    commitment = draw_when_ready(facilitator, "Lotto 2026-11-21: 3 9 14 22 27 31 34")
    assert len(commitment) == 64
    fresh()
    volunteers = db.session.scalars(select(Volunteer).where(Volunteer.panel_id == panel_id)).all()
    assert sum(v.status == "selected" for v in volunteers) == 6
    staff_pages += [
        "/panels",
        f"/panels/{panel_id}/selection",
        f"/panels/{panel_id}/members",
        f"/panels/{panel_id}/report",
        f"/panels/{panel_id}/members/{volunteers[-1].id}/delete",
    ]

    # A drop-out is replaced from the reserves by a second committed lottery.
    leaver = next(v for v in volunteers if v.status == "selected" and v.name != "Amina Hassan")
    facilitator.click(f"button:text-is('Dropped out: {leaver.name}')")
    facilitator.click("button:has-text('Draw replacements')")
    draw_when_ready(facilitator, "Lotto 2026-11-28: 1 5 8 17 20 25 33")
    fresh()
    statuses = [v.status for v in db.session.scalars(select(Volunteer))]
    assert statuses.count("selected") == 6 and statuses.count("dropped_out") == 1
    facilitator.goto(f"{base}/p/{panel_id}/lottery?lang=en")
    assert facilitator.locator("code.commitment").count() == 2

    # The member on the phone is Amina if she was drawn, else another member's personal link.
    member = next(
        v
        for v in db.session.scalars(select(Volunteer).order_by(Volunteer.id))
        if v.status == "selected"
    )
    member_url = (
        amina_url
        if member.name == "Amina Hassan"
        else (f"{base}/p/{panel_id}/me/{member.access_token}")
    )
    phone.goto(f"{member_url}?lang=en")
    assert "You have been drawn" in phone.inner_text("main")
    personal_code = phone.inner_text(".letter-code").strip()

    # A session; the member checks in by scanning the venue's code.
    facilitator.goto(f"{base}/panels/{panel_id}/deliberation?lang=en")
    facilitator.select_option("#session-phase", "learning")
    facilitator.fill("#session-title", "Kveld 1: Hva vet vi om Buran?")
    facilitator.fill("#session-starts_at", "2026-12-01T18:00")
    facilitator.fill("#session-place", "Buran bibliotek")
    facilitator.click("#session-submit")
    checkin_url = facilitator.inner_text(".poster-url").strip()
    staff_pages.append(facilitator.url.replace(base, "").split("?")[0])
    phone.goto(f"{checkin_url}?lang=en")
    phone.fill("#code", personal_code.lower())
    phone.click("#submit")
    assert "You are checked in" in phone.inner_text("main")
    facilitator.reload()
    assert "checked in" in facilitator.inner_text(".attendance")

    # Groups with a moderator each, and a recommendation put to a support vote.
    facilitator.goto(f"{base}/panels/{panel_id}/deliberation?lang=en")
    facilitator.fill("#groups-moderators", "Anne\nBilal")
    facilitator.click("#groups-submit")
    assert facilitator.locator("ul.group-members").count() == 2
    facilitator.fill("#rec-title", "Lys i Buranparken")
    facilitator.fill("#rec-text", "Sett opp mer lys langs stiene i parken.")
    facilitator.click("#rec-submit")
    facilitator.click("button:has-text('Open voting')")
    staff_pages.append(f"/panels/{panel_id}/deliberation")

    phone.goto(f"{member_url}?lang=en")
    phone.click("text=Vote on the recommendations")
    phone.check("text=Strongly agree")
    phone.click("#submit")
    assert "Your votes are saved" in phone.inner_text(".flashes")
    resident_pages = [
        member_url,
        f"{base}/p/code",
        f"{base}/p/{panel_id}/lottery",
        checkin_url,
        f"{member_url}/vote",
    ]
    fresh()
    unused = db.session.scalars(
        select(Invitation).where(Invitation.panel_id == panel_id).order_by(Invitation.id.desc())
    ).first()
    resident_pages.append(f"{base}/p/{panel_id}/join/{unused.token}")
    resident.close()

    # The final report, read by programme staff.
    staff.clear_cookies()
    reader = log_in(staff, base, "leser")
    reader.goto(f"{base}/panels/{panel_id}/report?lang=en")
    report = reader.inner_text("main")
    assert "Lys i Buranparken" in report and "1 votes" in report
    assert "Amina Hassan" not in report and personal_code not in report
    assert axe_violations(reader, axe_source) == []
    staff.close()

    # Every page of the story, at both sizes; resident pages in Bokmål and Arabic as well.
    for size in ("phone", "desktop"):
        context = browser.new_context(viewport=VIEWPORTS[size])
        page = log_in(context, base, "fasilitator")
        for path in staff_pages:
            page.goto(f"{base}{path}?lang=nb")
            assert axe_violations(page, axe_source) == [], (size, path)
        for url in resident_pages:
            for lang in ("nb", "ar"):
                page.goto(f"{url}?lang={lang}")
                assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
                assert axe_violations(page, axe_source) == [], (size, url, lang)
        context.close()
