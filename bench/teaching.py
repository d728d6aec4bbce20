"""Benchmark of the trainers' participants page: 5,000 learners in a course, 1,000,000 statements.

Builds a throwaway SQLite file in /tmp (migrated by the real migrations), imports the
e-mobility course, and bulk-inserts (Core ``executemany``, no ORM, no fold):

- ``--learners`` learners in 40 companies, enrolled in the course;
- their projection rows (``course_progress``, ``lesson_progress`` for every lesson they
  reached, with scores and attempts at the graded lessons), as the fold would leave them;
- ``--statements`` xAPI statements about their lessons into ``xapi_statements`` (rows of
  the statement table with the columns the store fills; index rows are left out: the page
  under test reads the projection, and the statements are there so the database has the
  size it has in production).

Then a trainer of the course asks for the first participants page (sorted by last
activity, 50 rows) ``--requests`` times through the Flask test client, each request
writing the 50 access-log entries it must write, and the p50/p95 are printed::

    .venv/bin/python bench/teaching.py                         # 5,000 / 1,000,000
    .venv/bin/python bench/teaching.py --learners 500 --statements 50000   # quick
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import make_test_app  # noqa: E402 - after the path set-up

log = logging.getLogger("bench.teaching")
START = datetime(2026, 9, 1, 7, 0, tzinfo=UTC)
BATCH = 20_000
PASSWORD = "bench-password-1"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def build(app, learners: int, total_statements: int) -> dict:
    """Import the course and bulk-insert learners, projection rows and statements."""
    from sqlalchemy import insert, select, text

    from lms.accounts.models import Membership, Organisation, User
    from lms.accounts.passwords import hash_password
    from lms.catalog import services
    from lms.catalog.models import Course
    from lms.catalog.trainers import grant_course_trainer
    from lms.catalog.version_content import content_for
    from lms.db import utcnow
    from lms.extensions import db
    from lms.learning.models import CourseProgress, Enrolment, LessonProgress
    from xapi import vocabulary as v
    from xapi.store_sql import statements as statement_table

    figures = {}
    began = time.perf_counter()
    with app.app_context(), app.test_request_context():
        now = utcnow()
        services.import_course(ROOT / "courses" / "e-mobility", None, now)
        course = db.session.scalar(select(Course).where(Course.slug == "e-mobility"))
        version = course.published_version
        model = content_for(version).course
        lessons = [lesson for lesson in model.lessons() if lesson.kind != "session"]
        trainer = User(email="trainer@bench.example", name="Bench Trainerin",
                       password_hash=hash_password(PASSWORD), is_trainer=True,
                       created_at=now, updated_at=now)
        db.session.add(trainer)
        db.session.flush()
        grant_course_trainer(None, course, trainer, now)
        organisations = [{"name": f"Bench Firma {n:02d} GmbH", "city": "Siegen",
                          "created_at": now, "updated_at": now} for n in range(40)]
        db.session.execute(insert(Organisation), organisations)
        org_ids = list(db.session.scalars(select(Organisation.id).order_by(Organisation.id)))
        db.session.execute(insert(User), [
            {"email": f"bench{n:05d}@example.org", "name": f"Lernende {n:05d}",
             "password_hash": "x", "locale": "de", "pseudonym": uuid.uuid4().hex,
             "is_active_account": True, "is_admin": False, "is_trainer": False,
             "created_at": now, "updated_at": now} for n in range(learners)])
        people = db.session.execute(select(User.id, User.pseudonym).where(
            User.email.like("bench%@example.org")).order_by(User.id)).all()
        db.session.execute(insert(Membership), [
            {"user_id": uid, "organisation_id": org_ids[i % len(org_ids)], "role": "employee",
             "personnel_number": "", "created_at": now, "updated_at": now}
            for i, (uid, _p) in enumerate(people)])
        rng = random.Random(13)
        enrolments, course_rows, lesson_rows, walks = [], [], [], []
        for uid, pseudonym in people:
            registration = str(uuid.uuid4())
            enrolments.append({"user_id": uid, "course_id": course.id,
                               "course_version_id": version.id, "registration": registration,
                               "status": "active", "source": "self",
                               "enrolled_at": START, "last_position": 0.0})
            reached = lessons[: rng.randint(0, len(lessons))]
            if not reached:
                continue
            last = START + timedelta(minutes=rng.randint(60, 60 * 24 * 90))
            done = 0
            for lesson in reached:
                graded = lesson.kind in ("quiz", "assessment")
                row = {"user_id": uid, "course_id": course.id, "lesson_id": lesson.id,
                       "status": "passed" if graded else "done", "attempts": 0,
                       "first_seen_at": START, "done_at": last, "best_percent": None}
                if graded:
                    row["attempts"] = rng.randint(1, 3)
                    row["best_percent"] = float(rng.randint(40, 100))
                    row["status"] = "passed" if row["best_percent"] >= 70 else "failed"
                done += row["status"] in ("done", "passed")
                lesson_rows.append(row)
            course_rows.append({
                "user_id": uid, "course_id": course.id, "lessons_done": done,
                "lessons_total": len(lessons), "quizzes_passed": 0, "quizzes_total": 0,
                "is_assessment_passed": False, "sessions_attended": 0, "sessions_required": 1,
                "percent": int(100 * done / len(lessons)), "self_paced_minutes": 0,
                "synchronous_minutes": 0, "started_at": START, "last_activity_at": last,
                "completed_at": None, "attended_sessions": []})
            walks.append((pseudonym, registration, reached, last))
        db.session.execute(insert(Enrolment), enrolments)
        db.session.execute(insert(CourseProgress), course_rows)
        for start in range(0, len(lesson_rows), BATCH):
            db.session.execute(insert(LessonProgress), lesson_rows[start:start + BATCH])
        db.session.commit()
        figures["projection_rows"] = len(course_rows) + len(lesson_rows)
        base = v.platform_base(app.config["ATLAS_BASE_URL"])
        course_iri = v.course_iri(base, model.id)
        authority = {"objectType": "Agent", "name": "ATLAS Campus",
                     "account": {"homePage": app.config["ATLAS_BASE_URL"],
                                 "name": "atlas-campus"}}
        platform_key = f'account:["{app.config["ATLAS_BASE_URL"]}","atlas-campus"]'
        stored_at = now
        written, pending = 0, []
        connection = db.session.connection()
        while written + len(pending) < total_statements:
            pseudonym, registration, reached, last = walks[rng.randrange(len(walks))]
            lesson = reached[rng.randrange(len(reached))]
            iri = v.lesson_iri(base, model.id, lesson.module_id, lesson.id)
            verb = rng.choice(("launched", "completed", "experienced", "progressed"))
            moment = last - timedelta(minutes=rng.randint(0, 60 * 24 * 30))
            statement_id = str(uuid.uuid4())
            actor = v.learner_actor(base, pseudonym)
            body = {"id": statement_id, "actor": actor, "verb": v.verb(verb),
                    "object": v.activity(iri, "lesson"),
                    "context": {"registration": registration,
                                "contextActivities": {"grouping": [{"id": course_iri}]}},
                    "timestamp": moment.isoformat(timespec="milliseconds")
                    .replace("+00:00", "Z"), "stored": stored_at.isoformat(), "version": "2.0.0",
                    "authority": authority}
            pending.append({
                "id": statement_id, "stored": stored_at, "timestamp": moment,
                "has_client_timestamp": True, "verb_id": v.VERBS[verb].id,
                "actor_key": f'account:["{base}","{pseudonym}"]', "object_type": "Activity",
                "object_activity_id": iri, "object_agent_key": None,
                "object_statement_ref": None, "registration": registration,
                "authority_key": platform_key, "version": "2.0.0", "is_voided": False,
                "is_voiding": False, "statement": json.dumps(body, separators=(",", ":"))})
            if len(pending) >= BATCH:
                connection.execute(insert(statement_table), pending)
                written += len(pending)
                pending = []
                if written % 200_000 == 0:
                    log.info("  %d statements", written)
        if pending:
            connection.execute(insert(statement_table), pending)
            written += len(pending)
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        figures.update(statements=written, learners=len(people),
                       generation_seconds=round(time.perf_counter() - began, 1))
    return figures


def measure(app, requests: int) -> dict:
    """Time the first participants page through the test client, as the course's trainer."""
    from sqlalchemy import func, select

    from lms.companies.models import AccessLogEntry
    from lms.extensions import db

    client = app.test_client()
    signed_in = client.post("/login", data={"email": "trainer@bench.example",
                                            "password": PASSWORD})
    if signed_in.status_code != 302:
        raise SystemExit(f"the trainer could not sign in ({signed_in.status_code})")
    timings = []
    for number in range(requests + 1):
        began = time.perf_counter()
        response = client.get("/teaching/courses/e-mobility/participants")
        elapsed = (time.perf_counter() - began) * 1000
        if response.status_code != 200:
            raise SystemExit(f"participants page answered {response.status_code}")
        if number:  # the first request warms the course cache
            timings.append(elapsed)
    with app.app_context():
        logged = db.session.scalar(select(func.count(AccessLogEntry.id)))
    return {"requests": requests, "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 0.95), 1), "max_ms": round(max(timings), 1),
            "access_log_entries": logged}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=5_000)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with tempfile.TemporaryDirectory(prefix="bench-teaching-", dir="/tmp") as folder:
        url = f"sqlite:///{folder}/teaching.db"
        app = make_test_app(url, Path(folder) / "instance", SERVER_NAME=None, TESTING=False,
                            WTF_CSRF_ENABLED=False)
        built = build(app, args.learners, args.statements)
        print(f"generated {built['learners']} learners, {built['projection_rows']} projection "
              f"rows and {built['statements']} statements in {built['generation_seconds']} s")
        figures = measure(app, args.requests)
        print(f"participants page, first page by last activity, {figures['requests']} requests: "
              f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
              f"max {figures['max_ms']} ms (access-log entries written: "
              f"{figures['access_log_entries']})")


if __name__ == "__main__":
    main()
