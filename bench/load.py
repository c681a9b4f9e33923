"""Mixed load with faults: residents viewing pages, signing up for a panel, voting and sending
input at once, through gunicorn on loopback, while a worker is killed and the database
connections are cut; then a reconciliation that every accepted submission is stored exactly once.

Each simulated resident does what a phone does: fetches the form (its CSRF token, and for the
input form its submission key), sends it, and sends it again if the answer does not come (a
dropped connection or a 5xx while a worker or the database is down), up to six times, waiting longer each time. "Accepted"
means the resident saw the success page; the reconciliation then checks in the database that

* every accepted ballot is there once, with the choice sent (one ballot per code at most),
* every accepted sign-up is there once (one volunteer per letter),
* every accepted input item is there once with its text (no text twice),

and counts what was stored although the resident never saw the answer (the reply was lost in
a fault: stored once, never twice, is right then too).

Faults, at a share of the residents done: a gunicorn worker is killed with SIGKILL (30 %); the
database is disturbed (55 %): on PostgreSQL every connection of the app is terminated, on
SQLite another process holds the write lock for three seconds; on a PostgreSQL server this
script started itself, the server is restarted (75 %).

The rate limits of public forms are raised for the run: every simulated resident comes from
127.0.0.1, where in production each has their own address.

Run:  python bench/load.py                      (SQLite in a temp dir)
      python bench/load.py --postgres           (a throw-away PostgreSQL server, as in .ci/run)
      python bench/load.py --database-url postgresql://user@host:port/db
Options: --voters 1200 --sign-ups 300 --inputs 300 --views 1200 --clients 16 --max-seconds 300
"""

from __future__ import annotations

import argparse
import collections
import os
import queue
import random
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import pgserver  # noqa: E402
from bench.http_client import Client  # noqa: E402
from bench.voting import server_cpu_seconds, start_server, voting_round  # noqa: E402

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FORM_KEY = re.compile(r'name="submission" type="hidden" value="([^"]+)"')
ROUND = "load-round"
TOPIC = "load-topic"
RAISED_LIMITS = {"TAXONOMY_INPUT_MAX_PER_WINDOW": 10**9, "PUBLIC_FORM_MAX_PER_HOUR": 10**9}
ATTEMPTS = 6


@dataclass
class Setup:
    url: str
    codes: list[str]
    projects: list[int]
    panel_id: int
    letters: list[str]
    answers: dict[str, list[str]]  # sign-up field -> possible values
    pages: list[str]


def prepare(url: str, voters: int, sign_ups: int) -> Setup:
    """A migrated database with a round in voting, a panel inviting and an open input topic."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.demo import load_neighbourhoods
    from app.extensions import db
    from app.models import Neighbourhood
    from panels import services as panels
    from taxonomy.models import Topic

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TINGET_ENV": "testing", "SECRET_KEY": "x"})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        load_neighbourhoods()
        lademoen = db.session.query(Neighbourhood).filter_by(slug="lademoen").one()
        codes, projects = voting_round(ROUND, "Load", voters)

        quotas = [panels.QuotaLine("kjønn", g, 0, 20) for g in ("kvinne", "mann")]
        quotas += [panels.QuotaLine("alder", a, 0, 20) for a in ("16-39", "40-66", "67+")]
        spec = panels.PanelSpec(
            title="Load",
            neighbourhood=lademoen,
            panel_size=20,
            pool_target=sign_ups,
            closes_on=date.today() + timedelta(days=30),
            quotas=quotas,
            default_response_rate=0.5,
        )
        panel = panels.create_panel(spec)
        households = ["husstand;adresse;område"] + [
            f"H{i:06d};Gate {i} nr {i};{lademoen.sub_areas[i % len(lademoen.sub_areas)].name}"
            for i in range(sign_ups * 4)
        ]
        panels.import_register(panel, ("\n".join(households) + "\n").encode())
        letters = [i.token for i in panels.run_stage1(panel)]
        answers = {f"q{n}": panel.values_of(c) for n, c in enumerate(panel.categories)}

        db.session.add(Topic(slug=TOPIC, neighbourhood=lademoen, title="Hva ønsker du deg?"))
        db.session.commit()
        pages = ["/", "/budsjett/", f"/budsjett/{ROUND}", "/input/", f"/input/{TOPIC}",
                 f"/budsjett/{ROUND}/stem"]  # fmt: skip
        setup = Setup(url, codes, projects, panel.id, letters[:sign_ups], answers, pages)
        db.engine.dispose()
    return setup


@dataclass
class Outcome:
    """What the residents saw: per kind, the accepted submissions and every request's timing."""

    accepted_ballots: dict[str, list[int]] = field(default_factory=dict)
    accepted_sign_ups: set[str] = field(default_factory=set)
    accepted_inputs: dict[str, str] = field(default_factory=dict)
    attempted: collections.Counter = field(default_factory=collections.Counter)
    failed: collections.Counter = field(default_factory=collections.Counter)
    retries: collections.Counter = field(default_factory=collections.Counter)
    reconnects: collections.Counter = field(default_factory=collections.Counter)
    statuses: collections.Counter = field(default_factory=collections.Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)


