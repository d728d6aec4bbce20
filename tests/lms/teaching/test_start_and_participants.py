"""The trainer's start page, the participants list and its exports, and the access log."""

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lms.catalog.trainers import grant_course_trainer
from lms.companies.models import AccessLogEntry
from lms.db import utcnow
from lms.extensions import db
from tests.factories import make_user
from tests.lms.learning.quiz_helpers import SLUG, enrol_directly
from tests.lms.teaching.cockpit_helpers import text

pytest_plugins = ["tests.lms.teaching.cockpit_fixtures"]

PARTICIPANTS = f"/teaching/courses/{SLUG}/participants"


def test_trainer_lands_on_the_cockpit_and_a_learner_on_the_dashboard(client, auth, trainer,
                                                                     learner):
    response = auth.login(trainer.email)
    assert response.headers["Location"] == "/welcome"
    assert client.get("/welcome").headers["Location"] == "/teaching/"
    page = text(client.get("/teaching/").get_data(as_text=True))
    assert "Kursbetreuung" in page and "Zu Ihrem eigenen Lernen" in page
    assert client.get("/").status_code == 200  # the trainer's own learning stays reachable
    auth.logout()
    assert auth.login(learner.email).headers["Location"] == "/"
    assert client.get("/teaching/").status_code == 403


def test_start_page_shows_figures_and_the_stuck_learner(client, auth, trainer, stuck_learner,
                                                        quiz_course):
    idle = make_user(name="Ida Inaktiv")
    enrol_directly(idle, quiz_course)
    db.session.commit()
    auth.login(trainer.email)
    page = text(client.get("/teaching/").get_data(as_text=True))
    assert "Angemeldet 2" in page and "Aktiv (30 Tage) 1" in page and "Abgeschlossen 0" in page
    stuck = page.split("Wer feststeckt", 1)[1].split("Offene Antworten", 1)[0]
    assert "Lena Lernende" in stuck and "keine Versuche mehr" in stuck
    assert "Ida Inaktiv" not in stuck  # no due date: silent, but not stuck
    logged = db.session.scalars(select(AccessLogEntry.subject_id).where(
        AccessLogEntry.action == "trainer_view_stuck")).all()
    assert logged == [stuck_learner.id]


def test_silent_learner_with_a_near_due_date_is_stuck(client, auth, trainer, learner,
                                                      quiz_course):
    from datetime import timedelta

    from lms.learning.models import Enrolment
    from lms.local_time import local_day

    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == learner.id))
    enrolment.enrolled_at = utcnow() - timedelta(days=20)
    enrolment.due_on = local_day(utcnow()) + timedelta(days=5)
    db.session.commit()
    auth.login(trainer.email)
    page = text(client.get("/teaching/").get_data(as_text=True))
    stuck = page.split("Wer feststeckt", 1)[1].split("Offene Antworten", 1)[0]
    assert "Lena Lernende" in stuck and "seit 14 Tagen keine Aktivität" in stuck


def test_participants_list_shows_results_and_writes_the_access_log(client, auth, trainer,
                                                                   stuck_learner):
    auth.login(trainer.email)
    html = client.get(PARTICIPANTS).get_data(as_text=True)
    page = text(html)
    assert "Lena Lernende" in page and "Autohaus Siegen" in page
    assert "Abschlusstest" in page and "2 Versuche" in page
    entries = list(db.session.scalars(select(AccessLogEntry).where(
        AccessLogEntry.subject_id == stuck_learner.id)))
    assert [(e.action, e.actor_id, e.organisation_id) for e in entries] == [
        ("trainer_view_participants", trainer.id, None)]
    client.get(PARTICIPANTS)  # a reload within ten minutes is the same look
    assert db.session.scalar(select(db.func.count(AccessLogEntry.id)).where(
        AccessLogEntry.subject_id == stuck_learner.id)) == 1
    client.get(f"{PARTICIPANTS}/{stuck_learner.id}")
    auth.logout()
    auth.login(stuck_learner.email)
    log = text(client.get("/me/access-log").get_data(as_text=True))
    assert "Tina Trainerin" in log
    assert "Kursbetreuung: Teilnehmendenliste mit Ihren Ergebnissen" in log
    assert "Kursbetreuung: Ihre Ergebnisse im Kurs angesehen" in log


def test_filters_by_status_and_company_and_refuses_bad_input(client, auth, trainer,
                                                             stuck_learner, quiz_course):
    other = make_user(name="Otto Ohnefirma")
    enrol_directly(other, quiz_course)
    db.session.commit()
    auth.login(trainer.email)
    page = text(client.get(PARTICIPANTS, query_string={"status": "not_started"})
                .get_data(as_text=True))
    assert "Otto Ohnefirma" in page and "Lena Lernende" not in page
    company_id = stuck_learner.membership.organisation_id
    page = text(client.get(PARTICIPANTS, query_string={"company": company_id})
                .get_data(as_text=True))
    assert "Lena Lernende" in page and "Otto Ohnefirma" not in page
    response = client.get(PARTICIPANTS, query_string={"company": "abc"})
    assert response.status_code == 400
    assert "Filter „Unternehmen“: „abc“ ist keine gültige Auswahl." in text(
        response.get_data(as_text=True))
    assert client.get(PARTICIPANTS, query_string={"status": "x"}).status_code == 400


