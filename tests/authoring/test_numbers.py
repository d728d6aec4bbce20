"""Numbers: learners' answers read per language, and the one rule for the course source."""

import pytest

from authoring.grading import grade_question, grade_quiz
from authoring.model import Lesson, LessonContent, NumericAnswer, Question
from authoring.numbers import decimal_separator, parse_answer_number, parse_source_number

from .conftest import lesson_text

GERMAN = [
    ("6.120", 6120.0), ("6120", 6120.0), ("6 120", 6120.0), ("6\u202f120", 6120.0),
    ("6.120,5", 6120.5), ("6 120,5", 6120.5), ("6,12", 6.12), ("6,120", 6.12), ("0,5", 0.5),
    (",5", 0.5), ("1.234.567", 1234567.0), ("-6.120,5", -6120.5), ("\u22123", -3.0),
    ("+4", 4.0), ("  49,5 ", 49.5),
]
ENGLISH = [
    ("6,120", 6120.0), ("6120", 6120.0), ("6 120", 6120.0), ("6,120.5", 6120.5),
    ("6.12", 6.12), ("6.120", 6.12), (".5", 0.5), ("1,234,567.25", 1234567.25),
    ("-0.5", -0.5),
]
GARBAGE = ["", " ", "abc", "6.12,5", "6..120", "6.120.5", "6,,1", "1.2345,6", "12.34.567",
           "6.120 500", "6 12", "5,", "1e3", "nan", "inf", "--5", "6.120,5,1", "50 kWh",
           "9" * 400, "6,120.5.1"]


@pytest.mark.parametrize(("text", "value"), GERMAN)
def test_german_answers(text, value):
    assert parse_answer_number(text, "de") == pytest.approx(value)


@pytest.mark.parametrize(("text", "value"), ENGLISH)
def test_english_answers(text, value):
    assert parse_answer_number(text, "en") == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [("6.12", "de", 6.12), ("49.5", "de", 49.5), ("6,12", "en", 6.12), ("0,5", "en", 0.5),
     ("-1.5", "de", -1.5)],
)
def test_the_other_decimal_separator_is_read_when_it_cannot_group_thousands(
    text, language, value
):
    assert parse_answer_number(text, language) == pytest.approx(value)


@pytest.mark.parametrize("text", GARBAGE)
@pytest.mark.parametrize("language", ["de", "en"])
def test_garbage_cannot_be_read(text, language):
    assert parse_answer_number(text, language) is None


def test_language_variants_and_unknown_languages():
    assert decimal_separator("en-GB") == "." and decimal_separator("de_AT") == ","
    assert decimal_separator("fr") == "," and decimal_separator("") == ","


@pytest.mark.parametrize(
    ("text", "value", "ambiguous"),
    [
        ("6120", 6120.0, False), ("6120.5", 6120.5, False), ("6120,5", 6120.5, False),
        ("6.120,5", 6120.5, False), ("6,120.5", 6120.5, False), ("67.2", 67.2, False),
        ("0.05", 0.05, False), ("0,125", 0.125, False), ("1000.000", 1000.0, False),
        ("1.234.567", 1234567.0, False), ("1,234,567.5", 1234567.5, False),
        ("-2,5", -2.5, False), ("6.120", 6.12, True), ("6,120", 6.12, True),
        ("12,500", 12.5, True), ("6.12,5", None, False), ("1.2.3", None, False),
        ("12.34.567", None, False), ("1.2345,6", None, False), ("x", None, False),
    ],
)
def test_source_numbers(text, value, ambiguous):
    assert parse_source_number(text) == (value, ambiguous)


def numeric(value=6120.0, tolerance=0.0):
    return Question(id="n", kind="numeric", numeric=NumericAnswer(value, tolerance))


