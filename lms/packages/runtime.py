"""The SCORM runtime's rules: which attempt a launch opens, what a commit stores and states.

A SCO (one ``<item>`` of a package lesson) runs in the learner's browser under scorm-again;
every ``LMSCommit``/``Commit`` and the final ``LMSFinish``/``Terminate`` send the whole CMI
object here. The server keeps it per learner, lesson, item and attempt, and turns status,
score and time into xAPI statements (:mod:`lms.packages.scorm_statements`) stored with the
package's own authority, so the crediting rule decides, as for any external tool, whether
they move progress.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from authoring.model import Course as CourseModel
from authoring.model import Lesson
from lms.accounts.models import User
from lms.errors import NotFoundError, ValidationFailedError
from lms.extensions import db
from lms.learning.models import Enrolment
from lms.lrs.embedded import record_statements
from lms.packages import cmi as cmi_model
from lms.packages import scorm_statements
from lms.packages.authority import package_client
from lms.packages.runtime_models import ScormAttempt
from lms.packages.scorm_time import iso_duration, timespan

#: how many page sessions an attempt remembers as terminated (replays come from recent ones)
REMEMBERED_SESSIONS = 20


@dataclass(frozen=True)
class PlayedLesson:
    """A package lesson of the learner's version, with the SCOs it plays in order."""

    enrolment: Enrolment
    model: CourseModel
    lesson: Lesson
    standard: str
    package_name: str
    items: list[Any]  # authoring PackageItem

    def item(self, identifier: str | None) -> Any:
        """The item ``identifier`` (the first when None).

        :raises NotFoundError: the lesson has no such item.
        """
        if identifier is None:
            return self.items[0]
        for item in self.items:
            if item.identifier == identifier:
                return item
        raise NotFoundError(_("Diesen Teil gibt es in der Lektion nicht."))

    @property
    def is_multi_item(self) -> bool:
        return len(self.items) > 1


def played_lesson(enrolment: Enrolment, model: CourseModel, lesson_id: str) -> PlayedLesson:
    """The SCORM package lesson ``lesson_id`` of the enrolment's version.

    :raises NotFoundError: no such lesson, or it is no SCORM package lesson.
    """
    lesson = model.lesson(lesson_id)
    package = getattr(lesson, "package", None) if lesson is not None else None
    if lesson is None or lesson.kind != "package" or package is None \
            or package.standard not in cmi_model.STANDARDS or not package.items:
        raise NotFoundError(_("Diese Lektion ist kein SCORM-Paket."))
    return PlayedLesson(enrolment, model, lesson, package.standard, package.name,
                        list(package.items))


def _latest(user: User, played: PlayedLesson, item_id: str) -> ScormAttempt | None:
    return db.session.scalar(
        select(ScormAttempt).where(
            ScormAttempt.user_id == user.id,
            ScormAttempt.course_id == played.enrolment.course_id,
            ScormAttempt.lesson_id == played.lesson.id,
            ScormAttempt.item_id == item_id)
        .order_by(ScormAttempt.number.desc()).limit(1))


def open_attempt(user: User, played: PlayedLesson, item: Any, now: datetime) -> ScormAttempt:
    """The attempt a launch of ``item`` continues, or a new one.

    The latest attempt is resumed unless it was completed (passed, where a mastery score
    exists), belongs to an earlier enrolment cycle or to another course version (its
    package may differ): then the next attempt starts empty.
    """
    enrolment = played.enrolment
    latest = _latest(user, played, item.identifier)
    if latest is not None and not latest.is_closed \
            and latest.registration == enrolment.registration \
            and latest.course_version_id == enrolment.course_version_id:
        return latest
    attempt = ScormAttempt(
        user_id=user.id, course_id=enrolment.course_id,
        course_version_id=enrolment.course_version_id, registration=enrolment.registration,
        lesson_id=played.lesson.id, item_id=item.identifier,
        number=(latest.number + 1) if latest is not None else 1,
        standard=played.standard, key=scorm_statements.new_key(), cmi={},
        completion_status="not attempted", success_status="unknown", location="",
        suspend_data="", exit="", total_seconds=0.0, stated={}, started_at=now,
        updated_at=now)
    db.session.add(attempt)
    db.session.flush()
    return attempt


