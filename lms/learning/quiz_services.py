"""Quiz and final-assessment rules: which attempt is next, grading on the server, statements.

The browser sends only the learner's choices; points, pass/fail and the attempt count are
decided here. Each submitted attempt is one ``QuizAttempt`` row plus, in the same unit of
work, one ``answered`` statement per question and one ``passed``/``failed`` statement for
the lesson; the progress projection folds those into the learner's progress.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from authoring.grading import QuizResult, draw_questions, grade_quiz
from authoring.model import GRADED_KINDS, Lesson
from authoring.model import Course as CourseModel
from lms.accounts.models import User
from lms.catalog.models import Course, CourseTrainer, CourseVersion
from lms.catalog.trainers import is_course_trainer
from lms.catalog.version_content import content_for
from lms.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from lms.extensions import db
from lms.formatting import format_datetime
from lms.learning import answer_files, statements
from lms.learning.answer_models import MAX_RESPONSE, QuizAnswer
from lms.learning.models import Enrolment, QuizAttempt, QuizAttemptGrant
from lms.learning.quiz_form import response_text
from lms.lrs.embedded import record_statements


@dataclass(frozen=True)
class QuizLesson:
    """A graded lesson of the course version an enrolment is on."""

    course: Course
    version: CourseVersion
    model: CourseModel
    lesson: Lesson

    @property
    def is_assessment(self) -> bool:
        return self.lesson.kind == "assessment"

    def following(self) -> Lesson | None:
        """The lesson after this one in course order, if any."""
        lessons = list(self.model.lessons())
        index = next(i for i, lesson in enumerate(lessons) if lesson.id == self.lesson.id)
        return lessons[index + 1] if index + 1 < len(lessons) else None


def find_course(slug: str) -> Course:
    """:raises NotFoundError: no course has this slug."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise NotFoundError(_("Diesen Kurs gibt es nicht oder nicht mehr."))
    return course


def quiz_lesson(course: Course, version: CourseVersion, lesson_id: str) -> QuizLesson:
    """Return the quiz or assessment ``lesson_id`` of ``version``.

    :raises NotFoundError: the version has no graded lesson with this id.
    """
    model = content_for(version).course
    lesson = model.lesson(lesson_id)
    if lesson is None or lesson.kind not in GRADED_KINDS:
        raise NotFoundError(_("Diesen Test gibt es in Ihrer Kursversion nicht."))
    return QuizLesson(course, version, model, lesson)


def quiz_language(lesson: Lesson, wanted: str) -> str:
    """The learner's language if the lesson is written in it, else German."""
    return wanted if wanted in lesson.content else "de"


def attempt_seed(registration: str, number: int) -> str:
    """The shuffle seed of an attempt: the same attempt always shows the same order."""
    return f"{registration}:{number}"


def cycle_attempts(user: User, course: Course, lesson_id: str,
                   registration: str) -> list[QuizAttempt]:
    """The learner's attempts at ``lesson_id`` in one enrolment cycle, oldest first."""
    return list(db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user.id, QuizAttempt.course_id == course.id,
               QuizAttempt.lesson_id == lesson_id, QuizAttempt.registration == registration)
        .order_by(QuizAttempt.number)
    ))


def next_attempt_number(user: User, course: Course, lesson_id: str) -> int:
    """The number the learner's next attempt gets (numbers run on across enrolment cycles)."""
    highest = db.session.scalar(
        select(func.max(QuizAttempt.number))
        .where(QuizAttempt.user_id == user.id, QuizAttempt.course_id == course.id,
               QuizAttempt.lesson_id == lesson_id)
    )
    return (highest or 0) + 1


#: how many extra attempts a trainer may give at once
MAX_EXTRA_ATTEMPTS = 10


def attempts_left(lesson: Lesson, used: int, extra: int = 0) -> int | None:
    """Attempts remaining under the lesson's limit plus ``extra`` granted by a trainer;
    ``None`` when unlimited."""
    return None if lesson.attempts is None else max(0, lesson.attempts + extra - used)


def extra_attempts(user: User, course: Course, lesson_id: str, registration: str) -> int:
    """The attempts trainers granted ``user`` at the quiz in this enrolment cycle."""
    return db.session.scalar(
        select(func.coalesce(func.sum(QuizAttemptGrant.extra_attempts), 0))
        .where(QuizAttemptGrant.user_id == user.id, QuizAttemptGrant.course_id == course.id,
               QuizAttemptGrant.lesson_id == lesson_id,
               QuizAttemptGrant.registration == registration)
    ) or 0


