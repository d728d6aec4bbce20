"""Assigning courses to people and departments, and the status of each assignment.

An assignment enrols its people at once through ``lms.learning.enrolment.enrol`` (with the
due date); a department assignment also covers people who join the department later,
through ``sync_assignments`` (on their next login and in ``atlas companies sync``/``remind``).
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.accounts.models import Department, Membership, Organisation, User
from lms.accounts.services import ensure_can_manage
from lms.catalog.models import Course
from lms.companies.models import Assignment
from lms.companies.notices import mail_assignment
from lms.errors import DomainError, NotFoundError, ValidationFailedError
from lms.extensions import db
from lms.learning.enrolment import enrol
from lms.learning.models import CourseProgress, Enrolment
from lms.local_time import local_day

log = logging.getLogger(__name__)

STATUSES = ("not_started", "in_progress", "completed", "overdue")
STATUS_LABELS = {
    "not_started": _l("nicht begonnen"),
    "in_progress": _l("in Bearbeitung"),
    "completed": _l("abgeschlossen"),
    "overdue": _l("überfällig"),
}


def assignable_courses() -> list[Course]:
    """Courses with a published version, by slug."""
    return list(
        db.session.scalars(
            select(Course).options(joinedload(Course.published_version))
            .where(Course.published_version_id.is_not(None)).order_by(Course.slug)
        )
    )


def list_assignments(organisation: Organisation) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .options(joinedload(Assignment.course).joinedload(Course.published_version),
                     joinedload(Assignment.department), joinedload(Assignment.user))
            .where(Assignment.organisation_id == organisation.id)
            .order_by(Assignment.created_at.desc(), Assignment.id.desc())
        )
    )


def has_assignment(learner: User, course: Course) -> bool:
    """True when an assignment of ``learner``'s company covers them for ``course``."""
    membership = learner.membership
    if membership is None:
        return False
    covers = Assignment.user_id == learner.id
    if membership.department_id:
        covers = covers | (Assignment.department_id == membership.department_id)
    return db.session.scalar(select(Assignment.id).where(
        Assignment.organisation_id == membership.organisation_id,
        Assignment.course_id == course.id, covers).limit(1)) is not None


def assignment_of(organisation: Organisation, assignment_id: int) -> Assignment:
    """:raises NotFoundError: unknown, or another organisation's."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.organisation_id != organisation.id:
        raise NotFoundError(_("Diese Zuweisung gibt es nicht."))
    return assignment


def assign_course(
    actor: User, organisation: Organisation, course: Course, *, now: datetime,
    user_ids: list[int] | None = None, department_id: int | None = None,
    due_on: date | None = None, has_reminders: bool = True,
) -> list[Assignment]:
    """Assign ``course`` to members or to a department, and enrol them (flush only).

    :param due_on: the Berlin calendar day by which to complete; today is allowed.
    :raises ValidationFailedError: no published version, no people, a due date in the
        past, or a person/department not of ``organisation``.
    """
    ensure_can_manage(actor, organisation)
    if course.published_version_id is None:
        raise ValidationFailedError(_("Dieser Kurs ist nicht veröffentlicht."), field="course_id")
    if due_on is not None and due_on < local_day(now):
        raise ValidationFailedError(
            _("Das Fälligkeitsdatum darf nicht in der Vergangenheit liegen."), field="due_date"
        )
    user_ids = sorted(set(user_ids or []))
    if not user_ids and not department_id:
        raise ValidationFailedError(
            _("Bitte wählen Sie Personen oder eine Abteilung."), field="user_ids"
        )
    members = {
        m.user_id: m for m in db.session.scalars(
            select(Membership).options(joinedload(Membership.user))
            .where(Membership.organisation_id == organisation.id)
        )
    }
    created = []
    if department_id:
        department = db.session.get(Department, department_id)
        if department is None or department.organisation_id != organisation.id:
            raise ValidationFailedError(_("Unbekannte Abteilung."), field="department_id")
        assignment, is_news = _upsert(organisation, course, actor, now, due_on, has_reminders,
                                      department_id=department.id)
        created.append(assignment)
        targets = [m.user for m in members.values() if m.department_id == department.id]
        for learner in targets:
            enrol(learner, course, actor=actor, now=now, due_on=due_on)
            if is_news:
                mail_assignment(learner, course, organisation, due_on)
    for user_id in user_ids:
        membership = members.get(user_id)
        if membership is None:
            raise ValidationFailedError(
                _("Diese Person gibt es in Ihrem Unternehmen nicht."), field="user_ids"
            )
        assignment, is_news = _upsert(organisation, course, actor, now, due_on, has_reminders,
                                      user_id=user_id)
        created.append(assignment)
        enrol(membership.user, course, actor=actor, now=now, due_on=due_on)
        if is_news:
            mail_assignment(membership.user, course, organisation, due_on)
    db.session.flush()
    return created


def _upsert(organisation: Organisation, course: Course, actor: User, now: datetime,
            due_on: date | None, has_reminders: bool, *, user_id: int | None = None,
            department_id: int | None = None) -> tuple[Assignment, bool]:
    """The assignment of ``course`` to this person or department, created or updated.

    Assigning the same course to the same target again changes its due date and
    reminders instead of adding a second row. Returns it and whether the learners should
    hear about it (new, or a new due date).
    """
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.organisation_id == organisation.id, Assignment.course_id == course.id,
        Assignment.user_id == user_id if user_id else Assignment.user_id.is_(None),
        Assignment.department_id == department_id if department_id
        else Assignment.department_id.is_(None),
    ).limit(1))
    if assignment is not None:
        is_news = assignment.due_on != due_on
        assignment.due_on = due_on
        assignment.has_reminders = has_reminders
        return assignment, is_news
    assignment = Assignment(
        organisation_id=organisation.id, course_id=course.id, department_id=department_id,
        user_id=user_id, due_on=due_on, has_reminders=has_reminders, created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(assignment)
    return assignment, True


def delete_assignment(actor: User, assignment: Assignment) -> None:
    """Drop the assignment (no more reminders or new enrolments); enrolments stay the learners'."""
    ensure_can_manage(actor, assignment.organisation)
    db.session.delete(assignment)
    db.session.flush()