def launch_cmi(attempt: ScormAttempt, item: Any, user: User) -> dict[str, Any]:
    """The CMI values scorm-again loads (``loadFromJSON``) before the SCO initialises.

    Learner, credit, entry, the resume point (location and suspend_data after
    ``exit=suspend``), status and score so far, the total time, and the item's launch
    data and mastery score. The learner appears by pseudonym, as in the LRS.
    """
    resumed = attempt.exit == "suspend"
    entry = "resume" if resumed else ("ab-initio" if not attempt.cmi else "")
    mastery = item.mastery_score
    launch = getattr(item, "data_from_lms", None) or ""
    if attempt.standard == cmi_model.SCORM12:
        core: dict[str, Any] = {
            "student_id": user.pseudonym, "student_name": user.name, "credit": "credit",
            "entry": entry, "lesson_mode": "normal",
            "total_time": timespan(attempt.total_seconds),
            "lesson_location": attempt.location,
            "lesson_status": (attempt.cmi.get("core") or {}).get("lesson_status")
            or "not attempted",
        }
        if attempt.score_raw is not None:
            core["score"] = {"raw": _decimal(attempt.score_raw)}
        data: dict[str, Any] = {"core": core, "suspend_data": attempt.suspend_data,
                                "launch_data": launch}
        if mastery is not None:
            data["student_data"] = {"mastery_score": _decimal(round(mastery * 100, 2))}
        return data
    data = {
        "learner_id": user.pseudonym, "learner_name": user.name, "credit": "credit",
        "mode": "normal", "entry": entry, "total_time": iso_duration(attempt.total_seconds),
        "location": attempt.location, "suspend_data": attempt.suspend_data,
        "launch_data": launch,
        "completion_status": attempt.completion_status,
        "success_status": attempt.success_status,
    }
    if mastery is not None:
        data["scaled_passing_score"] = _decimal(mastery)
    if attempt.score_scaled is not None or attempt.score_raw is not None:
        data["score"] = {key: _decimal(value) for key, value in (
            ("scaled", attempt.score_scaled), ("raw", attempt.score_raw),
            ("min", attempt.score_min), ("max", attempt.score_max)) if value is not None}
    return data


def _decimal(value: float) -> str:
    return f"{value:.7f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def find_attempt(user: User, played: PlayedLesson, attempt_id: int) -> ScormAttempt:
    """The learner's attempt ``attempt_id`` at a SCO of ``played``, locked for the commit.

    :raises NotFoundError: not the learner's, not this lesson's or of an earlier cycle.
    """
    attempt = db.session.scalar(
        select(ScormAttempt).where(
            ScormAttempt.id == attempt_id, ScormAttempt.user_id == user.id,
            ScormAttempt.course_id == played.enrolment.course_id,
            ScormAttempt.lesson_id == played.lesson.id)
        .with_for_update())
    if attempt is None or attempt.registration != played.enrolment.registration:
        raise NotFoundError(_("Dieser Versuch gehört nicht zu Ihrer Anmeldung."))
    return attempt


