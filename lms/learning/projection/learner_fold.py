"""One learner's progress rows in one course, while statements are folded into them.

Holds the per-statement rules (which cycle a statement counts for, what a verb does to a
lesson row) and settles completion: a first completion is recorded as a ``completed``
statement and announced through ``lms_course_completed``.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from authoring.model import GRADED_KINDS
from lms.accounts.models import User
from lms.catalog.models import Course
from lms.catalog.version_content import content_for
from lms.extensions import db
from lms.learning import statements as builders
from lms.learning.completion import completion_percent, duration_minutes, rule_met
from lms.learning.models import CourseProgress, Enrolment, LessonProgress
from lms.learning.projection.targets import VERB_NAMES, Target
from lms.learning.reopened import reopened_lessons
from lms.lrs.crediting import PLATFORM, TRAINER
from lms.lrs.embedded import platform_authority, record_statement
from lms.plugins import hooks
from xapi import reads
from xapi import vocabulary as v
from xapi.isotime import parse_timestamp, truncate_ms

#: Lessons whose progress only the platform's own grading and rosters may credit.
PLATFORM_ONLY_KINDS = (*GRADED_KINDS, "session")
#: Lessons the completion rule's ``lessons`` counts: worked through, not graded or attended.
TEXT_KINDS = ("lesson", "package")


def _moved_on_by_lms(lesson) -> bool:
    """A cmi5 package lesson: done only by the LMS's ``satisfied`` (cmi5 moveOn)."""
    package = getattr(lesson, "package", None)
    return lesson.kind == "package" and getattr(package, "standard", None) == "cmi5"


