"""Benchmark of the assessment side of the trainers' cockpit: item analysis and grading queue.

Builds a throwaway database (SQLite file, or a PostgreSQL schema) with the real migrations,
imports a generated course whose final assessment has 30 single-choice questions, and
stores ``--answers`` answers to it (``--answers / 30`` graded attempts, with a realistic
spread of abilities, so some questions discriminate and some do not). Then it times, in
process (no HTTP server; the page is rendered through Flask's test client, templates and
all):

    item analysis   lms.teaching.item_analysis.analyse over all answers (three queries)
    grading queue   GET /teaching/grading for a trainer of 5 of 20 courses, with
                    ``--backlog`` open answers waiting across the 20 courses

    .venv/bin/python bench/grading.py                          # 100,000 answers, 2,000 waiting
    .venv/bin/python bench/grading.py --answers 20000          # a quick run
    .venv/bin/python bench/grading.py --backend postgresql

Targets (issue 13): item analysis ≤ 1 s, grading queue ≤ 150 ms. The figures are printed.
"""

import argparse
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
sys.path.insert(0, str(ROOT / "bench"))

from lrs import database, percentile  # noqa: E402 - after the path set-up

QUESTIONS = 30
COURSES = 20
TRAINED = 5

ASSESSMENT = """---
id: bench-abschlusstest
title: Abschlusstest
type: assessment
pass_mark: 70
---

# Abschlusstest

""" + "\n".join(
    f":::quiz id=f{n:02d}\nFrage {n}: Welche Antwort stimmt?\n[(X)] richtig {n}\n"
    f"[( )] falsch A {n}\n[( )] falsch B {n}\n[( )] falsch C {n}\n:::\n"
    for n in range(1, QUESTIONS + 1))

OPEN_QUIZ = """---
id: bench-transfer
title: Transfer
type: quiz
---

# Transfer

:::open id=t1 points=4 upload=optional
Beschreiben Sie Ihren Arbeitsplatz.

Bewertungshinweis: konkret und richtig.
:::
"""


def build_course(root: Path, slug: str) -> Path:
    from authoring.scaffold import new_course

    course = new_course(root / slug, slug)
    module = course / "modules" / "01-einfuehrung"
    (module / "04-abschlusstest.md").write_text(ASSESSMENT, encoding="utf-8")
    (module / "02-quiz.md").write_text(OPEN_QUIZ.replace("bench-transfer", f"{slug}-transfer"),
                                       encoding="utf-8")
    return course


