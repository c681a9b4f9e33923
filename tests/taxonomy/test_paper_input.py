"""Input on paper: a paper form typed in by staff through bulk entry becomes the same kind of
item as the same words sent through the web form, waits in the same coding queue and is counted
the same way in the summary."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.extensions import db
from taxonomy import services
from taxonomy.models import InputItem, Topic
from taxonomy.summaries import Filters, summarise
from tests.conftest import make_user

TEXT = "Mer lys i Mellomveien om kvelden, det er mørkt ved busstoppet"


def test_input_on_paper_is_queued_coded_and_counted_like_the_same_input_online(
    client, auth, taxonomy, area, code
):
    lademoen = area()
    db.session.add(Topic(slug="lademoen-nabolaget", neighbourhood=lademoen, title="Nabolaget"))
    db.session.commit()
    client.post("/input/lademoen-nabolaget", data={"text": TEXT, "consent": "y"})
    auth.login("facilitator")
    response = client.post(
        "/taxonomy/bulk",
        data={
            "cards": TEXT,
            "channel": "paper_form",
            "neighbourhood": lademoen.id,
            "received_on": date.today().isoformat(),
            "language": "nb",
        },
    )
    assert response.status_code == 302
    online, paper = db.session.scalars(
        select(InputItem).where(InputItem.text == TEXT).order_by(InputItem.id)
    ).all()
    assert (online.channel, paper.channel) == ("web", "paper_form")
    assert online.neighbourhood_id == paper.neighbourhood_id == lademoen.id

    coder = make_user("coder")
    assert {online.id, paper.id} <= {item.id for item in services.queue_for(coder)}
    place = code("place")
    for item in (online, paper):
        services.apply_coding(item, place, coder)
    db.session.commit()

    everywhere = summarise(Filters(neighbourhood=lademoen))
    assert next(row.count for row in everywhere.by_code if row.key == "place") == 2
    for channel in ("web", "paper_form"):
        one_channel = summarise(Filters(neighbourhood=lademoen, channel=channel))
        assert next(row.count for row in one_channel.by_code if row.key == "place") == 1