class Resident:
    """One phone: a keep-alive connection, a session cookie, retries like a person would."""

    def __init__(self, port: int, outcome: Outcome, kind: str) -> None:
        self.client = Client(port, timeout=30)
        self.outcome = outcome
        self.kind = kind

    def call(self, method: str, path: str, body: dict | None, ok: set[int]) -> tuple[int, str]:
        """Send until an answer in ``ok`` (or any 4xx) comes, at most ATTEMPTS times."""
        status, page = 0, ""
        for attempt in range(ATTEMPTS):
            raw = self.client.prepare(method, path, body)
            started = time.perf_counter()
            try:
                status, page = self.client.send(raw)
            except OSError as error:
                status, page = 0, type(error).__name__
            elapsed = time.perf_counter() - started
            with self.outcome.lock:
                self.outcome.reconnects[self.kind] += self.client.reconnects
                self.client.reconnects = 0
                self.outcome.latencies[f"{self.kind} {method}"].append(elapsed)
                self.outcome.statuses[status] += 1
                if attempt:
                    self.outcome.retries[self.kind] += 1
            if status in ok or 400 <= status < 500:
                return status, page
            self.client.close()
            time.sleep(0.25 * 2**attempt)
        return status, page


def view(port: int, outcome: Outcome, path: str) -> None:
    status, _ = Resident(port, outcome, "view").call("GET", path, None, {200})
    if status != 200:
        with outcome.lock:
            outcome.failed["view"] += 1


def ballot(port: int, outcome: Outcome, code: str, choice: list[int]) -> None:
    resident = Resident(port, outcome, "ballot")
    status, page = resident.call("GET", f"/budsjett/{ROUND}/stem", None, {200})
    found = CSRF.search(page) if status == 200 else None
    if found:
        body = {"code": code, "csrf_token": found.group(1)}
        status, _ = resident.call("POST", f"/budsjett/{ROUND}/stem", body, {302})
    if found and status == 302:
        body = {"project": [str(p) for p in choice], "csrf_token": found.group(1), "action": "vote"}
        status, _ = resident.call("POST", f"/budsjett/{ROUND}/stemmeseddel", body, {303})
        if status == 303:
            with outcome.lock:
                outcome.accepted_ballots[code] = choice
            return
    with outcome.lock:
        outcome.failed["ballot"] += 1


def sign_up(port: int, outcome: Outcome, setup: Setup, letter: str, n: int) -> None:
    resident = Resident(port, outcome, "sign-up")
    path = f"/p/{setup.panel_id}/join/{letter}"
    status, page = resident.call("GET", path, None, {200})
    found = CSRF.search(page) if status == 200 else None
    if found:
        body = {q: values[n % len(values)] for q, values in setup.answers.items()}
        body.update(name=f"Beboer {n}", phone=f"9{n:07d}", consent="y", csrf_token=found.group(1))
        status, page = resident.call("POST", path, body, {200, 302, 409})
        # "Already signed up" (200 on the letter's page, 409 when two tries met): an earlier
        # try got through, but its answer was lost. A 200 with the form again is a refusal.
        if status in (302, 409) or (status == 200 and 'name="q0"' not in page):
            with outcome.lock:
                outcome.accepted_sign_ups.add(letter)
            return
    with outcome.lock:
        outcome.failed["sign-up"] += 1


