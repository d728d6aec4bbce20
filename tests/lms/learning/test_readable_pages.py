"""What a learner reads: "Meine Daten" in words and local time, the dashboard's discover
panel, and the course page after completion."""

import re
from datetime import UTC, datetime

from lms.extensions import db
from lms.learning import enrolment as enrolments
from lms.learning.models import CourseProgress, LessonProgress
from tests.lms.learning.conftest import login


def test_personal_data_page_is_labelled_in_local_time_and_keeps_the_json(
        client, auth, emobility, learner):
    # 23:30 UTC on 7 December is 00:30 on the 8th in Berlin
    late = datetime(2026, 12, 7, 23, 30, 15, 123456, tzinfo=UTC)
    enrolments.enrol(learner, emobility, learner, late)
    db.session.add(LessonProgress(user_id=learner.id, course_id=emobility.id, lesson_id="x",
                                  status="done", first_seen_at=late, done_at=late))
    db.session.commit()
    login(client, auth, learner)
    page = client.get("/me/data").get_data(as_text=True)
    assert "Angemeldet am" in page and "Zuerst geöffnet" in page
    assert "08.12.26, 00:30" in page
    assert "enrolled_at" not in page and "first_seen_at" not in page
    visible = re.sub(r' datetime="[^"]*"', "", page)
    assert ".123456" not in visible and "2026-12-07T23:30" not in visible
    assert "E-Mobilität" in page  # the course title, not the slug "e-mobility"
    assert "selbst angemeldet" in page
    assert 'id="data-toc-title"' in page
    # the download stays the machine-readable record
    data = client.get("/me/data.json").get_json()
    enrolment = {s["key"]: s for s in data["sections"]}["enrolments"]["items"][0]
    assert enrolment["enrolled_at"] == "2026-12-07T23:30:15.123456+00:00"


def test_personal_data_page_in_english(client, auth, emobility, learner, now):
    learner.locale = "en"
    enrolments.enrol(learner, emobility, learner, now)
    db.session.commit()
    login(client, auth, learner)
    page = client.get("/me/data").get_data(as_text=True)
    assert "Enrolled on" in page and "What your employer sees" in page


def test_discover_panel_says_when_every_published_course_is_taken(
        client, auth, emobility, learner, now):
    enrolments.enrol(learner, emobility, learner, now)
    db.session.commit()
    login(client, auth, learner)
    page = client.get("/").get_data(as_text=True)
    assert "Noch keine Kurse veröffentlicht" not in page
    assert "Sie sind bereits in allen veröffentlichten Kursen angemeldet." in page


def test_completed_course_offers_no_withdrawal(client, auth, emobility, learner, now):
    enrolments.enrol(learner, emobility, learner, now)
    db.session.commit()
    login(client, auth, learner)
    assert "Vom Kurs abmelden" in client.get("/courses/e-mobility").get_data(as_text=True)
    db.session.add(CourseProgress(user_id=learner.id, course_id=emobility.id, percent=100,
                                  completed_at=now, attended_sessions=[]))
    db.session.commit()
    page = client.get("/courses/e-mobility").get_data(as_text=True)
    assert "Abgeschlossen am" in page and "Vom Kurs abmelden" not in page
