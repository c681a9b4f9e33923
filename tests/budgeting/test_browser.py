"""End to end in a real Chromium: an association applies on a phone, a facilitator accepts the
application, opens voting and prints codes; residents vote with their codes on a phone (one in
English), a paper ballot is entered by staff; the votes are counted and published with
explanations; the bundle is downloaded and recounted to the same winners. A youth group goes
from joining to an explained result. Resident pages are checked with axe (0 serious/critical)
at phone and desktop sizes, in Bokmål and Arabic."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.demo import load_neighbourhoods
from app.extensions import db
from app.models import Neighbourhood
from budgeting import services
from budgeting.models import Round
from tests.budgeting.conftest import application
from tests.conftest import TEST_PASSWORD, axe_violations, make_user

PHONE = {"width": 360, "height": 740}
NARROW = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
SLUG = "nabolagspotten-lademoen-2025"


@pytest.fixture(scope="module", autouse=True)
def seeded(live_app):
    load_neighbourhoods()
    lademoen = db.session.scalar(select(Neighbourhood).where(Neighbourhood.slug == "lademoen"))
    round_ = services.create_round(
        slug=SLUG,
        title="Nabolagspotten Lademoen 2025",
        budget=1_100_000,
        neighbourhood_id=lademoen.id,
        ballot_type="knapsack",
        rule_variant="mes_cost_add1+greedy",
    )
    services.advance_phase(round_)
    for title, cost in (("Gatefest i Nonnegata", 400_000), ("Hagekasser", 300_000)):
        services.decide(services.submit_proposal(round_, application(title, cost)), True, "")
    make_user("facilitator", "fasilitator")
    db.session.commit()


def log_in(context, base: str, username: str):
    page = context.new_page()
    page.goto(f"{base}/auth/login?lang=en")
    page.fill("#username", username)
    page.fill("#password", TEST_PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"{base}/staff")
    return page


def assert_axe_clean(page, axe_source: str) -> None:
    violations = axe_violations(page, axe_source)
    assert violations == [], f"{page.url}: {violations}"


def next_phase(staff, base: str, round_id: int) -> None:
    staff.goto(f"{base}/budgeting/{round_id}?lang=en")
    staff.click("text=Move to the phase")
    staff.wait_for_load_state()
    assert staff.locator(".flash-success").count() == 1, staff.inner_text("main")


def vote_on_phone(browser, base: str, code: str, titles: list[str], lang: str, axe_source: str):
    context = browser.new_context(viewport=PHONE)
    phone = context.new_page()
    phone.goto(f"{base}/budsjett/{SLUG}/stem?kode={code}&lang={lang}")
    assert_axe_clean(phone, axe_source)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"**/budsjett/{SLUG}/stemmeseddel")
    before = phone.inner_text("#running-total")
    for title in titles:
        phone.check(f"label:has-text('{title}')")
    assert phone.inner_text("#running-total") != before  # the external script keeps the total
    assert_axe_clean(phone, axe_source)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the ballot must not scroll sideways on a phone"
    phone.click("button[value=vote]")
    phone.wait_for_url(f"**/budsjett/{SLUG}/takk")
    text = phone.inner_text("main")
    context.close()
    return text


@pytest.mark.browser
def test_from_application_to_recounted_bundle(browser, live_server, axe_source, tmp_path):
    base = live_server.url
    # An association applies on a phone.
    applicant = browser.new_context(viewport=PHONE).new_page()
    applicant.goto(f"{base}/budsjett/{SLUG}/soknad?lang=nb")
    assert_axe_clean(applicant, axe_source)
    applicant.select_option("#applicant_type", "velforening")
    applicant.fill("#applicant_name", "Lademoen velforening")
    applicant.fill("#title", "Nabokafé i Lademoen kirke")
    applicant.fill("#description", "Kafé hver lørdag med gratis kaffe")
    applicant.fill("#brings_together", "Eldre og nyinnflyttede")
    applicant.fill("#cost", "250000")
    applicant.fill("#contact_name", "Per")
    applicant.fill("#contact_email", "per@example.org")
    applicant.click("button[type=submit]")
    applicant.wait_for_url("**/budsjett/soknad/**")
    status_url = applicant.url
    assert "Mottatt, venter på vurdering." in applicant.inner_text("main")

    # A facilitator accepts it, opens voting and prints codes.
    staff_context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    staff = log_in(staff_context, base, "fasilitator")
    round_id = db.session.scalar(select(Round.id).where(Round.slug == SLUG))
    staff.goto(f"{base}/budgeting/{round_id}?lang=en")
    staff.click("text=Nabokafé i Lademoen kirke")
    staff.check("input[value=accept]")
    staff.click("text=Save the decision")
    staff.wait_for_url(f"**/budgeting/{round_id}")
    applicant.goto(status_url)
    assert "Godkjent" in applicant.inner_text("main")
    next_phase(staff, base, round_id)  # review
    next_phase(staff, base, round_id)  # voting: settings freeze
    staff.fill("#how_many", "3")
    staff.click("text=Make codes and print the sheet")
    staff.wait_for_url("**/kodeark?batch=1")
    assert staff.locator(".code-card svg.qr").count() == 3
    codes = [t.strip() for t in staff.locator(".code-card .code").all_inner_texts()]

    # Residents vote on phones, one in English; a paper ballot is entered by staff.
    done = vote_on_phone(
        browser, base, codes[0], ["Gatefest i Nonnegata", "Hagekasser"], "nb", axe_source
    )
    assert "Stemmeseddelen din er lagret." in done
    done = vote_on_phone(browser, base, codes[1], ["Nabokafé i Lademoen kirke"], "en", axe_source)
    assert "The last ballot you send is the one that counts." in done
    staff.goto(f"{base}/budgeting/{round_id}/papir?lang=en")
    staff.fill("#code", codes[2])
    staff.check("label:has-text('Nabokafé i Lademoen kirke')")
    staff.check("label:has-text('Hagekasser')")
    staff.click("text=Save the paper ballot")
    assert "The paper ballot is saved." in staff.inner_text("main")

    # Close, count, publish.
    next_phase(staff, base, round_id)
    staff.goto(f"{base}/budgeting/{round_id}/opptelling?lang=en")
    assert "no draw is needed" in staff.inner_text("main")
    staff.click("text=Count now")
    staff.wait_for_url(f"**/budgeting/{round_id}/resultat")
    next_phase(staff, base, round_id)

    # Results with explanations; "why this result?" through a code.
    resident = browser.new_context(viewport=PHONE).new_page()
    resident.goto(f"{base}/budsjett/{SLUG}/resultat?lang=en")
    text = resident.inner_text("main")
    assert "Method of Equal Shares, completed (recommended)" in text
    assert "Everyone who voted got an equal share of the money." in text
    assert resident.locator("meter.cost-bar").count() == 3
    assert_axe_clean(resident, axe_source)
    resident.click("text=Why this result?")
    resident.fill("#code", codes[1].lower())
    resident.click("button[type=submit]")
    why = resident.inner_text("main")
    assert "Everyone who voted got the same share" in why
    assert "Nabokafé i Lademoen kirke" in why
    assert_axe_clean(resident, axe_source)

    # The bundle is exported and recounted to the same winners.
    staff.goto(f"{base}/budgeting/{round_id}/resultat?lang=en")
    with staff.expect_download() as download_info:
        staff.click("text=Download the results bundle")
    bundle = tmp_path / "bundle.zip"
    download_info.value.save_as(bundle)
    staff.goto(f"{base}/budgeting/importer?lang=en")
    staff.set_input_files("#file", str(bundle))
    staff.click("button:has-text('Count')")
    assert "The recount gives the same winners as the published result." in staff.inner_text("main")
    staff_context.close()


@pytest.mark.browser
def test_a_youth_group_from_joining_to_an_explained_result(browser, live_server, axe_source):
    base = live_server.url
    group = services.create_round(
        slug="veien-til-forerkortet", title="Veien til førerkortet", kind="youth", budget=100_000
    )
    services.advance_phase(group)
    db.session.commit()
    join_code, group_id = group.join_code, group.id
    members = []
    for name in ("Ali", "Sara", "Yusuf"):
        context = browser.new_context(viewport=NARROW)
        phone = context.new_page()
        phone.goto(f"{base}/budsjett/bli-med?kode={join_code}&lang=en")
        phone.fill("#nickname", name)
        phone.select_option("#age_band", "13-19")
        phone.click("button[type=submit]")
        phone.wait_for_url("**/gruppe")
        members.append((context, phone))
    ideas = (("Driving lessons", "60000"), ("Theory course", "30000"), ("Trip", "50000"))
    for (_, phone), (title, cost) in zip(members, ideas, strict=True):
        phone.fill("#title", title)
        phone.fill("#cost", cost)
        phone.click("text=Add my idea")
        assert "Your idea has been added." in phone.inner_text("main")
    first = members[0][1]
    first.fill("textarea[name=text] >> nth=0", "We need this for jobs")
    first.click("button:has-text('Comment') >> nth=0")
    assert "We need this for jobs" in first.inner_text("main")
    assert_axe_clean(first, axe_source)

    staff_context = browser.new_context(viewport=DESKTOP)
    staff = log_in(staff_context, base, "fasilitator")
    next_phase(staff, base, group_id)  # ideas → voting
    choices = (["Driving lessons", "Theory course"],) * 2 + (["Trip", "Theory course"],)
    for (_, phone), picks in zip(members, choices, strict=True):
        phone.goto(f"{base}/budsjett/veien-til-forerkortet/gruppe?lang=en")
        phone.click("text=Vote on the ideas")
        assert "Choose at least 2 projects." in phone.inner_text("main")
        for title in picks:
            phone.check(f"label:has-text('{title}')")
        phone.click("button[value=vote]")
        phone.wait_for_url("**/takk")
    next_phase(staff, base, group_id)  # close
    staff.goto(f"{base}/budgeting/{group_id}/opptelling?lang=en")
    staff.click("text=Count now")
    staff.wait_for_url(f"**/budgeting/{group_id}/resultat")
    next_phase(staff, base, group_id)  # publish

    phone = members[2][1]
    phone.goto(f"{base}/budsjett/veien-til-forerkortet/resultat?lang=en")
    assert "Everyone who voted got an equal share of the money." in phone.inner_text("main")
    phone.click("text=Why this result?")  # the member's own code is remembered
    why = phone.inner_text("main")
    assert (
        "You supported: Theory course, Trip" in why or "You supported: Trip, Theory course" in why
    )
    assert "You had" in why
    assert_axe_clean(phone, axe_source)
    for context, _ in members:
        context.close()
    staff_context.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nb", "ar"])
def test_resident_pages_are_accessible_at_phone_and_desktop_size(
    page, live_server, axe_source, lang
):
    base = live_server.url
    for path in ("/budsjett/", f"/budsjett/{SLUG}", "/budsjett/bli-med"):
        page.goto(f"{base}{path}?lang={lang}")
        assert page.locator(f'html[lang="{lang}"]').count() == 1
        assert_axe_clean(page, axe_source)
    page.goto(f"{base}/budsjett/bli-med?lang={lang}")
    page.click("main button[type=submit]")  # nothing filled in: the errors must be accessible
    assert page.locator(".error-summary").count() == 1
    assert_axe_clean(page, axe_source)