def send_input(port: int, outcome: Outcome, n: int) -> None:
    resident = Resident(port, outcome, "input")
    path = f"/input/{TOPIC}"
    status, page = resident.call("GET", path, None, {200})
    token, key = (CSRF.search(page), FORM_KEY.search(page)) if status == 200 else (None, None)
    if token and key:
        text = f"Innspill nummer {n}: flere benker og bedre lys ved Ladeparken."
        body = {"text": text, "consent": "y", "website": "", "age_band": "",
                "submission": key.group(1), "csrf_token": token.group(1)}  # fmt: skip
        status, _ = resident.call("POST", path, body, {302})
        if status == 302:
            with outcome.lock:
                outcome.accepted_inputs[key.group(1)] = text
            return
    with outcome.lock:
        outcome.failed["input"] += 1


class Faults:
    """Injected when a share of the residents is done; each prints when and what."""

    def __init__(self, master: int, setup: Setup, pg: pgserver.Server | None) -> None:
        self.master, self.setup, self.pg = master, setup, pg
        self.log: list[str] = []
        self.started = time.perf_counter()
        self.done: set[str] = set()

    def at(self, share: float) -> None:
        for threshold, name, action in (
            (0.30, "kill a worker", self.kill_worker),
            (0.55, "cut the database", self.cut_database),
            (0.75, "restart PostgreSQL", self.restart_postgres),
        ):
            if share >= threshold and name not in self.done:
                self.done.add(name)
                threading.Thread(target=self._run, args=(name, action), daemon=True).start()

    def _run(self, name: str, action) -> None:
        at = time.perf_counter() - self.started
        try:
            what = action()
        except Exception as error:  # reported, the run goes on
            what = f"failed: {error!r}"
        if what:
            self.log.append(f"{at:6.1f} s  {name}: {what}")

    def kill_worker(self) -> str:
        workers = subprocess.run(
            ["pgrep", "-P", str(self.master)], capture_output=True, text=True
        ).stdout.split()
        os.kill(int(workers[0]), signal.SIGKILL)
        return f"SIGKILL to worker {workers[0]} (gunicorn starts a new one)"

    def cut_database(self) -> str:
        if self.setup.url.startswith("postgresql"):
            import psycopg

            with psycopg.connect(self.setup.url.replace("+psycopg", ""), autocommit=True) as c:
                n = c.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchone()[0]
            return f"terminated {n} server connections of the app"
        path = self.setup.url.split(":///", 1)[1]
        locker = sqlite3.connect(path, timeout=30, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        time.sleep(3)
        locker.execute("COMMIT")
        locker.close()
        return "another process held the write lock for 3 s"

    def restart_postgres(self) -> str | None:
        if self.pg is None:
            return None
        started = time.perf_counter()
        self.pg.restart()
        return f"server restarted ({time.perf_counter() - started:.1f} s down)"


def run(setup: Setup, port: int, args, pg: pgserver.Server | None) -> tuple[Outcome, dict]:
    rng = random.Random(args.seed)
    jobs: list[tuple] = [("view", rng.choice(setup.pages)) for _ in range(args.views)]
    jobs += [
        ("ballot", code, rng.sample(setup.projects, rng.randint(1, 3))) for code in setup.codes
    ]
    jobs += [("sign-up", letter, n) for n, letter in enumerate(setup.letters)]
    jobs += [("input", n) for n in range(args.inputs)]
    rng.shuffle(jobs)
    work: queue.Queue = queue.Queue()
    for job in jobs:
        work.put(job)
    outcome = Outcome()
    spec = f"app:create_app({RAISED_LIMITS!r})"
    server = start_server(
        setup.url, args.workers, args.threads, port, args.worker_class, app_spec=spec
    )
    faults = Faults(server.pid, setup, pg)
    done = [0]
    deadline = time.perf_counter() + args.max_seconds

    def client() -> None:
        while time.perf_counter() < deadline:
            try:
                kind, *rest = work.get_nowait()
            except queue.Empty:
                return
            if kind == "view":
                view(port, outcome, *rest)
            elif kind == "ballot":
                ballot(port, outcome, *rest)
            elif kind == "sign-up":
                sign_up(port, outcome, setup, *rest)
            else:
                send_input(port, outcome, *rest)
            with outcome.lock:
                outcome.attempted[kind] += 1
                done[0] += 1
                share = done[0] / len(jobs)
            faults.at(share)

    try:
        cpu_before = server_cpu_seconds(server.pid)
        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        cpu = server_cpu_seconds(server.pid) - cpu_before
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    figures = {"elapsed": elapsed, "cpu": cpu, "faults": faults.log, "jobs": len(jobs)}
    return outcome, figures


def reconcile(setup: Setup, outcome: Outcome) -> dict[str, dict[str, int]]:
    from sqlalchemy import func, select

    from app import create_app
    from app.extensions import db
    from budgeting.models import Ballot, VoterCode
    from panels.models import Invitation, Volunteer
    from taxonomy.models import InputItem
    from taxonomy.services import PUBLIC_FORM

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": setup.url, "TINGET_ENV": "testing", "SECRET_KEY": "x"}
    )
    report: dict[str, dict[str, int]] = {}
    with app.app_context():
        rows = db.session.execute(
            select(VoterCode.code, Ballot.projects).join(
                Ballot, Ballot.voter_code_id == VoterCode.id
            )
        ).all()
        ballots = collections.defaultdict(list)
        for code, projects in rows:
            ballots[code].append(list(projects))
        accepted = outcome.accepted_ballots
        report["ballots"] = {
            "accepted": len(accepted),
            "stored once": sum(1 for c in accepted if len(ballots[c]) == 1),
            "missing": sum(1 for c in accepted if not ballots[c]),
            "wrong choice": sum(1 for c in accepted if ballots[c] and ballots[c][0] != accepted[c]),
            "doubled": sum(1 for b in ballots.values() if len(b) > 1),
            "stored, answer lost": sum(1 for c in ballots if c not in accepted),
        }
        rows = db.session.execute(
            select(Invitation.token, func.count(Volunteer.id))
            .join(Volunteer, Volunteer.invitation_id == Invitation.id)
            .group_by(Invitation.token)
        ).all()
        volunteers = dict(rows)
        signed = outcome.accepted_sign_ups
        report["sign-ups"] = {
            "accepted": len(signed),
            "stored once": sum(1 for t in signed if volunteers.get(t) == 1),
            "missing": sum(1 for t in signed if not volunteers.get(t)),
            "wrong choice": 0,
            "doubled": sum(1 for n in volunteers.values() if n > 1),
            "stored, answer lost": sum(1 for t in volunteers if t not in signed),
        }
        rows = db.session.execute(
            select(InputItem.source_id, InputItem.text).where(InputItem.source_type == PUBLIC_FORM)
        ).all()
        by_key = collections.defaultdict(list)
        texts = collections.Counter()
        for key, text in rows:
            by_key[key].append(text)
            texts[text] += 1
        sent = outcome.accepted_inputs
        report["input"] = {
            "accepted": len(sent),
            "stored once": sum(1 for k, t in sent.items() if by_key[k] == [t]),
            "missing": sum(1 for k in sent if not by_key[k]),
            "wrong choice": sum(1 for k, t in sent.items() if by_key[k] and by_key[k][0] != t),
            "doubled": sum(1 for n in texts.values() if n > 1),
            "stored, answer lost": sum(1 for k in by_key if k not in sent),
        }
        db.engine.dispose()
    return report


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=1200)
    parser.add_argument("--sign-ups", type=int, default=300)
    parser.add_argument("--inputs", type=int, default=300)
    parser.add_argument("--views", type=int, default=1200)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--worker-class", default="sync", help="gunicorn -k (sync, gthread)")
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--port", type=int, default=54392)
    parser.add_argument("--postgres", action="store_true", help="start a throw-away PostgreSQL")
    parser.add_argument("--pg-port", type=int, default=54393)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="tinget-load-")
    pg = None
    if args.postgres:
        if not pgserver.available():
            raise SystemExit("--postgres needs Debian's postgresql package")
        pg = pgserver.Server(args.pg_port)
        url = pg.start()
    else:
        url = args.database_url or f"sqlite:///{tmp.name}/load.sqlite3"
    try:
        setup = prepare(url, args.voters, args.sign_ups)
        outcome, figures = run(setup, args.port, args, pg)
        report = reconcile(setup, outcome)
    finally:
        if pg is not None:
            pg.stop()
        tmp.cleanup()
    print_report(args, url, outcome, figures, report)
    bad = sum(r["missing"] + r["wrong choice"] + r["doubled"] for r in report.values())
    sys.exit(1 if bad else 0)


