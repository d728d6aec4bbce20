"""Attempts: the limit (also under a double submit), statements, privacy and the assessment."""

import json
import uuid

from sqlalchemy import select

from lms.extensions import db
from lms.learning import quiz_services
from lms.learning.models import QuizAttempt
from tests.factories import make_user
from tests.lms.learning.quiz_helpers import (
    ASSESSMENT,
    QUIZ,
    SLUG,
    enrol_directly,
    open_quiz,
    quiz_url,
    right_answers,
)
from xapi.store_sql import statements as statements_table

pytest_plugins = ["tests.lms.learning.quiz_fixtures"]


def attempt_count(user) -> int:
    return len(db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user.id)).all())


def submit_blank(client, lesson_id=QUIZ):
    page = open_quiz(client, lesson_id)
    return client.post(quiz_url(lesson_id), data=page.form())


def attempt_url(number: int, lesson_id=QUIZ) -> str:
    return f"/learn/{SLUG}/{lesson_id}/quiz/attempts/{number}"


def stored_statements(registration: str) -> list[dict]:
    rows = db.session.scalars(select(statements_table.c.statement)
                              .where(statements_table.c.registration == registration)
                              .order_by(statements_table.c.seq))
    return [json.loads(row) for row in rows]


def test_attempt_limit_is_enforced(client, quiz_enrolled, quiz_learner):
    for number in (1, 2, 3):
        response = submit_blank(client)
        assert response.headers["Location"].endswith(attempt_url(number))
    html = client.get(quiz_url()).get_data(as_text=True)
    assert "Sie haben alle Versuche für diesen Test genutzt." in html
    assert 'class="quiz-form"' not in html
    assert "3 von 3 genutzt" in html
    # a form kept open in another tab is refused as well
    response = client.post(quiz_url(), data={"csrf_token": open_quiz(client).csrf})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(quiz_url())
    assert "alle 3 Versuche" in client.get(quiz_url()).get_data(as_text=True)
    assert attempt_count(quiz_learner) == 3
    # the last result page offers no further attempt
    assert "Erneut versuchen" not in client.get(attempt_url(3)).get_data(as_text=True)


def test_the_same_form_sent_twice_uses_one_attempt(client, quiz_enrolled, quiz_learner):
    page = open_quiz(client)
    first = client.post(quiz_url(), data=page.form(**right_answers(page)))
    second = client.post(quiz_url(), data=page.form(**right_answers(page)))
    assert first.headers["Location"].endswith(attempt_url(1))
    assert second.headers["Location"].endswith(quiz_url())
    assert "bereits abgegeben" in client.get(quiz_url()).get_data(as_text=True)
    assert attempt_count(quiz_learner) == 1


def test_racing_submissions_lose_on_the_unique_number(client, quiz_enrolled, quiz_learner,
                                                      monkeypatch):
    """Two requests that both read "next is 1" before either stored: the second one fails."""
    page = open_quiz(client)
    client.post(quiz_url(), data=page.form(**right_answers(page)))
    monkeypatch.setattr(quiz_services, "next_attempt_number", lambda *args: 1)
    response = client.post(quiz_url(), data=page.form(**right_answers(page)))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(quiz_url())
    assert attempt_count(quiz_learner) == 1
    monkeypatch.undo()
    assert "bereits abgegeben" in client.get(quiz_url()).get_data(as_text=True)
    # nothing of the refused attempt reached the LRS
    verdicts = [s for s in stored_statements(quiz_enrolled.registration)
                if s["verb"]["id"].endswith(("/passed", "/failed"))]
    assert len(verdicts) == 1


