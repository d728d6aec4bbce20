"""After the last attempt: the learner is told whom to ask, a trainer grants more (with a
reason, on record), and a course's ``retry_wait`` says when the next attempt opens."""

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from lms.catalog import services as catalog
from lms.catalog.trainers import grant_course_trainer
from lms.db import utcnow
from lms.errors import ConflictError
from lms.extensions import db
from lms.learning import quiz_services
from lms.learning.models import QuizAttempt, QuizAttemptGrant
from lms.local_time import LOCAL_ZONE
from tests.conftest import csrf_token_from
from tests.factories import make_user
from tests.lms.learning.quiz_helpers import (
    QUIZ,
    SLUG,
    enrol_directly,
    open_quiz,
    quiz_url,
    write_quiz_course,
)

pytest_plugins = ["tests.lms.learning.quiz_fixtures"]

ATTEMPTS_PAGE = f"/learn/{SLUG}/attempts"


def submit_blank(client):
    page = open_quiz(client)
    return client.post(quiz_url(), data=page.form())


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def trainer(quiz_course):
    user = make_user(name="Tina Trainerin", is_trainer=True)
    grant_course_trainer(None, quiz_course, user, utcnow())
    db.session.commit()
    return user


def test_dead_end_names_the_trainer_who_grants_more_attempts(client, auth, quiz_enrolled,
                                                             quiz_learner, trainer):
    for _number in range(3):
        submit_blank(client)
    page = text(client.get(quiz_url()).get_data(as_text=True))
    assert "Sie haben alle Versuche für diesen Test genutzt." in page
    assert "Wenden Sie sich an Ihre Trainerin oder Ihren Trainer (Tina Trainerin)" in page
    result = text(client.get(f"/learn/{SLUG}/{QUIZ}/quiz/attempts/3").get_data(as_text=True))
    assert "Tina Trainerin" in result and "Erneut versuchen" not in result

    auth.logout()
    auth.login(trainer.email)
    html = client.get(ATTEMPTS_PAGE).get_data(as_text=True)
    assert quiz_learner.name in text(html) and "keine Versuche mehr" in text(html)
    response = client.post(f"/learn/{SLUG}/attempts/grant", data={
        "csrf_token": csrf_token_from(html), "user_id": quiz_learner.id, "lesson_id": QUIZ,
        "extra": "1", "reason": "War beim ersten Termin krank"})
    assert response.status_code == 302
    grant = db.session.scalar(select(QuizAttemptGrant))
    assert (grant.user_id, grant.lesson_id, grant.extra_attempts, grant.granted_by_id) == (
        quiz_learner.id, QUIZ, 1, trainer.id)
    assert grant.registration == quiz_enrolled.registration
    assert "War beim ersten Termin krank" in client.get(ATTEMPTS_PAGE).get_data(as_text=True)

    auth.logout()
    auth.login(quiz_learner.email)
    page = open_quiz(client)
    assert 'class="quiz-form"' in page.html and "3 von 4 genutzt" in text(page.html)
    response = client.post(quiz_url(), data=page.form())
    assert response.headers["Location"].endswith("/quiz/attempts/4")
    assert "Sie haben alle Versuche" in client.get(quiz_url()).get_data(as_text=True)


def test_only_trainers_grant_and_only_with_a_reason(client, auth, quiz_enrolled, quiz_learner,
                                                    trainer):
    assert client.get(ATTEMPTS_PAGE).status_code == 403  # the learner
    token = csrf_token_from(client.get(quiz_url()).get_data(as_text=True))
    response = client.post(f"/learn/{SLUG}/attempts/grant", data={
        "csrf_token": token, "user_id": quiz_learner.id, "lesson_id": QUIZ, "extra": "5",
        "reason": "selbst"})
    assert response.status_code == 403
    auth.logout()
    auth.login(trainer.email)
    html = client.get(ATTEMPTS_PAGE).get_data(as_text=True)
    response = client.post(f"/learn/{SLUG}/attempts/grant", follow_redirects=True, data={
        "csrf_token": csrf_token_from(html), "user_id": quiz_learner.id, "lesson_id": QUIZ,
        "extra": "1", "reason": "  "})
    assert "Bitte geben Sie einen Grund an" in response.get_data(as_text=True)
    assert db.session.scalar(select(QuizAttemptGrant)) is None


