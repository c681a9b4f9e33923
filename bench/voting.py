"""Benchmark of ballot submission under load, through the real web form and gunicorn.

Prepares a round in the voting phase with voter codes, starts the app under gunicorn on
loopback, signs every voter in with their code (not timed; each session holds its CSRF token),
then sends the ballot submissions from N concurrent clients. Some codes are used on two devices
at once and both submit at the same instant. Prints ballots/s, p50/p95/max latency, errors, and
checks in the database that every code ends with exactly one ballot and that no submission was
lost (a code submitted twice has version 2).

Run: .venv/bin/python bench/voting.py [--voters 2000] [--clients 16] [--workers 2]
     [--database-url postgresql://user@127.0.0.1:54332/db]   (SQLite in a temp dir otherwise)
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import queue
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_client import Client  # noqa: E402

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SLUG = "bench-round"


def prepare(url: str, voters: int) -> tuple[list[str], list[int]]:
    """A migrated database with a round in the voting phase and ``voters`` codes."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "TINGET_ENV": "testing", "SECRET_KEY": "bench"}
    )
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        codes, projects = voting_round(SLUG, "Bench", voters)
        db.session.commit()
        db.engine.dispose()
    return codes, projects


def voting_round(slug: str, title: str, voters: int) -> tuple[list[str], list[int]]:
    """A round in the voting phase with eight accepted projects and ``voters`` codes (in an app
    context; not committed): its codes and project ids."""
    from budgeting import services, voting

    round_ = services.create_round(
        slug=slug, title=title, budget=1_000_000, rule_variant="greedy_cost"
    )
    services.advance_phase(round_)
    for i in range(8):
        application = services.Application(
            f"Project {i}", "", 100_000 + 10_000 * i, applicant_type="other"
        )
        services.decide(services.submit_proposal(round_, application), True, "")
    services.advance_phase(round_)
    services.advance_phase(round_)
    codes = [c.code for c in voting.generate_codes(round_, voters)]
    return codes, [p.id for p in round_.accepted]


def sign_in(port: int, code: str) -> tuple[Client, str]:
    client = Client(port)
    _, page = client.request("GET", f"/budsjett/{SLUG}/stem")
    token = CSRF.search(page).group(1)
    status, _ = client.request(
        "POST", f"/budsjett/{SLUG}/stem", {"code": code, "csrf_token": token}
    )
    assert status == 302, f"sign-in with a code failed: {status}"
    return client, token


def start_server(
    url: str,
    workers: int,
    threads: int,
    port: int,
    worker_class: str = "gthread",
    app_spec: str = "wsgi:app",
) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        TINGET_DATABASE_URL=url,
        TINGET_ENV="testing",
        TINGET_SECRET_KEY="bench-secret-key-" + str(random.random()),
    )
    command = [
        sys.executable, "-m", "gunicorn", app_spec,
        "-b", f"127.0.0.1:{port}", "-w", str(workers), "-k", worker_class,
        "--threads", str(threads), "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not start")


