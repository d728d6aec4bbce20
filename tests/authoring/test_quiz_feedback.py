"""Question-level feedback of gap, numeric, ordering and matching questions.

A ``>`` line below the answers is feedback, shown after submission. It must
never end up in the question text the learner sees before answering.
"""

import json

import pytest

from authoring.grading import grade_question
from authoring.learner_view import learner_view
from authoring.sanitize import plain_text

from .conftest import lesson_text

QUIZ_FRONT = {"de": "id: probe\ntitle: P\ntype: quiz", "en": "id: probe\ntitle: P\ntype: quiz"}
SECRET = {"de": "Rechenweg geheim: 30 mal 204 ergibt 6120.",
          "en": "Secret worked solution: 30 times 204 gives 6120."}

SOURCES = {
    "gap": (
        "Die erste Regel lautet: [[Freischalten]].\n> {secret}\n",
        ["Freischalten"],
    ),
    "numeric": (
        "Wie viele Zellen sind verbaut?\n[[= 6120 ± 10]] Zellen\n> {secret}\n",
        "6120",
    ),
    "ordering": (
        "Ordnen Sie.\n[#] Freischalten\n[#] Sichern\n[#] Messen\n> {secret}\n",
        None,
    ),
    "matching": (
        "Ordnen Sie zu.\n[=] LFP -> lange Lebensdauer\n[=] NMC -> hohe Energiedichte\n> {secret}\n",
        None,
    ),
}


def read_quiz(render, body, language="de"):
    text = lesson_text(f"# Quiz\n\n:::quiz id=q\n{body}:::\n", QUIZ_FRONT[language])
    return render(text, language=language)


def right_answer(question, response):
    if question.kind == "ordering":
        return [choice.id for choice in question.choices]
    if question.kind == "matching":
        return {pair.left.id: pair.right.id for pair in question.pairs}
    return response


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_feedback_is_the_questions_and_never_in_the_stem(render, kind, language):
    template, response = SOURCES[kind]
    result = read_quiz(render, template.format(secret=SECRET[language]), language)
    assert result.diagnostics == []
    (question,) = result.content.questions
    assert question.kind == kind
    assert question.feedback == f"<p>{SECRET[language]}</p>"
    secret = SECRET[language].casefold()
    assert secret not in plain_text(result.content.html).casefold()
    assert "<blockquote" not in result.content.html
    assert secret not in plain_text(question.stem).casefold()
    assert secret not in json.dumps(learner_view(question, "seed", language),
                                    ensure_ascii=False).casefold()
    for item in question.choices + [pair.right for pair in question.pairs]:
        assert item.feedback == ""
    graded = grade_question(question, right_answer(question, response), language)
    assert graded.is_correct
    assert graded.feedback == (question.feedback,)
    wrong = {"gap": ["Erden"], "numeric": "1", "ordering": [], "matching": {}}[kind]
    assert grade_question(question, wrong, language).feedback == (question.feedback,)


def test_unanswered_questions_get_no_feedback(render):
    result = read_quiz(render, SOURCES["numeric"][0].format(secret=SECRET["de"]))
    assert grade_question(result.content.questions[0], None).feedback == ()


def test_worked_solution_below_a_numeric_answer_is_not_shown_before_answering(render):
    body = ("Ein Transporter lädt 3 Stunden mit 11 kW. Wie viel Energie wurde bezogen?\n"
            "[[= 33 ± 1]] kWh\n"
            "> Lösung: 3 h × 11 kW = 33 kWh.\n"
            "> Verluste sind vernachlässigt.\n"
            "Erklärung: Energie ist Leistung mal Zeit.\n")
    result = read_quiz(render, body)
    question = result.content.questions[0]
    assert result.diagnostics == []
    assert "33 kWh" not in result.content.html and "Lösung" not in question.stem
    assert question.feedback == (
        "<p>Lösung: 3 h × 11 kW = 33 kWh.\nVerluste sind vernachlässigt.</p>"
    )
    assert question.explanation == "<p>Energie ist Leistung mal Zeit.</p>"
    assert question.numeric.unit == "kWh"


