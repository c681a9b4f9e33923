"""Every resident flow with JavaScript turned off in Chromium completes and stores the same
outcome as with it: a sign-up, a support vote, a check-in, a ballot of every type, a youth
group's member, idea and vote, an application and a piece of input."""

from __future__ import annotations

import pytest

from .flows import (
    Flows,
    ballots_of,
    group_member,
    input_items_with,
    seed_flows,
    stored_ballot,
    support_of,
    volunteer_of,
)


@pytest.fixture(scope="module")
def flows(live_app) -> Flows:
    return seed_flows(live_app)


@pytest.fixture
def tab(browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    yield page
    context.close()


def submit(page, selector: str = "main [type=submit]") -> None:
    with page.expect_navigation():
        page.click(selector)


pytestmark = pytest.mark.browser


def digits(amount: str) -> int:
    return int("".join(c for c in amount if c.isdigit()))


def test_a_panel_sign_up_is_stored_without_javascript(tab, live_server, flows):
    letter = flows.free_letter()
    tab.goto(f"{live_server.url}/p/{letter.panel_id}/join/{letter.token}?lang=en")
    tab.check("#q0-0")
    tab.check("#q1-0")
    tab.check("#availability-0")
    tab.fill("#name", "Uten Skript")
    tab.fill("#phone", "+47 911 22 333")
    tab.check("#consent")
    submit(tab)
    assert "/me/" in tab.url
    volunteer = volunteer_of(letter.id)
    assert volunteer is not None and volunteer.name == "Uten Skript"


def test_a_support_vote_and_a_check_in_are_stored_without_javascript(tab, live_server, flows):
    member = flows.member
    base = f"{live_server.url}/p/{member.panel_id}"
    tab.goto(f"{base}/me/{member.access_token}/vote?lang=en")
    tab.check("main input[type=radio] >> nth=0")
    submit(tab)
    assert len(support_of(member.id)) == 1
    tab.goto(f"{base}/check-in/{flows.checkin_token}?lang=en")
    tab.fill("#code", member.short_code)
    submit(tab, "main form:has(#code) [type=submit]")
    assert "checked in" in tab.inner_text("main").lower()


@pytest.mark.parametrize("ballot_type", ["approval", "knapsack", "points", "ranking"])
def test_a_ballot_of_every_type_is_counted_without_javascript(tab, live_server, flows, ballot_type):
    round_ = flows.pot if ballot_type == "knapsack" else flows.rounds[ballot_type]
    code = flows.code(ballot_type)
    before = ballots_of(round_)
    tab.goto(f"{live_server.url}/budsjett/{round_.slug}/stem?kode={code}&lang=en")
    submit(tab)
    projects = tab.locator("main fieldset.ballot li")
    first, second = projects.nth(0), projects.nth(1)
    titles = [
        first.locator(".ballot-title").inner_text(),
        second.locator(".ballot-title").inner_text(),
    ]
    if ballot_type in ("approval", "knapsack"):
        first.locator("input").check()
        second.locator("input").check()
    elif ballot_type == "points":
        first.locator("input").fill("6")
        second.locator("input").fill("4")
    else:
        first.locator("select").select_option("2")
        second.locator("select").select_option("1")
        titles.reverse()
    if ballot_type == "knapsack":  # without the script, the server adds up the total
        submit(tab, "button[value=check]")
        costs = [digits(li.locator(".ballot-cost").inner_text()) for li in (first, second)]
        assert digits(tab.inner_text("#running-total")) == sum(costs)
    submit(tab, "button[value=vote]")
    assert "/takk" in tab.url
    stored = stored_ballot(round_, code)
    if ballot_type == "ranking":
        assert stored == titles  # in the order given
    else:
        assert sorted(stored) == sorted(titles)
    assert ballots_of(round_) == before + 1


def test_a_youth_group_member_joins_and_votes_without_javascript(tab, live_server, flows):
    group = flows.group
    tab.goto(f"{live_server.url}/budsjett/bli-med?kode={group.join_code}&lang=en")
    tab.fill("#nickname", "Skriptløs")
    submit(tab)
    assert tab.url.endswith(f"/budsjett/{group.slug}/gruppe")
    member = group_member("Skriptløs")
    assert member is not None
    tab.click("text=Vote on the ideas")
    tab.locator("main fieldset.ballot input[type=checkbox]").nth(0).check()
    tab.locator("main fieldset.ballot input[type=checkbox]").nth(1).check()
    submit(tab, "button[value=vote]")
    assert "/takk" in tab.url
    code = member.voter_code.code
    assert len(stored_ballot(group, code)) == 2


def test_public_input_is_stored_without_javascript(tab, live_server, flows):
    text = "Flere benker og bedre lys ved Lademoen kirke (uten JavaScript)"
    tab.goto(f"{live_server.url}/input/{flows.topic_slug}?lang=en")
    tab.fill("#text", text)
    tab.check("#consent")
    submit(tab)
    assert tab.url.endswith("/thanks")
    assert input_items_with(text) == 1