def retry_opens_at(quiz: QuizLesson, attempts: list[QuizAttempt]) -> datetime | None:
    """When the next attempt opens after a failed one, under the course's ``retry_wait``.

    ``None`` without a waiting time, before the first attempt, or once passed.
    """
    wait = quiz.model.retry_wait_minutes
    if not wait or not attempts or any(attempt.is_passed for attempt in attempts):
        return None
    return attempts[-1].submitted_at + timedelta(minutes=wait)


def waiting_until(quiz: QuizLesson, attempts: list[QuizAttempt], now: datetime
                  ) -> datetime | None:
    """The moment the learner may try again, while it is still ahead; else ``None``."""
    opens = retry_opens_at(quiz, attempts)
    return opens if opens is not None and opens > now else None


def course_trainers(course: Course) -> list[User]:
    """Who a learner at the end of their attempts should turn to, by name."""
    return list(db.session.scalars(
        select(User).join(CourseTrainer, CourseTrainer.user_id == User.id)
        .where(CourseTrainer.course_id == course.id).order_by(User.name)))


def grant_attempts(actor: User, learner: User, enrolment: Enrolment, quiz: QuizLesson,
                   extra: int, reason: str, now: datetime) -> QuizAttemptGrant:
    """Give ``learner`` ``extra`` more attempts at the quiz in their current cycle.

    The grant is a record: who, when, how many and why.

    :raises PermissionDeniedError: ``actor`` is neither admin nor a trainer of the course.
    :raises ValidationFailedError: a quiz without a limit, a number out of range or no
        reason.
    """
    if not (actor.is_admin or is_course_trainer(actor, quiz.course)):
        raise PermissionDeniedError(
            _("Nur Trainerinnen und Trainer dieses Kurses dürfen Versuche freigeben."))
    if quiz.lesson.attempts is None:
        raise ValidationFailedError(
            _("Dieser Test hat unbegrenzt viele Versuche; es gibt nichts freizugeben."))
    if not 1 <= extra <= MAX_EXTRA_ATTEMPTS:
        raise ValidationFailedError(
            _("Bitte geben Sie 1 bis %(max)d zusätzliche Versuche an.", max=MAX_EXTRA_ATTEMPTS),
            field="extra")
    reason = reason.strip()
    if not reason:
        raise ValidationFailedError(
            _("Bitte geben Sie einen Grund an; er wird mit der Freigabe gespeichert."),
            field="reason")
    grant = QuizAttemptGrant(
        user_id=learner.id, course_id=quiz.course.id, lesson_id=quiz.lesson.id,
        registration=enrolment.registration, extra_attempts=extra, reason=reason[:1000],
        granted_by_id=actor.id, granted_at=now)
    db.session.add(grant)
    db.session.flush()
    return grant


def may_show_solutions(quiz: QuizLesson, attempts: list[QuizAttempt], extra: int = 0) -> bool:
    """Whether feedback and explanations may be shown for the attempts of a cycle.

    Quizzes always show them after submission. The final assessment shows only right or
    wrong per question until it is passed or no attempt is left, so a second attempt is
    not a copy of the first one's solutions.
    """
    if not quiz.is_assessment:
        return True
    if any(attempt.is_passed for attempt in attempts):
        return True
    return attempts_left(quiz.lesson, len(attempts), extra) == 0


def find_attempt(user: User, course: Course, lesson_id: str, number: int) -> QuizAttempt:
    """Return the learner's own attempt; another learner's attempt is not found.

    :raises NotFoundError: no such attempt of ``user``.
    """
    attempt = db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.course_id == course.id,
        QuizAttempt.lesson_id == lesson_id, QuizAttempt.number == number))
    if attempt is None:
        raise NotFoundError(_("Diesen Versuch gibt es nicht."))
    return attempt


def load_attempt(user: User, course: Course, lesson_id: str,
                 number: int) -> tuple[QuizAttempt, QuizLesson]:
    """Return the learner's attempt and the lesson as it was in the attempt's version.

    :raises NotFoundError: no such attempt of ``user``.
    """
    attempt = find_attempt(user, course, lesson_id, number)
    version = db.session.get(CourseVersion, attempt.course_version_id)
    return attempt, quiz_lesson(course, version, lesson_id)


