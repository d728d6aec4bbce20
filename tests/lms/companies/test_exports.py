"""Completion exports and the funding evidence pack at /company/exports."""

import csv
import io
import json
import subprocess

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lms.companies.models import AccessLogEntry
from lms.extensions import db
from tests.factories import make_department, make_user
from tests.lms.api.world import SCORE, build_world


@pytest.fixture
def world(import_real):  # noqa: F811
    return build_world(import_real("e-mobility")[0].version)


@pytest.fixture
def manager_client(client, auth, world):
    auth.login(world.manager.email)
    return client


def export(client, auth, **fields):
    data = {"csrf_token": auth.csrf("/company/exports/"), "format": "csv", "course": "0",
            "department": "0", "status": ""}
    data.update(fields)
    return client.post("/company/exports/download", data=data)


def read_csv(response, delimiter=","):
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def test_page_lists_formats_and_pack(manager_client):
    page = manager_client.get("/company/exports/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Abschlussdaten exportieren" in html
    assert "Nachweis für die Förderung" in html


@pytest.mark.parametrize("role", ["employee", "outsider", "anonymous"])
def test_only_managers_reach_exports(client, auth, world, role):
    if role == "employee":
        auth.login(world.anna.email)
    elif role == "outsider":
        auth.login(make_user().email)
    response = client.get("/company/exports/")
    assert response.status_code in ((302,) if role == "anonymous" else (403,))


def test_csv_has_own_employees_without_scores(manager_client, auth, world):
    response = export(manager_client, auth)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    table = read_csv(response)
    header, body = table[0], table[1:]
    assert header[:6] == ["Name", "E-Mail", "Personalnummer", "Abteilung", "Kurs", "Status"]
    names = {row[0] for row in body}
    assert "Anna Abschluss" in names and "Carla Abbruch" in names
    assert "Bernd Fremd" not in names  # company B's employee
    anna = next(row for row in body if row[0] == "Anna Abschluss")
    assert anna[2:4] == ["P-001", "Montage"]
    assert anna[5] == "abgeschlossen"
    assert anna[8] == "2026-10-15"
    assert anna[9] == "2.5" and anna[10] == "1.5"
    assert anna[11] == world.certificate.number and anna[12] == "gültig"
    statuses = {row[0]: row[5] for row in body}
    assert statuses["Carla Abbruch"] == "abgemeldet"
    assert statuses["Dora Neu"] == "nicht begonnen"
    text = response.get_data(as_text=True)
    assert str(SCORE) not in text and "87,25" not in text


def test_csv_semicolon_and_injection_escaped(manager_client, auth, world):
    response = export(manager_client, auth, semicolon="y")
    table = read_csv(response, delimiter=";")
    formula_row = next(row for row in table if "HYPERLINK" in row[0])
    assert formula_row[0] == "'=HYPERLINK(\"http://evil\")"
    assert formula_row[2] == "'+49"
    assert formula_row[5] == "überfällig"
    anna = next(row for row in table if row[0] == "Anna Abschluss")
    assert anna[9] == "2,5"  # decimal comma for German Excel


def test_filters_narrow_the_rows(manager_client, auth, world):
    by_status = read_csv(export(manager_client, auth, status="overdue"))[1:]
    assert [row[5] for row in by_status] == ["überfällig"]
    by_department = read_csv(export(manager_client, auth, department=str(world.office.id)))[1:]
    assert {row[0] for row in by_department} == {"Carla Abbruch", "Dora Neu"}
    in_window = read_csv(export(manager_client, auth, date_from="2026-10-01",
                                date_to="2026-10-31"))[1:]
    assert [row[0] for row in in_window] == ["Anna Abschluss"]
    outside = read_csv(export(manager_client, auth, date_from="2026-11-01"))[1:]
    assert outside == []


def test_foreign_department_filter_is_rejected(manager_client, auth, world):
    other = world.org_b
    foreign = make_department(other, name="Fremdabteilung")
    response = export(manager_client, auth, department=str(foreign.id))
    assert response.status_code == 400


def test_xlsx_opens_with_rows(manager_client, auth, world):
    response = export(manager_client, auth, format="xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Name"
    names = [row[0] for row in rows[1:]]
    assert "Anna Abschluss" in names and "Bernd Fremd" not in names
    assert "'=HYPERLINK(\"http://evil\")" in names
    anna = next(row for row in rows if row[0] == "Anna Abschluss")
    assert anna[8].date().isoformat() == "2026-10-15"
    assert SCORE not in [cell for row in rows for cell in row]


def test_json_parses_and_has_no_scores(manager_client, auth, world):
    response = export(manager_client, auth, format="json")
    data = json.loads(response.get_data(as_text=True))
    assert {item["name"] for item in data} >= {"Anna Abschluss", "Dora Neu"}
    assert all(item["person_id"] != world.bernd.id for item in data)
    anna = next(item for item in data if item["name"] == "Anna Abschluss")
    assert anna["completed_at"] == "2026-10-15T09:30:00Z"
    assert not any("score" in key for item in data for key in item)


def test_xapi_export_has_completion_facts_only(manager_client, auth, world):
    response = export(manager_client, auth, format="xapi")
    statements = json.loads(response.get_data(as_text=True))
    assert len(statements) == 1  # Anna's; Bernd belongs to company B
    statement = statements[0]
    assert statement["verb"]["id"].endswith("/completed")
    assert statement["actor"]["account"]["name"] == world.anna.pseudonym
    assert statement["result"] == {"completion": True, "success": True}


def test_every_export_writes_an_audit_row(manager_client, auth, world):
    for kind in ("csv", "xlsx", "json", "xapi"):
        assert export(manager_client, auth, format=kind).status_code == 200
    actions = db.session.scalars(select(AccessLogEntry.action).where(
        AccessLogEntry.organisation_id == world.org_a.id,
        AccessLogEntry.actor_id == world.manager.id)).all()
    assert {"export_csv", "export_xlsx", "export_json", "export_xapi"} <= set(actions)


def test_other_company_manager_gets_only_own_rows(client, auth, world):
    auth.login(world.manager_b.email)
    body = read_csv(export(client, auth))[1:]
    assert [row[0] for row in body] == ["Bernd Fremd"]


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_funding_pack_lists_attendance_hours_and_dropouts(manager_client, auth, world, app,
                                                          tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ATLAS_FUNDING_PROVIDER_ID", "AZAV-123456")
    monkeypatch.setitem(app.config, "ATLAS_FUNDING_MEASURE_NUMBERS", "e-mobility=962/77/2026")
    response = manager_client.post("/company/exports/funding-pack", data={
        "csrf_token": auth.csrf("/company/exports/"), "course": str(world.version.course_id),
        "date_from": "2026-09-01", "date_to": "2026-10-31",
    })
    assert response.status_code == 303  # prepared by a job (inline here), served by its link
    response = manager_client.get(response.headers["Location"])
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.get_data(), tmp_path)
    assert "Praxistag Hochvolt" in text and "Werkhalle 3, Siegen" in text
    assert "10.10.2026" in text and "09:00" in text  # local time (CEST)
    assert "Max Fremdmanager" in text  # the trainer
    assert "Anna Abschluss" in text and "QR-Check-in" in text
    assert "nicht erfasst" in text  # Ben registered without check-in: signature line
    assert "Bernd Fremd" not in text  # company B
    assert "1,50" in text and "2,50" in text  # Anna: 1.5 h synchronous, 2.5 h self-paced
    assert "Carla Abbruch" in text and "02.10.2026" in text  # dropout with date
    assert "AZAV-123456" in text and "962/77/2026" in text
    assert "87" not in text.replace("87,", "")  # no score anywhere
    actions = db.session.scalars(select(AccessLogEntry.action).where(
        AccessLogEntry.organisation_id == world.org_a.id)).all()
    assert "export_funding" in actions


def test_funding_pack_needs_a_period(manager_client, auth, world):
    response = manager_client.post("/company/exports/funding-pack", data={
        "csrf_token": auth.csrf("/company/exports/"), "course": str(world.version.course_id),
    })
    assert response.status_code == 400


def test_local_days_match_local_date_across_daylight_saving():
    from datetime import UTC, datetime, timedelta

    from lms.companies.exports.cells import LocalDays, local_date

    days = LocalDays()
    start = datetime(2026, 3, 28, 20, 0, tzinfo=UTC)  # over the spring change in Berlin
    for step in range(0, 60 * 30, 7):
        moment = start + timedelta(minutes=step)
        assert days.date(moment) == local_date(moment)
        assert days.text(moment) == local_date(moment).isoformat()
    autumn = datetime(2026, 10, 24, 21, 59, 59, tzinfo=UTC)  # 23:59:59 local, still CEST
    assert days.text(autumn) == "2026-10-24"
    assert days.text(autumn + timedelta(seconds=1)) == "2026-10-25"
    assert days.text(None) == ""


def test_whole_export_restores_the_sqlite_page_cache(app, world):
    from lms.companies.exports import rows
    from lms.db import utcnow

    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        pytest.skip("the page cache is SQLite's")
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    stream = rows.completion_rows(world.org_a, rows.CompletionFilter(), utcnow())
    first = next(stream)
    during = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    assert first.name and during == -rows.EXPORT_SQLITE_CACHE_KIB
    stream.close()  # e.g. the client went away mid-download
    assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == before


def test_funding_pack_measures_self_study_from_activity(app, world):
    """16 lessons clicked through in two minutes are two minutes, not ten nominal hours;
    a learner who reads gets the time between her steps, each gap at most 30 minutes."""
    from datetime import UTC, datetime, timedelta

    from lms.companies.exports.funding_pack import build_pack
    from lms.learning import player
    from lms.learning.enrolment import enrol
    from lms.learning.models import CourseProgress
    from tests.factories import make_member

    course = world.version.course
    model_lessons = [lesson for lesson in player.lesson_state(
        enrol(world.dora, course, world.manager, datetime(2026, 9, 1, 8, tzinfo=UTC))
    ).model.lessons() if lesson.kind == "lesson"]
    assert len(model_lessons) >= 8

    def work_through(user, start, step, lessons):
        enrolment = enrol(user, course, world.manager, start - timedelta(days=1))
        moment = start
        for lesson in lessons:
            state = player.lesson_state(enrolment)
            player.open_lesson(state, lesson.id, "de", moment)
            moment += step
            player.mark_lesson_done(player.lesson_state(enrolment), lesson.id, "de", moment)
            moment += timedelta(seconds=1)
        db.session.flush()

    clicker = make_member(world.org_a, name="Klick Schnell")
    work_through(clicker, datetime(2026, 9, 10, 8, tzinfo=UTC), timedelta(seconds=6),
                 model_lessons)
    reader = make_member(world.org_a, name="Lese Gründlich")
    # two lessons of 20 minutes, then a pause over lunch (counted as 30 minutes at most)
    work_through(reader, datetime(2026, 9, 10, 8, tzinfo=UTC), timedelta(minutes=20),
                 model_lessons[:2])
    work_through(reader, datetime(2026, 9, 10, 13, tzinfo=UTC), timedelta(minutes=20),
                 model_lessons[2:3])

    pack = build_pack(world.org_a, course, datetime(2026, 9, 1, tzinfo=UTC),
                      datetime(2026, 11, 1, tzinfo=UTC))
    lines = {line.name: line for line in pack.hours}
    nominal = db.session.get(CourseProgress, db.session.scalar(
        select(CourseProgress.id).where(CourseProgress.user_id == clicker.id)))
    assert nominal.self_paced_minutes >= 60  # the projection's nominal minutes, hours of them
    fast = lines["Klick Schnell"]
    assert fast.self_paced_minutes == nominal.self_paced_minutes  # shown beside …
    assert fast.measured_minutes <= 3  # … what was actually spent: about two minutes
    slow = lines["Lese Gründlich"]
    # 20 + 1 s + 20 min, then the lunch gap capped at 30 minutes, then 20 minutes
    assert 89 <= slow.measured_minutes <= 91


@pytest.mark.parametrize(("kind", "mimetype", "ending"), [
    ("csv", "text/csv", ".csv"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    ("json", "application/json", ".json"),
    ("xapi", "application/json", ".xapi.json"),
])
def test_each_format_downloads_with_its_media_type_and_file_name(manager_client, auth, kind,
                                                                 mimetype, ending):
    response = export(manager_client, auth, format=kind)
    assert response.status_code == 200
    assert response.mimetype == mimetype
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and f'{ending}"' in disposition
    assert response.headers["Cache-Control"] == "no-store"


def test_an_unknown_format_is_refused_on_the_form(manager_client, auth):
    response = export(manager_client, auth, format="pdf")
    assert response.status_code == 400
    assert "Abschlussdaten exportieren" in response.get_data(as_text=True)