def _acting_manager(organisation_id: int, preferred_id: int | None) -> User | None:
    managers = list(
        db.session.scalars(
            select(User).join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == organisation_id, Membership.role == "manager")
            .order_by(User.id)
        )
    )
    for manager in managers:
        if manager.id == preferred_id:
            return manager
    return managers[0] if managers else None


def sync_assignments(now: datetime, organisation: Organisation | None = None,
                     user: User | None = None) -> int:
    """Enrol department members who joined after the assignment was made (flush only).

    Only people with no enrolment at all in the course are enrolled: someone who withdrew
    is not put back. Returns how many enrolments were created.
    """
    statement = (
        select(Assignment, Membership)
        .join(Membership, (Membership.department_id == Assignment.department_id)
              & (Membership.organisation_id == Assignment.organisation_id))
        .outerjoin(Enrolment, (Enrolment.user_id == Membership.user_id)
                   & (Enrolment.course_id == Assignment.course_id))
        .where(Assignment.department_id.is_not(None), Enrolment.id.is_(None))
        .options(joinedload(Assignment.course), joinedload(Membership.user))
        .order_by(Assignment.id, Membership.user_id)
    )
    if organisation is not None:
        statement = statement.where(Assignment.organisation_id == organisation.id)
    if user is not None:
        statement = statement.where(Membership.user_id == user.id)
    created = 0
    done = set()
    for assignment, membership in db.session.execute(statement).unique().all():
        key = (membership.user_id, assignment.course_id)
        if key in done:
            continue
        done.add(key)
        actor = _acting_manager(assignment.organisation_id, assignment.created_by_id)
        if actor is None:
            log.warning("assignment %s: organisation has no manager to enrol as", assignment.id)
            continue
        due_on = assignment.due_on if assignment.due_on is None \
            or assignment.due_on >= local_day(now) else None
        try:
            with db.session.begin_nested():
                enrol(membership.user, assignment.course, actor=actor, now=now, due_on=due_on)
        except DomainError as error:
            log.warning("assignment %s: could not enrol user %s: %s", assignment.id,
                        membership.user_id, error.message)
            continue
        mail_assignment(membership.user, assignment.course, assignment.organisation, due_on)
        created += 1
    db.session.flush()
    return created


