"""The learner's language chooses the lesson version; review dates; ungraded checks."""

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.catalog import services as catalog
from lms.db import utcnow
from lms.extensions import db
from lms.learning.models import LessonProgress
from tests.conftest import csrf_token_from
from tests.factories import make_user
from tests.lms.learning.conftest import stored_statements
from tests.lms.learning.quiz_helpers import QuizPage, enrol_directly

FIXTURE = Path(__file__).resolve().parents[2] / "authoring" / "fixtures" / "hv-basics"
LESSON = "/learn/hv-basics/antriebe"


@pytest.fixture
def course_dir(tmp_path) -> Path:
    target = tmp_path / "hv-basics"
    shutil.copytree(FIXTURE, target)
    return target


def _import(course_dir: Path):
    return catalog.import_course(course_dir, None, utcnow(), publish=True).version.course


def _learner(client, auth, course, locale: str):
    user = make_user(locale=locale)
    enrol_directly(user, course)
    db.session.commit()
    auth.login(user.email)
    return user


def test_english_learner_reads_the_english_lesson_with_its_review_date(client, auth, course_dir):
    _learner(client, auth, _import(course_dir), "en")
    html = client.get(LESSON).get_data(as_text=True)
    assert "Powertrains at a glance" in html and "In brief" in html
    assert "Antriebe im Überblick" not in html
    assert "Last reviewed: 7 December 2026" in html
    assert "only available in German" not in html


def test_german_learner_reads_german_with_stand(client, auth, course_dir):
    _learner(client, auth, _import(course_dir), "de")
    html = client.get(LESSON).get_data(as_text=True)
    assert "Antriebe im Überblick" in html and "Das Wichtigste in Kürze" in html
    assert "Stand: 7. Dezember 2026" in html


def test_lesson_without_translation_falls_back_to_german_with_a_note(client, auth, course_dir):
    (course_dir / "modules/02-praxis/01-workshop.en.md").unlink()
    _learner(client, auth, _import(course_dir), "en")
    html = client.get("/learn/hv-basics/workshop").get_data(as_text=True)
    assert "Praxistag Hochvolt" in html
    assert "This lesson is only available in German." in html
    assert 'lang="de"' in html


def _check_form(html: str) -> QuizPage:
    form = re.search(r'<form[^>]*id="check-antriebe-check".*?</form>', html, re.S)
    assert form is not None, "no check form in the lesson"
    return QuizPage(form.group(0))


def test_check_is_answered_in_the_lesson_in_english_and_stores_nothing(client, auth, course_dir):
    user = _learner(client, auth, _import(course_dir), "en")
    html = client.get(LESSON).get_data(as_text=True)
    assert "Check your understanding – not graded" in html
    assert "Right: the battery." not in html  # the feedback stays on the server
    form = _check_form(html)
    statements_before = len(stored_statements(user))
    wrong = client.post(f"{LESSON}/check/antriebe-check", data=form.form(**{
        "q-antriebe-check": form.options("q-antriebe-check")["The tank"]}))
    assert wrong.status_code == 200
    page = wrong.get_data(as_text=True)
    assert "Not quite right yet." in page and "A BEV has no fuel tank." in page
    right = client.post(f"{LESSON}/check/antriebe-check", data=form.form(**{
        "q-antriebe-check": form.options("q-antriebe-check")["The battery"]}))
    page = right.get_data(as_text=True)
    assert "Right." in page and "Right: the battery." in page
    assert len(stored_statements(user)) == statements_before
    rows = db.session.scalars(select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == "antriebe")).all()
    assert all(row.status not in ("done", "passed") for row in rows)


def test_check_answers_with_json_for_the_page_script(client, auth, course_dir):
    _learner(client, auth, _import(course_dir), "de")
    form = _check_form(client.get(LESSON).get_data(as_text=True))
    response = client.post(
        f"{LESSON}/check/antriebe-check", headers={"Accept": "application/json"},
        data=form.form(**{"q-antriebe-check": form.options("q-antriebe-check")["In der Batterie"]}))
    body = response.get_json()
    assert body["correct"] is True and "Richtig: in der Batterie." in body["html"]


def test_check_without_answer_or_unknown_check(client, auth, course_dir):
    _learner(client, auth, _import(course_dir), "de")
    html = client.get(LESSON).get_data(as_text=True)
    token = csrf_token_from(html)
    page = client.post(f"{LESSON}/check/antriebe-check",
                       data={"csrf_token": token}).get_data(as_text=True)
    assert "Wählen Sie zuerst eine Antwort." in page
    assert client.post(f"{LESSON}/check/gibt-es-nicht",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"{LESSON}/check/antriebe-check").status_code == 400  # no CSRF token


def test_english_quiz_shows_english_feedback_and_grades_with_the_same_keys(client, auth,
                                                                         course_dir):
    _learner(client, auth, _import(course_dir), "en")
    page = QuizPage(client.get("/learn/hv-basics/grundlagen-quiz/quiz").get_data(as_text=True))
    assert "no longer have?" in page.html and "Exhaust system" in page.html
    response = client.post("/learn/hv-basics/grundlagen-quiz/quiz", data=page.form(**{
        "q-bev-auspuff": page.options("q-bev-auspuff")["Exhaust system"]}))
    assert response.status_code == 302
    result = client.get(response.location).get_data(as_text=True)
    assert "Correct: no combustion engine, no exhaust." in result
    assert "Richtig" not in result.split("<main", 1)[-1]
