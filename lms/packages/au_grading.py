"""Grading for the cmi5 AUs of exported courses: stateless, per version and lesson.

The AU page holds no answer key; it sends the learner's answers here and shows the
verdict. Nothing is stored: the launching LMS keeps the result (from the AU's statements).
"""

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from authoring.grading import grade_question, grade_quiz
from authoring.model import GRADED_KINDS, Course, Lesson
from lms.errors import NotFoundError, ValidationFailedError


def _lesson(model: Course, lesson_id: str) -> Lesson:
    lesson = model.lesson(lesson_id)
    if lesson is None:
        raise NotFoundError(_("Diese Lektion gibt es in dieser Kursversion nicht."))
    return lesson


def _language(lesson: Lesson, payload: Mapping[str, Any]) -> str:
    language = payload.get("language")
    return language if isinstance(language, str) and language in lesson.content \
        else lesson.languages[0]


def _shown_questions(lesson: Lesson, language: str, asked: Any) -> list[str]:
    """The gradable questions the attempt showed: all, or a draw of at least ``draw``.

    Open questions are left out: in an export nobody grades them (docs/interoperability.md).
    """
    gradable = [q.id for q in lesson.questions(language) if q.kind != "open"]
    if not isinstance(asked, list):
        return gradable
    wanted = [qid for qid in gradable if qid in {str(item) for item in asked}]
    needed = min(lesson.draw or len(gradable), len(gradable))
    if len(wanted) < needed:
        raise ValidationFailedError(_("Es fehlen Fragen dieses Tests."))
    return wanted


def grade_answers(model: Course, lesson_id: str, payload: Mapping[str, Any]) -> dict:
    """Grade one quiz attempt, or one ungraded check, of ``lesson_id``.

    :param payload: ``{"language", "responses": {question id: response}, "question_ids"}``
        for a quiz or assessment, ``{"language", "check": id, "response"}`` for a check.
    :return: ``{"score", "max", "percent", "passed", "questions": {id: {...}}}`` for a quiz,
        ``{"correct", "score", "max"}`` for a check; never the solution.
    :raises ValidationFailedError: a malformed payload or a lesson without a quiz.
    """
    lesson = _lesson(model, lesson_id)
    language = _language(lesson, payload)
    if "check" in payload:
        check = lesson.variant(language).check(str(payload.get("check")))
        if check is None:
            raise NotFoundError(_("Diese Verständnisfrage gibt es nicht."))
        result = grade_question(check, payload.get("response"), language)
        return {"correct": result.is_correct, "score": result.score, "max": result.max_score}
    if lesson.kind not in GRADED_KINDS:
        raise ValidationFailedError(_("Diese Lektion hat keinen Test."))
    responses = payload.get("responses")
    if not isinstance(responses, Mapping):
        raise ValidationFailedError(_("Die Antworten fehlen."))
    shown = _shown_questions(lesson, language, payload.get("question_ids"))
    result = grade_quiz(lesson, responses, language, question_ids=shown)
    return {
        "score": result.score,
        "max": result.max_score,
        "percent": result.percent,
        "passed": result.passed,
        "questions": {r.question_id: {"correct": r.is_correct, "score": r.score,
                                      "max": r.max_score} for r in result.questions},
    }
