"""A small version of the ballot race (the timed version is ``bench/voting.py``): many threads
submit ballots at once, several of them with the same code at the same instant, and every code
ends with exactly one ballot holding one of the submitted choices."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from app.extensions import db
from budgeting import voting
from budgeting.models import Ballot, Round, VoterCode
from budgeting.services import BudgetingError


def test_concurrent_submissions_leave_exactly_one_ballot_per_code(app, open_round):
    round_ = open_round(rule_variant="greedy_cost")
    codes = voting.generate_codes(round_, 12)
    db.session.commit()
    ids = [p.id for p in round_.accepted]
    round_id, code_ids = round_.id, [c.id for c in codes]
    # Each code is submitted by 4 threads at once with different choices; 48 threads in all.
    jobs = [(code_id, [ids[k % len(ids)]]) for code_id in code_ids for k in range(4)]
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def submit(code_id: int, projects: list[int]) -> None:
        with app.app_context():
            try:
                this_round = db.session.get(Round, round_id)
                code = db.session.get(VoterCode, code_id)
                # Give the connection back while waiting: the pool is smaller than the crowd.
                db.session.commit()
                start.wait(timeout=30)
                voting.submit_ballot(this_round, code, voting.Choice(projects))
                db.session.commit()
            except (BudgetingError, Exception) as error:  # collected, asserted below
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    per_code = dict(
        db.session.execute(
            select(Ballot.voter_code_id, func.count()).group_by(Ballot.voter_code_id)
        ).all()
    )
    assert per_code == {code_id: 1 for code_id in code_ids}
    versions = db.session.scalars(select(Ballot.version)).all()
    assert sorted(versions) == [4] * len(code_ids)  # every submission landed, none was lost
