"""A trainer's corrections: extra attempts, a reset attempt, a completion with a reason, undo.

Every correction that moves progress is an xAPI statement. Marking a lesson, module or the
course complete stores a ``waived`` statement whose authority is the platform acting for the
trainer (``lms.lrs.embedded.acting_authority``); the crediting rule accepts it only from a
trainer of the course or an admin (``lms.lrs.crediting``). Undoing stores a voiding
statement under the same kind of authority, and the projection folds the learner back.
Services flush, never commit.
"""

import uuid
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.catalog.trainers import is_course_trainer
from lms.catalog.version_content import content_for
from lms.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.learning import quiz_services
from lms.learning import statements as builders
from lms.learning.enrolment import active_enrolment
from lms.learning.models import Enrolment, QuizAttempt
from lms.learning.projection import rebuild
from lms.lrs.embedded import acting_authority, platform_authority, record_statements
from lms.teaching.models import CompletionOverride
from xapi import vocabulary as v

SCOPES = ("lesson", "module", "course")


def _ensure_trainer(actor: User, course: Course) -> None:
    if not (actor.is_admin or is_course_trainer(actor, course)):
        raise PermissionDeniedError(_("Nur Trainerinnen und Trainer dieses Kurses dürfen das."))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailedError(
            _("Bitte geben Sie einen Grund an; er wird gespeichert und der Person angezeigt."),
            field="reason")
    return reason[:1000]


def learner_enrolment(course: Course, user_id: int) -> tuple[User, Enrolment]:
    """The learner and their active enrolment on ``course``.

    :raises NotFoundError: no such learner on the course.
    """
    learner = db.session.get(User, user_id)
    enrolment = active_enrolment(learner, course) if learner is not None else None
    if enrolment is None:
        raise NotFoundError(_("Diese Person ist nicht (mehr) in diesem Kurs angemeldet."))
    return learner, enrolment


def trainer_agent(actor: User) -> dict:
    """The trainer as an account of this platform (pseudonym, never the e-mail address)."""
    return builders.learner(actor)


def grant_attempts(actor: User, course: Course, learner: User, enrolment: Enrolment,
                   lesson_id: str, extra: int, reason: str, now: datetime):
    """Give ``learner`` more attempts at a limited quiz (the learning area keeps the record).

    :raises NotFoundError: no graded lesson ``lesson_id`` in the learner's version.
    """
    quiz = quiz_services.quiz_lesson(course, enrolment.course_version, lesson_id)
    return quiz_services.grant_attempts(actor, learner, enrolment, quiz, extra, reason, now)


def reset_attempt(actor: User, course: Course, learner: User, enrolment: Enrolment,
                  lesson_id: str, number: int, reason: str, now: datetime) -> QuizAttempt:
    """Take one attempt back: its result is voided in the LRS and the attempt is given again.

    The attempt row stays (it is the learner's record); its ``passed``/``failed`` statement
    is voided, so the projection forgets its score, and one extra attempt is granted, so
    the limit counts as if it had not been used.

    :raises ConflictError: the attempt is not of the learner's current enrolment cycle, or
        was reset before.
    """
    _ensure_trainer(actor, course)
    reason = _reason(reason)
    attempt = db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == learner.id, QuizAttempt.course_id == course.id,
        QuizAttempt.lesson_id == lesson_id, QuizAttempt.number == number))
    if attempt is None:
        raise NotFoundError(_("Diesen Versuch gibt es nicht."))
    if attempt.registration != enrolment.registration or not attempt.statement_id:
        raise ConflictError(_("Nur Versuche der laufenden Kursteilnahme lassen sich "
                              "zurücksetzen."))
    quiz = quiz_services.quiz_lesson(course, enrolment.course_version, lesson_id)
    marker = _("Versuch %(num)d zurückgesetzt", num=number)
    if any(grant.reason.startswith(marker + ":") for grant in quiz_services.grants_of(course)
           if grant.user_id == learner.id and grant.registration == enrolment.registration
           and grant.lesson_id == lesson_id):
        raise ConflictError(_("Dieser Versuch wurde bereits zurückgesetzt."))
    record_statements([_voiding(actor, attempt.statement_id, now)], now,
                      authority=platform_authority())
    quiz_services.grant_attempts(actor, learner, enrolment, quiz, 1, f"{marker}: {reason}", now)
    return attempt


