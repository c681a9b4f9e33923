"""End to end in a real Chromium: a resident scans a poster and sends input on a phone, a
facilitator bulk-enters wish-tree cards, a coder codes with suggestions, a second coder
double-codes, agreement is shown, and a reader opens and exports the summary for Lademoen.
Resident pages are checked with axe at phone and desktop sizes, in Bokmål and Arabic."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.demo import load_neighbourhoods
from app.extensions import db
from app.models import Neighbourhood
from taxonomy.frameworks import load_defaults
from taxonomy.models import Coding, InputItem, Topic
from tests.conftest import TEST_PASSWORD, axe_violations, make_user

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module", autouse=True)
def seeded(live_app):
    live_app.config["TAXONOMY_DOUBLE_CODE_SHARE"] = 1.0
    load_neighbourhoods()
    load_defaults()
    lademoen = db.session.scalar(select(Neighbourhood).where(Neighbourhood.slug == "lademoen"))
    db.session.add(
        Topic(
            slug="lademoen-onsker", neighbourhood=lademoen, title="Hva ønsker du deg på Lademoen?"
        )
    )
    for role, name in (
        ("facilitator", "fasilitator"),
        ("coder", "koder1"),
        ("coder", "koder2"),
        ("reader", "leser"),
    ):
        make_user(role, name)
    db.session.commit()


def log_in(context, base: str, username: str):
    page = context.new_page()
    page.goto(f"{base}/auth/login?lang=en")
    page.fill("#username", username)
    page.fill("#password", TEST_PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"{base}/staff")
    return page


def code_queue(page, base: str, rounds: int) -> None:
    page.goto(f"{base}/taxonomy/queue?lang=en")
    page.click("text=Start coding")
    for _ in range(rounds):
        first = page.locator(".suggested-codes input[type=checkbox]").first
        first.check()
        page.click("text=Save and go to the next item")
        page.wait_for_load_state()


@pytest.mark.browser
def test_from_poster_to_exported_summary(browser, live_server, axe_source, tmp_path):
    base = live_server.url
    staff = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    facilitator = log_in(staff, base, "fasilitator")
    facilitator.goto(f"{base}/taxonomy/topics?lang=en")
    facilitator.click("text=A4 poster")
    assert facilitator.locator("svg.qr").count() == 1
    form_url = facilitator.inner_text(".poster-url").strip()
    assert form_url.endswith("/input/lademoen-onsker?via=qr")

    resident = browser.new_context(viewport=PHONE)
    phone = resident.new_page()
    phone.goto(form_url)
    assert phone.locator("#consent").count() == 1
    phone.fill("#text", "Det er for mørkt i parken om kvelden, vi trenger mer gatelys")
    phone.select_option("#age_band", "20-44")
    phone.check("#consent")
    phone.click("button[type=submit], input[type=submit]")
    assert phone.locator(".receipt").is_visible()
    receipt = phone.inner_text(".receipt")
    assert (
        db.session.scalar(select(InputItem).where(InputItem.receipt == receipt)).channel
        == "qr_poster"
    )
    assert phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    resident.close()

    facilitator.goto(f"{base}/taxonomy/bulk?lang=en")
    facilitator.select_option("#channel", "wish_tree")
    facilitator.select_option("#neighbourhood", label="Lademoen")
    facilitator.fill("#place", "Lademoen bibliotek")
    facilitator.fill(
        "#cards",
        "Flere benker i parken\nUngdomsklubb som er åpen om kvelden\nBilene kjører for fort",
    )
    facilitator.click("text=Save all")
    assert "3 items saved." in facilitator.inner_text(".flashes")

    staff.clear_cookies()
    coder = log_in(staff, base, "koder1")
    code_queue(coder, base, 4)
    assert "The queue is empty" in coder.inner_text("main")
    assert db.session.scalar(select(Coding).where(Coding.from_suggestion.is_(True))) is not None

    staff.clear_cookies()
    second = log_in(staff, base, "koder2")
    second.goto(f"{base}/taxonomy/queue?lang=en")
    assert second.locator(".queue .tag").count() == 4  # all four need a second coding
    code_queue(second, base, 4)

    second.goto(f"{base}/taxonomy/agreement?lang=en")
    assert "4 items coded by at least two of 2 coders" in second.inner_text("main")
    assert second.inner_text("#alpha") not in ("", "–")

    staff.clear_cookies()
    reader = log_in(staff, base, "leser")
    reader.goto(f"{base}/taxonomy/summary?lang=en")
    reader.select_option("#neighbourhood", "lademoen")
    reader.click("form.filters button[type=submit]")
    assert "Summaries: Lademoen" in reader.inner_text("h1")
    assert reader.locator("svg.chart").count() == 3
    assert axe_violations(reader, axe_source) == []
    with reader.expect_download() as download_info:
        reader.click("text=Export CSV")
    path = tmp_path / "summary.csv"
    download_info.value.save_as(path)
    content = path.read_text(encoding="utf-8-sig")
    assert content.startswith("code,code_label,neighbourhood,channel,age_band,period,items,share")
    assert ",lademoen,wish_tree," in content
    staff.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nb", "ar"])
def test_resident_pages_have_no_serious_accessibility_violations(
    page, live_server, axe_source, lang
):
    base = live_server.url
    page.goto(f"{base}/input/?lang={lang}")
    assert axe_violations(page, axe_source) == []
    page.goto(f"{base}/input/lademoen-onsker?lang={lang}")
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    assert axe_violations(page, axe_source) == []
    page.click("button[type=submit], input[type=submit]")  # empty: errors summarised
    assert page.locator(".error-summary").is_visible()
    assert axe_violations(page, axe_source) == []
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
