"""Benchmark of qualification planning: a company's matrix and the network's picture.

Builds a throwaway database (a SQLite file in /tmp, or a PostgreSQL schema), migrated by
the real migrations, and bulk-inserts with Core ``executemany``:

- company A: ``--employees`` people in 12 departments, ``--qualifications`` qualifications
  (a third from the network's catalogue, the rest its own), ``--roles`` roles each requiring
  4–8 of them, 1–2 roles per person, evidence for about 70 % of the required cells with
  expiry dates spread from a year ago to two years ahead;
- the network: ``--companies`` member companies in all (region and headcount set) with
  ``--network-employees`` people in all, each holding one of three roles per company built
  from the catalogue, with evidence for about 60 % of the required cells.

Then it times, through the Flask test client, with the company's manager (API token with
``qualifications:read``) and a network staff member:

- the matrix, first 100 rows with filters: the page (``--matrix-path``, if the app has it)
  and ``GET /api/v1/matrix``; p50/p95 over ``--requests`` requests;
- the matrix's XLSX export (``--export-path``, if the app has it);
- the network picture over all companies (``/network/qualifications/`` per grouping, and
  its CSV export).

    .venv/bin/python bench/qualifications.py                      # 3,000 / 500 / 52,000
    .venv/bin/python bench/qualifications.py --backend postgresql
    .venv/bin/python bench/qualifications.py --employees 300 --companies 60 \\
        --network-employees 5000 --requests 5                      # quick
"""

from __future__ import annotations

import argparse
import gc
import logging
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lrs import database  # noqa: E402 - after the path set-up (bench/lrs.py)

from tests.conftest import make_test_app  # noqa: E402

log = logging.getLogger("bench.qualifications")
BATCH = 20_000
PASSWORD = "bench-password-1"
TODAY = date.today()
REGIONS = ("Kreis Olpe", "Kreis Siegen-Wittgenstein", "Märkischer Kreis",
           "Hochsauerlandkreis", "Kreis Soest")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _insert(table, rows: list[dict]) -> None:
    from sqlalchemy import insert

    from lms.extensions import db

    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start:start + BATCH])


def _people(organisation_id: int, count: int, prefix: str, departments: list[int], now,
            rng) -> list[int]:
    from sqlalchemy import select

    from lms.accounts.models import Membership, User
    from lms.extensions import db

    _insert(User, [
        {"email": f"{prefix}{n:06d}@bench.example", "name": f"{prefix.title()} {n:06d}",
         "password_hash": "x", "locale": "de", "pseudonym": uuid.uuid4().hex,
         "is_active_account": True, "is_admin": False, "is_trainer": False,
         "is_network_staff": False, "created_at": now, "updated_at": now}
        for n in range(count)])
    ids = list(db.session.scalars(select(User.id).where(
        User.email.like(f"{prefix}%@bench.example")).order_by(User.id)))
    _insert(Membership, [
        {"user_id": uid, "organisation_id": organisation_id, "role": "employee",
         "department_id": departments[i % len(departments)] if departments else None,
         "personnel_number": f"P{i:06d}", "created_at": now, "updated_at": now}
        for i, uid in enumerate(ids)])
    return ids


def _evidence_rows(pairs, share: float, rng, now) -> list[dict]:
    """Evidence for about ``share`` of (user, qualification, level) cells."""
    rows = []
    for user_id, qualification_id, level in pairs:
        if rng.random() > share:
            continue
        until = None if rng.random() < 0.2 else TODAY + timedelta(days=rng.randint(-365, 730))
        rows.append({"user_id": user_id, "qualification_id": qualification_id, "level": level,
                     "kind": "course", "course_slug": "e-mobility",
                     "source_key": f"bench:{user_id}:{qualification_id}",
                     "issued_on": TODAY - timedelta(days=400), "valid_until": until,
                     "note": "", "created_at": now})
    return rows