def server_cpu_seconds(master: int) -> float:
    """User + system CPU time of the gunicorn master and its workers (Linux /proc)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == master or ppid == master:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def run_load(jobs: list, clients: int) -> tuple[list[float], list[str], float]:
    """Send every job (client, token, choice, barrier) from ``clients`` threads."""
    work: queue.Queue = queue.Queue()
    for job in jobs:
        work.put(job)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        while True:
            try:
                client, token, choice, barrier = work.get_nowait()
            except queue.Empty:
                return
            if barrier is not None:
                # Two devices of one code press "send" together.
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait(timeout=5)
            body = {"project": [str(p) for p in choice], "csrf_token": token, "action": "vote"}
            raw = client.prepare("POST", f"/budsjett/{SLUG}/stemmeseddel", body)
            started = time.perf_counter()
            try:
                status, _ = client.send(raw)
            except OSError as error:
                status = f"{type(error).__name__}"
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != 303:  # a saved ballot is answered with 303 to the receipt
                    errors.append(str(status))

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def check_database(url: str, codes: list[str], twice: set[str]) -> dict[str, int]:
    from sqlalchemy import func, select

    from app import create_app
    from app.extensions import db
    from budgeting.models import Ballot, VoterCode

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "TINGET_ENV": "testing", "SECRET_KEY": "bench"}
    )
    with app.app_context():
        rows = db.session.execute(
            select(VoterCode.code, func.count(Ballot.id), func.max(Ballot.version))
            .join(Ballot, Ballot.voter_code_id == VoterCode.id, isouter=True)
            .group_by(VoterCode.code)
        ).all()
        db.engine.dispose()
    per_code = {code: (n, version) for code, n, version in rows}
    return {
        "codes": len(codes),
        "missing": sum(1 for c in codes if per_code[c][0] == 0),
        "doubled": sum(1 for c in codes if per_code[c][0] > 1),
        "lost_resubmissions": sum(1 for c in twice if per_code[c][1] != 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    # 2 sync workers used the least CPU per ballot on 2 cores: gthread's poller and thread
    # hand-off cost more than the reconnects (3.1-3.6 ms against 4.0-5.2 ms per ballot).
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--worker-class", default="sync", help="gunicorn -k (sync, gthread)")
    parser.add_argument("--twice", type=float, default=0.1, help="share of codes on two devices")
    parser.add_argument("--port", type=int, default=54391)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tmp = tempfile.TemporaryDirectory(prefix="tinget-bench-")
    url = args.database_url or f"sqlite:///{tmp.name}/bench.sqlite3"
    codes, projects = prepare(url, args.voters)
    server = start_server(url, args.workers, args.threads, args.port, args.worker_class)
    try:
        twice = set(rng.sample(codes, int(len(codes) * args.twice)))
        jobs = []
        setup = time.perf_counter()
        for code in codes:
            choice = rng.sample(projects, rng.randint(1, 3))
            if code in twice:
                barrier = threading.Barrier(2)
                for _ in range(2):
                    client, token = sign_in(args.port, code)
                    jobs.append((client, token, rng.sample(projects, 2), barrier))
            else:
                client, token = sign_in(args.port, code)
                jobs.append((client, token, choice, None))
        setup = time.perf_counter() - setup
        cpu_before = server_cpu_seconds(server.pid)
        latencies, errors, elapsed = run_load(jobs, args.clients)
        cpu = server_cpu_seconds(server.pid) - cpu_before
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    check = check_database(url, codes, twice)
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"database          {url.split(':', 1)[0]}")
    print(
        f"gunicorn          {args.worker_class}, {args.workers} workers x {args.threads} threads, "
        f"{os.cpu_count()} CPUs"
    )
    print(f"clients           {args.clients} concurrent, {len(jobs)} submissions "
          f"({len(codes)} codes, {len(twice)} submitted from two devices at once)")  # fmt: skip
    print(f"sign-in (untimed) {setup:.1f} s")
    print(f"ballots/s         {len(jobs) / elapsed:.0f}  ({elapsed:.2f} s)")
    per_ballot = cpu / len(jobs)
    print(f"server CPU        {per_ballot * 1000:.1f} ms per ballot; with 2 idle cores that is "
          f"at most {2 / per_ballot:.0f} ballots/s")  # fmt: skip
    print(f"load average      {os.getloadavg()[0]:.1f} (the machine is shared)")
    print(f"latency p50       {statistics.median(latencies) * 1000:.1f} ms")
    print(f"latency p95       {p95 * 1000:.1f} ms")
    print(f"latency max       {latencies[-1] * 1000:.1f} ms")
    print(f"errors            {len(errors)} {sorted(set(errors))[:5]}")
    print(f"codes missing     {check['missing']}")
    print(f"codes doubled     {check['doubled']}")
    print(f"lost re-submits   {check['lost_resubmissions']}")
    ok = not errors and not check["missing"] and not check["doubled"]
    ok = ok and not check["lost_resubmissions"]
    print("every code has exactly one ballot: " + ("yes" if ok else "NO"))
    tmp.cleanup()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
