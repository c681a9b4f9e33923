"""Input from every channel: the public form (consent, language, rate limit, honeypot), QR
posters, bulk entry of cards, CSV import with row errors and intake from other features."""

from __future__ import annotations

import io
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent
from taxonomy import services
from taxonomy.models import InputItem, InputSubmission


def count_items() -> int:
    return db.session.scalar(select(func.count(InputItem.id)))


def test_resident_input_is_stored_with_topic_language_age_band_and_a_receipt(client, topic):
    response = client.post(
        f"/input/{topic.slug}?via=qr&lang=ar",
        data={"text": "نريد مكانا للشباب", "age_band": "13-19", "consent": "y"},
    )
    assert response.status_code == 302
    item = db.session.scalar(select(InputItem))
    assert item.text == "نريد مكانا للشباب"
    assert (item.channel, item.language, item.age_band) == ("qr_poster", "ar", "13-19")
    assert item.neighbourhood.slug == "lademoen" and item.topic == topic and item.consent
    thanks = client.get(response.headers["Location"])
    assert item.receipt in thanks.text


def test_input_without_consent_is_refused_and_not_stored(client, topic):
    response = client.post(f"/input/{topic.slug}?lang=en", data={"text": "More benches"})
    assert response.status_code == 400
    assert "Tick the box to agree" in response.text
    assert count_items() == 0


def test_form_opened_without_qr_is_the_web_channel_and_age_is_optional(client, topic):
    client.post(f"/input/{topic.slug}", data={"text": "Flere benker", "consent": "y"})
    item = db.session.scalar(select(InputItem))
    assert item.channel == "web" and item.age_band is None and item.language == "nb"


@pytest.mark.app_config(TAXONOMY_INPUT_MAX_PER_WINDOW=2)
def test_a_client_sending_too_much_is_slowed_down(client, topic):
    for text in ("Én", "To"):
        assert (
            client.post(f"/input/{topic.slug}", data={"text": text, "consent": "y"}).status_code
            == 302
        )
    third = client.post(f"/input/{topic.slug}?lang=en", data={"text": "Tre", "consent": "y"})
    assert third.status_code == 429
    assert "try again later" in third.text
    assert count_items() == 2
    # Only a keyed hash of the address is kept, never the address itself.
    assert all("127.0.0.1" not in s.client for s in db.session.scalars(select(InputSubmission)))


def test_robots_filling_the_hidden_field_get_a_thank_you_but_nothing_is_stored(client, topic):
    response = client.post(
        f"/input/{topic.slug}", data={"text": "cheap pills", "consent": "y", "website": "x.example"}
    )
    assert response.status_code == 302
    assert count_items() == 0


def test_unknown_or_closed_topics_are_not_found(client, topic):
    assert client.get("/input/no-such-topic").status_code == 404
    topic.active = False
    db.session.commit()
    assert client.get(f"/input/{topic.slug}").status_code == 404


def test_facilitator_creates_a_topic_and_gets_a_printable_qr_poster(client, auth, taxonomy, area):
    auth.become("facilitator")
    response = client.post(
        "/taxonomy/topics",
        data={"neighbourhood": area("mollenberg").id, "title": "Hva savner du på Møllenberg?"},
    )
    assert response.status_code == 302
    poster = client.get(response.headers["Location"])
    assert "<svg" in poster.text and 'class="qr"' in poster.text
    assert "/input/mollenberg-hva-savner-du-pa-mollenberg?via=qr" in poster.text
    assert "style=" not in poster.text and "<script>" not in poster.text
    a3 = client.get(response.headers["Location"] + "?size=a3")
    assert "poster-a3" in a3.text


def test_bulk_entry_makes_one_item_per_card_with_the_batch_settings(client, auth, taxonomy, area):
    auth.become("facilitator")
    response = client.post(
        "/taxonomy/bulk",
        data={
            "cards": "Flere benker\n\n  Lys i parken  \nEin ballbinge\n",
            "channel": "wish_tree",
            "neighbourhood": area("lademoen").id,
            "place": "Lademoen bibliotek",
            "received_on": "2025-05-17",
            "language": "nb",
            "age_band": "",
        },
    )
    assert response.status_code == 302
    items = db.session.scalars(select(InputItem).order_by(InputItem.id)).all()
    assert [i.text for i in items] == ["Flere benker", "Lys i parken", "Ein ballbinge"]
    assert {(i.channel, i.place, i.received_on, i.neighbourhood.slug) for i in items} == {
        ("wish_tree", "Lademoen bibliotek", date(2025, 5, 17), "lademoen")
    }
    assert len({i.batch for i in items}) == 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "taxonomy.bulk_entry"))


