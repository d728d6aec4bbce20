"""Benchmark of the xapi statement store: batch insert throughput and filtered query latency.

Runs the library directly (no HTTP) against SQLite in a temporary folder and, when it
answers, PostgreSQL (ATLAS_TEST_DATABASE_URL or postgresql://127.0.0.1:5432/test) in a
schema of its own that is dropped afterwards.

    .venv/bin/python bench/xapi_store.py                      # 100,000 statements
    .venv/bin/python bench/xapi_store.py --statements 1000000 # the full run
"""

import argparse
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xapi.isotime import format_timestamp  # noqa: E402
from xapi.lrs import LRS  # noqa: E402
from xapi.query import SingleStatementQuery, StatementQuery  # noqa: E402
from xapi.store_sql import configure_sqlite, create_all_for_tests  # noqa: E402

log = logging.getLogger("bench.xapi_store")

HOME = "https://campus.example"
VERBS = [
    "http://adlnet.gov/expapi/verbs/attempted",
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/answered",
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/passed",
]
AUTHORITY = {"objectType": "Agent", "account": {"homePage": HOME, "name": "lms"}}
START = datetime(2024, 1, 1, tzinfo=UTC)


class Corpus:
    """Deterministic, realistic statements: learners take lessons of courses."""

    def __init__(self, total: int, seed: int = 7):
        self.random = random.Random(seed)
        self.total = total
        self.now = START  # the simulated stored time
        self.learners = max(50, total // 200)
        self.courses = 20
        self.lessons = 12
        self.registrations = {}

    def learner(self, n: int) -> dict:
        return {"objectType": "Agent", "account": {"homePage": HOME, "name": f"l{n:07d}"}}

    def lesson_id(self, course: int, lesson: int) -> str:
        return f"{HOME}/courses/c{course:02d}/lessons/{lesson:02d}"

    def course_id(self, course: int) -> str:
        return f"{HOME}/courses/c{course:02d}"

    def registration(self, learner: int, course: int) -> str:
        key = (learner, course)
        if key not in self.registrations:
            self.registrations[key] = str(uuid.UUID(int=self.random.getrandbits(128), version=4))
        return self.registrations[key]

    def statement(self, learner=None, course=None, lesson=None, verb=None, when=None) -> dict:
        r = self.random
        learner = r.randrange(self.learners) if learner is None else learner
        course = r.randrange(self.courses) if course is None else course
        lesson = r.randrange(self.lessons) if lesson is None else lesson
        verb = r.choice(VERBS) if verb is None else verb
        when = START + timedelta(seconds=r.randrange(10**7)) if when is None else when
        statement = {
            "id": str(uuid.UUID(int=r.getrandbits(128), version=4)),
            "actor": self.learner(learner),
            "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[1]}},
            "object": {
                "objectType": "Activity",
                "id": self.lesson_id(course, lesson),
                "definition": {
                    "name": {"en-US": f"Lesson {lesson}", "de-DE": f"Lektion {lesson}"},
                    "type": "http://adlnet.gov/expapi/activities/lesson",
                },
            },
            "context": {
                "registration": self.registration(learner, course),
                "contextActivities": {
                    "parent": [{"id": self.course_id(course)}],
                    "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"}],
                },
                "platform": "ATLAS Campus",
                "language": "de-DE",
            },
            "timestamp": format_timestamp(when),
        }
        if verb in VERBS[2:]:
            statement["result"] = {
                "score": {"scaled": round(r.random(), 2)},
                "success": r.random() > 0.3,
                "duration": f"PT{r.randrange(1, 600)}S",
            }
        return statement

    def batch(self, size: int, mode: str) -> list[dict]:
        """``session``: one learner working through a course, as a client sends a batch;
        ``mixed``: every statement from a random learner and lesson (the worst case for
        index locality)."""
        if mode == "mixed":
            return [self.statement() for _ in range(size)]
        r = self.random
        learner, course = r.randrange(self.learners), r.randrange(self.courses)
        first = r.randrange(self.lessons)
        when = START + timedelta(seconds=r.randrange(10**7))
        return [
            self.statement(
                learner,
                course,
                (first + i // len(VERBS)) % self.lessons,
                VERBS[i % len(VERBS)],
                when + timedelta(seconds=30 * i),
            )
            for i in range(size)
        ]


def sqlite_engine(folder: Path):
    engine = create_engine(f"sqlite:///{folder / 'bench.db'}")
    configure_sqlite(engine)  # the settings docs/xapi.md recommends for the LMS
    return engine


def postgres_url() -> str | None:
    url = os.environ.get("ATLAS_TEST_DATABASE_URL") or "postgresql://127.0.0.1:5432/test"
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    url = parsed.render_as_string(hide_password=False)
    try:
        probe = create_engine(url, connect_args={"connect_timeout": 3})
        with probe.connect() as conn:
            conn.execute(text("SELECT 1"))
        probe.dispose()
    except Exception as error:  # noqa: BLE001 - any failure means "not available"
        log.warning("PostgreSQL not available (%s): skipped", error.__class__.__name__)
        return None
    return url


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def load(engine, lrs: LRS, corpus: Corpus, total: int, batch: int, mode: str) -> dict:
    """Store ``total`` statements; the stored time advances 5 s per batch across calls."""
    elapsed = 0.0
    stored = 0
    report_every = max(batch, total // 10)
    while stored < total:
        size = min(batch, total - stored)
        statements = corpus.batch(size, mode)
        corpus.now += timedelta(seconds=5)
        began = time.perf_counter()
        with engine.begin() as conn:
            lrs.store(conn, statements, authority=AUTHORITY, version="2.0.0", now=corpus.now)
        elapsed += time.perf_counter() - began
        stored += size
        if stored % report_every == 0:
            log.info("  %9d stored, %6.0f statements/s so far", stored, stored / elapsed)
    return {"statements": stored, "seconds": elapsed, "per_second": stored / elapsed}


def single_posts(engine, lrs: LRS, corpus: Corpus, count: int) -> dict:
    began = time.perf_counter()
    for _ in range(count):
        with engine.begin() as conn:
            corpus.now += timedelta(seconds=1)
            lrs.store(
                conn, [corpus.statement()], authority=AUTHORITY, version="2.0.0", now=corpus.now
            )
    seconds = time.perf_counter() - began
    return {"statements": count, "per_second": count / seconds}


def query_cases(corpus: Corpus, rng: random.Random) -> dict:
    def learner():
        return corpus.learner(rng.randrange(corpus.learners))

    def lesson():
        return corpus.lesson_id(rng.randrange(corpus.courses), rng.randrange(corpus.lessons))

    def course():
        return corpus.course_id(rng.randrange(corpus.courses))

    def registration():
        return rng.choice(list(corpus.registrations.values()))

    # load() advances the stored time by 5 s per batch of 100 (20 statements/s, all day)
    span = timedelta(seconds=5 * corpus.total / 100)
    old, recent = START + span / 10, START + span * 0.98
    return {
        "no filter": lambda: StatementQuery(limit=25),
        "agent": lambda: StatementQuery(agent=learner(), limit=25),
        "agent+verb": lambda: StatementQuery(agent=learner(), verb=rng.choice(VERBS), limit=25),
        "agent+activity": lambda: StatementQuery(
            agent=learner(), activity=course(), related_activities=True, limit=25
        ),
        "verb": lambda: StatementQuery(verb=rng.choice(VERBS), limit=25),
        "activity (lesson)": lambda: StatementQuery(activity=lesson(), limit=25),
        "activity (course, related)": lambda: StatementQuery(
            activity=course(), related_activities=True, limit=25
        ),
        "registration": lambda: StatementQuery(registration=registration(), limit=25),
        "until (10 % in)": lambda: StatementQuery(until=old, limit=25),
        "verb+since (recent), asc": lambda: StatementQuery(
            verb=rng.choice(VERBS), since=recent, ascending=True, limit=25
        ),
        "canonical, agent": lambda: StatementQuery(agent=learner(), format="canonical", limit=25),
    }


def measure_queries(engine, lrs: LRS, corpus: Corpus, repeat: int) -> dict:
    rng = random.Random(11)
    results = {}
    everything = []
    with engine.connect() as conn:
        for name, make in query_cases(corpus, rng).items():
            timings = []
            for _ in range(repeat):
                query = make()
                began = time.perf_counter()
                page = lrs.query(conn, query, accept_language="de-DE")
                if page.more:
                    lrs.query_more(conn, page.more.split("more=", 1)[1])
                timings.append((time.perf_counter() - began) * 1000 / (2 if page.more else 1))
            results[name] = {
                "p50_ms": statistics.median(timings),
                "p95_ms": percentile(timings, 0.95),
            }
            everything += timings
        ids = [s["id"] for s in lrs.query(conn, StatementQuery(limit=100)).statements]
        timings = []
        for statement_id in ids:
            began = time.perf_counter()
            lrs.get_statement(conn, SingleStatementQuery(statement_id=statement_id))
            timings.append((time.perf_counter() - began) * 1000)
        results["statementId"] = {
            "p50_ms": statistics.median(timings),
            "p95_ms": percentile(timings, 0.95),
        }
        conn.rollback()
    results["all filtered GETs"] = {
        "p50_ms": statistics.median(everything),
        "p95_ms": percentile(everything, 0.95),
    }
    return results


def run(name: str, engine, args) -> dict:
    lrs = LRS(secret=b"bench", page_size=100)
    corpus = Corpus(args.statements)
    log.info(
        "%s: storing %d statements in session batches of %d", name, args.statements, args.batch
    )
    loaded = load(engine, lrs, corpus, args.statements, args.batch, "session")
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    mixed_count = min(args.mixed, args.statements)
    log.info("%s: %d more in mixed batches", name, mixed_count)
    mixed = load(engine, lrs, corpus, mixed_count, args.batch, "mixed")
    single = single_posts(engine, lrs, corpus, args.single)
    queries = measure_queries(engine, lrs, corpus, args.repeat)
    return {"backend": name, "load": loaded, "mixed": mixed, "single": single, "queries": queries}


def print_report(result: dict) -> None:
    load_, mixed = result["load"], result["mixed"]
    print(f"\n== {result['backend']}: {load_['statements']:,} statements ==")
    print(
        f"batch insert, session batches of {ARGS.batch}: {load_['per_second']:,.0f} "
        f"statements/s ({load_['seconds']:.1f} s)"
    )
    print(
        f"batch insert, mixed batches of {ARGS.batch} (+{mixed['statements']:,}): "
        f"{mixed['per_second']:,.0f} statements/s"
    )
    print(f"single-statement transactions: {result['single']['per_second']:,.0f}/s")
    print(f"{'query (limit 25, + next page)':32} {'p50 ms':>8} {'p95 ms':>8}")
    for name, figures in result["queries"].items():
        print(f"{name:32} {figures['p50_ms']:8.2f} {figures['p95_ms']:8.2f}")


def main(argv=None) -> int:
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--mixed", type=int, default=20_000, help="extra statements, mixed")
    parser.add_argument("--single", type=int, default=500, help="single-statement transactions")
    parser.add_argument("--repeat", type=int, default=60, help="runs of each query shape")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    ARGS = args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    results = []
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            engine = sqlite_engine(Path(folder))
            create_all_for_tests(engine)
            results.append(run("sqlite", engine, args))
            engine.dispose()
    if args.backend in ("postgresql", "both") and (url := postgres_url()):
        schema = f"bench_xapi_{os.getpid()}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
        try:
            create_all_for_tests(engine)
            results.append(run("postgresql", engine, args))
        finally:
            engine.dispose()
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    for result in results:
        print_report(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
    return 0


ARGS = None

if __name__ == "__main__":
    sys.exit(main())
