"""Moving enrolled learners on to a newer version of their course, keeping what still holds.

The policy trainers expect: a patch or minor version (1.0.0 → 1.0.1 or 1.1.0) moves every
active, not yet completed learner at their next visit; a major version (2.0.0) moves them
only when the trainer chose so when publishing (``CourseVersion.learner_policy``), else
only new enrolments get it. A completed learner keeps the version they completed (their
certificate names it). Rolling back to an older version moves nobody.

A move keeps the enrolment's registration (it is the same learning cycle) and every
lesson whose content hash is unchanged: only the progress rows of lessons that changed
are deleted, so they open again. ``VersionMove`` records what happened, for the notice
to the learner and so that a rebuild of the projection can leave out statements on a
reopened lesson made before the move (``lms.learning.reopened``).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select

from authoring.model import Course as CourseModel
from lms.catalog.models import Course, CourseVersion
from lms.catalog.services import compare_models, version_key
from lms.catalog.version_content import content_for
from lms.extensions import db
from lms.learning import projection
from lms.learning.models import CourseProgress, Enrolment, LessonProgress, VersionMove

log = logging.getLogger(__name__)

DONE_STATUSES = ("done", "passed")


def is_major_step(old: str, new: str) -> bool:
    """Tell whether ``new`` starts a new major version over ``old`` (1.x → 2.0.0)."""
    return version_key(new)[:1] != version_key(old)[:1]


def moves_learners(old: str, new: str, policy: str | None) -> bool:
    """Tell whether learners on version ``old`` move to ``new`` published with ``policy``.

    Only forward: an older or equal number moves nobody. ``move``/``stay`` is the trainer's
    choice; without one a patch or minor step moves, a major step does not.
    """
    if version_key(new) <= version_key(old):
        return False
    if policy in ("move", "stay"):
        return policy == "move"
    return not is_major_step(old, new)


def is_completed(enrolment: Enrolment) -> bool:
    return db.session.scalar(select(CourseProgress.completed_at).where(
        CourseProgress.user_id == enrolment.user_id,
        CourseProgress.course_id == enrolment.course_id)) is not None


def due_version(enrolment: Enrolment) -> CourseVersion | None:
    """The version ``enrolment`` should move to now, or None."""
    published = enrolment.course.published_version
    if (published is None or not enrolment.is_active
            or published.id == enrolment.course_version_id):
        return None
    if not moves_learners(enrolment.course_version.version, published.version,
                          published.learner_policy):
        return None
    return None if is_completed(enrolment) else published


def move_if_due(enrolment: Enrolment, now: datetime) -> VersionMove | None:
    """Move ``enrolment`` to its course's published version when the policy says so.

    Flush only. Returns the move, or None when the learner stays where they are.
    """
    target = due_version(enrolment)
    if target is None:
        return None
    return move(enrolment, target, now)


def move(enrolment: Enrolment, target: CourseVersion, now: datetime) -> VersionMove:
    """Put ``enrolment`` on ``target``, keep unchanged lessons done, reopen changed ones."""
    source = enrolment.course_version
    changes = compare_models(content_for(source).course, content_for(target).course)
    target_ids = {lesson.id for lesson in content_for(target).course.lessons()}
    rows = {row.lesson_id: row for row in db.session.scalars(select(LessonProgress).where(
        LessonProgress.user_id == enrolment.user_id,
        LessonProgress.course_id == enrolment.course_id))}
    changed = set(changes.changed)
    reopened = [lesson_id for lesson_id in changes.changed if lesson_id in rows]
    carried = [lesson_id for lesson_id, row in rows.items()
               if row.status in DONE_STATUSES and lesson_id in target_ids
               and lesson_id not in changed]
    if reopened:
        _forget_minutes(enrolment, content_for(source).course,
                        [rows[i] for i in reopened if rows[i].done_at is not None])
        db.session.execute(delete(LessonProgress).where(
            LessonProgress.user_id == enrolment.user_id,
            LessonProgress.course_id == enrolment.course_id,
            LessonProgress.lesson_id.in_(reopened)))
    enrolment.course_version = target
    if enrolment.last_lesson_id and (enrolment.last_lesson_id not in target_ids
                                     or enrolment.last_lesson_id in reopened):
        enrolment.last_position = 0.0
        if enrolment.last_lesson_id not in target_ids:
            enrolment.last_lesson_id = None
    record = VersionMove(enrolment=enrolment, registration=enrolment.registration,
                         from_version_id=source.id, to_version_id=target.id, moved_at=now,
                         carried=sorted(carried), reopened=reopened,
                         added=list(changes.added), removed=list(changes.removed))
    db.session.add(record)
    db.session.flush()
    db.session.expire_all()
    _settle_progress(enrolment, now)
    log.info("enrolment %s moved from %s to %s: %d carried, %d reopened", enrolment.id,
             source.version, target.version, len(carried), len(reopened))
    return record


def _forget_minutes(enrolment: Enrolment, model: CourseModel,
                    rows: list[LessonProgress]) -> None:
    """Take the estimated minutes of reopened lessons out of the course row's self-paced time:
    done again, they count again (as a rebuild of the projection would count them once)."""
    minutes = 0
    for row in rows:
        lesson = model.lesson(row.lesson_id)
        if lesson is not None and lesson.kind != "session":
            minutes += lesson.minutes or 0
    progress = db.session.scalar(select(CourseProgress).where(
        CourseProgress.user_id == enrolment.user_id,
        CourseProgress.course_id == enrolment.course_id))
    if progress is not None and minutes:
        progress.self_paced_minutes = max(0, progress.self_paced_minutes - minutes)


def _settle_progress(enrolment: Enrolment, now: datetime) -> None:
    """Recount the course row against the new version's lessons and completion rule.

    The projection's own fold does it (a course can even become complete when the new
    version drops the only open lesson); there is no statement to fold, so no new record.
    """
    has_row = db.session.scalar(select(CourseProgress.id).where(
        CourseProgress.user_id == enrolment.user_id,
        CourseProgress.course_id == enrolment.course_id))
    if has_row is None:
        return
    # LearnerCourseFold is the projection's unit for one learner and course; fresh=False loads the
    # rows as they are now (after the move), finish() recounts and settles completion.
    pair = projection.LearnerCourseFold(enrolment.user, enrolment.course, fresh=False)
    pair.finish(now, replay=False)
    db.session.flush()


def moves_of(enrolment: Enrolment) -> list[VersionMove]:
    """The moves of the enrolment's current cycle, newest first."""
    return list(db.session.scalars(select(VersionMove).where(
        VersionMove.enrolment_id == enrolment.id,
        VersionMove.registration == enrolment.registration,
    ).order_by(VersionMove.moved_at.desc(), VersionMove.id.desc())))


