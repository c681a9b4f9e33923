"""End to end in a real Chromium at phone size (360×740): a facilitator bulk-enters a wish-tree
card and gets its printed receipt; an association applies to Nabolagspotten on a phone and gets
its receipt on the application page; the facilitator publishes an answer to each (the card
turned into a funded project, the application answered in Bokmål and English); each resident
types their code on a phone and reads the answer, in Bokmål and in English. Every resident page
is checked with axe (0 serious/critical), and none scrolls sideways."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.demo import load_neighbourhoods
from app.extensions import db
from app.models import Neighbourhood
from budgeting import services as budgeting
from followup.demo import publish_round
from tests.conftest import TEST_PASSWORD, axe_violations, make_user

PHONE = {"width": 360, "height": 740}
POT = "nabolagspotten-lademoen-2025"
CARD = "Flere benker i Buran-parken"
APPLICATION = "Nabokafé i Lademoen kirke"


@pytest.fixture(scope="module", autouse=True)
def seeded(live_app):
    load_neighbourhoods()
    lademoen = db.session.scalar(select(Neighbourhood).where(Neighbourhood.slug == "lademoen"))
    publish_round(
        lademoen,
        "nabolagspotten-lademoen-2024",
        "Nabolagspotten Lademoen 2024",
        [("Benker og lys i Buran-parken", 150_000, "velforening", "Buran vel")] * 1
        + [("Ny asfalt", 100_000, "sameie", "Sameiet")],
    )
    pot = budgeting.create_round(
        slug=POT,
        title="Nabolagspotten Lademoen 2025",
        budget=1_100_000,
        neighbourhood_id=lademoen.id,
    )
    budgeting.advance_phase(pot)
    make_user("facilitator", "fasilitator")
    db.session.commit()


def clean(page, axe_source: str) -> None:
    violations = axe_violations(page, axe_source)
    assert violations == [], f"{page.url}: {violations}"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def log_in(browser, base: str):
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{base}/auth/login?lang=en")
    page.fill("#username", "fasilitator")
    page.fill("#password", TEST_PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"{base}/staff")
    return page


def answer(staff, base: str, text: str, fields: dict[str, str], project: str | None = None):
    staff.goto(f"{base}/oppfolging/?lang=en")
    staff.click(f"main a:has-text('{text}')")
    for selector, value in fields.items():
        if selector == "#status":
            staff.select_option(selector, value)
        else:
            staff.fill(selector, value)
    if project:
        staff.select_option("#project", label=project)
    staff.click("main [type=submit]")
    staff.wait_for_load_state()
    assert "The answer is saved." in staff.inner_text(".flashes"), staff.inner_text("main")


def read_status(browser, base: str, code: str, lang: str, axe_source: str) -> str:
    phone = browser.new_context(viewport=PHONE).new_page()
    phone.goto(f"{base}/svar/?lang={lang}")
    clean(phone, axe_source)
    phone.fill("#code", code.lower())
    phone.click("main [type=submit]")
    phone.wait_for_url(f"**/svar/{code}")
    clean(phone, axe_source)
    text = phone.inner_text("main")
    phone.context.close()
    return text


@pytest.mark.browser
def test_a_card_and_an_application_from_entry_to_an_answer_read_with_the_receipt(
    browser, live_server, axe_source
):
    base = live_server.url
    staff = log_in(browser, base)

    # A wish-tree card is typed in; the receipt sheet has its code and QR code to hand out.
    staff.goto(f"{base}/taxonomy/bulk?lang=en")
    staff.select_option("#channel", "wish_tree")
    staff.select_option("#neighbourhood", label="Lademoen › Buran")
    staff.fill("#place", "Lademoen bibliotek")
    staff.fill("#cards", CARD)
    staff.click("text=Save all")
    staff.wait_for_url("**/oppfolging/kvitteringer/**")
    assert staff.locator(".receipt-slip svg.qr").count() == 1
    card_code = staff.inner_text(".receipt-slip .receipt").strip()

    # An association applies on a phone; the application page shows the short receipt code.
    applicant = browser.new_context(viewport=PHONE).new_page()
    applicant.goto(f"{base}/budsjett/{POT}?lang=nb")
    assert "Hva kan avgjøres her" in applicant.inner_text("main")
    clean(applicant, axe_source)
    applicant.goto(f"{base}/budsjett/{POT}/soknad?lang=nb")
    applicant.select_option("#applicant_type", "velforening")
    applicant.fill("#applicant_name", "Lademoen velforening")
    applicant.fill("#title", APPLICATION)
    applicant.fill("#description", "Kafé hver lørdag med gratis kaffe")
    applicant.fill("#brings_together", "Eldre og nyinnflyttede")
    applicant.fill("#cost", "250000")
    applicant.fill("#contact_name", "Per")
    applicant.fill("#contact_email", "per@example.org")
    applicant.click("main [type=submit]")
    applicant.wait_for_url("**/budsjett/soknad/**")
    clean(applicant, axe_source)
    assert "Mottatt" in applicant.inner_text(".status-facts")
    application_code = applicant.inner_text(".receipt-box .receipt").strip()
    assert read_status(browser, base, application_code, "en", axe_source).count("Received") >= 1

    # The facilitator answers both and publishes the answers.
    answer(
        staff,
        base,
        CARD,
        {
            "#status": "project",
            "#answer_nb": "Kortet ditt ble til nye benker i parken.",
            "#answer_en": "Your card became new benches in the park.",
        },
        project="Benker og lys i Buran-parken (Nabolagspotten Lademoen 2024)",
    )
    answer(
        staff,
        base,
        APPLICATION,
        {
            "#status": "answered",
            "#answer_nb": "Søknaden vurderes i mai. Vi ringer dere.",
            "#answer_en": "The application is reviewed in May. We will call you.",
        },
    )

    # Each resident reads the answer with the code, in Bokmål and in English.
    card_nb = read_status(browser, base, card_code, "nb", axe_source)
    assert "Gjort om til et prosjekt" in card_nb
    assert "Kortet ditt ble til nye benker i parken." in card_nb
    assert "Benker og lys i Buran-parken" in card_nb
    card_en = read_status(browser, base, card_code, "en", axe_source)
    assert "Turned into a project" in card_en
    assert "Your card became new benches in the park." in card_en
    application_nb = read_status(browser, base, application_code, "nb", axe_source)
    assert "Søknaden vurderes i mai. Vi ringer dere." in application_nb
    application_en = read_status(browser, base, application_code, "en", axe_source)
    assert "The application is reviewed in May. We will call you." in application_en

    # The neighbourhood page and the funded project's feedback form are clean on a phone too.
    phone = browser.new_context(viewport=PHONE).new_page()
    phone.goto(f"{base}/hva-skjedde/lademoen?lang=en")
    clean(phone, axe_source)
    assert "Your card became new benches in the park." in phone.inner_text("main")
    phone.click("main a:has-text('Benker og lys i Buran-parken') >> nth=0")
    phone.click("main [type=submit]")  # no face chosen: the error must be accessible
    assert "Choose a face." in phone.inner_text(".error-summary")
    clean(phone, axe_source)
    phone.check("label:has-text('Very good')")
    phone.fill("#text", "We sit there every day")
    phone.click("main [type=submit]")
    assert "Thank you for your feedback!" in phone.inner_text(".flashes")
    phone.goto(f"{base}/hva-skjedde/lademoen?lang=ar")
    clean(phone, axe_source)