def test_statements_are_stored_for_the_learners_account(app, client, quiz_enrolled, quiz_learner):
    page = open_quiz(client)
    data = right_answers(page)
    data["q-q-gap-g1"] = "falsch"
    client.post(quiz_url(), data=page.form(**data))
    (attempt,) = db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.user_id == quiz_learner.id))
    stored = stored_statements(quiz_enrolled.registration)
    answered = [s for s in stored if s["verb"]["id"].endswith("/answered")]
    verdicts = [s for s in stored if s["verb"]["id"].endswith(("/passed", "/failed"))]
    assert len(answered) == 7
    assert len(verdicts) == 1
    for statement in stored:
        assert statement["actor"]["account"] == {
            "homePage": app.config["ATLAS_BASE_URL"], "name": quiz_learner.pseudonym}
        assert "mbox" not in statement["actor"]
        assert statement["context"]["registration"] == quiz_enrolled.registration
    (verdict,) = verdicts
    assert verdict["id"] == attempt.statement_id
    assert verdict["verb"]["id"].endswith("/passed")  # 7 of 8 points, pass mark 70 %
    assert verdict["object"]["id"].endswith("/quiz-test-quiz")
    assert verdict["result"]["score"] == {"scaled": 0.875, "raw": 7.0, "min": 0, "max": 8.0}
    assert verdict["result"]["success"] is True
    by_question = {s["object"]["id"].rsplit("/", 1)[1]: s["result"] for s in answered}
    assert by_question["q-gap"]["success"] is False
    assert by_question["q-gap"]["response"] == "g1[.]falsch"
    assert by_question["q-multiple"]["score"] == {"raw": 2.0, "min": 0, "max": 2.0}
    assert by_question["q-truefalse"]["response"] == "true"
    assert by_question["q-numeric"]["response"] == "49,5"


def test_another_learners_attempt_is_not_found(client, auth, quiz_enrolled, quiz_course):
    submit_blank(client)
    other = make_user()
    enrol_directly(other, quiz_course)
    auth.logout()
    auth.login(other.email)
    assert client.get(attempt_url(1)).status_code == 404
    assert client.get(attempt_url(99)).status_code == 404


def test_result_page_of_a_quiz_shows_feedback_retry_and_next_lesson(client, quiz_enrolled):
    response = submit_blank(client)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Quiz nicht bestanden" in html
    assert html.count("– nicht beantwortet") == 7
    assert "EXPLANATION-SINGLE" in html
    assert "Erneut versuchen" in html
    assert "Weiter: Praxistermin" in html
    assert "1 von 3 genutzt" in html


def test_a_new_enrolment_cycle_starts_counting_again(client, quiz_enrolled, quiz_learner):
    for _ in range(3):
        submit_blank(client)
    quiz_enrolled.registration = str(uuid.uuid4())  # what re-enrolment after withdrawal does
    db.session.flush()
    html = client.get(quiz_url()).get_data(as_text=True)
    assert "0 von 3 genutzt" in html
    response = submit_blank(client)
    assert response.headers["Location"].endswith(attempt_url(4))
    assert attempt_count(quiz_learner) == 4


def test_assessment_hides_solutions_until_passed_or_exhausted(client, quiz_enrolled):
    response = submit_blank(client, ASSESSMENT)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Abschlusstest nicht bestanden" in html
    assert "– nicht beantwortet" in html
    assert "FEEDBACK-" not in html and "EXPLANATION-" not in html
    assert "Erneut versuchen" in html
    response = submit_blank(client, ASSESSMENT)  # the last of two attempts
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "EXPLANATION-ASSESSMENT" in html
    assert "Erneut versuchen" not in html
    # and the first attempt's page now shows them too
    assert "EXPLANATION-ASSESSMENT" in client.get(attempt_url(1, ASSESSMENT)).get_data(as_text=True)


def test_passing_the_assessment_shows_solutions(client, quiz_enrolled, quiz_learner):
    page = open_quiz(client, ASSESSMENT)
    data = page.form(**{"q-a-single": page.options("q-a-single")["400 V"],
                        "q-a-truefalse": page.options("q-a-truefalse")["wahr"]})
    response = client.post(quiz_url(ASSESSMENT), data=data)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Abschlusstest bestanden" in html
    assert "FEEDBACK-ASSESSMENT-RIGHT" in html and "EXPLANATION-ASSESSMENT" in html
    verdicts = [s for s in stored_statements(quiz_enrolled.registration)
                if s["verb"]["id"].endswith("/passed")]
    assert len(verdicts) == 1
    assert verdicts[0]["object"]["definition"]["type"].endswith("/assessment")
