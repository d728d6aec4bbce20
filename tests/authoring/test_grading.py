"""Grading every question kind: right, wrong, partial, malformed, and whole quizzes."""

import pytest

from authoring.grading import grade_question, grade_quiz


@pytest.fixture(scope="module")
def quiz(course):
    return course.lesson("grundlagen-quiz")


def question(quiz, question_id, language="de"):
    return quiz.question(question_id, language)


def choice_id(question, text):
    return next(c.id for c in question.choices if text in c.text)


def test_single_choice_right_and_wrong_with_feedback(quiz):
    q = question(quiz, "bev-auspuff")
    right = grade_question(q, choice_id(q, "Abgasanlage"))
    wrong = grade_question(q, choice_id(q, "Bremsscheibe"))
    assert (right.score, right.max_score, right.is_correct) == (1, 1, True)
    assert right.feedback == ("<p>Richtig: ohne Verbrennungsmotor keine Abgasanlage.</p>",)
    assert (wrong.score, wrong.is_correct) == (0, False)
    assert wrong.feedback == ("<p>Bremsscheiben bleiben.</p>",)
    assert "keinen Verbrennungsmotor" in right.explanation


@pytest.mark.parametrize(
    ("picked", "score", "correct"),
    [
        (["Traktionsbatterie", "Leistungselektronik"], 2.0, True),
        (["Traktionsbatterie"], 1.0, False),
        (["Traktionsbatterie", "Scheibenwischermotor"], 0.0, False),
        (["Traktionsbatterie", "Leistungselektronik", "Scheibenwischermotor"], 1.0, False),
        ([], 0.0, False),
    ],
)
def test_multiple_choice_partial_credit_penalises_wrong_picks(quiz, picked, score, correct):
    q = question(quiz, "hv-komponenten")
    result = grade_question(q, [choice_id(q, text) for text in picked])
    assert (result.score, result.max_score, result.is_correct) == (score, 2.0, correct)


@pytest.mark.parametrize(
    ("response", "score"),
    [(True, 1.0), ("wahr", 1.0), ("true", 1.0), (False, 0.0), ("falsch", 0.0), ("vielleicht", 0.0)],
)
def test_true_false(quiz, response, score):
    result = grade_question(question(quiz, "lfp-kobalt"), response)
    assert result.score == score


def test_true_false_feedback_is_shown_with_the_result(quiz):
    result = grade_question(question(quiz, "lfp-kobalt"), False)
    assert result.feedback == ("<p>Richtig: LFP steht für Lithium-Eisenphosphat.</p>",)


@pytest.mark.parametrize(
    ("response", "correct"),
    [
        (["Freischalten"], True),
        (["  freischalten "], True),
        ({"g1": "FREI SCHALTEN"}, True),
        (["Erden"], False),
        ([], False),
    ],
)
def test_gap_is_case_insensitive_with_alternatives(quiz, response, correct):
    assert grade_question(question(quiz, "erste-regel"), response).is_correct is correct


@pytest.mark.parametrize(
    ("response", "correct"),
    [(50, True), (49, True), ("51", True), ("49,5", True), (51.5, False), ("fünfzig", False)],
)
def test_numeric_with_tolerance(quiz, response, correct):
    assert grade_question(question(quiz, "ladeleistung"), response).is_correct is correct


def test_numeric_in_english_accepts_plus_minus(quiz):
    q = question(quiz, "ladeleistung", "en")
    assert (q.numeric.value, q.numeric.tolerance, q.numeric.unit) == (50.0, 1.0, "kWh")


def test_ordering_is_all_or_nothing(quiz):
    q = question(quiz, "regeln-reihenfolge")
    ids = [c.id for c in q.choices]
    assert grade_question(q, ids).is_correct
    assert grade_question(q, [ids[1], ids[0], ids[2]]).score == 0
    assert grade_question(q, ids[:2]).score == 0


def test_matching_gives_credit_per_pair(quiz):
    q = question(quiz, "zellchemie")
    right = {pair.left.id: pair.right.id for pair in q.pairs}
    assert grade_question(q, right).is_correct
    first, second = q.pairs
    half = {first.left.id: first.right.id, second.left.id: first.right.id}
    result = grade_question(q, half)
    assert (result.score, result.is_correct) == (0.5, False)
    swapped = {first.left.id: second.right.id, second.left.id: first.right.id}
    assert grade_question(q, swapped).score == 0


@pytest.mark.parametrize("response", [42, {"a": 1}, object()])
def test_malformed_responses_score_zero_instead_of_raising(quiz, response):
    for q in quiz.questions():
        assert grade_question(q, response).score == 0


def test_unanswered_question(quiz):
    result = grade_question(question(quiz, "bev-auspuff"), None)
    assert (result.answered, result.score, result.max_score) == (False, 0, 1)


def test_grade_quiz_uses_the_lessons_pass_mark(quiz):
    q1, q2 = question(quiz, "bev-auspuff"), question(quiz, "hv-komponenten")
    responses = {
        "bev-auspuff": choice_id(q1, "Abgasanlage"),
        "hv-komponenten": [
            choice_id(q2, "Traktionsbatterie"), choice_id(q2, "Leistungselektronik")
        ],
        "lfp-kobalt": True,
        "erste-regel": ["Freischalten"],
    }
    result = grade_quiz(quiz, responses)
    assert (result.score, result.max_score) == (5.0, 8.0)
    assert result.percent == 62.5
    assert quiz.pass_mark == 60
    assert result.passed
    assert not grade_quiz(quiz, responses, pass_mark=70).passed
    assert len(result.questions) == 7


def test_grade_quiz_in_english(quiz):
    q = question(quiz, "erste-regel", "en")
    assert grade_question(q, ["Isolate"]).is_correct
    result = grade_quiz(quiz, {"erste-regel": ["isolate"]}, language="en")
    assert result.score == 1.0


def test_assessment_falls_back_to_the_course_pass_mark(course):
    assert course.lesson("abschlusstest").pass_mark == 70
    assert course.lesson("antriebe").pass_mark is None
