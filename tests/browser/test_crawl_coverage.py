"""The accessibility crawl cannot miss a page: every GET route in the url_map is in the crawl
list, or is a download with a stated reason."""

from __future__ import annotations

from .crawl import DOWNLOADS, seed_crawl


def test_the_crawl_list_covers_every_get_route_except_downloads(app):
    crawled = {page.endpoint for page in seed_crawl(app)}
    get_routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    missing = sorted(get_routes - crawled - set(DOWNLOADS))
    assert missing == [], f"add these pages to tests/browser/crawl.py: {missing}"


def test_the_crawl_list_reaches_every_ballot_type_and_every_error_page(app):
    names = {page.label for page in seed_crawl(app)}
    for ballot_type in ("approval", "knapsack", "points", "ranking"):
        assert f"ballot ({ballot_type})" in names
    assert {"error 403", "error 404", "errors.409"} <= names
    assert any(name.startswith("error 429") for name in names)


def test_downloads_left_out_of_the_crawl_are_real_routes(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(DOWNLOADS) <= endpoints
