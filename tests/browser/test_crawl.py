"""Every page of every flow (the crawl list in ``crawl.py``) in a real Chromium, in Bokmål and
Arabic, 320 px and 1280 px wide: axe-core finds nothing serious or critical, the language and
direction are set, and resident pages never scroll sideways at 320 px (WCAG 1.4.10 reflow).

One browser and one context per audience for each language × width, so the whole crawl stays a
matter of minutes; every finding of a run is reported at once rather than the first only."""

from __future__ import annotations

from contextlib import nullcontext

import pytest

from tests.conftest import TEST_PASSWORD, axe_violations

from .crawl import CrawlPage, Step, locked_out, seed_crawl

AUDIENCES = ("resident", "staff", "reader")
WIDTHS = {"320": {"width": 320, "height": 640}, "1280": {"width": 1280, "height": 800}}

# The innermost elements that stick out of the viewport, to name the culprit in the report.
WIDE_ELEMENTS = """(width) => [...document.querySelectorAll('body *')]
  .filter(e => { const r = e.getBoundingClientRect();
                 return r.right > width + 1 || r.left < -1 || e.scrollWidth > e.clientWidth + 1; })
  .filter(e => getComputedStyle(e).overflowX === 'visible')
  .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""


@pytest.fixture(scope="module")
def crawl(live_app) -> list[CrawlPage]:
    return seed_crawl(live_app)


def with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


def run_step(page, base: str, step: Step, lang: str):
    page.goto(f"{base}{with_lang(step.path, lang)}")
    for selector, value in step.fields.items():
        if value == "check":
            page.check(selector)
        else:
            page.fill(selector, value)
    with page.expect_navigation() as navigation:
        page.click(step.submit)
    return navigation.value


def log_in(context, base: str, username: str, lang: str):
    page = context.new_page()
    page.goto(f"{base}/auth/login?lang={lang}")
    page.fill("#username", username)
    page.fill("#password", TEST_PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")
    return page


def problems_on(page, target: CrawlPage, base: str, lang: str, axe_source: str) -> list[str]:
    response = None
    for step in target.before:
        response = run_step(page, base, step, lang)
    if target.path:
        response = page.goto(f"{base}{with_lang(target.path, lang)}")
    found = []
    if response is None or response.status != target.status:
        found.append(f"status {response and response.status}, expected {target.status}")
    lang = target.language or lang
    if page.get_attribute("html", "lang") != lang:
        found.append(f"html lang is {page.get_attribute('html', 'lang')}")
    if page.get_attribute("html", "dir") != ("rtl" if lang == "ar" else "ltr"):
        found.append(f"html dir is {page.get_attribute('html', 'dir')}")
    for violation in axe_violations(page, axe_source):
        found.append(f"axe {violation['impact']} {violation['id']}: {violation['targets']}")
    width = page.viewport_size["width"]
    if target.audience == "resident" and width == 320:
        scroll = page.evaluate("() => document.scrollingElement.scrollWidth")
        if scroll > width:
            culprits = page.evaluate(WIDE_ELEMENTS, width)
            found.append(f"scrolls sideways: {scroll} px wide at {width} px, {culprits}")
    return found


@pytest.mark.browser
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("lang", ["nb", "ar"])
def test_every_page_is_accessible_in_bokmal_and_arabic_at_320_and_1280_px(
    browser, live_server, live_app, axe_source, crawl, lang, width
):
    base = live_server.url
    contexts = {a: browser.new_context(viewport=WIDTHS[width]) for a in AUDIENCES}
    for context in contexts.values():
        context.add_init_script(axe_source)  # compiled once per context, not once per page
    pages = {
        "resident": contexts["resident"].new_page(),
        "staff": log_in(contexts["staff"], base, "test-admin", lang),
        "reader": log_in(contexts["reader"], base, "test-reader", lang),
    }
    report = []
    try:
        for target in crawl:
            with locked_out(live_app) if target.locked_out else nullcontext():
                found = problems_on(pages[target.audience], target, base, lang, axe_source)
            report += [f"{target.label} {target.path}: {problem}" for problem in found]
    finally:
        for context in contexts.values():
            context.close()
    assert report == [], "\n".join(report)
