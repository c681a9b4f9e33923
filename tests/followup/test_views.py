"""The follow-up pages through the test client: receipts on the thanks page and for each card of
a bulk batch, the status page, wrong codes refused and limited, the answer form's translated
errors, scope statements on process pages, and feedback from residents and from paper."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from followup import services
from followup.models import ProjectFeedback
from taxonomy.models import InputItem, Topic
from tests.followup.conftest import proposal_titled


def test_the_thanks_page_shows_the_receipt_code_with_a_qr_code(client, lademoen):
    db.session.add(Topic(slug="ladetopic", neighbourhood=lademoen, title="Hva ønsker du deg?"))
    db.session.commit()
    client.post("/input/ladetopic", data={"text": "Flere benker", "consent": "y"})
    item = db.session.scalar(select(InputItem))
    page = client.get("/input/ladetopic/thanks").get_data(as_text=True)
    assert item.receipt in page
    assert 'class="qr"' in page
    assert f"/svar/{item.receipt}" in page


def test_bulk_entry_prints_one_receipt_per_card(client, auth, lademoen):
    auth.become("facilitator")
    response = client.post(
        "/taxonomy/bulk",
        data={
            "channel": "wish_tree",
            "neighbourhood": lademoen.id,
            "place": "Lademoen bibliotek",
            "received_on": "2025-05-01",
            "language": "nb",
            "cards": "Flere benker\nMer lys\n\nEn fotballbane",
        },
    )
    assert response.status_code == 302
    sheet = client.get(response.headers["Location"]).get_data(as_text=True)
    items = db.session.scalars(select(InputItem)).all()
    assert len(items) == 3
    assert all(item.receipt in sheet for item in items)
    assert sheet.count('class="qr"') == 3


def test_the_status_page_shows_the_published_answer_in_the_readers_language(
    client, card, facilitator
):
    item = card("Det er mørkt under brua, ring meg på 912 34 567")
    services.record_answer(
        item,
        services.Answer("answered", "Vi setter opp lys.", "We will put up lights."),
        facilitator,
    )
    db.session.commit()
    norsk = client.get(f"/svar/{item.receipt}?lang=nb").get_data(as_text=True)
    english = client.get(f"/svar/{item.receipt}?lang=en").get_data(as_text=True)
    assert "Vi setter opp lys." in norsk and "Besvart" in norsk
    assert "We will put up lights." in english and "Answered" in english
    assert "912 34 567" not in english


def test_a_typed_code_leads_to_its_status_page(client, card):
    item = card()
    response = client.post("/svar/", data={"code": item.receipt.lower()})
    assert response.headers["Location"].endswith(f"/svar/{item.receipt}")


@pytest.mark.app_config(CODE_MAX_WRONG_PER_HOUR=2)
def test_wrong_codes_are_refused_and_then_limited(client, card):
    item = card()
    first = client.post("/svar/?lang=en", data={"code": "AAAAAAAA"})
    assert first.status_code == 404
    assert "We found no contribution with this code" in first.get_data(as_text=True)
    assert client.get("/svar/BBBBBBBB").status_code == 404
    blocked = client.get(f"/svar/{item.receipt}?lang=en")
    assert blocked.status_code == 429
    assert "Too many wrong codes" in blocked.get_data(as_text=True)


def test_the_answer_form_keeps_the_text_and_names_the_missing_reason(client, auth, card):
    item = card()
    auth.become("facilitator")
    response = client.post(
        f"/oppfolging/bidrag/{item.id}?lang=en",
        data={
            "status": "not_taken_forward",
            "answer_nb": "Takk for kortet.",
            "project": "0",
            "publish": "y",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Write the reason" in page
    assert "Takk for kortet." in page
    assert services.followup_for("taxonomy.input", item.id) is None


def test_staff_answer_is_published_to_the_resident(client, auth, card):
    item = card()
    auth.become("facilitator")
    response = client.post(
        f"/oppfolging/bidrag/{item.id}",
        data={
            "status": "not_taken_forward",
            "answer_nb": "Takk.",
            "reason": "Dette bestemmer fylket.",
            "project": "0",
            "publish": "y",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/svar/{item.receipt}?lang=nb").get_data(as_text=True)
    assert "Dette bestemmer fylket." in page and "Ikke tatt videre" in page


def test_each_process_page_states_what_can_be_decided(client, funded_round, lademoen):
    db.session.add(Topic(slug="ladetopic", neighbourhood=lademoen, title="Hva ønsker du deg?"))
    db.session.commit()
    for url in (f"/budsjett/{funded_round.slug}?lang=en", "/input/ladetopic?lang=en"):
        page = client.get(url).get_data(as_text=True)
        assert "What can be decided here" in page and "It cannot:" in page, url


def test_a_facilitator_rewrites_the_scope_of_a_round(client, auth, funded_round):
    auth.become("facilitator")
    response = client.post(
        f"/oppfolging/omfang/round/{funded_round.id}",
        data={"can_decide_nb": "Beboerne velger.", "cannot_decide_nb": "Drift av skoler."},
    )
    assert response.status_code == 302
    page = client.get(f"/budsjett/{funded_round.slug}?lang=nb").get_data(as_text=True)
    assert "Beboerne velger." in page and "Drift av skoler." in page
    empty = client.post(f"/oppfolging/omfang/round/{funded_round.id}?lang=en", data={})
    assert empty.status_code == 400 and "Write what can be decided." in empty.get_data(as_text=True)


def test_a_child_gives_feedback_with_a_smiley_and_staff_add_one_from_paper(
    client, auth, funded_round
):
    benker = proposal_titled(funded_round, "Benker")
    missing = client.post(f"/hva-skjedde/prosjekt/{benker.id}?lang=en", data={"text": "Gøy"})
    assert missing.status_code == 400 and "Choose a face." in missing.get_data(as_text=True)
    sent = client.post(
        f"/hva-skjedde/prosjekt/{benker.id}",
        data={"smiley": "5", "text": "Gøy å sitte der", "age_band": "0-12"},
    )
    assert sent.status_code == 302
    auth.become("facilitator")
    paper = client.post(
        f"/oppfolging/prosjekt/{benker.id}/tilbakemelding",
        data={"smiley": "2", "channel": "paper", "text": ""},
    )
    assert paper.status_code == 302
    channels = sorted(f.channel for f in db.session.scalars(select(ProjectFeedback)))
    assert channels == ["paper", "web"]


def test_an_unfunded_project_has_no_feedback_page(client, funded_round):
    asfalt = proposal_titled(funded_round, "Asfalt")
    assert client.get(f"/hva-skjedde/prosjekt/{asfalt.id}").status_code == 404


def test_the_neighbourhood_page_lists_funded_projects_and_answers(
    client, card, facilitator, funded_round
):
    item = card("Mer lys i parken")
    services.record_answer(
        item,
        services.Answer(
            "project", "Ble til benker og lys.", project=proposal_titled(funded_round, "Benker")
        ),
        facilitator,
    )
    db.session.commit()
    page = client.get("/hva-skjedde/lademoen?lang=nb").get_data(as_text=True)
    assert "Benker" in page and "Leksehjelp" in page and "Asfalt" not in page
    assert "Mer lys i parken" in page and "Ble til benker og lys." in page
    assert client.get("/hva-skjedde/ukjent").status_code == 404


def test_the_application_page_shows_its_receipt_and_status(client, funded_round):
    benker = proposal_titled(funded_round, "Benker")
    page = client.get(f"/budsjett/soknad/{benker.token}?lang=en").get_data(as_text=True)
    receipt = services.proposal_receipt(benker)
    assert receipt in page and "Turned into a project" in page


def test_a_paper_application_is_recorded_with_its_channel_and_gets_a_printed_receipt(
    client, auth, lademoen
):
    from budgeting import services as budgeting
    from budgeting.models import Proposal

    pot = budgeting.create_round(title="Pott 2025", budget=500_000, neighbourhood_id=lademoen.id)
    budgeting.advance_phase(pot)
    db.session.commit()
    staff = auth.become("facilitator")
    fields = {
        "round_id": pot.id,
        "channel": "paper",
        "applicant_type": "velforening",
        "applicant_name": "Buran vel",
        "title": "Dugnad i Buran",
        "description": "Vårdugnad med grilling",
        "brings_together": "Alle naboer",
        "cost": "20000",
        "neighbourhood_id": "0",
        "contact_name": "Aud",
    }
    missing = client.post("/oppfolging/papirsoknad?lang=en", data={**fields, "title": ""})
    assert missing.status_code == 400 and "Give the project a name." in missing.get_data(
        as_text=True
    )
    response = client.post("/oppfolging/papirsoknad", data=fields)
    assert response.status_code == 302
    proposal = db.session.scalar(select(Proposal))
    item = services.item_for(services.PROPOSAL, proposal.id)
    sheet = client.get(response.headers["Location"]).get_data(as_text=True)
    assert item.receipt in sheet and 'class="qr"' in sheet
    followup = services.followup_for(services.PROPOSAL, proposal.id)
    assert (followup.recorded_channel, item.entered_by_id) == ("paper", staff.id)
    assert services.status_of(item).status == "received"


def test_the_staff_list_pages_through_every_contribution_and_finds_one_by_its_receipt(
    client, auth, card, monkeypatch
):
    from followup import views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    monkeypatch.setattr(views, "STATUS_BATCH", 2)
    cards = [card(f"Kort nummer {n}") for n in range(8)]
    services.record_answer(cards[1], services.Answer("answered", answer_nb="Takk"), None)
    services.record_answer(cards[6], services.Answer("answered", answer_nb="Takk"), None)
    db.session.commit()
    auth.become("reader")

    def shown(query: str) -> tuple[list[str], str]:
        page = client.get(f"/oppfolging/?lang=en&{query}").get_data(as_text=True)
        return [c.receipt for c in cards if f"Kort nummer {cards.index(c)}<" in page], page

    seen = []
    for number, expected in ((1, 3), (2, 3), (3, 2)):
        receipts, page = shown(f"side={number}")
        assert len(receipts) == expected
        assert ("Next page" in page) == (number < 3)
        seen += receipts
    assert sorted(seen) == sorted(c.receipt for c in cards)  # none twice, none missing

    answered, page = shown("status=answered")
    assert sorted(answered) == sorted([cards[1].receipt, cards[6].receipt])
    not_answered_1, _ = shown("status=received&side=1")
    not_answered_2, _ = shown("status=received&side=2")
    assert len(not_answered_1) == 3 and len(not_answered_2) == 3
    assert not set(not_answered_1) & set(not_answered_2)

    typed = cards[4].receipt.lower()[:4] + " " + cards[4].receipt.lower()[4:]
    found, page = shown(f"kode={typed}")
    assert found == [cards[4].receipt] and "Next page" not in page
