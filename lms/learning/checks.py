"""Ungraded understanding checks (``:::check``) answered inside a lesson.

A check is graded on the server like a quiz question, so its solution never reaches the
browser, but nothing is stored: it never counts toward grades, progress or completion,
and only the learner sees the outcome, at once.
"""

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from authoring.grading import QuestionResult, grade_question
from authoring.learner_view import TRUE_FALSE_LABELS, learner_view
from authoring.model import Lesson
from lms.errors import NotFoundError
from lms.learning import quiz_form


@dataclass(frozen=True)
class CheckOutcome:
    """The graded answer to one check: what the learner gave and the feedback."""

    check_id: str
    result: QuestionResult
    given: quiz_form.GivenAnswer


def check_seed(registration: str) -> str:
    """The seed of the learner's check views: stable per enrolment, so a reload keeps order."""
    return f"{registration}:checks"


def check_views(lesson: Lesson, language: str, seed: str) -> dict[str, dict]:
    """The learner views of the lesson's checks in ``language`` (never their solutions)."""
    views = {}
    for number, question in enumerate(lesson.variant(language).checks, start=1):
        view = learner_view(question, seed, language)
        view.update(number=number, field=quiz_form.field_name(question.id), is_check=True)
        views[question.id] = view
    return views


def answer_check(lesson: Lesson, check_id: str, language: str, seed: str,
                 form: Any) -> CheckOutcome:
    """Grade the learner's answer to one check in ``language``; stores nothing.

    The answer keys are the same in every language of the lesson (the validator sees to
    that), so the language only decides the texts of the feedback and how numbers read.

    :raises NotFoundError: the lesson has no check ``check_id``.
    """
    content = lesson.variant(language)
    question = content.check(check_id)
    if question is None:
        raise NotFoundError(_("Diese Verständnisfrage gibt es in der Lektion nicht."))
    view = check_views(lesson, language, seed)[check_id]
    response = quiz_form.read_response(view, form)
    result = grade_question(question, response, content.language)
    labels = TRUE_FALSE_LABELS.get(content.language, TRUE_FALSE_LABELS["de"])
    return CheckOutcome(check_id, result, quiz_form.given_answer(question, response, labels))