def drawn_questions(quiz: QuizLesson, registration: str, number: int, language: str
                    ) -> list[str]:
    """The question ids attempt ``number`` shows: all, or its draw from the pool."""
    return draw_questions(quiz.lesson, attempt_seed(registration, number), language)


def attempt_answers(attempt: QuizAttempt) -> dict[str, QuizAnswer]:
    """The stored per-question rows of an attempt, by question id."""
    return {answer.question_id: answer for answer in db.session.scalars(
        select(QuizAnswer).where(QuizAnswer.attempt_id == attempt.id))}


def manual_points(answers: dict[str, QuizAnswer]) -> dict[str, float]:
    """Points trainers gave the attempt's open questions so far."""
    return {qid: answer.score for qid, answer in answers.items()
            if answer.kind == "open" and answer.graded_at is not None}


def mark_feedback_seen(answers: dict[str, QuizAnswer], now: datetime) -> None:
    """The learner opened their graded attempt: its grading notice has done its job."""
    for answer in answers.values():
        if answer.graded_at is not None and answer.feedback_seen_at is None:
            answer.feedback_seen_at = now
    db.session.flush()


def own_answer_file(user: User, course: Course, token: str) -> QuizAnswer:
    """The answer of ``user`` in ``course`` whose file has ``token``.

    :raises NotFoundError: no such file, or it belongs to someone else (not told apart).
    """
    answer = db.session.scalar(select(QuizAnswer).where(
        QuizAnswer.file_token == token, QuizAnswer.course_id == course.id,
        QuizAnswer.user_id == user.id))
    if answer is None:
        raise NotFoundError(_("Diese Datei gibt es nicht."))
    return answer


def regrade(quiz: QuizLesson, attempt: QuizAttempt) -> QuizResult:
    """Grade a stored attempt again for its result page (same version, same result),
    with the points trainers gave its open questions."""
    return grade_quiz(quiz.lesson, attempt.responses, attempt.language,
                      question_ids=attempt.question_ids,
                      manual=manual_points(attempt_answers(attempt)))


def _draw_extension(question_ids: list[str] | None) -> dict[str, Any]:
    """The context extension naming the questions an attempt drew from the pool."""
    if question_ids is None:
        return {}
    return {statements.extension(statements.DRAWN_QUESTIONS): list(question_ids)}


def _answer_rows(user: User, quiz: QuizLesson, attempt: QuizAttempt, result: QuizResult,
                 responses: dict[str, Any], stored: dict[str, answer_files.StoredFile],
                 now: datetime) -> list[QuizAnswer]:
    questions = {q.id: q for q in quiz.lesson.questions(attempt.language)}
    rows = []
    for outcome in result.questions:
        question = questions[outcome.question_id]
        response = responses.get(outcome.question_id)
        file = stored.get(outcome.question_id)
        rows.append(QuizAnswer(
            attempt_id=attempt.id, user_id=user.id, course_id=quiz.course.id,
            lesson_id=quiz.lesson.id, question_id=outcome.question_id, kind=question.kind,
            score=outcome.score, max_score=outcome.max_score, is_correct=outcome.is_correct,
            response=response_text(response)[:MAX_RESPONSE], submitted_at=now,
            is_pending=outcome.is_pending,
            text=str(response or "") if question.kind == "open" else None,
            file_token=file.token if file else None, file_name=file.name if file else None,
            file_type=file.media_type if file else None, file_size=file.size if file else None,
        ))
    return rows