@dataclass
class PersonStatus:
    user_id: int
    name: str
    department: str
    course_id: int
    course_title: str
    due_on: date | None
    status: str
    percent: int
    completed_at: datetime | None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def status_of(*, completed_at, started, due_on, now) -> str:
    """One person's status in one assigned course (overdue from the day after ``due_on``)."""
    if completed_at is not None:
        return "completed"
    if due_on is not None and due_on < local_day(now):
        return "overdue"
    return "in_progress" if started else "not_started"


def assignment_statuses(organisation: Organisation, now: datetime, language: str = "de"
                        ) -> list[PersonStatus]:
    """Status per assigned person and course, for current members only.

    Constant number of queries whatever the number of people: assignments, members,
    then enrolments joined with progress.
    """
    assignments = list_assignments(organisation)
    if not assignments:
        return []
    members = {
        m.user_id: m for m in db.session.scalars(
            select(Membership)
            .options(joinedload(Membership.user), joinedload(Membership.department))
            .where(Membership.organisation_id == organisation.id)
        )
    }
    by_department = defaultdict(list)
    for membership in members.values():
        if membership.department_id:
            by_department[membership.department_id].append(membership.user_id)
    # (user, course) -> earliest due date of any assignment covering it
    targets: dict[tuple[int, int], date | None] = {}
    courses = {}
    for assignment in assignments:
        courses[assignment.course_id] = assignment.course
        user_ids = (by_department.get(assignment.department_id, []) if assignment.department_id
                    else [assignment.user_id] if assignment.user_id in members else [])
        for user_id in user_ids:
            key = (user_id, assignment.course_id)
            current = targets.get(key, assignment.due_on)
            if current is None or (assignment.due_on is not None and assignment.due_on < current):
                current = assignment.due_on
            targets[key] = current
    rows = db.session.execute(
        select(Enrolment.user_id, Enrolment.course_id, Enrolment.status, Enrolment.due_on,
               Enrolment.last_visited_at, CourseProgress.percent, CourseProgress.started_at,
               CourseProgress.completed_at)
        .outerjoin(CourseProgress, (CourseProgress.user_id == Enrolment.user_id)
                   & (CourseProgress.course_id == Enrolment.course_id))
        .join(Membership, Membership.user_id == Enrolment.user_id)
        .where(Membership.organisation_id == organisation.id,
               Enrolment.course_id.in_(list(courses)))
    ).all()
    enrolled = {(r.user_id, r.course_id): r for r in rows}
    result = []
    for (user_id, course_id), due_on in targets.items():
        row = enrolled.get((user_id, course_id))
        membership = members[user_id]
        completed_at = row.completed_at if row else None
        if row is not None and row.status == "active" and row.due_on is not None:
            due_on = row.due_on
        started = bool(row and row.status == "active" and (
            row.started_at or row.last_visited_at or (row.percent or 0) > 0))
        version = courses[course_id].published_version
        result.append(PersonStatus(
            user_id=user_id, name=membership.user.name,
            department=membership.department.name if membership.department else "",
            course_id=course_id,
            course_title=version.title(language) if version else courses[course_id].slug,
            due_on=due_on,
            status=status_of(completed_at=completed_at, started=started, due_on=due_on, now=now),
            percent=100 if completed_at else int(row.percent or 0) if row else 0,
            completed_at=completed_at,
        ))
    result.sort(key=lambda s: (s.course_title, s.name.casefold(), s.user_id))
    return result


@dataclass
class GroupCounts:
    key: str
    label: str
    total: int
    counts: dict
    is_withheld: bool


def group_counts(statuses: list[PersonStatus], by: str, minimum: int) -> list[GroupCounts]:
    """Counts per status for each course (``by="course"``) or department (``"department"``).

    Groups with fewer than ``minimum`` people are withheld: no counts leave this function.
    """
    groups: dict[str, list[PersonStatus]] = defaultdict(list)
    for status in statuses:
        key = status.course_title if by == "course" else (status.department or "–")
        groups[key].append(status)
    result = []
    for key in sorted(groups, key=str.casefold):
        people = groups[key]
        withheld = len({p.user_id for p in people}) < minimum
        counts = {s: 0 for s in STATUSES}
        if not withheld:
            for person in people:
                counts[person.status] += 1
        result.append(GroupCounts(
            key=key, label=key, total=0 if withheld else len(people),
            counts=counts if not withheld else {}, is_withheld=withheld,
        ))
    return result