def _upload(client, content: str, area_id: int):
    return client.post(
        "/taxonomy/import?lang=en",
        data={
            "file": (io.BytesIO(content.encode("utf-8")), "input.csv"),
            "channel": "survey",
            "neighbourhood": area_id,
            "received_on": "2025-06-01",
            "language": "nb",
            "place": "",
            "age_band": "",
        },
        content_type="multipart/form-data",
    )


def test_csv_import_takes_defaults_and_per_row_values(client, auth, taxonomy, area):
    auth.become("facilitator")
    content = "text;date;neighbourhood;age_band;channel\nMer lys;31.03.2025;Møllenberg;67+;\nFlere trær;;;;workshop\n"
    response = _upload(client, content, area("lademoen").id)
    assert response.status_code == 302
    first, second = db.session.scalars(select(InputItem).order_by(InputItem.id)).all()
    assert (first.received_on, first.neighbourhood.slug, first.age_band, first.channel) == (
        date(2025, 3, 31),
        "mollenberg",
        "67+",
        "survey",
    )
    assert (second.received_on, second.neighbourhood.slug, second.channel) == (
        date(2025, 6, 1),
        "lademoen",
        "workshop",
    )


def test_csv_import_with_errors_reports_each_row_and_imports_nothing(client, auth, taxonomy, area):
    auth.become("facilitator")
    content = "text,date,neighbourhood\nGood row,2025-01-01,lademoen\n,2025-01-02,\nBad date,yesterday,\nWhere,,Atlantis\n"
    response = _upload(client, content, area("lademoen").id)
    assert response.status_code == 400
    assert "Nothing was imported" in response.text
    assert "<td>3</td><td>The text is empty.</td>" in response.text
    assert "“yesterday” is not a date" in response.text
    assert "Unknown neighbourhood “Atlantis”" in response.text
    assert count_items() == 0


def test_intake_from_another_feature_keeps_the_source_and_does_not_duplicate(taxonomy, area):
    item = services.intake(
        "panel.recommendation",
        42,
        "Bygg et nabolagshus",
        channel="panel",
        neighbourhood=area("lademoen"),
    )
    again = services.intake(
        "panel.recommendation",
        42,
        "Bygg et nabolagshus på Buran",
        channel="panel",
        neighbourhood=area("lademoen"),
    )
    db.session.commit()
    assert again.id == item.id and count_items() == 1
    assert (again.source_type, again.source_id, again.text) == (
        "panel.recommendation",
        "42",
        "Bygg et nabolagshus på Buran",
    )


def test_intake_refuses_empty_text_and_unknown_channels(taxonomy):
    with pytest.raises(services.TaxonomyError, match="input.empty"):
        services.intake(None, None, "   ", channel="web")
    with pytest.raises(services.TaxonomyError, match="input.unknown_channel"):
        services.intake(None, None, "Hei", channel="pigeon")


def test_items_with_personal_data_are_flagged(make_item, taxonomy):
    assert make_item("Ring meg på 912 34 567").has_personal_data
    assert not make_item("Flere benker i parken").has_personal_data


def test_sending_the_same_form_again_keeps_one_item_and_one_receipt(client, topic):
    """A double click, or pressing send again after the answer was lost, stores the input once."""
    form = {"text": "Lys i parken", "consent": "y", "submission": "k" * 24}
    first = client.post(f"/input/{topic.slug}", data=form)
    receipt = db.session.scalar(select(InputItem.receipt))
    again = client.post(f"/input/{topic.slug}", data=form)
    assert first.status_code == again.status_code == 302
    assert count_items() == 1
    assert receipt in client.get(again.headers["Location"]).text


def test_going_back_to_a_sent_form_and_writing_something_else_is_a_new_message(client, topic):
    key = "b" * 24
    client.post(f"/input/{topic.slug}", data={"text": "Benker", "consent": "y", "submission": key})
    client.post(f"/input/{topic.slug}", data={"text": "Søppel", "consent": "y", "submission": key})
    assert sorted(db.session.scalars(select(InputItem.text))) == ["Benker", "Søppel"]


def test_a_form_sent_from_many_devices_at_the_same_instant_is_stored_once(app, topic):
    slug, form = topic.slug, {"text": "Gatelys", "consent": "y", "submission": "c" * 24}
    db.session.commit()
    start = threading.Barrier(8)
    statuses: list[int] = []

    def send() -> None:
        with app.test_client() as device:
            start.wait(timeout=30)
            statuses.append(device.post(f"/input/{slug}", data=form).status_code)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302] * 8
    assert count_items() == 1


def test_a_malformed_form_key_still_stores_the_input(client, topic):
    response = client.post(
        f"/input/{topic.slug}", data={"text": "Hei", "consent": "y", "submission": "<script>"}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(InputItem.source_type)) == services.PUBLIC_FORM
