"""One employee's learning record as their company may see it, filtered by the profile.

Only the fields the active visibility profile grants the viewer's role are even read;
scores and attempts only while the employee consents.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.accounts.models import Organisation, User
from lms.catalog.version_content import content_for
from lms.certificates.services import certificate_status, certificates_of
from lms.companies.access import company_role, membership_in
from lms.companies.audit import record_access
from lms.companies.consent import has_score_consent
from lms.companies.visibility import fields_visible
from lms.extensions import db
from lms.learning.models import CourseProgress, Enrolment, LessonProgress


@dataclass
class CourseRecord:
    course_id: int
    title: str
    enrolled_at: datetime | None = None
    due_on: date | None = None
    status: str = ""
    source: str = ""
    withdrawn_at: datetime | None = None
    percent: int | None = None
    is_completed: bool | None = None
    completed_at: datetime | None = None
    self_paced_minutes: int | None = None
    synchronous_minutes: int | None = None
    scores: list[dict] = field(default_factory=list)


@dataclass
class EmployeeRecord:
    user: User
    membership: object
    fields: frozenset
    has_consent: bool
    courses: list[CourseRecord]
    certificates: list[dict]


def employee_record(actor: User, organisation: Organisation, user_id: int, now: datetime,
                    language: str = "de") -> EmployeeRecord:
    """The record of member ``user_id`` as ``actor`` may see it; logs the access (flush only).

    :raises NotFoundError: ``user_id`` is not a member of ``organisation``.
    """
    membership = membership_in(organisation, user_id)
    employee = membership.user
    consented = has_score_consent(employee)
    visible = fields_visible(company_role(actor), consented, organisation)
    record_access(actor, organisation, "view_employee", now, subject=employee)

    enrolments = db.session.scalars(
        select(Enrolment).options(joinedload(Enrolment.course_version))
        .where(Enrolment.user_id == employee.id).order_by(Enrolment.enrolled_at)
    ).all()
    progress = {
        p.course_id: p for p in db.session.scalars(
            select(CourseProgress).where(CourseProgress.user_id == employee.id))
    }
    lessons = {}
    if visible & {"scores", "attempts"}:
        for row in db.session.scalars(
            select(LessonProgress).where(LessonProgress.user_id == employee.id)
        ):
            lessons.setdefault(row.course_id, {})[row.lesson_id] = row
    courses = []
    if "enrolment" in visible:
        for enrolment in enrolments:
            version = enrolment.course_version
            record = CourseRecord(
                course_id=enrolment.course_id, title=version.title(language),
                enrolled_at=enrolment.enrolled_at, due_on=enrolment.due_on,
                status=enrolment.status, source=enrolment.source,
                withdrawn_at=enrolment.withdrawn_at,
            )
            row = progress.get(enrolment.course_id)
            if "completion" in visible:
                record.percent = row.percent if row else 0
                record.is_completed = bool(row and row.completed_at)
            if "completion_date" in visible and row is not None:
                record.completed_at = row.completed_at
            if "hours" in visible:
                record.self_paced_minutes = row.self_paced_minutes if row else 0
                record.synchronous_minutes = row.synchronous_minutes if row else 0
            if visible & {"scores", "attempts"}:
                record.scores = _scores(version, lessons.get(enrolment.course_id, {}), visible,
                                        language)
            courses.append(record)
    certificates = []
    if "certificates" in visible:
        for certificate in certificates_of(employee):
            certificates.append({
                "number": certificate.number,
                "title": certificate.course_version.title(language),
                "issued_at": certificate.issued_at,
                "expires_at": certificate.expires_at,
                "status": certificate_status(certificate, now),
            })
    return EmployeeRecord(employee, membership, visible, consented, courses, certificates)


def _scores(version, lesson_rows: dict, visible: frozenset, language: str) -> list[dict]:
    model = content_for(version).course
    result = []
    for lesson in model.lessons():
        if lesson.kind not in ("quiz", "assessment"):
            continue
        row = lesson_rows.get(lesson.id)
        result.append({
            "title": lesson.title(language),
            "kind": lesson.kind,
            "best_percent": (round(row.best_percent) if row and row.best_percent is not None
                             else None) if "scores" in visible else None,
            "attempts": (row.attempts if row else 0) if "attempts" in visible else None,
            "status": row.status if row else "",
        })
    return result