# --- what publishing will do (the studio says it before publishing) -------------------------


@dataclass
class PublishForecast:
    """What publishing a new version ``version`` does to the course's learners and lessons."""

    version: str
    is_major: bool
    policy: str | None
    moving: int = 0
    staying_by_policy: int = 0
    completed: int = 0
    unchanged: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def forecast(course: Course, new_model: CourseModel, version: str,
             policy: str | None) -> PublishForecast:
    """Count who moves when ``new_model`` is published as ``version`` with ``policy``.

    Lessons are compared with the published version (where new learners are and most
    learners will be); each learner's own move compares with their version.
    """
    current = course.published_version
    result = PublishForecast(version=version, policy=policy,
                             is_major=current is not None and is_major_step(current.version,
                                                                            version))
    if current is not None:
        changes = compare_models(content_for(current).course, new_model)
        titles = {lesson.id: lesson.title("de") for lesson in new_model.lessons()}
        old_titles = {lesson.id: lesson.title("de")
                      for lesson in content_for(current).course.lessons()}
        result.changed = [titles[i] for i in changes.changed]
        result.added = [titles[i] for i in changes.added]
        result.removed = [old_titles[i] for i in changes.removed]
        touched = set(changes.changed) | set(changes.added)
        result.unchanged = [titles[lesson.id] for lesson in new_model.lessons()
                            if lesson.id not in touched]
    completed = set(db.session.scalars(select(CourseProgress.user_id).where(
        CourseProgress.course_id == course.id, CourseProgress.completed_at.is_not(None))))
    counts: dict[tuple[str, bool], int] = {}
    for old_version, user_id in db.session.execute(
            select(CourseVersion.version, Enrolment.user_id)
            .join(CourseVersion, CourseVersion.id == Enrolment.course_version_id)
            .where(Enrolment.course_id == course.id, Enrolment.status == "active")):
        key = (old_version, user_id in completed)
        counts[key] = counts.get(key, 0) + 1
    rows = [(old_version, is_done, count) for (old_version, is_done), count in counts.items()]
    for old_version, is_done, count in rows:
        if is_done:
            result.completed += count
        elif moves_learners(old_version, version, policy):
            result.moving += count
        elif version_key(version) > version_key(old_version):
            result.staying_by_policy += count
    return result
