"""Benchmark: a citizens' panel end to end through the services, on a throw-away database.

Run from the repository root:  python bench/panels.py [--households N] [--pool N] [--size K]
                                                     [--database-url URL]

Prints seconds per step: register import, stage-1 letters, sign-ups, the stage-2 lottery
(LEXIMIN, 1000-panel committed lottery, stored), the draw, a replacement lottery, groups, the
final report and the purge, then the median time of the busiest pages through the test client
(letters are printed in batches of 100, each with an inline QR code).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.demo import load_neighbourhoods  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Neighbourhood, User  # noqa: E402
from panels import deliberation, privacy, selection, services  # noqa: E402
from panels.services import PanelSpec, QuotaLine, SignUp  # noqa: E402

GENDERS = ("kvinne", "mann")
AGES = ("16-29", "30-44", "45-66", "67+")
EDUCATION = ("grunnskole", "videregående", "høyere")


def timed(label: str, rows: list, fn):
    start = time.perf_counter()
    result = fn()
    rows.append((label, time.perf_counter() - start))
    return result


def register(households: int, areas: list[str]) -> bytes:
    lines = ["husstand;adresse;område"]
    lines += [f"H{i:06d};Gate {i % 300} nr {i};{areas[i % len(areas)]}" for i in range(households)]
    return ("\n".join(lines) + "\n").encode()


def quotas(size: int) -> list[QuotaLine]:
    def band(share: float) -> tuple[int, int]:
        target = round(share * size)
        return max(0, target - 2), min(size, target + 2)

    out = [QuotaLine("kjønn", g, *band(0.5)) for g in GENDERS]
    out += [
        QuotaLine("alder", a, *band(s)) for a, s in zip(AGES, (0.25, 0.3, 0.3, 0.15), strict=True)
    ]
    out += [
        QuotaLine("utdanning", e, *band(s)) for e, s in zip(EDUCATION, (0.2, 0.4, 0.4), strict=True)
    ]
    return out


def run(households: int, pool: int, size: int) -> list[tuple[str, float]]:
    rows: list[tuple[str, float]] = []
    lademoen = db.session.query(Neighbourhood).filter_by(slug="lademoen").one()
    staff = User(username="bench", role="facilitator", password_hash="x")
    db.session.add(staff)
    spec = PanelSpec(
        title="Bench",
        neighbourhood=lademoen,
        panel_size=size,
        pool_target=pool,
        closes_on=date.today(),
        quotas=quotas(size),
        default_response_rate=0.1,
    )
    panel = services.create_panel(spec, staff)
    data = register(households, [s.name for s in lademoen.sub_areas])
    timed(
        f"register import ({households} households)",
        rows,
        lambda: (services.import_register(panel, data), db.session.commit()),
    )
    letters = timed("stage 1 letters", rows, lambda: services.run_stage1(panel, staff))
    db.session.commit()
    profiles = itertools.product(GENDERS, AGES, EDUCATION)
    cycle = itertools.cycle(list(profiles))

    def sign_ups():
        for n, invitation in enumerate(letters[:pool]):
            g, a, e = next(cycle)
            services.sign_up(
                panel,
                SignUp(
                    {"kjønn": g, "alder": a, "utdanning": e},
                    [],
                    [],
                    f"P{n}",
                    phone="1",
                    consent=True,
                ),
                invitation,
            )
        db.session.commit()

    timed(f"{pool} sign-ups", rows, sign_ups)
    pages = {"GET sign-up page": f"/p/{panel.id}/join/{letters[pool].token}"}
    page_rows = page_timings(pages)
    run_ = timed(
        f"stage 2 lottery (pool {pool}, panel {size})",
        rows,
        lambda: selection.start_selection(panel, staff),
    )
    assert run_.status == "ready", run_.error_code
    selection.publish_commitment(run_, staff)

    timed("draw", rows, lambda: (selection.draw_panel(run_, "42"), db.session.commit()))
    members = [v for v in panel.volunteers if v.status == "selected"]
    for v in members[:2]:
        selection.mark_dropped_out(v, staff)
    db.session.commit()
    replacement = timed(
        "replacement lottery (2 seats)", rows, lambda: selection.start_replacement(panel, staff)
    )
    selection.publish_commitment(replacement, staff)
    selection.draw_panel(replacement, "7")
    timed(
        "groups (5)",
        rows,
        lambda: deliberation.assign_groups(panel, ["A", "B", "C", "D", "E"], staff),
    )
    db.session.commit()
    timed("final report", rows, lambda: deliberation.final_report(panel))
    rows.append(("", 0.0))
    pages = {
        "GET selection page": f"/panels/{panel.id}/selection",
        "GET members page": f"/panels/{panel.id}/members",
        "GET final report": f"/panels/{panel.id}/report",
        "GET letters, one batch of 100 with QR codes": f"/panels/{panel.id}/letters?batch=2",
    }
    rows += page_rows + page_timings(pages)
    panel.closes_on = date.today() - timedelta(days=panel.retention_days)
    timed("purge", rows, lambda: (privacy.purge(), db.session.commit()))
    return rows


def page_timings(pages: dict[str, str]) -> list[tuple[str, float]]:
    from flask import current_app

    app = current_app._get_current_object()
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = db.session.query(User).filter_by(username="bench").one().id
    out = []
    for label, url in pages.items():
        times = []
        for _ in range(5):
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        out.append((f"{label} (median)", statistics.median(times)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--pool", type=int, default=300)
    parser.add_argument("--size", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "TINGET_ENV": "testing",
                "PANELS_SELECTION_INLINE": True,
                "SERVER_NAME": "bench.local",
            }
        )
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            load_neighbourhoods()
            db.session.commit()
            rows = run(args.households, args.pool, args.size)
            print(f"{'step':55} {'seconds':>9}")
            for label, seconds in rows:
                print(f"{label:55} {seconds:9.3f}" if label else "")
            db.session.remove()


if __name__ == "__main__":
    main()
