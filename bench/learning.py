"""Benchmark of the learner's pages under load: dashboard, a lesson page, a quiz submission.

Builds a throwaway database (SQLite file, or a PostgreSQL schema) with the three ATLAS
courses, ``--learners`` learners enrolled in all of them and ``--statements`` xAPI
statements of their learning, folds them with ``atlas progress rebuild``, serves the app
with gunicorn on loopback and drives it from this process with ``--concurrency``
simulated learners (threads, each logged in as its own learners, keep-alive HTTP):

    GET /                          "Mein Lernen" with progress from the projection
    GET /learn/<course>/<lesson>   the lesson player
    GET + POST …/quiz              a quiz page, then a submission graded on the server

    .venv/bin/python bench/learning.py                               # 5,000 / 1,000,000
    .venv/bin/python bench/learning.py --learners 500 --statements 100000   # a quick run
    .venv/bin/python bench/learning.py --backend postgresql

Every phase is bounded by a request count and a time limit; the figures are printed.
"""

import argparse
import html.parser
import logging
import os
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from learning_data import (  # noqa: E402 - after the path set-up
    PASSWORD,
    course_plans,
    create_enrolments,
    create_learners,
    preload_statements,
)
from lrs import atlas, database, free_port, gunicorn, percentile  # noqa: E402

log = logging.getLogger("bench.learning")


class FormReader(html.parser.HTMLParser):
    """Collects one answer per field of a quiz form (the first option), and hidden inputs."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str | list[str]] = {}
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                self.values.setdefault(name, a.get("value", ""))
            elif kind == "hidden":
                self.values[name] = a.get("value", "")
            elif kind in ("text", "number"):
                self.values.setdefault(name, "1")
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and a.get("value"):
            self.values.setdefault(self.select, a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None


def hidden(page: str, name: str) -> str:
    reader = FormReader()
    reader.feed(page)
    return str(reader.values.get(name, ""))


class Learner:
    """One logged-in learner's browser: a keep-alive session with cookies."""

    def __init__(self, base: str, email: str):
        self.base, self.http = base, requests.Session()
        page = self.http.get(f"{base}/login").text
        response = self.http.post(f"{base}/login", data={
            "csrf_token": hidden(page, "csrf_token"), "email": email, "password": PASSWORD},
            allow_redirects=False)
        if response.status_code != 302:
            raise SystemExit(f"login of {email} failed: {response.status_code}")


class Phase:
    def __init__(self, name: str):
        self.name, self.latencies, self.errors = name, [], 0

    def add(self, milliseconds: float, ok: bool) -> None:
        self.latencies.append(milliseconds)
        self.errors += not ok

    def row(self) -> str:
        values = self.latencies or [0.0]
        return (f"{self.name:34} {len(self.latencies):>8,} {self.errors:>6} "
                f"{statistics.median(values):8.1f} {percentile(values, 0.95):8.1f} "
                f"{max(values):8.1f}")


def timed(phase: Phase, http, method: str, url: str, ok_statuses=(200,), **kwargs):
    """One request, timed; a dropped connection counts as an error, not a crash."""
    began = time.perf_counter()
    try:
        response = http.request(method, url, timeout=60, **kwargs)
    except requests.RequestException:
        phase.add((time.perf_counter() - began) * 1000, False)
        return None
    phase.add((time.perf_counter() - began) * 1000, response.status_code in ok_statuses)
    return response


def drive(args, base: str, plans: list[dict]) -> list[Phase]:
    phases = {name: Phase(name) for name in
              ("GET / (Mein Lernen)", "GET lesson page", "GET quiz page", "POST quiz submission")}
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds
    remaining = [args.requests]
    lessons = {p["slug"]: [item[2] for item in p["lessons"] if item[0] == "lesson"]
               for p in plans}
    quizzes = {p["slug"]: [item[2] for item in p["lessons"] if item[0] == "quiz"]
               for p in plans}

    def worker(n: int):
        rng = random.Random(n)
        learners = [Learner(base, f"bench{(n * args.accounts + k):05d}@example.org")
                    for k in range(args.accounts)]
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            if args.think:
                # a learner reads before the next click: 0.5–1.5 × --think seconds
                time.sleep(args.think * (0.5 + rng.random()))
            learner = rng.choice(learners)
            slug = rng.choice(list(lessons))
            step = rng.random()
            if step < 0.3:
                timed(phases["GET / (Mein Lernen)"], learner.http, "GET", f"{base}/")
            elif step < 0.8:
                lesson = rng.choice(lessons[slug])
                timed(phases["GET lesson page"], learner.http, "GET",
                      f"{base}/learn/{slug}/{lesson}")
            else:
                quiz = rng.choice(quizzes[slug])
                url = f"{base}/learn/{slug}/{quiz}/quiz"
                page = timed(phases["GET quiz page"], learner.http, "GET", url)
                if page is None:
                    continue
                reader = FormReader()
                reader.feed(page.text)
                # a learner with no attempts left gets a flash and a redirect: still a request
                timed(phases["POST quiz submission"], learner.http, "POST", url,
                      ok_statuses=(302, 303), data=reader.values, allow_redirects=False)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return list(phases.values())


