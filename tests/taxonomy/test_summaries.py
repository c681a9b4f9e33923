"""Summaries for the programme: counts and shares by code, indicator, neighbourhood, channel,
age band and period; SVG charts with tables; CSV/JSON exports; readers never see raw items."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from taxonomy import services, summaries
from tests.conftest import make_user


def seed(make_item, code, area):
    coder, second = make_user("coder", "c1"), make_user("coder", "c2")
    a = make_item(
        "Mørkt i parken, ring Kari Nordmann på 912 34 567",
        slug="buran",
        age_band="67+",
        on=date(2025, 1, 10),
    )
    b = make_item("Flere benker", slug="lademoen", channel="qr_poster", on=date(2025, 4, 2))
    c = make_item("Mørkt og utrygt", slug="mollenberg", on=date(2025, 4, 3))
    make_item("Ikke kodet ennå", slug="lademoen")
    services.apply_coding(a, code("place.safety"), coder)
    services.apply_coding(a, code("place.safety"), second)  # same code twice: counted once
    services.apply_coding(b, code("place.meeting_places"), coder)
    services.apply_coding(c, code("place.safety"), coder)
    db.session.commit()


def test_counts_and_shares_roll_up_sub_areas_and_parent_codes(taxonomy, make_item, code, area):
    seed(make_item, code, area)
    result = summaries.summarise(summaries.Filters(neighbourhood=area("lademoen")))
    assert (result.items, result.coded_items) == (3, 2)
    rows = {r.key: r for r in result.by_code}
    assert (rows["place.safety"].count, rows["place.safety"].share) == (1, 0.5)
    assert rows["place"].count == 2 and rows["place"].share == 1.0
    assert {r.key: r.count for r in result.by_channel} == {"wish_tree": 1, "qr_poster": 1}
    assert {r.key: r.count for r in result.by_neighbourhood} == {"Lademoen": 2}
    indicators = {r.key: r.count for r in result.by_indicator}
    assert indicators["PROG-M1"] == 2 and indicators["SDG-16.1.4"] == 1
    assert result.periods == ["2025-Q1", "2025-Q2"] and result.over_time["place"] == [1, 1]


def test_quotes_are_representative_and_redacted(taxonomy, make_item, code, area):
    seed(make_item, code, area)
    result = summaries.summarise(summaries.Filters())
    assert "Mørkt og utrygt" in result.quotes["place.safety"]
    joined = " ".join(q for quotes in result.quotes.values() for q in quotes)
    assert "912 34 567" not in joined and "Kari Nordmann" not in joined and "[phone]" in joined


def test_cube_has_a_row_per_code_and_cell_with_shares(taxonomy, make_item, code, area):
    seed(make_item, code, area)
    rows = summaries.cube(summaries.Filters(period="month"))
    row = next(r for r in rows if r["code"] == "place.safety" and r["neighbourhood"] == "lademoen")
    assert row == {
        "code": "place.safety",
        "code_label": "Trygghet",
        "neighbourhood": "lademoen",
        "channel": "wish_tree",
        "age_band": "67+",
        "period": "2025-01",
        "items": 1,
        "share": 1.0,
    }


def test_reader_sees_the_summary_with_charts_and_tables_for_lademoen(
    client, auth, taxonomy, make_item, code, area
):
    seed(make_item, code, area)
    auth.become("reader")
    page = client.get("/taxonomy/summary?neighbourhood=lademoen&lang=en")
    assert page.status_code == 200
    assert page.text.count('role="img"') == 3 and page.text.count("<table") >= 5
    assert '<title id="chart-codes-title">Coded input per code</title>' in page.text
    assert "912 34 567" not in page.text and "Kari Nordmann" not in page.text
    assert "style=" not in page.text
    report = client.get("/taxonomy/report?neighbourhood=lademoen&lang=en")
    assert "Summary report: Lademoen" in report.text


def test_reader_cannot_open_raw_items_or_the_coding_queue(
    client, auth, taxonomy, make_item, code, area
):
    seed(make_item, code, area)
    auth.become("reader")
    item_id = db.session.scalar(select(summaries.InputItem.id))
    for url in ("/taxonomy/items", "/taxonomy/queue", f"/taxonomy/items/{item_id}"):
        assert client.get(url).status_code == 403


def test_exports_as_csv_and_json_are_audited(client, auth, taxonomy, make_item, code, area):
    seed(make_item, code, area)
    auth.become("reader")
    response = client.get("/taxonomy/summary/export.csv?neighbourhood=lademoen")
    assert response.mimetype == "text/csv"
    assert 'filename="tinget-summary-lademoen.csv"' in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r["code"] for r in rows} == {"place", "place.safety", "place.meeting_places"}
    body = json.loads(client.get("/taxonomy/summary/export.json?neighbourhood=lademoen").data)
    assert body["coded_items"] == 2 and body["filters"]["neighbourhood"] == "lademoen"
    assert "912 34 567" not in json.dumps(body, ensure_ascii=False)
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "taxonomy.summary_exported")
    )


def test_agreement_page_shows_alpha_for_the_double_coded_sample(
    client, auth, taxonomy, make_item, code, area
):
    seed(make_item, code, area)
    auth.become("reader")
    page = client.get("/taxonomy/agreement?lang=en")
    assert "1 items coded by at least two" in page.text
    assert '<strong id="alpha">1.00</strong>' in page.text