def commit_cmi(user: User, played: PlayedLesson, attempt: ScormAttempt,
               body: Any, now: datetime) -> ScormAttempt:
    """Store one commit of the SCO and record what it changed as xAPI statements.

    ``body`` is ``{"cmi": {...}, "session": <page session id>, "event": "initialize" |
    "commit" | "terminate"}``. Status, score, resume point and CMI object are replaced by
    the commit's; on ``terminate`` the session time is added to the attempt's total, once
    per page session. Statements come from what changed since the attempt's last commit,
    so a replayed commit states nothing twice.

    :raises ValidationFailedError: the body or an element of the CMI object is invalid.
    """
    if not isinstance(body, dict):
        raise ValidationFailedError(_("Die Anfrage enthält kein JSON-Objekt."))
    event = body.get("event", "commit")
    session = body.get("session")
    if event not in ("initialize", "commit", "terminate"):
        raise ValidationFailedError(_("Unbekanntes Ereignis „%(event)s“.", event=str(event)[:20]),
                                    field="event")
    if not isinstance(session, str) or not 8 <= len(session) <= 64:
        raise ValidationFailedError(_("Die Sitzungskennung fehlt."), field="session")
    item = played.item(attempt.item_id)
    cmi = body.get("cmi")
    if len(_json_size(cmi)) > cmi_model.MAX_CMI_BYTES:
        raise ValidationFailedError(_("Die CMI-Daten sind größer als erlaubt."), field="cmi")
    outcome = cmi_model.read_outcome(cmi, attempt.standard, item.mastery_score)
    satisfied = cmi_model.is_satisfied(outcome, item.mastery_score)

    stored = dict(cmi)
    if outcome.lesson_status is not None:  # SCORM 1.2: the status after the mastery score
        stored["core"] = dict(stored.get("core") or {}, lesson_status=outcome.lesson_status)
    attempt.cmi = stored
    attempt.completion_status = outcome.completion
    attempt.success_status = outcome.success
    score = outcome.score
    attempt.score_scaled = score.scaled if score else None
    attempt.score_raw = score.raw if score else None
    attempt.score_min = score.min if score else None
    attempt.score_max = score.max if score else None
    attempt.location = outcome.location
    attempt.suspend_data = outcome.suspend_data
    attempt.exit = outcome.exit
    attempt.updated_at = now

    stated = dict(attempt.stated or {})
    builder = scorm_statements.StatementBuilder(user, played, item, attempt, now)
    batch: list[dict[str, Any]] = []
    if not stated.get("initialized"):
        batch.append(builder.initialized())
        stated["initialized"] = True
    if outcome.success in ("passed", "failed") and stated.get("success") != outcome.success:
        stated["verdicts"] = int(stated.get("verdicts", 0)) + 1
        batch.append(builder.verdict(outcome, stated["verdicts"]))
        stated["success"] = outcome.success
    if satisfied and not stated.get("completed"):
        batch.append(builder.completed(outcome))
        stated["completed"] = True
        attempt.satisfied_at = now
    sessions = list(stated.get("sessions") or [])
    if event == "terminate" and session not in sessions:
        if outcome.session_seconds is not None:
            attempt.total_seconds = (attempt.total_seconds or 0.0) + outcome.session_seconds
        batch.append(builder.exited(outcome, session))
        stated["sessions"] = [*sessions, session][-REMEMBERED_SESSIONS:]
    attempt.stated = stated
    db.session.flush()
    if satisfied and played.is_multi_item and _all_items_satisfied(user, played):
        lesson_done = builder.lesson_completed()
        if not scorm_statements.is_stored(lesson_done["id"]):
            batch.append(lesson_done)
    if batch:
        authority = package_client(played.enrolment.course.slug, played.package_name).authority
        record_statements(batch, now, authority=authority)
    return attempt


def launch_asset(user: User, played: PlayedLesson, attempt: ScormAttempt,
                 now: datetime) -> None:
    """An asset (``scormtype="asset"``) has no runtime API: launched counts as completed,
    as the SCORM content packaging book has it."""
    if attempt.is_closed:
        return
    cmi = {"core": {"lesson_status": "completed"}} if attempt.standard == cmi_model.SCORM12 \
        else {"completion_status": "completed"}
    commit_cmi(user, played, attempt, {"cmi": cmi, "session": f"asset-{attempt.key}",
                                       "event": "initialize"}, now)


def _json_size(value: Any) -> bytes:
    import json

    return json.dumps(value, separators=(",", ":")).encode()


def _all_items_satisfied(user: User, played: PlayedLesson) -> bool:
    """Whether every SCO of the lesson has a satisfied attempt in the current cycle."""
    done = satisfied_items(user, played)
    return all(item.identifier in done for item in played.items)


def satisfied_items(user: User, played: PlayedLesson) -> set[str]:
    """The ids of the lesson's SCOs with a satisfied attempt in the current cycle."""
    return set(db.session.scalars(
        select(ScormAttempt.item_id).where(
            ScormAttempt.user_id == user.id,
            ScormAttempt.course_id == played.enrolment.course_id,
            ScormAttempt.lesson_id == played.lesson.id,
            ScormAttempt.registration == played.enrolment.registration,
            ScormAttempt.satisfied_at.is_not(None))))


def item_states(user: User, played: PlayedLesson) -> dict[str, ScormAttempt]:
    """The latest attempt of each SCO of the lesson in the current cycle, by item id."""
    rows = db.session.scalars(
        select(ScormAttempt).where(
            ScormAttempt.user_id == user.id,
            ScormAttempt.course_id == played.enrolment.course_id,
            ScormAttempt.lesson_id == played.lesson.id,
            ScormAttempt.registration == played.enrolment.registration)
        .order_by(ScormAttempt.number))
    return {row.item_id: row for row in rows}