class LearnerCourseFold:
    """One learner's projection rows in one course while statements are folded in."""

    def __init__(self, user: User, course: Course, *, fresh: bool):
        self.user = user
        self.course = course
        self.enrolment = db.session.scalar(select(Enrolment).where(
            Enrolment.user_id == user.id, Enrolment.course_id == course.id))
        version = self.enrolment.course_version if self.enrolment else course.published_version
        self.version = version
        self.model = content_for(version).course if version is not None else None
        self.lessons: dict[str, LessonProgress] = {}
        self.progress: CourseProgress | None = None
        #: a trainer waived the whole course (known only while replaying its statement)
        self.waived = False
        # lessons a version move reopened: statements stored before the move don't count
        self.reopened = reopened_lessons(self.enrolment) if self.enrolment else {}
        if not fresh:
            self.progress = db.session.scalar(select(CourseProgress).where(
                CourseProgress.user_id == user.id, CourseProgress.course_id == course.id))
            self.lessons = {row.lesson_id: row for row in db.session.scalars(
                select(LessonProgress).where(LessonProgress.user_id == user.id,
                                             LessonProgress.course_id == course.id))}

    def counts(self, statement: Mapping[str, Any]) -> bool:
        """Tell whether ``statement`` belongs to the learner's current cycle."""
        if self.model is None:
            return False
        registration = (statement.get("context") or {}).get("registration")
        if self.enrolment is None:
            return registration is None
        if registration is not None:
            return str(registration).lower() == self.enrolment.registration
        stored = statement.get("stored")
        return stored is None or parse_timestamp(stored) >= truncate_ms(self.enrolment.enrolled_at)

    def _course_row(self, at: datetime) -> CourseProgress:
        if self.progress is None:
            self.progress = CourseProgress(
                user_id=self.user.id, course_id=self.course.id, lessons_done=0, lessons_total=0,
                quizzes_passed=0, quizzes_total=0, is_assessment_passed=False,
                sessions_attended=0, sessions_required=0, percent=0, self_paced_minutes=0,
                synchronous_minutes=0, attended_sessions=[])
            db.session.add(self.progress)
        progress = self.progress
        if progress.started_at is None or at < progress.started_at:
            progress.started_at = at
        if progress.last_activity_at is None or at > progress.last_activity_at:
            progress.last_activity_at = at
        return progress

    def _lesson_row(self, lesson_id: str, at: datetime) -> LessonProgress:
        row = self.lessons.get(lesson_id)
        if row is None:
            row = LessonProgress(user_id=self.user.id, course_id=self.course.id,
                                 lesson_id=lesson_id, status="started", attempts=0,
                                 first_seen_at=at)
            db.session.add(row)
            self.lessons[lesson_id] = row
        return row

    def _mark_done(self, row: LessonProgress, lesson, status: str, at: datetime) -> None:
        if row.done_at is None:
            row.done_at = at
            if lesson.kind != "session" and lesson.minutes:
                self.progress.self_paced_minutes += lesson.minutes
        row.status = status

    def apply(self, statement: Mapping[str, Any], target: Target, authority: str) -> None:
        """Fold one statement of the current cycle into the rows.

        :param authority: ``PLATFORM`` or ``GRANTED`` (see :mod:`lms.lrs.crediting`); a
            granted client never credits graded lessons or sessions.
        """
        verb = VERB_NAMES.get((statement.get("verb") or {}).get("id"))
        at = parse_timestamp(statement.get("timestamp") or statement["stored"])
        platform = authority == PLATFORM
        if authority == TRAINER:
            self._apply_override(target, at)
            return
        if target.kind == "lesson":
            lesson = self.model.lesson(target.lesson_id)
            if lesson is None or (not platform and lesson.kind in PLATFORM_ONLY_KINDS):
                return
            if lesson.id in self.reopened and "stored" in statement \
                    and parse_timestamp(statement["stored"]) < self.reopened[lesson.id]:
                return  # about the lesson as it was before a version move reopened it
            self._course_row(at)
            row = self._lesson_row(lesson.id, at)
            if _moved_on_by_lms(lesson):
                # cmi5: the AU's completed/passed do not finish the lesson; its moveOn
                # criterion does, which the LMS records as "satisfied" on the lesson's IRI
                if verb == "satisfied":
                    self._mark_done(row, lesson, "done", at)
            elif verb in ("completed", "experienced") and lesson.kind not in GRADED_KINDS:
                self._mark_done(row, lesson, "done", at)
            elif verb in ("passed", "failed") and lesson.kind in GRADED_KINDS:
                row.attempts += 1
                scaled = ((statement.get("result") or {}).get("score") or {}).get("scaled")
                if isinstance(scaled, int | float):
                    percent = round(float(scaled) * 100, 2)
                    row.best_percent = max(row.best_percent or 0.0, percent) \
                        if row.best_percent is not None else percent
                if verb == "passed":
                    self._mark_done(row, lesson, "passed", at)
                elif row.status != "passed":
                    row.status = "failed"
        elif target.kind == "session" and verb == "attended" and platform:
            progress = self._course_row(at)
            iri = statement["object"]["id"]
            if iri in (progress.attended_sessions or []):
                return
            progress.attended_sessions = [*(progress.attended_sessions or []), iri]
            progress.synchronous_minutes += duration_minutes(
                (statement.get("result") or {}).get("duration"))
            self._session_lesson_done(target.session_id, at)

    def _apply_override(self, target: Target, at: datetime) -> None:
        """A trainer's ``waived``: the lesson, the module's lessons or the course count as
        done (graded ones as passed). Sessions are never waived: attendance is a fact."""
        self._course_row(at)
        if target.kind == "course":
            self.waived = True
            return
        if target.kind == "module":
            module = next((m for m in self.model.modules if m.id == target.module_id), None)
            lessons = list(module.lessons) if module is not None else []
        else:
            lesson = self.model.lesson(target.lesson_id)
            lessons = [lesson] if lesson is not None else []
        for lesson in lessons:
            if lesson.kind == "session":
                continue
            row = self._lesson_row(lesson.id, at)
            if row.status not in ("done", "passed"):
                self._mark_done(row, lesson, "passed" if lesson.kind in GRADED_KINDS
                                else "done", at)

    def _session_lesson_done(self, session_id: str | None, at: datetime) -> None:
        from lms.sessions.models import CourseSession  # sessions build on learning

        if not session_id or not session_id.isdigit():
            return
        lesson_id = db.session.scalar(select(CourseSession.lesson_id).where(
            CourseSession.id == int(session_id), CourseSession.course_id == self.course.id))
        lesson = self.model.lesson(lesson_id) if lesson_id else None
        if lesson is not None:
            self._mark_done(self._lesson_row(lesson.id, at), lesson, "done", at)

    def recompute(self) -> None:
        """Derive the course row's counts from the lesson rows and the model."""
        progress, model = self.progress, self.model
        status = {lesson_id: row.status for lesson_id, row in self.lessons.items()}
        # a package lesson (SCORM/cmi5) counts like a text lesson: done when completed
        lessons = [lesson.id for lesson in model.lessons() if lesson.kind in TEXT_KINDS]
        quizzes = [lesson.id for lesson in model.lessons("quiz")]
        assessments = [lesson.id for lesson in model.lessons("assessment")]
        progress.lessons_total = len(lessons)
        progress.lessons_done = sum(1 for i in lessons if status.get(i) == "done")
        progress.quizzes_total = len(quizzes)
        progress.quizzes_passed = sum(1 for i in quizzes if status.get(i) == "passed")
        progress.is_assessment_passed = bool(assessments) and all(
            status.get(i) == "passed" for i in assessments)
        progress.sessions_attended = len(progress.attended_sessions or [])
        progress.sessions_required = model.completion.sessions or 0
        progress.percent = 100 if self.waived else completion_percent(progress, model)

    def finish(self, now: datetime, *, replay: bool,
               previous: datetime | None = None) -> bool:
        """Recompute and settle completion; return whether the course was newly completed.

        Live, a first completion is stamped ``now``, recorded as a ``completed`` statement
        and announced through ``lms_course_completed``. Replaying (a rebuild), a completion
        already recorded keeps its time and is not announced again.
        """
        if self.progress is None:
            return False
        self.recompute()
        progress = self.progress
        met = (self.waived or rule_met(progress, self.model)) and self.enrolment is not None
        if replay:
            if not met:
                progress.completed_at = None
                return False
            known = previous or self._recorded_completion()
            if known is not None:
                progress.completed_at = known
                progress.percent = 100
                return False
        elif progress.completed_at is not None:
            progress.percent = 100  # a completion stands, whatever it rested on
            return False
        elif not met:
            return False
        progress.completed_at = now
        progress.percent = 100
        db.session.flush()
        record_statement(builders.course_statement(
            self.user, "completed", self.model, self.version.version,
            self.enrolment.registration, now), now)
        hooks().lms_course_completed(
            user=self.user, course=self.course, completed_at=now)
        return True

    def _recorded_completion(self) -> datetime | None:
        """The stored time of the platform's ``completed`` statement for this cycle."""
        found = reads.find_statements(
            db.session.connection(),
            verb_id=v.VERBS["completed"].id,
            activity_id=v.course_iri(current_app.config["ATLAS_BASE_URL"], self.course.slug),
            registrations=[self.enrolment.registration],
            actor=builders.learner(self.user),
            authority=platform_authority(),
            limit=1,
        )
        return found[0].stored if found else None
