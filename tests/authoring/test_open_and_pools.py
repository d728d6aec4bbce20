"""Open questions (``:::open``) and question pools (``draw: N``): syntax, validator, grading."""

from authoring.grading import draw_questions, grade_quiz
from authoring.learner_view import learner_view
from authoring.model import Lesson
from tests.authoring.conftest import lesson_text

OPEN = """# Transfer

:::open id=hv-marking points=4 upload=optional
Fotografieren Sie die HV-Kennzeichnung an **Ihrem** Arbeitsplatz und beschreiben Sie,
was sie bedeutet.

Bewertungshinweis:
- Warnzeichen W012 erkennbar (2 Punkte)
- Bedeutung richtig erklärt (2 Punkte)
:::

:::quiz id=q1
Welche Farbe haben HV-Leitungen?

[(X)] Orange
[( )] Grün
:::
"""


def codes(lesson):
    return [(item["code"], item["line"]) for item in lesson.diagnostics]


def test_open_question_is_read_with_points_upload_and_rubric(render):
    lesson = render(lesson_text(OPEN, "id: transfer\ntitle: T\ntype: quiz"))
    assert codes(lesson) == []
    question = lesson.content.questions[0]
    assert (question.id, question.kind, question.points, question.upload) == (
        "hv-marking", "open", 4, "optional")
    assert "<strong>Ihrem</strong>" in question.stem
    assert "W012" in question.rubric and "W012" not in question.stem
    assert 'data-kind="open"' in lesson.content.html
    # the graders' hint never reaches the lesson HTML the learner's page is built from
    assert "W012" not in lesson.content.html
    view = learner_view(question, "seed")
    assert view["upload"] == "optional" and "rubric" not in view


def test_open_question_errors_carry_their_lines(render):
    body = """:::open id=bad upload=video
Was sehen Sie?
[(X)] nichts
:::
"""
    lesson = render(lesson_text(body, "id: transfer\ntitle: T\ntype: quiz"))
    found = codes(lesson)
    # front matter is lines 1-5 ("---", 3 fields, "---"), a blank line, then the block
    assert ("open-upload", 7) in found
    assert ("open-answer-marker", 9) in found
    assert ("open-no-rubric", 7) in found


def test_open_question_outside_a_graded_lesson_is_an_error(render):
    lesson = render(lesson_text(":::open id=x\nText\n\nRubric: y\n:::\n"))
    assert ("open-in-lesson", 6) in codes(lesson)  # 2 front-matter fields: block on 6


def test_open_question_is_pending_until_a_trainer_gives_points(render):
    lesson_file = render(lesson_text(OPEN, "id: transfer\ntitle: T\ntype: quiz"))
    lesson = Lesson(id="transfer", kind="quiz", module_id="m", order=1,
                    content={"de": lesson_file.content}, pass_mark=60)
    right = lesson.question("q1").choices[0].id
    pending = grade_quiz(lesson, {"hv-marking": "Foto anbei", "q1": right})
    assert pending.is_pending
    assert (pending.score, pending.max_score) == (1, 5)
    graded = grade_quiz(lesson, {"hv-marking": "Foto anbei", "q1": right},
                        manual={"hv-marking": 3})
    assert not graded.is_pending
    # 1 + 3 of 5 points = 80 % ≥ the pass mark of 60 %
    assert (graded.score, graded.percent, graded.passed) == (4, 80.0, True)
    # points above the question's maximum are capped
    assert grade_quiz(lesson, {}, manual={"hv-marking": 9}).score == 4


POOL = "# Pool\n\n" + "\n".join(
    f":::quiz id=p{n}\nFrage {n}?\n\n[(X)] ja\n[( )] nein\n:::\n" for n in range(1, 7))


def test_draw_more_than_the_pool_is_an_error_at_its_line(render):
    lesson = render(lesson_text(POOL, "id: pool\ntitle: P\ntype: quiz\ndraw: 7"))
    assert codes(lesson) == [("quiz-draw", 5)]
    assert render(lesson_text(POOL, "id: pool\ntitle: P\ntype: quiz\ndraw: 6")).diagnostics == []


def test_draw_on_a_plain_lesson_is_misplaced(render):
    lesson = render(lesson_text("# x\n\n## Quellen\n\n- https://example.org\n",
                                "id: plain\ntitle: P\ndraw: 2"))
    assert ("field-misplaced", 4) in codes(lesson)


def test_draw_is_stable_per_attempt_and_differs_between_attempts(render):
    lesson_file = render(lesson_text(POOL, "id: pool\ntitle: P\ntype: quiz\ndraw: 3"))
    lesson = Lesson(id="pool", kind="quiz", module_id="m", order=1,
                    content={"de": lesson_file.content}, draw=lesson_file.draw)
    first = draw_questions(lesson, "reg:1")
    assert len(first) == 3 and first == draw_questions(lesson, "reg:1")
    draws = {tuple(draw_questions(lesson, f"reg:{n}")) for n in range(1, 30)}
    assert len(draws) > 5  # 20 possible draws of 3 from 6: retakes are different tests
    # grading counts only the drawn questions
    answers = {q.id: q.choices[0].id for q in lesson.questions()}
    result = grade_quiz(lesson, answers, question_ids=first)
    assert [r.question_id for r in result.questions] == first
    assert result.max_score == 3


def test_lesson_without_new_fields_keeps_its_package_form(render):
    lesson_file = render(lesson_text(POOL, "id: pool\ntitle: P\ntype: quiz"))
    lesson = Lesson(id="pool", kind="quiz", module_id="m", order=1,
                    content={"de": lesson_file.content})
    data = lesson.to_dict()
    assert "draw" not in data and "rubric" not in data["content"]["de"]["questions"][0]
    assert Lesson.from_dict(data).draw is None
