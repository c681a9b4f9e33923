"""Keyboard-only walk-throughs of the resident flows and of paper-ballot entry by staff: only Tab,
Shift+Tab, Enter, Space and the arrow keys (typing once a field has focus), never a mouse click or
a fill by selector. Every stop shows a visible focus indicator, and every page starts with a skip
link to the main content."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import TEST_PASSWORD, make_user

from .flows import (
    Flows,
    group_member,
    input_items_with,
    seed_flows,
    stored_ballot,
    volunteer_of,
)

pytestmark = pytest.mark.browser

FOCUS_IS_VISIBLE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return false;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  return outline || s.boxShadow !== 'none';
}"""


@pytest.fixture(scope="module")
def flows(live_app) -> Flows:
    flows = seed_flows(live_app)
    make_user("facilitator", "fasilitator")
    return flows


@pytest.fixture
def keys(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    yield page
    context.close()


def focused(page, selector: str) -> bool:
    return page.evaluate(
        "s => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def tab_to(page, selector: str, back: bool = False, limit: int = 150) -> None:
    """Press Tab (Shift+Tab) until ``selector`` has focus; each stop must show where focus is."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        assert page.evaluate(FOCUS_IS_VISIBLE), (
            f"no visible focus on {page.evaluate('document.activeElement.outerHTML.slice(0, 120)')}"
        )
        if focused(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def open_page(page, url: str) -> None:
    """Open a page (as from a link in a letter) and check the first Tab stop is the skip link."""
    page.goto(url)
    page.keyboard.press("Tab")
    assert focused(page, "a.skip-link") and page.locator("a.skip-link").is_visible()
    page.keyboard.press("Enter")  # to the main content, as a keyboard user skips the menus
    assert page.evaluate("() => location.hash") == "#main"


def path_of(page) -> str:
    return urlsplit(page.url).path


def press_and_wait(page, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_panel_sign_up_by_keyboard_only(keys, live_server, flows):
    letter = flows.free_letter()
    open_page(keys, f"{live_server.url}/p/{letter.panel_id}/join/{letter.token}?lang=en")
    tab_to(keys, "#q0-0")
    keys.keyboard.press("ArrowDown")  # the second answer of the first question
    assert keys.is_checked("#q0-1")
    answer = keys.get_attribute("#q0-1", "value")
    tab_to(keys, "#q1-0")
    keys.keyboard.press("Space")
    tab_to(keys, "#availability-1")
    keys.keyboard.press("Space")
    when = keys.get_attribute("#availability-1", "value")
    tab_to(keys, "#name")
    keys.keyboard.type("Tastatur Bruker")
    keys.keyboard.press("Tab")
    keys.keyboard.type("+47 922 33 444")
    tab_to(keys, "#consent")
    keys.keyboard.press("Space")
    tab_to(keys, "#submit")
    press_and_wait(keys)
    assert "/me/" in keys.url
    volunteer = volunteer_of(letter.id)
    assert volunteer.name == "Tastatur Bruker"
    assert volunteer.availability == [when]
    assert answer in volunteer.features.values()


@pytest.mark.parametrize("ballot_type", ["approval", "knapsack"])
def test_a_ballot_by_keyboard_only(keys, live_server, flows, ballot_type):
    round_ = flows.pot if ballot_type == "knapsack" else flows.rounds[ballot_type]
    code = flows.code(ballot_type)
    open_page(keys, f"{live_server.url}/budsjett/{round_.slug}/stem?lang=en")
    tab_to(keys, "#code")
    keys.keyboard.type(code.lower())  # as read off the letter
    press_and_wait(keys)
    boxes = keys.locator("main fieldset.ballot input[type=checkbox]")
    first, second = (boxes.nth(i).get_attribute("id") for i in (0, 1))
    titles = [keys.inner_text(f"label[for={i}] .ballot-title") for i in (first, second)]
    tab_to(keys, f"#{first}")
    keys.keyboard.press("Space")
    tab_to(keys, f"#{second}")
    keys.keyboard.press("Space")
    if ballot_type == "knapsack":
        assert keys.inner_text("#running-total") != "0 kr"  # the script keeps the total live
    tab_to(keys, "button[value=vote]")
    press_and_wait(keys)
    assert "/takk" in keys.url
    assert sorted(stored_ballot(round_, code)) == sorted(titles)


def test_youth_group_join_and_vote_by_keyboard_only(keys, live_server, flows):
    group = flows.group
    open_page(keys, f"{live_server.url}/budsjett/bli-med?kode={group.join_code}&lang=en")
    tab_to(keys, "#nickname")
    keys.keyboard.type("Tastatur")
    tab_to(keys, "#age_band")
    keys.keyboard.press("ArrowDown")  # a select changes with the arrow keys
    tab_to(keys, "main [type=submit]")
    press_and_wait(keys)
    assert path_of(keys) == f"/budsjett/{group.slug}/gruppe"
    tab_to(keys, "main a.button")  # "Vote on the ideas"
    press_and_wait(keys)
    boxes = keys.locator("main fieldset.ballot input[type=checkbox]")
    for i in (0, 1):
        tab_to(keys, f"#{boxes.nth(i).get_attribute('id')}")
        keys.keyboard.press("Space")
    tab_to(keys, "button[value=vote]")
    press_and_wait(keys)
    assert "/takk" in keys.url
    member = group_member("Tastatur")
    assert member.age_band is not None
    assert len(stored_ballot(group, member.voter_code.code)) == 2


def test_public_input_by_keyboard_only(keys, live_server, flows):
    text = "Tastaturinnspill: gatelys i Mellomveien"
    open_page(keys, f"{live_server.url}/input/{flows.topic_slug}?lang=en")
    tab_to(keys, "#text")
    keys.keyboard.type(text)
    tab_to(keys, "#consent")
    keys.keyboard.press("Space")
    tab_to(keys, "main [type=submit]")
    press_and_wait(keys)
    assert path_of(keys) == f"/input/{flows.topic_slug}/thanks"
    assert input_items_with(text) == 1


def test_staff_log_in_and_enter_a_paper_ballot_by_keyboard_only(keys, live_server, flows):
    round_ = flows.rounds["approval"]
    code = flows.code("approval")
    open_page(keys, f"{live_server.url}/auth/login?lang=en")
    tab_to(keys, "#username")
    keys.keyboard.type("fasilitator")
    keys.keyboard.press("Tab")
    keys.keyboard.type(TEST_PASSWORD)
    press_and_wait(keys)  # Enter in the password field sends the form
    keys.goto(f"{live_server.url}/budgeting/{round_.id}/papir?lang=en")
    tab_to(keys, "#code")
    keys.keyboard.type(code)
    box = keys.locator("main fieldset.ballot input[type=checkbox]").nth(2).get_attribute("id")
    tab_to(keys, f"#{box}")
    keys.keyboard.press("Space")
    tab_to(keys, "button[value=vote]")
    # Shift+Tab back to the code field and forward again: the order holds both ways.
    tab_to(keys, "#code", back=True)
    tab_to(keys, "button[value=vote]")
    press_and_wait(keys)
    assert "The paper ballot is saved." in keys.inner_text("main")
    assert len(stored_ballot(round_, code)) == 1