def _voiding(actor: User, target_id: str, now: datetime) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": trainer_agent(actor),
        "verb": v.verb("voided"),
        "object": {"objectType": "StatementRef", "id": target_id},
        "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


def mark_complete(actor: User, course: Course, learner: User, enrolment: Enrolment,
                  scope: str, target_id: str, reason: str, now: datetime) -> CompletionOverride:
    """Mark a lesson, a module or the whole course complete for ``learner``, with a reason.

    Stores a ``waived`` statement with the trainer as authority in the current unit of work;
    the projection folds it like any statement (the course may complete right away).

    :param scope: ``lesson``, ``module`` or ``course``; ``target_id`` names the lesson or
        module (ignored for the course).
    :raises ValidationFailedError: an unknown scope or target, a session lesson, no reason.
    """
    _ensure_trainer(actor, course)
    reason = _reason(reason)
    version = enrolment.course_version
    model = content_for(version).course
    language = learner.locale or "de"
    if scope == "course":
        target_id, title = "", model.title.text(language)
    elif scope == "module":
        module = next((m for m in model.modules if m.id == target_id), None)
        if module is None:
            raise ValidationFailedError(_("Dieses Modul gibt es in der Kursversion der Person "
                                          "nicht."), field="target")
        title = module.title.text(language)
    elif scope == "lesson":
        lesson = model.lesson(target_id)
        if lesson is None:
            raise ValidationFailedError(_("Diese Lektion gibt es in der Kursversion der Person "
                                          "nicht."), field="target")
        if lesson.kind == "session":
            raise ValidationFailedError(_("Eine Präsenz lässt sich nicht als erledigt markieren; "
                                          "tragen Sie die Teilnahme im Termin ein."),
                                        field="target")
        title = lesson.title(language)
    else:
        raise ValidationFailedError(_("Bitte wählen Sie Lektion, Modul oder Kurs."),
                                    field="scope")
    statement = builders.waived_statement(learner, model, version.version,
                                          enrolment.registration, scope, target_id, reason, now)
    statement_id = record_statements([statement], now,
                                     authority=acting_authority(trainer_agent(actor)))[0]
    override = CompletionOverride(
        user_id=learner.id, course_id=course.id, registration=enrolment.registration,
        scope=scope, target_id=target_id, target_title=title[:300], reason=reason,
        statement_id=statement_id, created_by_id=actor.id, created_by_name=actor.name,
        created_at=now)
    db.session.add(override)
    db.session.flush()
    return override


def undo_override(actor: User, course: Course, override_id: int,
                  now: datetime) -> CompletionOverride:
    """Undo a completion override: void its statement; the projection folds the learner back.

    :raises NotFoundError: no such override on ``course``.
    :raises ConflictError: it was undone before.
    """
    _ensure_trainer(actor, course)
    override = db.session.get(CompletionOverride, override_id)
    if override is None or override.course_id != course.id:
        raise NotFoundError(_("Diese Markierung gibt es nicht."))
    if override.undone_at is not None:
        raise ConflictError(_("Diese Markierung wurde bereits zurückgenommen."))
    voiding = _voiding(actor, override.statement_id, now)
    # the same kind of authority as the override: a voiding statement voids only its own
    override.void_statement_id = record_statements(
        [voiding], now, authority=acting_authority(trainer_agent(actor)))[0]
    override.undone_at = now
    override.undone_by_name = actor.name
    db.session.flush()
    # The fold rebuilds on voiding only for statements it would credit; an override whose
    # trainer has lost the course since would be skipped there, so rebuild here for sure.
    rebuild(now, user_ids=[override.user_id], course_ids=[course.id])
    return override


def overrides_of(course: Course, user_id: int | None = None) -> list[CompletionOverride]:
    """The course's completion overrides (of one learner), newest first."""
    query = select(CompletionOverride).where(CompletionOverride.course_id == course.id)
    if user_id is not None:
        query = query.where(CompletionOverride.user_id == user_id)
    return list(db.session.scalars(query.order_by(CompletionOverride.created_at.desc(),
                                                  CompletionOverride.id.desc())))


def learner_overrides(user: User) -> list[CompletionOverride]:
    """What trainers marked complete for ``user`` (active and undone), newest first."""
    return list(db.session.scalars(
        select(CompletionOverride).where(CompletionOverride.user_id == user.id)
        .order_by(CompletionOverride.created_at.desc(), CompletionOverride.id.desc())))

