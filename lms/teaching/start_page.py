"""What a trainer sees first: their courses in figures, who is stuck, what is coming up."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.catalog.version_content import content_for
from lms.extensions import db
from lms.learning import quiz_services
from lms.learning.models import CourseProgress, Enrolment, LessonProgress
from lms.local_time import local_day
from lms.sessions.models import CourseSession, SessionRegistration
from lms.teaching import grading_queue
from lms.teaching.access import taught_courses

#: "active" on the start page: some activity within this many days
ACTIVE_DAYS = 30
#: a learner is stuck when silent this long while their due date is this close
SILENT_DAYS = 14
DUE_SOON_DAYS = 14
UPCOMING_SESSIONS = 10


@dataclass
class ModuleStep:
    title: str
    done: int


@dataclass
class CourseFigures:
    course: Course
    title: str
    enrolled: int = 0
    active: int = 0
    completed: int = 0
    funnel: list[ModuleStep] = field(default_factory=list)


@dataclass
class StuckLearner:
    course: Course
    course_title: str
    user: User
    reason: str  # "no_attempts" or "silent"
    lesson_id: str = ""
    lesson_title: str = ""
    due_on: object = None
    last_activity_at: datetime | None = None


@dataclass
class StartPage:
    courses: list[CourseFigures]
    sessions: list[tuple[CourseSession, int]]
    open_answers: int
    stuck: list[StuckLearner]


def start_page(user: User, language: str, now: datetime) -> StartPage:
    """The trainer's start page for ``user`` (an admin sees every course)."""
    courses = [c for c in taught_courses(user) if c.published_version is not None]
    ids = [course.id for course in courses]
    figures = [_figures(course, language, now) for course in courses]
    return StartPage(courses=figures, sessions=_upcoming_sessions(ids, now),
                     open_answers=grading_queue.waiting_count(ids),
                     stuck=_stuck(courses, language, now))


def _title(course: Course, language: str) -> str:
    return course.published_version.title(language)


def _figures(course: Course, language: str, now: datetime) -> CourseFigures:
    figures = CourseFigures(course=course, title=_title(course, language))
    active_enrolment = (Enrolment.course_id == course.id) & (Enrolment.status == "active")
    figures.enrolled = db.session.scalar(
        select(func.count(Enrolment.id)).where(active_enrolment)) or 0
    progress = select(func.count(CourseProgress.id)).join(
        Enrolment, (Enrolment.user_id == CourseProgress.user_id)
        & (Enrolment.course_id == CourseProgress.course_id)).where(active_enrolment)
    figures.active = db.session.scalar(progress.where(
        CourseProgress.last_activity_at >= now - timedelta(days=ACTIVE_DAYS))) or 0
    figures.completed = db.session.scalar(progress.where(
        CourseProgress.completed_at.is_not(None))) or 0
    model = content_for(course.published_version).course
    for module in model.modules:
        lessons = [lesson.id for lesson in module.lessons if lesson.kind != "session"]
        if not lessons:
            continue
        finished = (select(LessonProgress.user_id)
                    .where(LessonProgress.course_id == course.id,
                           LessonProgress.lesson_id.in_(lessons),
                           LessonProgress.status.in_(("done", "passed")))
                    .group_by(LessonProgress.user_id)
                    .having(func.count(LessonProgress.id) >= len(lessons)))
        done = db.session.scalar(select(func.count()).select_from(finished.subquery())) or 0
        figures.funnel.append(ModuleStep(title=module.title.text(language), done=done))
    return figures


def _upcoming_sessions(course_ids: list[int], now: datetime) -> list[tuple[CourseSession, int]]:
    if not course_ids:
        return []
    sessions = list(db.session.scalars(
        select(CourseSession).where(CourseSession.course_id.in_(course_ids),
                                    CourseSession.starts_at >= now,
                                    CourseSession.cancelled_at.is_(None))
        .order_by(CourseSession.starts_at).limit(UPCOMING_SESSIONS)))
    counts = dict(db.session.execute(
        select(SessionRegistration.session_id, func.count(SessionRegistration.id))
        .where(SessionRegistration.session_id.in_([s.id for s in sessions]),
               SessionRegistration.status == "registered")
        .group_by(SessionRegistration.session_id)).all()) if sessions else {}
    return [(session, counts.get(session.id, 0)) for session in sessions]


def _stuck(courses: list[Course], language: str, now: datetime) -> list[StuckLearner]:
    stuck: list[StuckLearner] = []
    for course in courses:
        title = _title(course, language)
        for standing in quiz_services.attempt_standings(course):
            if standing.is_stuck:
                stuck.append(StuckLearner(
                    course=course, course_title=title, user=standing.user,
                    reason="no_attempts", lesson_id=standing.lesson.id,
                    lesson_title=standing.lesson.title(language)))
        today = local_day(now)
        silent_since = now - timedelta(days=SILENT_DAYS)
        last = func.coalesce(CourseProgress.last_activity_at, Enrolment.enrolled_at)
        rows = db.session.execute(
            select(Enrolment, CourseProgress.last_activity_at)
            .outerjoin(CourseProgress, (CourseProgress.user_id == Enrolment.user_id)
                       & (CourseProgress.course_id == Enrolment.course_id))
            .where(Enrolment.course_id == course.id, Enrolment.status == "active",
                   Enrolment.due_on.is_not(None), Enrolment.due_on >= today,
                   Enrolment.due_on <= today + timedelta(days=DUE_SOON_DAYS),
                   CourseProgress.completed_at.is_(None), last < silent_since)
            .order_by(Enrolment.due_on))
        for enrolment, last_activity in rows:
            stuck.append(StuckLearner(
                course=course, course_title=title, user=enrolment.user, reason="silent",
                due_on=enrolment.due_on, last_activity_at=last_activity))
    return stuck
