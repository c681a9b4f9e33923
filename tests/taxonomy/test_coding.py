"""Coding: applying codes to whole items and excerpts, memos, suggestions that need
confirmation, the queue with double coding, and a versioned, audited codebook."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent
from taxonomy import services
from taxonomy.models import Coding, Memo
from tests.conftest import make_user


def test_coder_applies_codes_to_an_excerpt_with_a_memo(client, auth, make_item, code):
    item = make_item("Det er mørkt i parken. Vi trenger også en ballbinge.")
    auth.become("coder")
    safety, youth = code("place.safety"), code("community.children_youth")
    response = client.post(
        f"/taxonomy/items/{item.id}",
        data={
            "codes": [safety.id, youth.id],
            "excerpt": "Det er mørkt i parken",
            "memo": "To tema",
            "save": "1",
        },
    )
    assert response.status_code == 302
    codings = db.session.scalars(select(Coding).order_by(Coding.code_id)).all()
    assert {c.code.key for c in codings} == {"place.safety", "community.children_youth"}
    assert all(
        (c.start, c.end) == (0, 21) and c.excerpt == "Det er mørkt i parken" for c in codings
    )
    assert all(c.code_version == 1 for c in codings)
    assert db.session.scalar(select(Memo)).text == "To tema"


def test_an_excerpt_not_in_the_text_is_refused(client, auth, make_item, code):
    item = make_item("Flere benker")
    auth.become("coder")
    response = client.post(
        f"/taxonomy/items/{item.id}?lang=en",
        data={"codes": [code("place.meeting_places").id], "excerpt": "fewer benches", "save": "1"},
    )
    assert response.status_code == 400
    assert "copied exactly" in response.text
    assert db.session.scalar(select(func.count(Coding.id))) == 0


def test_selection_offsets_from_the_browser_are_used_when_they_match(client, auth, make_item, code):
    item = make_item("Lys lys lys")
    auth.become("coder")
    client.post(
        f"/taxonomy/items/{item.id}",
        data={
            "codes": [code("place.safety").id],
            "excerpt": "lys",
            "start": 4,
            "end": 7,
            "save": "1",
        },
    )
    assert db.session.scalar(select(Coding)).start == 4


def test_suggestions_are_shown_with_confidence_but_never_applied_without_a_tick(
    client, auth, make_item
):
    item = make_item("Jeg tør ikke gå alene hjem når det er mørkt, det trengs mer gatelys")
    auth.become("coder")
    page = client.get(f"/taxonomy/items/{item.id}?lang=en")
    assert "Suggested codes" in page.text and "% likely" in page.text
    suggested_block = page.text.split("Suggested codes")[1].split("All codes")[0]
    assert "Safety" in suggested_block
    assert db.session.scalar(select(func.count(Coding.id))) == 0


def test_a_confirmed_suggestion_is_recorded_as_such(client, auth, make_item, code):
    item = make_item("Mørkt og utrygt")
    auth.become("coder")
    safety = code("place.safety")
    client.post(
        f"/taxonomy/items/{item.id}",
        data={"codes": [safety.id], "suggested": f"{safety.id},999", "save": "1"},
    )
    assert db.session.scalar(select(Coding)).from_suggestion


def test_the_queue_hands_double_coded_items_to_a_second_coder(app, taxonomy, make_item, code):
    first, second = make_user("coder", "first"), make_user("coder", "second")
    double = make_item("Trenger fartshumper")
    double.double_code = True
    single = make_item("Flere trær")
    single.double_code = False
    db.session.commit()
    for item in (double, single):
        services.apply_coding(item, code("place.traffic"), first)
    db.session.commit()
    assert services.queue_for(first) == []
    assert services.queue_for(second) == [double]


def test_second_coder_does_not_see_the_first_coders_codes(client, auth, make_item, code):
    item = make_item("Søppel overalt")
    first = make_user("coder", "first")
    services.apply_coding(item, code("place.maintenance"), first)
    db.session.commit()
    auth.become("coder")
    page = client.get(f"/taxonomy/items/{item.id}?lang=en")
    mine = page.text.split("Your codes on this item")[1]
    assert "Maintenance and cleanliness" not in mine.split("Other coders")[0]
    assert "Other coders have coded this item" in mine


def test_coders_remove_only_their_own_codings(client, auth, make_item, code):
    item = make_item("Søppel")
    other = make_user("coder", "other")
    theirs = services.apply_coding(item, code("place.maintenance"), other)
    coder = auth.become("coder")
    mine = services.apply_coding(item, code("place.green"), coder)
    db.session.commit()
    client.post(f"/taxonomy/codings/{theirs.id}/delete")
    client.post(f"/taxonomy/codings/{mine.id}/delete")
    assert [c.coder.username for c in db.session.scalars(select(Coding))] == ["other"]


def test_editing_a_code_makes_a_new_version_with_who_and_what_changed(client, auth, taxonomy, code):
    safety = code("place.safety")
    admin = auth.become("admin")
    page = client.get(f"/taxonomy/codes/{safety.id}/edit")
    assert page.status_code == 200
    data = {
        name: getattr(safety, name)
        for name in (
            "label_nb",
            "label_en",
            "definition_nb",
            "definition_en",
            "include_nb",
            "include_en",
            "exclude_nb",
            "exclude_en",
            "examples_nb",
            "examples_en",
        )
    }
    data.update(
        key=safety.key,
        parent=safety.parent_id,
        active="y",
        indicators=[i.id for i in safety.indicators][:2],
        definition_en="Feeling safe.",
    )
    response = client.post(f"/taxonomy/codes/{safety.id}/edit", data=data)
    assert response.status_code == 302
    db.session.refresh(safety)
    assert safety.version == 2 and safety.definition_en == "Feeling safe."
    latest = safety.versions[0]
    assert latest.version == 2 and latest.changed_by == admin
    assert latest.changed_fields == ["definition_en", "indicators"]
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "taxonomy.code_changed")
    )
    assert event.details["changed"] == ["definition_en", "indicators"] and event.actor == admin
    history = client.get(f"/taxonomy/codes/{safety.id}")
    assert "definition_en, indicators" in history.text


def test_saving_without_changes_makes_no_new_version(taxonomy, code):
    safety = code("place.safety")
    services.save_code(
        safety, {"label_nb": safety.label_nb}, [i.id for i in safety.indicators], None
    )
    assert safety.version == 1


def test_codings_keep_the_version_they_were_made_with(taxonomy, make_item, code):
    coder = make_user("coder")
    item = make_item("Mørkt")
    safety = code("place.safety")
    coding = services.apply_coding(item, safety, coder)
    services.save_code(safety, {"definition_nb": "Ny definisjon"}, None, None)
    db.session.commit()
    assert (coding.code_version, safety.version) == (1, 2)


def test_a_code_cannot_be_moved_under_its_own_child(taxonomy, code):
    with pytest.raises(services.TaxonomyError, match="code.parent_cycle"):
        services.save_code(code("place"), {"parent_id": code("place.safety").id}, None, None)


def test_admin_creates_a_new_code_and_a_local_indicator(client, auth, taxonomy, code):
    auth.become("admin")
    client.post(
        "/taxonomy/indicators/new",
        data={"key": "lys", "label_nb": "Gatelys", "label_en": "Street lights"},
    )
    response = client.post(
        "/taxonomy/codes/new",
        data={
            "key": "place.lighting",
            "parent": code("place").id,
            "label_nb": "Belysning",
            "label_en": "Lighting",
            "definition_nb": "Gatelys",
            "active": "y",
            "indicators": [],
        },
    )
    assert response.status_code == 302
    lighting = code("place.lighting")
    assert lighting.parent.key == "place" and lighting.version == 1
    duplicate = client.post(
        "/taxonomy/codes/new?lang=en",
        data={
            "key": "place.lighting",
            "parent": 0,
            "label_nb": "X",
            "label_en": "X",
            "active": "y",
        },
    )
    assert duplicate.status_code == 400 and "already used" in duplicate.text
