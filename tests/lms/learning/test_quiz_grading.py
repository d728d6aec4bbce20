"""Grading through the HTTP form: each question kind right and wrong, forged and malformed input."""

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.learning.models import QuizAttempt
from tests.factories import make_user
from tests.lms.learning.quiz_helpers import (
    SLUG,
    enrol_directly,
    open_quiz,
    quiz_url,
    right_answers,
)

pytest_plugins = ["tests.lms.learning.quiz_fixtures"]


def attempts_of(user) -> list[QuizAttempt]:
    return list(db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.number)))


def submit(client, data):
    return client.post(quiz_url(), data=data)


def test_all_right_passes_with_full_points(client, quiz_enrolled, quiz_learner):
    page = open_quiz(client)
    response = submit(client, page.form(**right_answers(page)))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/learn/{SLUG}/quiz-test-quiz/quiz/attempts/1")
    (attempt,) = attempts_of(quiz_learner)
    assert (attempt.score, attempt.max_score, attempt.percent) == (8, 8, 100)
    assert attempt.is_passed
    assert attempt.registration == quiz_enrolled.registration
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Quiz bestanden" in html
    assert html.count("✓ richtig") == 7
    assert "EXPLANATION-SINGLE" in html and "FEEDBACK-SINGLE-RIGHT" in html


WRONG = {
    "single": lambda page, data: data.update(
        {"q-q-single": page.options("q-q-single")["Bremsscheibe"]}),
    "multiple": lambda page, data: data.update({"q-q-multiple": [
        page.options("q-q-multiple")["Traktionsbatterie"],
        page.options("q-q-multiple")["Scheibenwischermotor"]]}),
    "truefalse": lambda page, data: data.update(
        {"q-q-truefalse": page.options("q-q-truefalse")["falsch"]}),
    "gap": lambda page, data: data.update({"q-q-gap-g1": "Erden"}),
    "numeric": lambda page, data: data.update({"q-q-numeric-value": "50"}),
    "ordering": lambda page, data: data.update(
        {page.selects("q-q-ordering-")["Freischalten"][0]: "2",
         page.selects("q-q-ordering-")["Sichern"][0]: "1"}),
    "matching": lambda page, data: data.update({
        page.selects("q-q-matching-")["LFP"][0]:
            page.selects("q-q-matching-")["LFP"][1]["energiedicht"],
        page.selects("q-q-matching-")["NMC"][0]:
            page.selects("q-q-matching-")["NMC"][1]["zyklenfest"]}),
}
POINTS = {"single": 1, "multiple": 2, "truefalse": 1, "gap": 1, "numeric": 1, "ordering": 1,
          "matching": 1}


@pytest.mark.parametrize("kind", sorted(WRONG))
def test_one_wrong_answer_costs_its_points(client, quiz_enrolled, quiz_learner, kind):
    page = open_quiz(client)
    data = right_answers(page)
    WRONG[kind](page, data)
    response = submit(client, page.form(**data))
    (attempt,) = attempts_of(quiz_learner)
    assert attempt.score == 8 - POINTS[kind]
    assert attempt.max_score == 8
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert html.count("✓ richtig") == 6
    assert html.count("✗ falsch") == 1
    assert f'id="answer-q-{kind}-title">Frage' in html
    assert "✗ falsch" in html.split(f'id="answer-q-{kind}-title"')[1].split("</h3>")[0]


def test_forged_grading_fields_change_nothing(client, quiz_enrolled, quiz_learner):
    page = open_quiz(client)
    response = submit(client, page.form(
        score="100", passed="1", is_passed="true", percent="100", max_score="0",
        **{"q-q-single": "c-forged", "q-q-multiple": ["c-forged", "x"],
           "q-q-truefalse": "maybe", "responses": '{"q-single": "c-x"}', "language": "en"}))
    assert response.status_code == 302
    (attempt,) = attempts_of(quiz_learner)
    assert (attempt.score, attempt.max_score, attempt.percent) == (0, 8, 0)
    assert not attempt.is_passed
    assert attempt.responses == {}
    assert attempt.language == "de"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Quiz nicht bestanden" in html
    assert "c-forged" not in html


def test_malformed_input_scores_zero_and_never_fails(client, quiz_enrolled, quiz_learner):
    page = open_quiz(client)
    ordering = [name for name, _options in page.selects("q-q-ordering-").values()]
    matching = [name for name, _options in page.selects("q-q-matching-").values()]
    data = page.form(**{
        "q-q-gap-g1": "x" * 10000, "q-q-numeric-value": "1e999",
        ordering[0]: "1", ordering[1]: "1", ordering[2]: "abc",
        matching[0]: "r-nonexistent", matching[1]: "",
        "q-q-multiple": ["c-nope"] * 500,
    })
    response = submit(client, data)
    assert response.status_code == 302
    (attempt,) = attempts_of(quiz_learner)
    assert attempt.score == 0
    assert len(attempt.responses["q-gap"]["g1"]) == 200
    assert "q-ordering" not in attempt.responses and "q-matching" not in attempt.responses
    assert client.get(response.headers["Location"]).status_code == 200


def test_duplicate_ordering_positions_are_no_answer(client, quiz_enrolled, quiz_learner):
    page = open_quiz(client)
    data = right_answers(page)
    for name, _options in page.selects("q-q-ordering-").values():
        data[name] = "1"
    submit(client, page.form(**data))
    (attempt,) = attempts_of(quiz_learner)
    assert attempt.score == 7
    assert "q-ordering" not in attempt.responses


@pytest.mark.parametrize(("locale", "typed", "is_right"), [
    ("de", "49,5", True), ("en", "49.5", True),
    # three digits after the separator: German groups thousands with the point, English
    # with the comma, so the same text is 49,5 in one language and 49 500 in the other
    ("de", "49,500", True), ("de", "49.500", False),
    ("en", "49.500", True), ("en", "49,500", False),
])
def test_numbers_are_read_in_the_learners_language(client, auth, quiz_course, locale, typed,
                                                   is_right):
    user = make_user(locale=locale)
    enrol_directly(user, quiz_course)
    auth.login(user.email)
    page = open_quiz(client)
    data = right_answers(page, locale)
    data["q-q-numeric-value"] = typed
    submit(client, page.form(**data))
    (attempt,) = attempts_of(user)
    assert attempt.language == locale
    assert attempt.score == (8 if is_right else 7)
    hint = "with a point, e.g. 49.5" if locale == "en" else "mit Komma, z. B. 49,5"
    assert hint in page.html


def test_submission_needs_the_csrf_token(client, quiz_enrolled, quiz_learner):
    page = open_quiz(client)
    data = page.form(**right_answers(page))
    del data["csrf_token"]
    assert submit(client, data).status_code == 400
    assert attempts_of(quiz_learner) == []