def timed(action, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of this process per run.

    On a busy machine the wall clock includes waiting for a core; the CPU time does not
    (with SQLite the whole query runs in this process; with PostgreSQL it does not).
    """
    values, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        values.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return values, cpu


def report(name: str, measured: tuple[list[float], list[float]], target: float) -> None:
    values, cpu = measured
    print(f"  {name:<36} median {statistics.median(values):7.1f} ms   "
          f"p95 {percentile(values, 0.95):7.1f} ms   max {max(values):7.1f} ms   "
          f"CPU median {statistics.median(cpu):6.1f} ms   "
          f"(target ≤ {target:g} ms, n={len(values)})")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--backlog", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--profile", action="store_true", help="profile the queue page")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    import flask_migrate
    from sqlalchemy import insert, select

    from lms.app import create_app
    from lms.catalog import services as catalog
    from lms.catalog.models import CourseTrainer
    from lms.catalog.version_content import content_for
    from lms.extensions import db
    from lms.learning.answer_models import QuizAnswer
    from lms.learning.models import QuizAttempt
    from lms.teaching.item_analysis import analyse
    from tests.factories import make_user

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder, database(args.backend, Path(folder)) as (
            url, description):
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(Path(folder) / "instance"),
            "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False, "ATLAS_LOG_LEVEL": "WARNING",
            "RATELIMIT_STORAGE_URI": "memory://", "WTF_CSRF_ENABLED": False,
            "ATLAS_BASE_URL": "http://localhost", "SERVER_NAME": "localhost"})
        with app.app_context(), app.test_request_context():
            flask_migrate.upgrade(revision="heads")
            now = datetime.now(UTC)
            courses = []
            for index in range(COURSES):
                source = build_course(Path(folder) / "src", f"bench-{index:02d}")
                courses.append(catalog.import_course(source, None, now, publish=True)
                               .version.course)
            course = courses[0]
            lesson = content_for(course.published_version).course.lesson("bench-abschlusstest")
            right = {q.id: q.choices[0].id for q in lesson.questions()}
            wrong = {q.id: [c.id for c in q.choices[1:]] for q in lesson.questions()}
            # question difficulty from easy to hard; a few discriminate poorly (pure guessing)
            difficulty = [rng.uniform(-2.0, 2.5) for _ in range(QUESTIONS)]
            guessing = {rng.randrange(QUESTIONS) for _ in range(4)}

            learners = [make_user(email=f"l{n}@bench.example") for n in range(500)]
            attempts_total = max(1, args.answers // QUESTIONS)
            started = time.perf_counter()
            attempt_rows, answer_rows = [], []
            for number in range(attempts_total):
                ability = rng.gauss(0, 1.2)
                marks = []
                for q, qid in enumerate(right):
                    if q in guessing:
                        correct = rng.random() < 0.5
                    else:
                        correct = rng.random() < 1 / (1 + 2.718 ** (difficulty[q] - ability))
                    marks.append((qid, correct))
                score = sum(correct for _, correct in marks)
                attempt_rows.append({
                    "id": number + 1, "user_id": learners[number % 500].id,
                    "course_id": course.id, "course_version_id": course.published_version_id,
                    "lesson_id": lesson.id, "number": number // 500 + 1, "language": "de",
                    "responses": {}, "score": score, "max_score": QUESTIONS,
                    "percent": round(100 * score / QUESTIONS, 2), "is_passed": score >= 21,
                    "submitted_at": now, "registration": str(uuid.uuid4()),
                    "is_pending": False})
                for qid, correct in marks:
                    answer_rows.append({
                        "attempt_id": number + 1, "user_id": learners[number % 500].id,
                        "course_id": course.id, "lesson_id": lesson.id, "question_id": qid,
                        "kind": "single", "score": float(correct), "max_score": 1.0,
                        "is_correct": correct,
                        "response": right[qid] if correct else rng.choice(wrong[qid]),
                        "submitted_at": now, "is_pending": False})
            db.session.execute(insert(QuizAttempt), attempt_rows)
            for start in range(0, len(answer_rows), 10_000):
                db.session.execute(insert(QuizAnswer), answer_rows[start:start + 10_000])

            # the backlog: open answers waiting in all 20 courses, oldest a week ago
            backlog_attempts, backlog = [], []
            for n in range(args.backlog):
                target = courses[n % COURSES]
                attempt_id = attempts_total + n + 1
                at = now - timedelta(minutes=rng.randrange(7 * 24 * 60))
                backlog_attempts.append({
                    "id": attempt_id, "user_id": learners[n % 500].id, "course_id": target.id,
                    "course_version_id": target.published_version_id,
                    "lesson_id": f"{target.slug}-transfer", "number": 1000 + n,
                    "language": "de", "responses": {"t1": "Text"}, "score": 0, "max_score": 4,
                    "percent": 0, "is_passed": False, "submitted_at": at,
                    "registration": str(uuid.uuid4()), "is_pending": True})
                backlog.append({
                    "attempt_id": attempt_id, "user_id": learners[n % 500].id,
                    "course_id": target.id, "lesson_id": f"{target.slug}-transfer",
                    "question_id": "t1", "kind": "open", "score": 0.0, "max_score": 4.0,
                    "is_correct": False, "response": "Text", "text": "Text " * 40,
                    "submitted_at": at, "is_pending": True})
            db.session.execute(insert(QuizAttempt), backlog_attempts)
            db.session.execute(insert(QuizAnswer), backlog)
            trainer = make_user(email="trainer@bench.example", is_trainer=True)
            for target in courses[:TRAINED]:
                db.session.add(CourseTrainer(course_id=target.id, user_id=trainer.id,
                                             granted_at=now))
            db.session.commit()
            if args.backend == "postgresql":
                db.session.execute(db.text("ANALYZE"))
                db.session.commit()
            load_seconds = time.perf_counter() - started
            stored = db.session.scalar(select(db.func.count()).select_from(QuizAnswer))
            trainer_email, course_id = trainer.email, course.id

        print(f"Grading benchmark on {description}")
        print(f"  data: {attempts_total:,} attempts × {QUESTIONS} questions = "
              f"{attempts_total * QUESTIONS:,} answers; {args.backlog:,} open answers "
              f"waiting in {COURSES} courses ({stored:,} answer rows; loaded in "
              f"{load_seconds:.1f} s)")

        with app.app_context():
            result = analyse(course_id, lesson)
            flagged = sum(1 for item in result.items if item.flag)
            print(f"  item analysis: {result.attempts:,} attempts, {flagged} questions flagged")
            values = timed(lambda: (analyse(course_id, lesson), db.session.rollback()),
                           args.runs)
        report("item analysis (30 questions)", values, 1000)

        client = app.test_client()
        with app.app_context():
            from lms.accounts.models import User

            user_id = db.session.scalar(select(User.id).where(User.email == trainer_email))
        with client.session_transaction() as session:
            session["_user_id"] = str(user_id)
            session["_fresh"] = True
        first = client.get("/teaching/grading")
        if first.status_code != 200:
            login = client.post("/login", data={"email": trainer_email,
                                                "password": "correct horse battery"})
            first = client.get("/teaching/grading")
            if first.status_code != 200:
                print(f"  grading queue answered {first.status_code} (login {login.status_code})")
                return 1
        page = first.get_data(as_text=True)
        waiting = page.split('data-waiting="', 1)[1].split('"', 1)[0]
        print(f"  grading queue: {waiting} waiting in the trainer's {TRAINED} courses, "
              f"oldest 50 listed")
        values = timed(lambda: client.get("/teaching/grading"), args.runs * 2)
        report("GET /teaching/grading", values, 150)
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(10):
                client.get("/teaching/grading")
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        values = timed(lambda: client.get(f"/teaching/grading?course={course_id}"),
                       args.runs * 2)
        report("GET /teaching/grading?course=<id>", values, 150)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
