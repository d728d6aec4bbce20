"""Benchmark of completion exports and the completions API at 50,000 employees × 3 courses.

Builds a throwaway database (SQLite file by default, or PostgreSQL with --backend), imports
the three ATLAS courses and bulk-inserts one company with N employees, each enrolled on the
three courses (progress for all, ~60 % completed with a certificate). Then measures, each
export in a fresh subprocess so its peak RSS is its own:

- CSV of all completion rows: time and peak RSS (the child's own ``VmHWM``);
- XLSX of the same rows: time, and openpyxl's own write-only speed on the same rows
  (materialised beforehand, not timed) → ratio;
- GET /api/v1/completions?per_page=100 with filters: p50/p95 over 200 requests (test client).

    .venv/bin/python bench/exports.py [--employees 50000] [--backend postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import dispose_engines, make_test_app  # noqa: E402 - after the path setup
from tests.databases import fresh_database  # noqa: E402

COURSES = ("e-mobility", "digital-production", "sustainability")
BATCH = 5000


def build(url: str, instance: Path, employees: int) -> None:
    """Migrate, import the courses and bulk-insert the company's completion data."""
    app = make_test_app(url, instance)
    with app.app_context():
        from sqlalchemy import insert, select

        from lms.accounts.models import Department, Membership, Organisation, User
        from lms.catalog import services
        from lms.catalog.models import Course
        from lms.certificates.models import Certificate
        from lms.db import utcnow
        from lms.extensions import db
        from lms.learning.models import CourseProgress, Enrolment

        now = utcnow()
        for name in COURSES:
            services.import_course(ROOT / "courses" / name, None, now)
        courses = db.session.execute(select(Course.id, Course.published_version_id)).all()
        organisation = Organisation(name="Bench Werke GmbH", city="Siegen", created_at=now,
                                    updated_at=now)
        db.session.add(organisation)
        db.session.flush()
        departments = []
        for n in range(20):
            department = Department(organisation_id=organisation.id, name=f"Abteilung {n:02}",
                                    cost_centre=str(4000 + n), created_at=now, updated_at=now)
            db.session.add(department)
            departments.append(department)
        db.session.flush()
        manager = User(email="manager@bench.example", name="Bench Manager", password_hash="x",
                       created_at=now, updated_at=now)
        db.session.add(manager)
        db.session.flush()
        db.session.add(Membership(user_id=manager.id, organisation_id=organisation.id,
                                  role="manager", created_at=now, updated_at=now))
        db.session.commit()

        connection = db.session.connection()
        first_id = manager.id + 1
        base = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
        for start in range(0, employees, BATCH):
            ids = range(first_id + start, first_id + min(start + BATCH, employees))
            connection.execute(insert(User), [
                {"id": i, "email": f"person{i}@bench.example", "name": f"Person {i:06}",
                 "password_hash": "x", "locale": "de", "pseudonym": uuid.uuid4().hex,
                 "is_active_account": True, "is_admin": False, "is_trainer": False,
                 "created_at": now, "updated_at": now} for i in ids])
            connection.execute(insert(Membership), [
                {"user_id": i, "organisation_id": organisation.id, "role": "employee",
                 "department_id": departments[i % 20].id, "personnel_number": f"P{i:06}",
                 "created_at": now, "updated_at": now} for i in ids])
            enrolments, progress, certificates = [], [], []
            for i in ids:
                for index, (course_id, version_id) in enumerate(courses):
                    enrolled = base + timedelta(hours=i % 5000)
                    enrolments.append({
                        "user_id": i, "course_id": course_id, "course_version_id": version_id,
                        "registration": str(uuid.uuid4()), "status": "active",
                        "source": "assigned", "due_at": base + timedelta(days=120),
                        "enrolled_at": enrolled, "last_position": 0.0})
                    done = (i + index) % 5 < 3
                    completed = enrolled + timedelta(days=10 + i % 50) if done else None
                    progress.append({
                        "user_id": i, "course_id": course_id, "lessons_done": 5,
                        "lessons_total": 8, "quizzes_passed": 1, "quizzes_total": 2,
                        "is_assessment_passed": done, "sessions_attended": 1,
                        "sessions_required": 1, "percent": 100 if done else 60,
                        "self_paced_minutes": 240, "synchronous_minutes": 90,
                        "started_at": enrolled, "last_activity_at": enrolled,
                        "completed_at": completed, "attended_sessions": []})
                    if done:
                        certificates.append({
                            "number": f"ATLAS-{i:06}-{index}", "user_id": i,
                            "course_id": course_id, "course_version_id": version_id,
                            "revision": 0, "learner_name": f"Person {i:06}",
                            "issued_at": completed, "completed_at": completed,
                            "expires_at": completed + timedelta(days=730), "revoke_reason": "",
                            "payload": {}, "signature": "x"})
            connection.execute(insert(Enrolment), enrolments)
            connection.execute(insert(CourseProgress), progress)
            connection.execute(insert(Certificate), certificates)
            db.session.commit()
            connection = db.session.connection()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    dispose_engines(app)