def build(app, employees: int, qualification_count: int, role_count: int, companies: int,
          network_employees: int) -> dict:
    from sqlalchemy import select, text

    from lms.accounts.models import Department, Membership, Organisation, User
    from lms.accounts.passwords import hash_password
    from lms.api import tokens
    from lms.db import utcnow
    from lms.extensions import db
    from lms.qualifications.models import (
        Evidence,
        JobRole,
        Qualification,
        RoleHolder,
        RoleRequirement,
    )

    rng = random.Random(20)
    began = time.perf_counter()
    figures = {}
    with app.app_context(), app.test_request_context():
        now = utcnow()
        catalogue_count = qualification_count // 3
        _insert(Qualification, [
            {"organisation_id": None, "key": f"netz-{n:02d}",
             "title_de": f"Netzwerk-Qualifikation {n:02d}",
             "title_en": f"Network qualification {n:02d}", "description_de": "",
             "description_en": "", "levels": ["Grundlagen", "Vertieft"],
             "validity_months": 12 if n % 2 else None, "created_at": now, "archived": False}
            for n in range(catalogue_count)])
        catalogue = list(db.session.scalars(select(Qualification.id).where(
            Qualification.organisation_id.is_(None)).order_by(Qualification.id)))

        # --- company A --------------------------------------------------------------------
        company = Organisation(name="Bench Hauptfirma GmbH", city="Siegen",
                               region="Kreis Siegen-Wittgenstein", employee_count=employees,
                               created_at=now, updated_at=now)
        db.session.add(company)
        db.session.flush()
        _insert(Department, [{"organisation_id": company.id, "name": f"Abteilung {n:02d}",
                              "cost_centre": "", "created_at": now, "updated_at": now}
                             for n in range(12)])
        departments = list(db.session.scalars(select(Department.id).where(
            Department.organisation_id == company.id).order_by(Department.id)))
        manager = User(email="manager@bench.example", name="Bench Managerin",
                       password_hash=hash_password(PASSWORD), created_at=now, updated_at=now)
        staff = User(email="netzwerk@bench.example", name="Bench Netzwerk",
                     password_hash=manager.password_hash, is_network_staff=True,
                     created_at=now, updated_at=now)
        db.session.add_all([manager, staff])
        db.session.flush()
        db.session.add(Membership(user_id=manager.id, organisation_id=company.id, role="manager",
                                  created_at=now, updated_at=now))
        people = _people(company.id, employees, "mitarbeiter", departments, now, rng)
        _insert(Qualification, [
            {"organisation_id": company.id, "key": f"eigen-{n:02d}",
             "title_de": f"Eigene Qualifikation {n:02d}", "title_en": "", "description_de": "",
             "description_en": "", "levels": ["Grundlagen"], "validity_months": 24,
             "created_at": now, "archived": False}
            for n in range(qualification_count - catalogue_count)])
        own = list(db.session.scalars(select(Qualification.id).where(
            Qualification.organisation_id == company.id).order_by(Qualification.id)))
        levels = {qid: 1 for qid in own} | {qid: rng.choice((1, 2)) for qid in catalogue}
        _insert(JobRole, [{"organisation_id": company.id, "name": f"Rolle {n:02d}",
                           "description": "", "sso_department": ""} for n in range(role_count)])
        roles = list(db.session.scalars(select(JobRole.id).where(
            JobRole.organisation_id == company.id).order_by(JobRole.id)))
        requirements = {role: rng.sample(catalogue + own, rng.randint(4, 8)) for role in roles}
        _insert(RoleRequirement, [{"role_id": role, "qualification_id": qid, "level": levels[qid]}
                                  for role, qids in requirements.items() for qid in qids])
        holders, cells = [], set()
        for uid in people:
            for role in rng.sample(roles, rng.choice((1, 1, 2))):
                holders.append({"role_id": role, "user_id": uid, "source": "manual",
                                "assigned_at": now})
                cells.update((uid, qid, levels[qid]) for qid in requirements[role])
        _insert(RoleHolder, holders)
        _insert(Evidence, _evidence_rows(sorted(cells), 0.7, rng, now))
        figures.update(company_people=len(people), company_cells=len(cells))

        # --- the other member companies --------------------------------------------------------
        others = companies - 1
        per_company = max(1, (network_employees - employees) // max(others, 1))
        _insert(Organisation, [
            {"name": f"Bench Mitglied {n:03d} GmbH", "city": "", "region": REGIONS[n % 5],
             "employee_count": rng.choice((20, 80, 400, 1500)), "requires_two_factor": False,
             "join_domains": "", "created_at": now, "updated_at": now} for n in range(others)])
        member_ids = list(db.session.scalars(select(Organisation.id).where(
            Organisation.name.like("Bench Mitglied %")).order_by(Organisation.id)))
        _insert(User, [
            {"email": f"netz{n:06d}@bench.example", "name": f"Netz {n:06d}", "password_hash": "x",
             "locale": "de", "pseudonym": uuid.uuid4().hex, "is_active_account": True,
             "is_admin": False, "is_trainer": False, "is_network_staff": False,
             "created_at": now, "updated_at": now} for n in range(per_company * others)])
        network_people = list(db.session.scalars(select(User.id).where(
            User.email.like("netz0%@bench.example") | User.email.like("netz1%@bench.example")
            | User.email.like("netz2%@bench.example") | User.email.like("netz3%@bench.example")
            | User.email.like("netz4%@bench.example")).order_by(User.id)))
        _insert(Membership, [
            {"user_id": uid, "organisation_id": member_ids[i // per_company], "role": "employee",
             "personnel_number": "", "created_at": now, "updated_at": now}
            for i, uid in enumerate(network_people)])
        _insert(JobRole, [{"organisation_id": oid, "name": name, "description": "",
                           "sso_department": ""} for oid in member_ids
                          for name in ("Instandhaltung", "Schichtleitung", "Qualität")])
        member_roles = db.session.execute(select(JobRole.id, JobRole.organisation_id).where(
            JobRole.organisation_id.in_(member_ids)).order_by(JobRole.id)).all()
        role_needs = {role: rng.sample(catalogue, min(len(catalogue), rng.randint(3, 6)))
                      for role, _oid in member_roles}
        _insert(RoleRequirement, [{"role_id": role, "qualification_id": qid, "level": 1}
                                  for role, qids in role_needs.items() for qid in qids])
        roles_of: dict[int, list[int]] = {}
        for role, oid in member_roles:
            roles_of.setdefault(oid, []).append(role)
        holders, cells = [], set()
        for i, uid in enumerate(network_people):
            role = rng.choice(roles_of[member_ids[i // per_company]])
            holders.append({"role_id": role, "user_id": uid, "source": "sso",
                            "assigned_at": now})
            cells.update((uid, qid, 1) for qid in role_needs[role])
        _insert(RoleHolder, holders)
        _insert(Evidence, _evidence_rows(sorted(cells), 0.6, rng, now))
        figures.update(companies=others + 1, network_people=len(network_people) + len(people),
                       network_cells=len(cells) + figures["company_cells"])

        _token, secret = tokens.create_token(manager, company, "Bench", ["qualifications:read"],
                                             now + timedelta(days=30), now)
        figures["secret"] = secret
        figures["department_id"] = departments[0]
        figures["role_id"] = roles[0]
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        figures["generation_seconds"] = round(time.perf_counter() - began, 1)
    return figures


def _timed(client, path: str, requests: int, headers=None) -> dict:
    """Wall-clock p50/p95/max, and the median CPU time of this process (with SQLite the
    whole query runs in it: what an idle core would need on a busy machine)."""
    timings, cpu, size = [], [], 0
    for number in range(requests + 1):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(path, headers=headers or {})
        elapsed = (time.perf_counter() - began) * 1000
        used = (time.process_time() - began_cpu) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}: "
                             f"{response.get_data(as_text=True)[:300]}")
        size = len(response.data)
        if number:  # the first request warms caches
            timings.append(elapsed)
            cpu.append(used)
    return {"cpu": round(statistics.median(cpu), 1), "p50": round(statistics.median(timings), 1),
            "p95": round(percentile(timings, 0.95), 1), "max": round(max(timings), 1),
            "bytes": size}


def _has_route(app, path: str) -> bool:
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(path.split("?")[0], method="GET")
    except Exception:  # noqa: BLE001 - NotFound, MethodNotAllowed, RequestRedirect
        return False
    return True


def _sign_in(app, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"{email} could not sign in ({response.status_code})")
    return client


def measure(app, built: dict, requests: int, matrix_path: str, export_path: str) -> None:
    filters = f"department={built['department_id']}&role={built['role_id']}"
    api = app.test_client()
    headers = {"Authorization": f"Bearer {built['secret']}"}
    for label, query in (("no filter", ""), ("department+role", filters),
                         ("status=expired", "status=expired")):
        result = _timed(api, f"/api/v1/matrix?per_page=100&{query}", requests, headers)
        print(f"API /api/v1/matrix first 100 rows ({label}), {requests} requests: "
              f"p50 {result['p50']} ms, p95 {result['p95']} ms, max {result['max']} ms, "
                  f"CPU median {result['cpu']} ms")
    manager = _sign_in(app, "manager@bench.example")
    page_filters = f"department_id={built['department_id']}&role_id={built['role_id']}"
    if _has_route(app, matrix_path):
        for label, query in (("no filter", ""), ("department+role", page_filters),
                             ("status=expired", "status=expired")):
            joiner = "&" if "?" in matrix_path else "?"
            result = _timed(manager, f"{matrix_path}{joiner}{query}", requests)
            print(f"matrix page {matrix_path} ({label}), {requests} requests: "
                  f"p50 {result['p50']} ms, p95 {result['p95']} ms, max {result['max']} ms, "
                  f"CPU median {result['cpu']} ms")
    else:
        print(f"matrix page {matrix_path}: no such route in this build (skipped)")
    if _has_route(app, export_path):
        result = _timed(manager, export_path, 2)
        print(f"matrix XLSX export {export_path}: p50 {result['p50'] / 1000:.2f} s, "
              f"max {result['max'] / 1000:.2f} s, CPU median {result['cpu'] / 1000:.2f} s, "
              f"{result['bytes']} bytes")
    else:
        print(f"matrix export {export_path}: no such route in this build (skipped)")
    staff = _sign_in(app, "netzwerk@bench.example")
    for dimension in ("all", "region", "size"):
        result = _timed(staff, f"/network/qualifications/?dimension={dimension}", requests)
        print(f"network picture page ({dimension}), {requests} requests: "
              f"p50 {result['p50']} ms, p95 {result['p95']} ms, max {result['max']} ms, "
                  f"CPU median {result['cpu']} ms")
    result = _timed(staff, "/network/qualifications/export.xlsx?dimension=region", 3)
    print(f"network picture XLSX export (region): p50 {result['p50']} ms, "
          f"max {result['max']} ms, CPU median {result['cpu']} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=3_000)
    parser.add_argument("--qualifications", type=int, default=40)
    parser.add_argument("--roles", type=int, default=25)
    parser.add_argument("--companies", type=int, default=500)
    parser.add_argument("--network-employees", type=int, default=52_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--matrix-path", default="/company/qualifications/",
                        help="the matrix page's address (timed if the app has it)")
    parser.add_argument("--export-path", default="/company/qualifications/export.xlsx",
                        help="the matrix XLSX export's address (timed if the app has it)")
    parser.add_argument("--no-gc-freeze", action="store_true",
                        help="leave the start-up objects to the garbage collector (wsgi.py "
                             "freezes them after create_app(); by default so does this)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite",
                        help="a SQLite file in /tmp, or a throwaway schema in the PostgreSQL "
                             "of ATLAS_TEST_DATABASE_URL (or 127.0.0.1:5432/test)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    with tempfile.TemporaryDirectory(prefix="bench-qualifications-", dir="/tmp") as folder, \
            database(args.backend, Path(folder)) as (url, _description):
        app = make_test_app(url, Path(folder) / "instance", SERVER_NAME=None, TESTING=False,
                            WTF_CSRF_ENABLED=False, ATLAS_API_RATE_LIMIT="100000 per minute",
                            ATLAS_SCHEDULE_IN_WEB=False)  # no daily round mid-measure
        built = build(app, args.employees, args.qualifications, args.roles, args.companies,
                      args.network_employees)
        print(f"generated company A: {built['company_people']} people, "
              f"{built['company_cells']} required cells; network: {built['companies']} "
              f"companies, {built['network_people']} people, {built['network_cells']} "
              f"required cells, in {built['generation_seconds']} s "
              f"({args.backend})")
        if not args.no_gc_freeze:  # as wsgi.py does after create_app()
            gc.collect()
            gc.freeze()
        print(f"garbage collector: {'not frozen' if args.no_gc_freeze else 'frozen'} "
              f"({len(gc.get_objects())} tracked objects outside the frozen set)")
        measure(app, built, args.requests, args.matrix_path, args.export_path)


if __name__ == "__main__":
    main()
