"""The shell's pages in a real headless Chromium at phone and desktop sizes, in Bokmål and
Arabic, checked with axe-core; login works with the keyboard and without JavaScript."""

from __future__ import annotations

import pytest

from app.demo import load_neighbourhoods
from app.extensions import db
from tests.conftest import TEST_PASSWORD, axe_violations, make_user

PUBLIC_PAGES = ["/", "/auth/login", "/finnes-ikke"]
STAFF_PAGES = ["/staff", "/admin/users", "/admin/audit"]


@pytest.fixture(scope="module", autouse=True)
def seeded(live_app):
    load_neighbourhoods()
    make_user("admin")
    db.session.commit()


def log_in(page, base_url: str, lang: str = "nb") -> None:
    page.goto(f"{base_url}/auth/login?lang={lang}")
    page.fill("#username", "test-admin")
    page.fill("#password", TEST_PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"{base_url}/staff")


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nb", "ar"])
def test_public_pages_have_no_serious_accessibility_violations(page, live_server, axe_source, lang):
    for path in PUBLIC_PAGES:
        page.goto(f"{live_server.url}{path}?lang={lang}")
        assert page.get_attribute("html", "lang") == lang
        assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
        assert axe_violations(page, axe_source) == [], path


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nb", "ar"])
def test_staff_pages_have_no_serious_accessibility_violations(page, live_server, axe_source, lang):
    log_in(page, live_server.url, lang)
    for path in STAFF_PAGES:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page, axe_source) == [], path


@pytest.mark.browser
def test_login_form_errors_are_summarised_accessibly(page, live_server, axe_source):
    page.goto(f"{live_server.url}/auth/login?lang=en")
    page.click("button[type=submit], input[type=submit]")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "Enter your username." in summary.inner_text()
    assert page.get_attribute("#username", "aria-invalid") == "true"
    assert axe_violations(page, axe_source) == []


@pytest.mark.browser
def test_arabic_layout_mirrors_right_to_left(page, live_server):
    page.goto(f"{live_server.url}/?lang=ar")
    brand = page.locator(".brand").bounding_box()
    languages = page.locator("nav.languages").bounding_box()
    viewport = page.viewport_size
    # In RTL the brand sits at the right edge and the language menu starts to its left.
    assert brand["x"] + brand["width"] > viewport["width"] / 2
    assert languages["x"] < brand["x"]


@pytest.mark.browser
def test_nothing_overflows_the_phone_width(page, live_server):
    page.goto(f"{live_server.url}/?lang=en")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


@pytest.mark.browser
def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page, live_server):
    page.goto(f"{live_server.url}/?lang=en")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"


@pytest.mark.browser
def test_login_and_logout_work_with_javascript_turned_off(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        log_in(page, live_server.url, "en")
        assert "Staff start page" in page.inner_text("h1")
        page.click("text=Log out")
        assert "You are logged out." in page.inner_text("main")
    finally:
        context.close()


@pytest.mark.browser
def test_language_switcher_changes_language_and_remembers_it(page, live_server):
    page.goto(f"{live_server.url}/")
    page.click("nav.languages summary")
    page.click("nav.languages >> text=English")
    assert page.get_attribute("html", "lang") == "en"
    page.goto(f"{live_server.url}/auth/login")
    assert page.get_attribute("html", "lang") == "en"


@pytest.mark.browser
def test_the_eight_language_menu_fits_a_320_px_phone_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        for lang in ("nb", "ar"):
            page.goto(f"{live_server.url}/?lang={lang}")
            links = page.locator("nav.languages li a")
            assert not links.first.is_visible()  # closed: the header stays short
            page.click("nav.languages summary")
            assert links.count() == 8
            for index in range(8):
                box = links.nth(index).bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= 320, (lang, index, box)
                assert box["height"] >= 44  # a finger-sized target
            overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0
        page.click("nav.languages >> text=Українська")
        assert page.get_attribute("html", "lang") == "uk"
    finally:
        context.close()


@pytest.mark.browser
def test_the_open_language_menu_has_no_serious_axe_finding_in_arabic(page, live_server, axe_source):
    page.goto(f"{live_server.url}/?lang=ar")
    page.click("nav.languages summary")
    assert page.locator("nav.languages li a").first.is_visible()
    assert axe_violations(page, axe_source) == []
