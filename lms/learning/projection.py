"""The progress projection: lesson and course progress folded from the LRS's statements.

The statement store is the source of truth. A stored statement about an activity of a
course is folded into ``LessonProgress`` and ``CourseProgress`` only when its authority may
credit that activity (``lms.lrs.crediting``): the platform for everything, a client for
the ungraded activities an admin granted it; quiz and assessment results and attendance
only from the platform. ``atlas progress rebuild`` deletes the rows and folds the
statements again under the same rule. A statement counts for a learner's current cycle
when its ``context.registration`` is the enrolment's registration, or when it has none
(other tools) and was stored after the cycle began. A voided statement is undone by
rebuilding that learner and course.
"""

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from flask import current_app
from sqlalchemy import delete, select

from authoring.model import GRADED_KINDS
from lms.accounts.models import User
from lms.catalog.models import Course
from lms.catalog.version_content import content_for
from lms.extensions import db
from lms.learning import statements as builders
from lms.learning.completion import completion_percent, duration_minutes, rule_met
from lms.learning.models import CourseProgress, Enrolment, LessonProgress
from lms.learning.reopened import reopened_lessons
from lms.lrs.crediting import PLATFORM, CreditRule, is_platform_statement, load_credit_rule
from lms.lrs.embedded import platform_authority, record_statement
from lms.plugins import hooks
from xapi import reads
from xapi import vocabulary as v
from xapi.isotime import parse_timestamp, truncate_ms

log = logging.getLogger(__name__)

PAGE = 1000
#: Lessons whose progress only the platform's own grading and rosters may credit.
PLATFORM_ONLY_KINDS = (*GRADED_KINDS, "session")

VERB_NAMES = {verb.id: name for name, verb in v.VERBS.items()}
_LESSON_TAIL = re.compile(r"^module/([^/]+)/lesson/([^/]+)$")
_SESSION_TAIL = re.compile(r"^session/([^/]+)$")


@dataclass(frozen=True)
class Target:
    """What a statement's object is within the platform: a course, lesson or session."""

    slug: str
    kind: str  # "course", "lesson", "session" or "other"
    lesson_id: str | None = None
    session_id: str | None = None


def course_prefix() -> str:
    """The IRI prefix of every course activity of this platform (``…/course/``)."""
    return v.platform_base(current_app.config["ATLAS_BASE_URL"]) + "/xapi/activities/course/"


def parse_target(iri: str, prefix: str) -> Target | None:
    """Read a course activity IRI of this platform; None for anything else."""
    if not isinstance(iri, str) or not iri.startswith(prefix):
        return None
    slug, _, tail = iri[len(prefix):].partition("/")
    slug = unquote(slug)
    if not tail:
        return Target(slug, "course")
    if match := _LESSON_TAIL.match(tail):
        return Target(slug, "lesson", lesson_id=unquote(match.group(2)))
    if match := _SESSION_TAIL.match(tail):
        return Target(slug, "session", session_id=unquote(match.group(1)))
    return Target(slug, "other")


def learner_name(statement: Mapping[str, Any], base: str) -> str | None:
    """The pseudonym of a statement's actor when it is an account of this platform."""
    account = (statement.get("actor") or {}).get("account")
    if not isinstance(account, dict) or not isinstance(account.get("homePage"), str):
        return None
    try:
        if v.platform_base(account["homePage"]) != base:
            return None
    except ValueError:
        return None
    name = account.get("name")
    return name if isinstance(name, str) else None


class _Pair:
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
        if target.kind == "lesson":
            lesson = self.model.lesson(target.lesson_id)
            if lesson is None or (not platform and lesson.kind in PLATFORM_ONLY_KINDS):
                return
            if lesson.id in self.reopened and "stored" in statement \
                    and parse_timestamp(statement["stored"]) < self.reopened[lesson.id]:
                return  # about the lesson as it was before a version move reopened it
            self._course_row(at)
            row = self._lesson_row(lesson.id, at)
            if verb in ("completed", "experienced") and lesson.kind not in GRADED_KINDS:
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
        lessons = [lesson.id for lesson in model.lessons("lesson")]
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
        progress.percent = completion_percent(progress, model)

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
        met = rule_met(progress, self.model) and self.enrolment is not None
        if replay:
            if not met:
                progress.completed_at = None
                return False
            known = previous or self._recorded_completion()
            if known is not None:
                progress.completed_at = known
                progress.percent = 100
                return False
        elif not met or progress.completed_at is not None:
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


