"""Bulk data for bench/learning.py: learners, enrolments and their statements, fast.

Learners and enrolments go in with Core ``executemany``; statements through the xAPI
library's store (the same code path as the LRS), in the platform's profile with the
real activity IRIs of the imported courses, so ``atlas progress rebuild`` folds them
into the projection exactly as it would fold live traffic.
"""

import logging
import random
import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, event, insert, select, text

log = logging.getLogger("bench.learning")
PASSWORD = "bench-password-1"
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def course_plans(app) -> list[dict]:
    """Per published course: slug, ids, version and its lessons as (kind, module, lesson)."""
    from lms.catalog.models import Course
    from lms.catalog.version_content import content_for
    from lms.extensions import db

    plans = []
    with app.app_context():
        for course in db.session.scalars(select(Course).order_by(Course.slug)):
            version = course.published_version
            model = content_for(version).course
            lessons = [(lesson.kind, lesson.module_id, lesson.id,
                        [q.id for q in lesson.questions("de")]) for lesson in model.lessons()]
            plans.append({"slug": course.slug, "id": course.id, "version_id": version.id,
                          "version": version.version, "model_id": model.id,
                          "lessons": lessons})
    return plans


def create_learners(url: str, count: int) -> list[tuple[int, str]]:
    """Insert ``count`` learners sharing one argon2 hash; return (id, pseudonym) pairs."""
    from lms.accounts.models import User
    from lms.accounts.passwords import hash_password

    engine = create_engine(url)
    hashed = hash_password(PASSWORD)
    now = datetime.now(UTC)
    rows = [{"email": f"bench{n:05d}@example.org", "name": f"Lernende {n:05d}",
             "password_hash": hashed, "locale": "de", "pseudonym": uuid.uuid4().hex,
             "is_active_account": True, "is_admin": False, "is_trainer": False,
             "created_at": now, "updated_at": now} for n in range(count)]
    with engine.begin() as conn:
        conn.execute(insert(User.__table__), rows)
        found = conn.execute(select(User.id, User.pseudonym).where(
            User.email.like("bench%@example.org")).order_by(User.id)).all()
    engine.dispose()
    return [tuple(row) for row in found]


def create_enrolments(url: str, learners, plans) -> dict[tuple[int, int], str]:
    """Enrol every learner in every course; return (user id, course id) → registration."""
    from lms.learning.models import Enrolment

    engine = create_engine(url)
    registrations, rows = {}, []
    for user_id, _pseudonym in learners:
        for plan in plans:
            registration = str(uuid.uuid4())
            registrations[(user_id, plan["id"])] = registration
            rows.append({"user_id": user_id, "course_id": plan["id"],
                         "course_version_id": plan["version_id"], "registration": registration,
                         "status": "active", "source": "self", "enrolled_at": START,
                         "last_position": 0.0})
    with engine.begin() as conn:
        conn.execute(insert(Enrolment.__table__), rows)
    engine.dispose()
    return registrations


def _statement(base, pseudonym, verb, iri, kind, registration, parent, course_iri, moment,
               result=None):
    from xapi import vocabulary as v

    value = {
        "id": str(uuid.uuid4()),
        "actor": v.learner_actor(base, pseudonym),
        "verb": v.verb(verb),
        "object": v.activity(iri, kind),
        "context": {"registration": registration,
                    "contextActivities": {"grouping": [{"id": course_iri}]}},
        "timestamp": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    if parent:
        value["context"]["contextActivities"]["parent"] = [{"id": parent}]
    if result:
        value["result"] = result
    return value


def learner_statements(base, pseudonym, plan, registration, rng, moment):
    """One learner's walk through part of a course: launched/completed, answers, results."""
    from xapi import vocabulary as v

    course_iri = v.course_iri(base, plan["model_id"])
    share = rng.random()
    lessons = plan["lessons"][: max(1, int(len(plan["lessons"]) * share))]
    out = [_statement(base, pseudonym, "registered", course_iri, "course", registration, None,
                      course_iri, moment)]
    for kind, module_id, lesson_id, questions in lessons:
        moment += timedelta(minutes=rng.randint(3, 25))
        iri = v.lesson_iri(base, plan["model_id"], module_id, lesson_id)
        module = v.module_iri(base, plan["model_id"], module_id)
        if kind == "session":
            continue
        activity_kind = "assessment" if kind in ("quiz", "assessment") else "lesson"
        out.append(_statement(base, pseudonym, "launched", iri, activity_kind, registration,
                              module, course_iri, moment))
        if kind == "lesson":
            out.append(_statement(base, pseudonym, "completed", iri, "lesson", registration,
                                  module, course_iri, moment))
            continue
        for _attempt in range(rng.randint(1, 2)):
            right = 0
            for question in questions:
                correct = rng.random() < 0.8
                right += correct
                out.append(_statement(
                    base, pseudonym, "answered", f"{iri}/question/{question}", "question",
                    registration, iri, course_iri, moment, {"success": correct}))
            scaled = round(right / max(1, len(questions)), 4)
            out.append(_statement(base, pseudonym, "passed" if scaled >= 0.7 else "failed", iri,
                                  "assessment", registration, module, course_iri, moment,
                                  {"score": {"scaled": scaled}, "success": scaled >= 0.7,
                                   "completion": True}))
    return out


def preload_statements(url: str, base: str, learners, plans, registrations, total: int,
                       batch: int = 2000) -> tuple[int, float]:
    """Store about ``total`` statements in learner walks; return (count, seconds)."""
    from lms.db import tune_sqlite
    from xapi.lrs import LRS

    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", tune_sqlite)
    lrs = LRS(secret=b"bench-learning")
    authority = {"objectType": "Agent", "name": "ATLAS Campus",
                 "account": {"homePage": base, "name": "atlas-campus"}}
    rng = random.Random(42)
    began, stored, pending = time.perf_counter(), 0, []
    rounds = 0
    while stored + len(pending) < total:
        for user_id, pseudonym in learners:
            for plan in plans:
                moment = START + timedelta(days=rng.randint(0, 300), minutes=rounds)
                pending.extend(learner_statements(base, pseudonym, plan,
                                                  registrations[(user_id, plan["id"])],
                                                  rng, moment))
                while len(pending) >= batch:
                    chunk, pending = pending[:batch], pending[batch:]
                    with engine.begin() as conn:
                        lrs.store(conn, chunk, authority=authority, version="2.0.0",
                                  now=datetime.now(UTC))
                    stored += len(chunk)
                    if stored % 100_000 < batch:
                        log.info("  %d statements stored", stored)
                if stored + len(pending) >= total:
                    break
            if stored + len(pending) >= total:
                break
        rounds += 1
    if pending:
        with engine.begin() as conn:
            lrs.store(conn, pending, authority=authority, version="2.0.0",
                      now=datetime.now(UTC))
        stored += len(pending)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return stored, time.perf_counter() - began
