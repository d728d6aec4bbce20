"""Closing gaps: assign the course that provides a qualification, learning paths, renewals.

Assignments go through the company portal's service (``lms.companies.assignments``), so
they enrol, mail and remind as every other assignment does.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.inbox import send_to_user
from lms.accounts.models import Membership, Organisation, User
from lms.catalog.models import Course
from lms.catalog.version_content import content_for
from lms.companies.assignments import assign_course
from lms.companies.models import Assignment
from lms.errors import ValidationFailedError
from lms.extensions import db
from lms.formatting import format_date
from lms.learning.models import CourseProgress, LessonProgress
from lms.local_time import local_day
from lms.qualifications.evidence import DONE
from lms.qualifications.models import (
    DEFAULT_LEAD_DAYS,
    Evidence,
    JobRole,
    LearningPath,
    Qualification,
    QualificationSettings,
    Renewal,
    RoleHolder,
    counting_evidence_condition,
)
from lms.qualifications.status import requirements_of

log = logging.getLogger(__name__)
_KIND_ORDER = {"course": 0, "module": 1, "session": 2}


def providing_course(qualification: Qualification) -> Course | None:
    """The published course whose completion (or module, or sessions) provides it."""
    rules = sorted((r for r in qualification.rules if r.course_slug),
                   key=lambda r: (_KIND_ORDER.get(r.kind, 9), r.level, r.id))
    for rule in rules:
        course = db.session.scalar(select(Course).where(Course.slug == rule.course_slug))
        if course is not None and course.published_version_id is not None:
            return course
    return None


def assign_for_gap(actor: User, organisation: Organisation, qualification: Qualification,
                   user_ids: list[int], due_on: date | None, now: datetime) -> list[Assignment]:
    """Assign the providing course to the people with the gap, with a due date (flush only).

    :raises ValidationFailedError: no course provides the qualification, nobody chosen, or
        the assignment service refuses (due date in the past, not a member).
    """
    course = providing_course(qualification)
    if course is None:
        raise ValidationFailedError(_("Kein veröffentlichter Kurs vermittelt diese "
                                      "Qualifikation."), field="qualification_id")
    if not user_ids:
        raise ValidationFailedError(_("Bitte wählen Sie Personen."), field="user_ids")
    return assign_course(actor, organisation, course, now=now, user_ids=user_ids,
                         due_on=due_on)


# --- renewals --------------------------------------------------------------------------


def lead_days(organisation: Organisation) -> int:
    setting = db.session.scalar(select(QualificationSettings).where(
        QualificationSettings.organisation_id == organisation.id))
    return setting.renewal_lead_days if setting else DEFAULT_LEAD_DAYS


def set_lead_days(organisation: Organisation, days: int) -> None:
    if not 1 <= days <= 365:
        raise ValidationFailedError(_("Die Vorlaufzeit muss zwischen 1 und 365 Tagen liegen."),
                                    field="lead_days")
    setting = db.session.scalar(select(QualificationSettings).where(
        QualificationSettings.organisation_id == organisation.id))
    if setting is None:
        setting = QualificationSettings(organisation_id=organisation.id)
        db.session.add(setting)
    setting.renewal_lead_days = days
    db.session.flush()


def _managers(organisation: Organisation) -> list[User]:
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id, Membership.role == "manager")
        .order_by(User.id)))


def run_renewals(now: datetime) -> int:
    """Create each due renewal assignment once, and tell the employee and the managers.

    Due: the best evidence of a required qualification ends within the company's lead
    time (``valid_until - lead days <= today``) and has not ended yet. ``Renewal`` rows
    (unique per person, qualification and end date) make it happen once per expiry.
    Flush only; returns how many were created.
    """
    today = local_day(now)
    created = 0
    organisation_ids = set(db.session.scalars(
        select(JobRole.organisation_id).join(RoleHolder, RoleHolder.role_id == JobRole.id)
        .where(JobRole.organisation_id.is_not(None))))
    for organisation in db.session.scalars(select(Organisation).where(
            Organisation.id.in_(organisation_ids)).order_by(Organisation.id)):
        created += _renew_in(organisation, today, now)
    return created


def _renew_in(organisation: Organisation, today: date, now: datetime) -> int:
    needs, _roles = requirements_of(organisation)
    if not needs:
        return 0
    horizon = today + timedelta(days=lead_days(organisation))
    managers = _managers(organisation)
    # the best end of counting evidence at the required level; evidence without expiry
    # (that counts: confirmed where it must be, not revoked) needs no renewal at all
    best: dict[tuple[int, int], date] = {}
    unending: set[tuple[int, int]] = set()
    for user_id, qualification_id, level, valid_until in db.session.execute(select(
            Evidence.user_id, Evidence.qualification_id, Evidence.level, Evidence.valid_until)
            .where(Evidence.user_id.in_(list(needs)), counting_evidence_condition())):
        if level < needs[user_id].get(qualification_id, 99):
            continue
        key = (user_id, qualification_id)
        if valid_until is None:
            unending.add(key)
        else:
            best[key] = max(best.get(key, date.min), valid_until)
    for key in unending:
        best.pop(key, None)
    done = {(r.user_id, r.qualification_id, r.valid_until) for r in db.session.scalars(
        select(Renewal).where(Renewal.user_id.in_(list(needs))))}
    created = 0
    for (user_id, qualification_id), valid_until in sorted(best.items()):
        if qualification_id not in needs[user_id]:
            continue
        if not today <= valid_until <= horizon or (user_id, qualification_id,
                                                   valid_until) in done:
            continue
        qualification = db.session.get(Qualification, qualification_id)
        course = providing_course(qualification)
        actor = managers[0] if managers else None
        person = db.session.get(User, user_id)
        if course is not None and actor is not None:
            assign_course(actor, organisation, course, now=now, user_ids=[user_id],
                          due_on=valid_until)
        else:
            log.info("renewal of qualification %s for user %s without assignment "
                     "(no course or no manager)", qualification_id, user_id)
        db.session.add(Renewal(user_id=user_id, qualification_id=qualification_id,
                               valid_until=valid_until,
                               course_id=course.id if course else None, created_at=now))
        db.session.flush()
        _notify(person, managers, qualification, valid_until, course)
        created += 1
    return created


def _notify(person: User, managers: list[User], qualification: Qualification,
            valid_until: date, course: Course | None) -> None:
    """The employee's notice and each manager's, each in the recipient's language (their
    account's locale, as the course-assignment mail does)."""
    language = person.locale or "de"
    with force_locale(language):
        title = qualification.title(language)
        day = format_date(valid_until, "long")
        if course is not None:
            course_title = course.published_version.title(language) \
                if course.published_version else course.slug
            course_line = _("Der Kurs „%(course)s“ ist Ihnen bis %(date)s zugewiesen.",
                            course=course_title, date=day)
        else:
            course_line = _("Bitte sprechen Sie mit Ihrer Führungskraft über die "
                            "Auffrischung.")
        subject = _("Ihre Qualifikation „%(title)s“ läuft ab", title=title)
        body = _("Guten Tag %(name)s,\n\nIhre Qualifikation „%(title)s“ ist gültig bis "
                 "%(date)s. %(course_line)s\n", name=person.name, title=title, date=day,
                 course_line=course_line)
    send_to_user(person, subject, body)
    for manager in managers:
        language = manager.locale or "de"
        with force_locale(language):
            title = qualification.title(language)
            subject = _("Auffrischung geplant: %(name)s – %(title)s", name=person.name,
                        title=title)
            body = _("Die Qualifikation „%(title)s“ von %(name)s ist gültig bis %(date)s.",
                     title=title, name=person.name, date=format_date(valid_until, "long"))
            body += " " + (_("Die Auffrischung ist zugewiesen.") if course is not None else
                           _("Kein Kurs vermittelt sie: bitte planen Sie die Auffrischung."))
        send_to_user(manager, subject, body + "\n")