class _Folder:
    """Folds batches of statements into the projection, loading each pair once."""

    def __init__(self, *, fresh: bool, rule: CreditRule | None = None):
        self.fresh = fresh
        self.rule = rule or load_credit_rule()
        self.base = v.platform_base(current_app.config["ATLAS_BASE_URL"])
        self.prefix = course_prefix()
        self.pairs: dict[tuple[int, int], _Pair] = {}
        self.courses: dict[str, Course | None] = {}
        self.voided_pairs: set[tuple[int, int]] = set()

    def _courses(self, slugs: Iterable[str]) -> None:
        wanted = {slug for slug in slugs if slug not in self.courses}
        if wanted:
            found = {course.slug: course for course in db.session.scalars(
                select(Course).where(Course.slug.in_(wanted)))}
            for slug in wanted:
                self.courses[slug] = found.get(slug)

    def _resolve(self, batch: list[Mapping[str, Any]]) -> list[tuple[Mapping, Target, str, str]]:
        """The statements about a learner's lesson or session whose authority may credit it."""
        resolved = []
        for statement in batch:
            obj = statement.get("object") or {}
            target = parse_target(obj.get("id"), self.prefix)
            if target is None or target.kind not in ("lesson", "session"):
                continue
            authority = self.rule.authority_of(statement)
            if authority is None:
                continue  # stored and queryable, never counted
            name = learner_name(statement, self.base)
            if name:
                resolved.append((statement, target, name, authority))
        return resolved

    def fold(self, batch: list[Mapping[str, Any]]) -> None:
        resolved = self._resolve(batch)
        if not resolved:
            return
        names = {name for _s, _t, name, _a in resolved}
        users = {user.pseudonym: user for user in db.session.scalars(
            select(User).where(User.pseudonym.in_(names)))}
        self._courses(target.slug for _s, target, _n, _a in resolved)
        for statement, target, name, authority in resolved:
            user, course = users.get(name), self.courses.get(target.slug)
            if user is None or course is None:
                continue
            pair = self.pair(user, course)
            if pair.counts(statement):
                pair.apply(statement, target, authority)

    def pair(self, user: User, course: Course) -> _Pair:
        key = (user.id, course.id)
        if key not in self.pairs:
            self.pairs[key] = _Pair(user, course, fresh=self.fresh)
        return self.pairs[key]


def fold_statements(stored: list[Mapping[str, Any]], now: datetime) -> None:
    """Fold newly stored statements into the projection (the ``lms_statements_stored`` hook).

    Voiding statements rebuild the learner and course of their target.
    """
    voided_verb = v.VERBS["voided"].id
    voiding = [s for s in stored if (s.get("verb") or {}).get("id") == voided_verb]
    plain = [s for s in stored if (s.get("verb") or {}).get("id") != voided_verb]
    if plain and not all(is_platform_statement(s) for s in plain):
        # a voiding statement may have arrived before its target
        voided = reads.voided_ids(db.session.connection(), [str(s["id"]) for s in plain])
        plain = [s for s in plain if str(s["id"]) not in voided]
    rule = load_credit_rule()
    folder = _Folder(fresh=False, rule=rule)
    folder.fold(plain)
    for pair in folder.pairs.values():
        pair.finish(now, replay=False)
    if voiding:
        targets = [str((s.get("object") or {}).get("id")) for s in voiding]
        affected = _Folder(fresh=False, rule=rule)
        affected.fold(reads.statements_by_id(db.session.connection(), targets))
        for user_id, course_id in list(affected.pairs):
            rebuild(now, user_ids=[user_id], course_ids=[course_id])


# --- rebuilding ------------------------------------------------------------------------


@dataclass
class RebuildResult:
    statements: int = 0
    pairs: int = 0
    completed_now: int = 0


def rebuild(now: datetime, user_ids: list[int] | None = None,
            course_ids: list[int] | None = None) -> RebuildResult:
    """Delete the projection rows in scope and fold the LRS's statements again.

    Completions already recorded keep their time and fire nothing; a completion reached
    for the first time is recorded and announced as it would be live.

    :param user_ids: only these learners (all when None).
    :param course_ids: only these courses (all when None).
    """
    scope = []
    if user_ids is not None:
        scope.append(CourseProgress.user_id.in_(user_ids))
    if course_ids is not None:
        scope.append(CourseProgress.course_id.in_(course_ids))
    previous = {(row.user_id, row.course_id): row.completed_at for row in db.session.execute(
        select(CourseProgress.user_id, CourseProgress.course_id, CourseProgress.completed_at)
        .where(*scope))}
    lesson_scope = []
    if user_ids is not None:
        lesson_scope.append(LessonProgress.user_id.in_(user_ids))
    if course_ids is not None:
        lesson_scope.append(LessonProgress.course_id.in_(course_ids))
    db.session.execute(delete(LessonProgress).where(*lesson_scope))
    db.session.execute(delete(CourseProgress).where(*scope))
    db.session.flush()
    db.session.expire_all()

    base = current_app.config["ATLAS_BASE_URL"]
    if course_ids is None:
        prefixes = [course_prefix()]
    else:
        slugs = db.session.scalars(select(Course.slug).where(Course.id.in_(course_ids)))
        prefixes = [v.course_iri(base, slug) + "/" for slug in slugs]
    actors = None
    if user_ids is not None:
        pseudonyms = db.session.scalars(select(User.pseudonym).where(User.id.in_(user_ids)))
        actors = [v.learner_actor(base, name) for name in pseudonyms]
    result = RebuildResult()
    folder = _Folder(fresh=True)
    if prefixes and actors != []:
        for page in reads.iter_statements_about(db.session.connection(), prefixes,
                                                actors=actors, page=PAGE):
            result.statements += len(page)
            folder.fold(page)
    for key, pair in folder.pairs.items():
        if pair.progress is None:
            continue
        result.pairs += 1
        if pair.finish(now, replay=True, previous=previous.get(key)):
            result.completed_now += 1
    db.session.flush()
    return result
