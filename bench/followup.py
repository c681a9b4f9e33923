"""Benchmark of the follow-up's public pages: the "what came of it" report of one neighbourhood
(statuses of every contribution there, computed per request) and the receipt-code status page,
as the number of contributions grows.

A throwaway SQLite database gets the demo data, then N extra wish-tree cards in Lademoen, a
tenth of them answered. Prints the median time of the report and of a status-page request.

Run: .venv/bin/python bench/followup.py [--items 1000 5000] [--repeat 5]"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Neighbourhood, User  # noqa: E402


def median_ms(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "TINGET_ENV": "testing",
                "SECRET_KEY": "bench",
            }
        )
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            runner = app.test_cli_runner()
            assert runner.invoke(args=["demo"]).exit_code == 0
            from followup import report, services
            from taxonomy.models import InputItem
            from taxonomy.services import intake

            lademoen = db.session.scalar(
                select(Neighbourhood).where(Neighbourhood.slug == "lademoen")
            )
            staff = db.session.scalar(select(User).where(User.username == "demo-facilitator"))
            client = app.test_client()
            print("items_in_area  report_ms  status_page_ms")
            added = 0
            for target in sorted(args.items):
                while added < target:
                    item = intake(
                        None,
                        None,
                        f"Kort nummer {added}: mer lys og benker",
                        channel="wish_tree",
                        neighbourhood=lademoen,
                        received_on=date(2025, 5, 1),
                    )
                    if added % 10 == 0:
                        services.record_answer(
                            item, services.Answer("answered", "Takk, vi ser på det."), staff
                        )
                    added += 1
                db.session.commit()
                in_area = db.session.scalar(
                    select(func.count(InputItem.id)).where(
                        InputItem.neighbourhood_id.in_(services.area_ids(lademoen))
                    )
                )
                url = f"/svar/{item.receipt}"
                report_ms = median_ms(lambda: report.area_report(lademoen), args.repeat)
                status_ms = median_ms(lambda url=url: client.get(url), args.repeat)
                print(f"{in_area:13d}  {report_ms:9.1f}  {status_ms:14.1f}")


if __name__ == "__main__":
    main()