def count_statements(url: str) -> int:
    from sqlalchemy import create_engine, func, select

    from xapi.store_sql import statements

    engine = create_engine(url)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(statements)).scalar_one()
    engine.dispose()
    return total


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=5000)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--concurrency", type=int, default=20, help="simulated learners")
    parser.add_argument("--accounts", type=int, default=5, help="accounts per simulated learner")
    parser.add_argument("--requests", type=int, default=3000, help="page requests at most")
    parser.add_argument("--seconds", type=float, default=180, help="time limit of the load")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean think time between a learner's requests (0: back to back)")
    parser.add_argument("--data", type=Path,
                        help="keep the SQLite database here and reuse it on the next run")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.concurrency * args.accounts > args.learners:
        parser.error("--concurrency × --accounts must not exceed --learners")

    if args.data:
        args.data.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch, database(
        args.backend, args.data or Path(scratch)
    ) as (url, description):
        folder = str(args.data or scratch)
        reuse = bool(args.data and args.backend == "sqlite" and (args.data / "ready").exists())
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "ATLAS_DATABASE_URL": url, "ATLAS_INSTANCE_PATH": folder,
               "ATLAS_SECRET_KEY": secrets.token_urlsafe(32), "ATLAS_BASE_URL": base,
               "ATLAS_LOG_LEVEL": "WARNING", "ATLAS_RATELIMIT_ENABLED": "0"}
        os.environ.update({k: env[k] for k in (
            "ATLAS_DATABASE_URL", "ATLAS_INSTANCE_PATH", "ATLAS_LOG_LEVEL", "ATLAS_SECRET_KEY",
            "ATLAS_BASE_URL")})
        if reuse:
            # the statements' activity ids carry the base URL the data was made with
            base = (args.data / "ready").read_text().strip()
            env["ATLAS_BASE_URL"] = os.environ["ATLAS_BASE_URL"] = base
        else:
            atlas(env, "db", "upgrade")
            atlas(env, "course", "import", *sorted(str(p) for p in (ROOT / "courses").iterdir()
                                                   if p.is_dir()))
        from lms.app import create_app

        plans = course_plans(create_app())
        stored, rebuild_seconds, rebuilt = count_statements(url), 0.0, ["(reused)"]
        if not reuse:
            print(f"creating {args.learners} learners in {description}", flush=True)
            learners = create_learners(url, args.learners)
            registrations = create_enrolments(url, learners, plans)
            print(f"storing {args.statements} statements", flush=True)
            stored, seconds = preload_statements(url, base, learners, plans, registrations,
                                                 args.statements)
            print(f"stored {stored} statements in {seconds:.0f} s ({stored / seconds:.0f}/s)",
                  flush=True)
            began = time.perf_counter()
            rebuilt = atlas(env, "progress", "rebuild").strip().splitlines()
            rebuild_seconds = time.perf_counter() - began
            if args.data:
                (args.data / "ready").write_text(base)
        port = int(base.rsplit(":", 1)[1])
        with gunicorn(env, port, args.workers, args.threads):
            load_before = os.getloadavg()[0]
            phases = drive(args, base, plans)
            load_after = os.getloadavg()[0]
        print(f"\n== learner pages: {description}, {args.learners:,} learners × {len(plans)} "
              f"courses, {stored:,} statements ==")
        print(f"gunicorn -w {args.workers} --threads {args.threads}; {args.concurrency} simulated "
              f"learners (think time {args.think:g} s) on the same machine; load average "
              f"{load_before:.2f} → {load_after:.2f}")
        print(f"atlas progress rebuild: {rebuild_seconds:.1f} s ({rebuilt[-1] if rebuilt else ''})")
        print(f"{'request':34} {'count':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'max ms':>8}")
        for phase in phases:
            print(phase.row())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