def child(kind: str, url: str, instance: Path) -> dict:
    """Run one export in this (child) process; return its figures."""
    from lms import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance),
                      "SECRET_KEY": "bench", "ATLAS_BASE_URL": "http://localhost"})
    with app.test_request_context():
        from sqlalchemy import select

        from lms.accounts.models import Organisation
        from lms.companies.exports import rows
        from lms.companies.exports.csv_export import csv_chunks
        from lms.companies.exports.xlsx_export import temp_path, write_xlsx
        from lms.db import utcnow
        from lms.extensions import db

        organisation = db.session.scalar(select(Organisation))
        now = utcnow()
        headings = [str(label) for _key, label in rows.COLUMNS]
        filters = rows.CompletionFilter()
        figures: dict = {"kind": kind}
        started = time.perf_counter()
        if kind == "csv":
            size = count = 0
            with open(os.devnull, "wb") as sink:
                for chunk in csv_chunks(rows.completion_rows(organisation, filters, now),
                                        headings, semicolon=True):
                    sink.write(chunk)
                    size += len(chunk)
            figures["bytes"] = size
            figures["seconds"] = time.perf_counter() - started
            count = rows.count_rows(organisation, filters, now)
            figures["rows"] = count
        elif kind == "xlsx":
            path = temp_path()
            figures["rows"] = write_xlsx(rows.completion_rows(organisation, filters, now),
                                         headings, path)
            figures["seconds"] = time.perf_counter() - started
            figures["bytes"] = os.path.getsize(path)
            os.unlink(path)
        elif kind == "openpyxl":
            from openpyxl import Workbook

            from lms.companies.exports.cells import local_date

            # The same cells as the export writes, materialised before the clock starts.
            width = len(rows.COLUMNS)
            data = []
            for row in rows.completion_rows(organisation, filters, now):
                values = list(row[:width])
                for index in (6, 7, 8):
                    values[index] = local_date(values[index])
                data.append(values)
            started = time.perf_counter()
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("Abschlüsse")
            sheet.append(headings)
            for values in data:
                sheet.append(values)
            path = temp_path()
            workbook.save(path)
            figures["seconds"] = time.perf_counter() - started
            figures["rows"] = len(data)
            os.unlink(path)
        elif kind == "baseline":
            figures["seconds"] = 0.0
    figures["peak_rss_mb"] = peak_rss_mb()
    dispose_engines(app)
    return figures


def peak_rss_mb() -> float:
    """This process's own peak RSS.

    Linux's ``ru_maxrss`` carries the high-water mark of the image replaced by ``exec``
    over into the new program: a child started from this (large, after ``build``) parent
    would report the parent's peak. ``VmHWM`` belongs to the running program alone.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(kind: str, url: str, instance: Path) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--url", url, "--instance", str(instance)],
        capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def api_figures(url: str, instance: Path, requests: int) -> dict:
    app = make_test_app(url, instance, ATLAS_API_RATE_LIMIT="100000 per minute")
    with app.app_context():
        from sqlalchemy import select

        from lms.accounts.models import Organisation, User
        from lms.api.tokens import create_token
        from lms.db import utcnow
        from lms.extensions import db

        organisation = db.session.scalar(select(Organisation))
        manager = db.session.scalar(select(User).where(User.email == "manager@bench.example"))
        _token, secret = create_token(manager, organisation, "bench", ["completions:read"],
                                      utcnow() + timedelta(days=1), utcnow())
        db.session.commit()
        department = 7
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    timings = []
    queries = [
        f"/api/v1/completions?per_page=100&page={1 + n % 20}"
        + ("&status=completed&course=e-mobility" if n % 2 == 0 else
           f"&department={department}&completed_after=2026-02-01")
        for n in range(requests)
    ]
    client.get(queries[0], headers=headers)  # warm caches, as a running server has them
    for query in queries:
        started = time.perf_counter()
        response = client.get(query, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)
    timings.sort()
    dispose_engines(app)
    return {"p50_ms": statistics.median(timings),
            "p95_ms": timings[int(len(timings) * 0.95) - 1], "max_ms": timings[-1],
            "total": response.get_json()["total"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--backend", help="a PostgreSQL URL (a schema is made and dropped)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.url, Path(args.instance))))
        return
    if args.backend:
        os.environ["ATLAS_TEST_DATABASE_URL"] = args.backend
    else:
        os.environ.pop("ATLAS_TEST_DATABASE_URL", None)
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp)) as url:
        instance = Path(tmp) / "instance"
        started = time.perf_counter()
        build(url, instance, args.employees)
        print(f"data: {args.employees} employees × {len(COURSES)} courses "
              f"({url.split(':')[0]}), built in {time.perf_counter() - started:.1f} s")
        baseline = run_child("baseline", url, instance)
        csv_run = run_child("csv", url, instance)
        xlsx_run = run_child("xlsx", url, instance)
        openpyxl_run = run_child("openpyxl", url, instance)
        api = api_figures(url, instance, args.requests)
    print(f"process baseline (app loaded, no export): peak RSS "
          f"{baseline['peak_rss_mb']:.0f} MB")
    print(f"CSV  {csv_run['rows']} rows, {csv_run['bytes'] / 1e6:.1f} MB: "
          f"{csv_run['seconds']:.2f} s, peak RSS {csv_run['peak_rss_mb']:.0f} MB")
    print(f"XLSX {xlsx_run['rows']} rows, {xlsx_run['bytes'] / 1e6:.1f} MB: "
          f"{xlsx_run['seconds']:.2f} s, peak RSS {xlsx_run['peak_rss_mb']:.0f} MB")
    print(f"openpyxl write-only alone, same rows: {openpyxl_run['seconds']:.2f} s "
          f"→ ratio {xlsx_run['seconds'] / openpyxl_run['seconds']:.2f}×")
    print(f"API /completions per_page=100 filtered, {args.requests} requests "
          f"({api['total']} matching on the last): p50 {api['p50_ms']:.1f} ms, "
          f"p95 {api['p95_ms']:.1f} ms, max {api['max_ms']:.1f} ms")


if __name__ == "__main__":
    main()
