"""Grading open answers: who may see and grade them, the grade, and what follows from it.

A grade is the trainer's points and written feedback on one open answer. When the last
open answer of an attempt is graded, the attempt gets its result through
``lms.learning.quiz_services.finish_grading`` (a ``passed``/``failed`` statement from
the platform with the trainer as instructor), the projection credits it, and the learner
is told (a notice on "Mein Lernen" and a mail after commit).
"""

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from authoring.model import Question
from lms.accounts.inbox import send_to_user
from lms.accounts.models import User
from lms.catalog.models import Course, CourseVersion
from lms.catalog.trainers import is_course_trainer
from lms.errors import NotFoundError, ValidationFailedError
from lms.extensions import db
from lms.learning import quiz_services
from lms.learning.answer_models import QuizAnswer
from lms.learning.models import QuizAttempt
from lms.lrs.embedded import record_statements
from lms.teaching.access_log import record_trainer_access

MAX_FEEDBACK = 5000
#: a trainer looking at the same answer again within this time makes no new log entry


def may_grade(user: User, course: Course) -> bool:
    return bool(user.is_admin or is_course_trainer(user, course))


@dataclass
class AnswerForGrading:
    answer: QuizAnswer
    course: Course
    quiz: quiz_services.QuizLesson
    question: Question
    learner: User


def answer_for_grader(actor: User, answer_id: int) -> AnswerForGrading:
    """An open answer the actor may grade, with its question as the attempt showed it.

    :raises NotFoundError: no such open answer, or the actor is neither admin nor a
        trainer of its course (not told apart, so other courses' answers stay unseen).
    """
    answer = db.session.get(QuizAnswer, answer_id)
    if answer is None or answer.kind != "open":
        raise NotFoundError(_("Diese Antwort gibt es nicht."))
    course = db.session.get(Course, answer.course_id)
    if not may_grade(actor, course):
        raise NotFoundError(_("Diese Antwort gibt es nicht."))
    attempt = answer.attempt
    version = db.session.get(CourseVersion, attempt.course_version_id)
    quiz = quiz_services.quiz_lesson(course, version, attempt.lesson_id)
    question = quiz.lesson.question(answer.question_id, attempt.language)
    if question is None:
        raise NotFoundError(_("Diese Antwort gibt es nicht."))
    return AnswerForGrading(answer, course, quiz, question, db.session.get(User, answer.user_id))


def record_trainer_view(actor: User, learner: User, action: str, detail: str,
                        now: datetime) -> None:
    """Write a trainer's look at a learner's answer into the learner's access log.

    The same log as the cockpit's other views (:mod:`lms.teaching.access_log`): the learner
    reads it at /me/access-log, with or without an employer; repeated looks within the
    dedupe window make one entry.
    """
    if actor.id != learner.id:
        record_trainer_access(actor, None, [learner.id], action, now, detail=detail)


def grade_answer(actor: User, item: AnswerForGrading, points: float | None, feedback: str,
                 now: datetime) -> bool:
    """Record the trainer's grade on one open answer; returns whether the attempt is done.

    :raises ValidationFailedError: points missing or outside 0…the question's points,
        feedback too long, or the answer was graded already.
    """
    answer = item.answer
    # Grading is serialised per attempt (a row lock on PostgreSQL; SQLite has one writer):
    # two trainers grading the same answer cannot both record it, and two grading the
    # attempt's last two open answers cannot each miss that the other finished.
    db.session.execute(select(QuizAttempt.id).where(QuizAttempt.id == answer.attempt_id)
                       .with_for_update())
    db.session.refresh(answer)
    if not answer.is_pending:
        raise ValidationFailedError(_("Diese Antwort ist bereits bewertet."))
    if points is None or not 0 <= points <= answer.max_score:
        raise ValidationFailedError(
            _("Bitte geben Sie 0 bis %(max)s Punkte an.", max=f"{answer.max_score:g}"),
            field="points")
    feedback = (feedback or "").replace("\r\n", "\n").strip()
    if len(feedback) > MAX_FEEDBACK:
        raise ValidationFailedError(
            _("Die Rückmeldung ist länger als %(max)d Zeichen.", max=MAX_FEEDBACK),
            field="feedback")
    answer.score = round(float(points), 4)
    answer.is_correct = answer.score >= answer.max_score
    answer.feedback = feedback
    answer.graded_at, answer.graded_by_id, answer.is_pending = now, actor.id, False
    db.session.flush()
    record_statements([quiz_services.open_answer_statement(actor, answer, item.quiz, now)], now)
    done = quiz_services.finish_grading(actor, answer.attempt, item.quiz, now)
    if done:
        _tell_learner(item, now)
    return done


def _tell_learner(item: AnswerForGrading, now: datetime) -> None:
    """The mail to the learner that their attempt has its result (sent after commit)."""
    learner, attempt = item.learner, item.answer.attempt
    language = learner.locale or "de"
    link = url_for("quizzes.show_attempt", slug=item.course.slug, lesson_id=attempt.lesson_id,
                   number=attempt.number, _external=True)
    with force_locale(language):
        title = item.quiz.lesson.title(language)
        subject = _("Ihr Ergebnis: %(title)s", title=title)
        body = _("Guten Tag %(name)s,\n\nIhre Antworten in „%(title)s“ sind bewertet. "
                 "Ergebnis und Rückmeldung finden Sie hier:\n%(link)s\n",
                 name=learner.name, title=title, link=link)
    send_to_user(learner, subject, body, now)