# --- learning paths --------------------------------------------------------------------


@dataclass
class PathStep:
    course_slug: str
    module_id: str | None
    title: str
    done: bool


@dataclass
class PathProgress:
    path: LearningPath
    steps: list[PathStep]

    @property
    def done(self) -> int:
        return sum(1 for step in self.steps if step.done)


def paths_for(user: User, language: str = "de") -> list[PathProgress]:
    """The learning paths of the roles ``user`` holds, with each step done or not."""
    role_ids = list(db.session.scalars(select(RoleHolder.role_id).where(
        RoleHolder.user_id == user.id)))
    if not role_ids:
        return []
    paths = list(db.session.scalars(select(LearningPath).where(
        LearningPath.role_id.in_(role_ids)).order_by(LearningPath.title)))
    slugs = {step.course_slug for path in paths for step in path.steps}
    courses = {c.slug: c for c in db.session.scalars(select(Course).where(Course.slug.in_(slugs)))}
    completed = set(db.session.scalars(select(CourseProgress.course_id).where(
        CourseProgress.user_id == user.id, CourseProgress.completed_at.is_not(None))))
    lessons_done = {(course_id, lesson_id) for course_id, lesson_id in db.session.execute(
        select(LessonProgress.course_id, LessonProgress.lesson_id).where(
            LessonProgress.user_id == user.id, LessonProgress.status.in_(DONE)))}
    result = []
    for path in paths:
        steps = []
        for step in path.steps:
            course = courses.get(step.course_slug)
            version = course.published_version if course else None
            if version is None:
                steps.append(PathStep(step.course_slug, step.module_id, step.course_slug, False))
                continue
            title = version.title(language)
            done = course.id in completed
            if step.module_id:
                model = content_for(version).course
                module = next((m for m in model.modules if m.id == step.module_id), None)
                if module is not None:
                    title = f"{title}: {module.title.text(language)}"
                    done = done or (bool(module.lessons) and all(
                        (course.id, lesson.id) in lessons_done for lesson in module.lessons))
            steps.append(PathStep(step.course_slug, step.module_id, title, done))
        result.append(PathProgress(path, steps))
    return result