def test_list_is_sorted_by_last_activity_and_paginated(client, auth, trainer, stuck_learner,
                                                       quiz_course):
    for number in range(55):
        enrol_directly(make_user(name=f"Zz Neu {number:02d}"), quiz_course)
    db.session.commit()
    auth.login(trainer.email)
    first = text(client.get(PARTICIPANTS).get_data(as_text=True))
    assert "56 Personen" in first and "Seite 1 von 2" in first
    # the only learner with activity comes first
    assert first.index("Lena Lernende") < first.index("Zz Neu 00")
    second = text(client.get(PARTICIPANTS, query_string={"page": 2}).get_data(as_text=True))
    assert "Seite 2 von 2" in second and "Lena Lernende" not in second


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_carry_the_list_and_log_each_person(client, auth, trainer, stuck_learner, fmt):
    auth.login(trainer.email)
    response = client.get(f"{PARTICIPANTS}.{fmt}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                               delimiter=";"))
    else:
        sheet = load_workbook(io.BytesIO(response.data)).active
        rows = [[("" if c is None else str(c)) for c in row] for row in sheet.iter_rows(
            values_only=True)]
    header, line = rows[0], rows[1]
    assert header[:3] == ["Name", "E-Mail", "Unternehmen"]
    assert "Abschlusstest: Versuche" in header
    assert line[0] == "Lena Lernende" and line[2] == "Autohaus Siegen"
    assert line[header.index("Abschlusstest: Versuche")] == "2"
    entry = db.session.scalar(select(AccessLogEntry).where(
        AccessLogEntry.subject_id == stuck_learner.id))
    assert entry.action == f"trainer_export_{fmt}"


def test_csv_export_neutralises_formulas(client, auth, trainer, quiz_course):
    enrol_directly(make_user(name="=HYPERLINK(\"http://x\")"), quiz_course)
    db.session.commit()
    auth.login(trainer.email)
    body = client.get(f"{PARTICIPANTS}.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in body


def test_trainer_of_another_course_sees_nothing_of_this_one(client, auth, quiz_e_mobility,
                                                            stuck_learner, trainer):
    other = make_user(name="Olaf Andererkurs", is_trainer=True)
    grant_course_trainer(None, quiz_e_mobility, other, utcnow())
    db.session.commit()
    auth.login(other.email)
    assert client.get("/teaching/courses/e-mobility/participants").status_code == 200
    for path in (PARTICIPANTS, f"{PARTICIPANTS}.csv", f"{PARTICIPANTS}.xlsx",
                 f"{PARTICIPANTS}/{stuck_learner.id}", f"/teaching/courses/{SLUG}/announcements"):
        assert client.get(path).status_code == 404, path
    token = auth.csrf("/teaching/")
    for path in (f"{PARTICIPANTS}/{stuck_learner.id}/attempts",
                 f"{PARTICIPANTS}/{stuck_learner.id}/complete",
                 f"/teaching/courses/{SLUG}/overrides/1/undo"):
        response = client.post(path, data={"csrf_token": token, "lesson_id": "x",
                                           "extra": "1", "reason": "r", "target": "course:"})
        assert response.status_code == 404, path
    assert "Quiz-Test" not in client.get("/teaching/").get_data(as_text=True)
    assert db.session.scalar(select(AccessLogEntry).where(
        AccessLogEntry.subject_id == stuck_learner.id)) is None


def test_admin_sees_every_course(client, auth, stuck_learner):
    admin = make_user(name="Ada Admin", is_admin=True)
    db.session.commit()
    auth.login(admin.email)
    assert "Lena Lernende" in client.get(PARTICIPANTS).get_data(as_text=True)


def test_a_page_past_the_end_shows_the_last_page(client, auth, trainer, stuck_learner):
    auth.login(trainer.email)
    page = text(client.get(PARTICIPANTS, query_string={"page": 99}).get_data(as_text=True))
    assert "Seite 1 von 1" in page and "Lena Lernende" in page


def test_start_page_leads_to_grading_and_item_analysis(client, auth, trainer, quiz_course):
    auth.login(trainer.email)
    html = client.get("/teaching/").get_data(as_text=True)
    assert 'href="/teaching/grading' in html
    analysis = f"/teaching/courses/{quiz_course.slug}/item-analysis"
    assert f'href="{analysis}"' in html
    assert client.get(analysis).status_code == 200


def test_grading_queue_names_courses_by_title(client, auth, trainer, quiz_course):
    auth.login(trainer.email)
    html = client.get("/teaching/grading").get_data(as_text=True)
    title = quiz_course.published_version.title("de")
    assert title != quiz_course.slug and f">{title}</a>" in html