@pytest.mark.parametrize(
    ("response", "language", "correct"),
    [
        ("6.120", "de", True), ("6120", "de", True), ("6 120", "de", True),
        ("6,12", "de", False), ("6.12", "de", False), ("6120.0", "de", True),
        ("6,120", "en", True), ("6120", "en", True), ("6.120", "en", False),
        (6120, "de", True), (6120.0, "en", True),
    ],
)
def test_grading_reads_the_answer_in_the_learners_language(response, language, correct):
    result = grade_question(numeric(), response, language)
    assert result.is_correct is correct
    assert result.score == (1.0 if correct else 0.0)


@pytest.mark.parametrize(
    ("response", "language"), [("6.120,5", "de"), ("6120,5", "de"), ("6,120.5", "en")]
)
def test_grading_decimals_with_thousands(response, language):
    assert grade_question(numeric(6120.5), response, language).is_correct


@pytest.mark.parametrize("response", GARBAGE + [True, None, [], {}, object(), b"6120"])
@pytest.mark.parametrize("language", ["de", "en", "xx"])
def test_unreadable_answers_score_zero_and_never_raise(response, language):
    result = grade_question(numeric(0.0, 1e12), response, language)
    assert result.score == 0 and not result.is_correct


def test_grade_quiz_passes_the_language_on():
    lesson = Lesson(id="l", kind="quiz", module_id="m", order=1, content={
        "de": LessonContent(language="de", title="T", source="s", questions=[numeric()]),
        "en": LessonContent(language="en", title="T", source="s", questions=[numeric()]),
    })
    assert grade_quiz(lesson, {"n": "6.120"}, language="de").score == 1
    assert grade_quiz(lesson, {"n": "6.120"}, language="en").score == 0
    assert grade_quiz(lesson, {"n": "6,120"}, language="en").score == 1
    assert grade_quiz(lesson, {"n": "6.120"}).score == 1


def quiz_answer(render, answer, language="de"):
    body = f"# Quiz\n\n:::quiz id=n\nWie viele?\n{answer} Stück\n:::\n"
    result = render(lesson_text(body, "id: probe\ntitle: P\ntype: quiz"), language=language)
    question = result.content.questions[0] if result.content.questions else None
    return question, [(d["severity"], d["code"]) for d in result.diagnostics]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(
    ("answer", "value", "tolerance"),
    [
        ("[[= 6120 ± 10]]", 6120.0, 10.0), ("[[= 6.120,5 ± 0,5]]", 6120.5, 0.5),
        ("[[= 6120.5 +- 0.5]]", 6120.5, 0.5), ("[[= 6120,5]]", 6120.5, 0.0),
        ("[[= 6,120.5 +/- 1]]", 6120.5, 1.0), ("[[= -2,5 ± 0.125]]", -2.5, 0.125),
    ],
)
def test_source_values_follow_one_rule_in_every_language(render, answer, value, tolerance,
                                                         language):
    question, diagnostics = quiz_answer(render, answer, language)
    assert diagnostics == []
    assert (question.numeric.value, question.numeric.tolerance) == (value, tolerance)
    assert question.numeric.unit == "Stück"


def test_ambiguous_source_value_is_a_warning_and_reads_as_decimal(render):
    question, diagnostics = quiz_answer(render, "[[= 6.120 ± 10]]")
    assert diagnostics == [("warning", "quiz-numeric-ambiguous")]
    assert question.numeric.value == 6.12


def test_ambiguous_tolerance_is_a_warning_too(render):
    _, diagnostics = quiz_answer(render, "[[= 6120 ± 1,000]]")
    assert diagnostics == [("warning", "quiz-numeric-ambiguous")]


@pytest.mark.parametrize("answer", ["[[= 6.12,5]]", "[[= 1.2.3 ± 1]]", "[[= 6120 ± 1.0000,5]]"])
def test_source_values_breaking_the_rule_are_errors(render, answer):
    _, diagnostics = quiz_answer(render, answer)
    assert ("error", "quiz-numeric-syntax") in diagnostics