def submit_attempt(user: User, enrolment: Enrolment, quiz: QuizLesson,
                   responses: dict[str, Any], language: str, now: datetime,
                   number: int | None = None,
                   files: dict[str, answer_files.Upload] | None = None) -> QuizAttempt:
    """Grade and store one attempt, with its statements, in the current unit of work.

    :param responses: question id → response as read from the form; grading ignores
        anything that is not an answer to one of the lesson's questions.
    :param number: the attempt number the form was shown for; a form sent again after
        its attempt was stored is refused instead of using up another attempt.
    :param files: question id → file attached to an open question that allows one.

    An attempt with open questions is stored as pending: its ``answered`` statements are
    recorded now, its ``passed``/``failed`` statement only when a trainer has graded every
    open answer (:func:`finish_grading`), so completion waits for the grade. With a
    question pool the attempt keeps the ids it drew and its statements name them.

    :raises ValidationFailedError: a required file is missing, or a file is not a photo
        or PDF or too large.
    :raises ConflictError: no attempts left, the course's waiting time after a failed
        attempt is not over, or this attempt was already submitted (a second click, or
        two submissions at the same time).
    """
    lesson = quiz.lesson
    attempts = cycle_attempts(user, quiz.course, lesson.id, enrolment.registration)
    extra = extra_attempts(user, quiz.course, lesson.id, enrolment.registration)
    if attempts_left(lesson, len(attempts), extra) == 0:
        raise ConflictError(ngettext(
            "Sie haben Ihren Versuch für diesen Test bereits genutzt.",
            "Sie haben alle %(num)s Versuche für diesen Test genutzt.", lesson.attempts + extra))
    if any(attempt.is_pending for attempt in attempts):
        raise ConflictError(_("Ihr letzter Versuch wird noch bewertet; danach können Sie "
                              "es erneut versuchen."))
    opens = waiting_until(quiz, attempts, now)
    if opens is not None:
        raise ConflictError(_("Der nächste Versuch ist ab %(when)s möglich.",
                              when=format_datetime(opens, "short")))
    expected = next_attempt_number(user, quiz.course, lesson.id)
    if number is not None and number != expected:
        raise ConflictError(_("Dieser Versuch wurde bereits abgegeben."))

    drawn = drawn_questions(quiz, enrolment.registration, expected, language)
    question_ids = drawn if lesson.draw is not None else None
    result = grade_quiz(lesson, responses, language, question_ids=question_ids)
    questions = {q.id: q for q in lesson.questions(language) if q.id in set(drawn)}
    kept = {key: value for key, value in responses.items() if key in questions}
    checked = {}
    for question in questions.values():
        upload = (files or {}).get(question.id)
        label = _("Frage %(number)d", number=drawn.index(question.id) + 1)
        if question.kind != "open" or not question.upload:
            continue
        if upload is None or not upload.data:
            if question.upload == "required":
                raise ValidationFailedError(
                    _("Zu „%(question)s“ gehört ein Foto oder PDF; bitte hängen Sie es an.",
                      question=label))
            continue
        checked[question.id] = (upload, answer_files.check(upload, label))
    attempt = QuizAttempt(
        user_id=user.id, course_id=quiz.course.id, course_version_id=quiz.version.id,
        lesson_id=lesson.id, number=expected, language=language, responses=kept,
        score=result.score, max_score=result.max_score, percent=result.percent,
        is_passed=result.passed and not result.is_pending, submitted_at=now,
        registration=enrolment.registration, is_pending=result.is_pending,
        question_ids=question_ids,
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        # Another request stored this number first: the unique constraint keeps the count.
        raise ConflictError(_("Dieser Versuch wurde bereits abgegeben.")) from None

    stored = {qid: answer_files.store(upload, media_type)
              for qid, (upload, media_type) in checked.items()}
    db.session.add_all(_answer_rows(user, quiz, attempt, result, kept, stored, now))

    version, registration = quiz.version.version, enrolment.registration
    extensions = _draw_extension(question_ids)
    batch = [
        statements.answered_statement(
            user, quiz.model, version, registration, lesson, question_result.question_id,
            now, {"response": response_text(kept.get(question_result.question_id))}
            if question_result.is_pending else {
                "success": question_result.is_correct,
                "score": {"raw": question_result.score, "min": 0,
                          "max": question_result.max_score},
                "response": response_text(kept.get(question_result.question_id)),
            }, language, extensions=extensions)
        for question_result in result.questions
    ]
    if not result.is_pending:
        batch.append(statements.lesson_statement(
            user, "passed" if result.passed else "failed", quiz.model, version, registration,
            lesson, now, statements.scaled_result(
                result.percent, result.passed, result.score, result.max_score), language,
            extensions=extensions))
    attempt.statement_id = record_statements(batch, now)[-1]
    db.session.flush()
    return attempt


def finish_grading(grader: User, attempt: QuizAttempt, quiz: QuizLesson, now: datetime
                   ) -> bool:
    """Give a pending attempt its result once every open answer has a grade.

    Records the ``passed``/``failed`` statement with the platform as authority and the
    grading trainer as ``context.instructor``, so the crediting rule counts it and the
    projection moves the learner's progress (and completion) on. Returns whether the
    attempt got its result now.
    """
    answers = attempt_answers(attempt)
    if not attempt.is_pending or any(a.is_pending for a in answers.values()):
        return False
    result = regrade(quiz, attempt)
    attempt.score, attempt.max_score = result.score, result.max_score
    attempt.percent, attempt.is_passed = result.percent, result.passed
    attempt.is_pending = False
    user = db.session.get(User, attempt.user_id)
    statement = statements.lesson_statement(
        user, "passed" if result.passed else "failed", quiz.model, quiz.version.version,
        attempt.registration, quiz.lesson, now, statements.scaled_result(
            result.percent, result.passed, result.score, result.max_score),
        attempt.language, extensions=_draw_extension(attempt.question_ids))
    statement["context"]["instructor"] = statements.learner(grader)
    attempt.statement_id = record_statements([statement], now)[-1]
    db.session.flush()
    return True


def open_answer_statement(grader: User, answer: QuizAnswer, quiz: QuizLesson,
                          now: datetime) -> dict[str, Any]:
    """The ``answered`` statement with the trainer's score for one open answer."""
    attempt = answer.attempt
    user = db.session.get(User, attempt.user_id)
    statement = statements.answered_statement(
        user, quiz.model, quiz.version.version, attempt.registration, quiz.lesson,
        answer.question_id, now, {
            "success": answer.is_correct,
            "score": {"raw": answer.score, "min": 0, "max": answer.max_score},
            "response": answer.response,
        }, attempt.language, extensions=_draw_extension(attempt.question_ids))
    statement["context"]["instructor"] = statements.learner(grader)
    return statement


@dataclass
class AttemptStanding:
    """One learner's attempts at one limited quiz, as the trainer's page lists them."""

    user: User
    enrolment: Enrolment
    lesson: Lesson
    used: int
    extra: int
    is_passed: bool
    best_percent: float | None

    @property
    def left(self) -> int:
        return attempts_left(self.lesson, self.used, self.extra) or 0

    @property
    def is_stuck(self) -> bool:
        return not self.is_passed and self.left == 0


def _limited_quizzes(model: CourseModel) -> list[Lesson]:
    return [lesson for lesson in model.lessons()
            if lesson.kind in GRADED_KINDS and lesson.attempts is not None]


def attempt_standings(course: Course) -> list[AttemptStanding]:
    """Every active learner's standing at the quizzes with an attempt limit of the version
    they learn on, for those who tried; those out of attempts first."""
    enrolments = list(db.session.scalars(
        select(Enrolment).join(Enrolment.user)
        .where(Enrolment.course_id == course.id, Enrolment.status == "active")
        .order_by(User.name, User.id)))
    by_registration = {e.registration: e for e in enrolments}
    attempts: dict[tuple[str, str], list[QuizAttempt]] = {}
    for attempt in db.session.scalars(
            select(QuizAttempt).where(QuizAttempt.course_id == course.id,
                                      QuizAttempt.registration.in_(list(by_registration)))):
        attempts.setdefault((attempt.registration, attempt.lesson_id), []).append(attempt)
    extras: dict[tuple[str, str], int] = {}
    for grant in db.session.scalars(
            select(QuizAttemptGrant).where(
                QuizAttemptGrant.course_id == course.id,
                QuizAttemptGrant.registration.in_(list(by_registration)))):
        key = (grant.registration, grant.lesson_id)
        extras[key] = extras.get(key, 0) + grant.extra_attempts
    standings = []
    for enrolment in enrolments:
        for lesson in _limited_quizzes(content_for(enrolment.course_version).course):
            done = attempts.get((enrolment.registration, lesson.id), [])
            if not done:
                continue
            standings.append(AttemptStanding(
                user=enrolment.user, enrolment=enrolment, lesson=lesson, used=len(done),
                extra=extras.get((enrolment.registration, lesson.id), 0),
                is_passed=any(a.is_passed for a in done),
                best_percent=max(a.percent for a in done)))
    standings.sort(key=lambda s: (not s.is_stuck, s.user.name.casefold(), s.lesson.id))
    return standings


def grants_of(course: Course) -> list[QuizAttemptGrant]:
    """The course's attempt grants, newest first: the record trainers and admins read."""
    return list(db.session.scalars(
        select(QuizAttemptGrant).where(QuizAttemptGrant.course_id == course.id)
        .order_by(QuizAttemptGrant.granted_at.desc(), QuizAttemptGrant.id.desc())))