def test_feedback_paragraphs_may_be_separated_by_blank_lines(render):
    body = "Regel: [[Freischalten]].\n\n> Erster Absatz.\n\n> Zweiter Absatz.\n"
    question = read_quiz(render, body).content.questions[0]
    assert question.feedback == "<p>Erster Absatz.</p>\n<p>Zweiter Absatz.</p>"
    assert "Absatz" not in question.stem


def test_text_between_the_answer_and_the_feedback_stays_in_the_stem(render):
    body = "Wie viele?\n[[= 12 ± 1]]\n\nRunden Sie auf ganze Zahlen.\n> Zwölf.\n"
    result = read_quiz(render, body)
    question = result.content.questions[0]
    assert result.diagnostics == []
    assert "Runden Sie" in question.stem and "Zwölf" not in question.stem
    assert question.feedback == "<p>Zwölf.</p>"


def test_a_quote_holding_a_gap_and_quotes_before_the_gaps_stay_in_the_stem(render):
    body = ("> Ein Zitat vor der Lücke.\n\nErgänzen Sie:\n\n"
            "> Wer [[A]] sagt, muss auch B sagen.\n")
    result = read_quiz(render, body)
    question = result.content.questions[0]
    assert result.diagnostics == []
    assert question.feedback == ""
    assert question.stem.count("<blockquote>") == 2
    assert question.gaps[0].answers == ["A"]


def test_feedback_directly_below_a_gap_that_is_not_the_last_is_an_error(render):
    body = "Erste Regel: [[Freischalten]].\n> Geheim.\nZweite Regel: [[Sichern]].\n"
    result = read_quiz(render, body)
    assert [(d["code"], d["line"]) for d in result.diagnostics] == [
        ("quiz-feedback-position", 11)
    ]


def test_text_after_the_feedback_is_an_error(render):
    body = "Wie viele?\n[[= 12 ± 1]]\n> Zwölf.\nNoch ein Satz.\n"
    result = read_quiz(render, body)
    assert [(d["code"], d["line"]) for d in result.diagnostics] == [
        ("quiz-unexpected-text", 13)
    ]


ITEM_FEEDBACK = {
    "ordering": ("Ordnen Sie.\n[#] Freischalten\n> Zuerst.\n[#] Sichern\n[#] Messen\n"
                 "> Gesamt.\n", "<p>Zuerst.</p>"),
    "matching": ("Zuordnen.\n[=] LFP -> lange Lebensdauer\n> Eisenphosphat.\n"
                 "[=] NMC -> Energie\n> Gesamt.\n", "<p>Eisenphosphat.</p>"),
}


@pytest.mark.parametrize("kind", sorted(ITEM_FEEDBACK))
def test_feedback_below_an_earlier_item_stays_with_that_item(render, kind):
    body, first = ITEM_FEEDBACK[kind]
    result = read_quiz(render, body)
    question = result.content.questions[0]
    assert result.diagnostics == []
    items = question.choices or [pair.right for pair in question.pairs]
    assert [item.feedback for item in items] == [first] + [""] * (len(items) - 1)
    assert question.feedback == "<p>Gesamt.</p>"
    graded = grade_question(question, right_answer(question, None))
    assert graded.feedback == (first, "<p>Gesamt.</p>")
    for word in ("Zuerst", "Eisenphosphat", "Gesamt"):
        assert word not in result.content.html


def test_the_fixture_course_keeps_question_feedback_on_the_server(course):
    for language in ("de", "en"):
        content = course.lesson("grundlagen-quiz").variant(language)
        kinds = {q.kind for q in content.questions if q.feedback}
        assert {"gap", "numeric", "ordering", "matching"} <= kinds
        for question in content.questions:
            if question.feedback:
                assert plain_text(question.feedback) not in plain_text(content.html)