def print_report(args, url: str, outcome: Outcome, figures: dict, report: dict) -> None:
    elapsed = figures["elapsed"]
    requests = sum(len(v) for v in outcome.latencies.values())
    print(
        f"database      {url.split(':', 1)[0]}{' (own server, restarted)' if args.postgres else ''}"
    )
    print(f"gunicorn      {args.worker_class}, {args.workers} workers x {args.threads} threads, "
          f"{os.cpu_count()} CPUs; {args.clients} concurrent residents")  # fmt: skip
    print(f"load average  {os.getloadavg()[0]:.1f} at the end (the machine may be shared)")
    print(f"run           {elapsed:.1f} s, {figures['jobs']} residents, {requests} requests, "
          f"{requests / elapsed:.0f} requests/s, server CPU {figures['cpu'] / requests * 1000:.1f}"
          " ms per request")  # fmt: skip
    print("faults:")
    for line in figures["faults"] or ["(none reached)"]:
        print(f"  {line}")
    print()
    print(f"{'kind':<8} {'done':>6} {'per s':>7} {'failed':>7} {'retries':>8} {'reconnects':>11}")
    for kind in ("view", "ballot", "sign-up", "input"):
        n = outcome.attempted[kind]
        print(f"{kind:<8} {n:>6} {n / elapsed:>7.1f} {outcome.failed[kind]:>7} "
              f"{outcome.retries[kind]:>8} {outcome.reconnects[kind]:>11}")  # fmt: skip
    print()
    print(f"{'request':<14} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name in sorted(outcome.latencies):
        values = outcome.latencies[name]
        print(f"{name:<14} {len(values):>6} {statistics.median(values) * 1000:>8.1f} "
              f"{percentile(values, 0.95) * 1000:>8.1f} {max(values) * 1000:>8.1f}")  # fmt: skip
    codes = ", ".join(f"{k}: {v}" for k, v in sorted(outcome.statuses.items()))
    print(f"HTTP statuses {codes}  (0 = no answer after a reconnect)")
    print("(retries: sent again after no answer or a 5xx; reconnects: the keep-alive connection")
    print(" was closed under the request, e.g. by the killed worker, and it was sent on a new one)")
    print()
    columns = ("accepted", "stored once", "missing", "wrong choice", "doubled",
               "stored, answer lost")  # fmt: skip
    print("reconciliation " + " | ".join(columns))
    for kind, row in report.items():
        print(f"{kind:<14} " + " | ".join(f"{row[c]:>{len(c)}}" for c in columns))
    bad = sum(r["missing"] + r["wrong choice"] + r["doubled"] for r in report.values())
    print("every accepted submission stored exactly once: " + ("yes" if not bad else "NO"))


if __name__ == "__main__":
    main()