@pytest.fixture
def waiting_course(app, tmp_path):
    """The quiz course with ``retry_wait: 24h``."""
    course_dir = write_quiz_course(tmp_path)
    course_file = course_dir / "course.yml"
    course_file.write_text(course_file.read_text(encoding="utf-8").replace(
        "pass_mark: 70\n", "pass_mark: 70\nretry_wait: 24h\n"), encoding="utf-8")
    assert "retry_wait: 24h" in course_file.read_text(encoding="utf-8")
    return catalog.import_course(course_dir, None, utcnow(), publish=True).version.course


def test_retry_wait_refuses_the_next_attempt_until_it_is_over(app, waiting_course,
                                                              quiz_learner):
    enrolment = enrol_directly(quiz_learner, waiting_course)
    quiz = quiz_services.quiz_lesson(waiting_course, enrolment.course_version, QUIZ)
    failed_at = datetime(2026, 12, 7, 22, 30, tzinfo=UTC)  # 23:30 in Berlin
    first = quiz_services.submit_attempt(quiz_learner, enrolment, quiz, {}, "de", failed_at)
    assert not first.is_passed
    with app.test_request_context(), pytest.raises(ConflictError) as refused:
        quiz_services.submit_attempt(quiz_learner, enrolment, quiz, {}, "de",
                                     failed_at + timedelta(hours=23, minutes=59))
    assert "ab 08.12.26, 23:30" in refused.value.message  # Berlin time, the next evening
    second = quiz_services.submit_attempt(quiz_learner, enrolment, quiz, {}, "de",
                                          failed_at + timedelta(hours=24))
    assert second.number == 2


def test_quiz_page_says_when_the_retry_opens(client, auth, waiting_course, quiz_learner):
    enrol_directly(quiz_learner, waiting_course)
    auth.login(quiz_learner.email)
    submit_blank(client)
    attempt = db.session.scalar(select(QuizAttempt))
    opens = (attempt.submitted_at + timedelta(hours=24)).astimezone(LOCAL_ZONE)
    page = text(client.get(quiz_url()).get_data(as_text=True))
    assert f"Der nächste Versuch ist ab {opens:%d.%m.%y, %H:%M} möglich" in page
    assert 'class="quiz-form"' not in client.get(quiz_url()).get_data(as_text=True)
    result = client.get(f"/learn/{SLUG}/{QUIZ}/quiz/attempts/1").get_data(as_text=True)
    assert "Erneut versuchen" not in result and f"{opens:%d.%m.%y, %H:%M}" in result


class ControlsOutsideForms(HTMLParser):
    """Collects input, select and textarea elements that are not inside a form."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.outside: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.depth += 1
        elif tag in ("input", "select", "textarea") and self.depth == 0:
            self.outside.append(f"<{tag} {dict(attrs)}>")

    def handle_endtag(self, tag):
        if tag == "form":
            self.depth -= 1


def controls_outside_forms(html: str) -> list[str]:
    parser = ControlsOutsideForms()
    parser.feed(html)
    return parser.outside


def test_quiz_overview_shows_questions_without_live_inputs(client, auth, quiz_course):
    visitor = make_user()
    auth.login(visitor.email)  # logged in, not enrolled: the catalogue's read-only lesson page
    response = client.get(f"/courses/{SLUG}/{QUIZ}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Die erste Sicherheitsregel lautet" in html  # the gap question is shown …
    assert controls_outside_forms(html) == []  # … with a blank, not an input box
    assert 'class="quiz-blank"' in html


def test_quiz_page_at_the_dead_end_has_no_inputs_outside_forms(client, quiz_enrolled):
    for _number in range(3):
        submit_blank(client)
    html = client.get(quiz_url()).get_data(as_text=True)
    assert controls_outside_forms(html) == []
