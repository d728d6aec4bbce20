"""The one query behind every completion export and the API's completions: streamed rows.

A row is one enrolment of one member of the organisation, with what a company may see by
default (enrolment, status, dates, hours, certificate). Scores, attempts and time on task
are never selected here: exports leave them out entirely, whatever consent exists.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, func, literal, or_, select

from lms.accounts.models import Department, Membership, Organisation, User
from lms.catalog.models import Course, CourseVersion
from lms.certificates.models import Certificate
from lms.certificates.services import certificate_status
from lms.extensions import db
from lms.learning.models import CourseProgress, Enrolment

STATUSES = ("not_started", "in_progress", "completed", "overdue", "withdrawn")

STATUS_LABELS = {
    "not_started": _l("nicht begonnen"),
    "in_progress": _l("in Bearbeitung"),
    "completed": _l("abgeschlossen"),
    "overdue": _l("überfällig"),
    "withdrawn": _l("abgemeldet"),
}

CERTIFICATE_LABELS = {
    "valid": _l("gültig"),
    "expiring": _l("läuft bald ab"),
    "expired": _l("abgelaufen"),
    "revoked": _l("widerrufen"),
    "superseded": _l("ersetzt"),
}

#: Column keys in export order, with their headings. Deliberately without scores.
COLUMNS = (
    ("name", _l("Name")),
    ("email", _l("E-Mail")),
    ("personnel_number", _l("Personalnummer")),
    ("department", _l("Abteilung")),
    ("course", _l("Kurs")),
    ("status", _l("Status")),
    ("enrolled_at", _l("Eingeschrieben am")),
    ("due_at", _l("Fällig am")),
    ("completed_at", _l("Abgeschlossen am")),
    ("hours_self_paced", _l("Stunden Selbstlernen")),
    ("hours_synchronous", _l("Stunden Präsenz/Live")),
    ("certificate_number", _l("Zertifikatsnummer")),
    ("certificate_status", _l("Zertifikatsstatus")),
)


class CompletionRow(NamedTuple):
    """One exported enrolment; field order is :data:`COLUMNS` plus ids for the API."""

    name: str
    email: str
    personnel_number: str
    department: str
    course: str
    status: str
    enrolled_at: datetime | None
    due_at: datetime | None
    completed_at: datetime | None
    hours_self_paced: float
    hours_synchronous: float
    certificate_number: str
    certificate_status: str
    enrolment_id: int
    person_id: int
    course_slug: str
    registration: str


@dataclass(frozen=True)
class CompletionFilter:
    """What to export: completion window ``[completed_from, completed_before)``, course,
    department and status; ``None`` means no restriction."""

    completed_from: datetime | None = None
    completed_before: datetime | None = None
    course_id: int | None = None
    department_id: int | None = None
    status: str | None = None

    def describe(self) -> str:
        """A short text for the audit log."""
        parts = [f"{key}={value.isoformat() if isinstance(value, datetime) else value}"
                 for key, value in vars(self).items() if value is not None]
        return ", ".join(parts) or "all"


def status_expression(now: datetime):
    """The status as SQL: withdrawn, completed, overdue, in progress, not started."""
    return case(
        (Enrolment.status == "withdrawn", literal("withdrawn")),
        (CourseProgress.completed_at.is_not(None), literal("completed")),
        (and_(Enrolment.due_at.is_not(None), Enrolment.due_at < now), literal("overdue")),
        (or_(CourseProgress.started_at.is_not(None), CourseProgress.percent > 0),
         literal("in_progress")),
        else_=literal("not_started"),
    )


def completion_query(organisation: Organisation, filters: CompletionFilter,
                     now: datetime) -> Select:
    """The filtered completion rows of ``organisation``'s members, unordered.

    One statement: enrolments joined to membership, department, course version, the
    progress projection and the member's latest certificate for the course.
    """
    status = status_expression(now).label("status")
    latest_certificate = (
        select(func.max(Certificate.id))
        .where(Certificate.user_id == Enrolment.user_id,
               Certificate.course_id == Enrolment.course_id,
               Certificate.superseded_by_id.is_(None))
        .correlate(Enrolment)
        .scalar_subquery()
    )
    query = (
        select(
            User.name, User.email, Membership.personnel_number,
            Department.name.label("department"), CourseVersion.title_de,
            CourseVersion.title_en, status, Enrolment.enrolled_at, Enrolment.due_at,
            CourseProgress.completed_at, CourseProgress.self_paced_minutes,
            CourseProgress.synchronous_minutes, Certificate.number,
            Certificate.revoked_at, Certificate.expires_at, Enrolment.id.label("enrolment_id"),
            User.id.label("person_id"), Course.slug, Enrolment.registration,
        )
        .select_from(Enrolment)
        .join(Membership, and_(Membership.user_id == Enrolment.user_id,
                               Membership.organisation_id == organisation.id))
        .join(User, User.id == Enrolment.user_id)
        .join(Course, Course.id == Enrolment.course_id)
        .join(CourseVersion, CourseVersion.id == Enrolment.course_version_id)
        .outerjoin(Department, Department.id == Membership.department_id)
        .outerjoin(CourseProgress, and_(CourseProgress.user_id == Enrolment.user_id,
                                        CourseProgress.course_id == Enrolment.course_id))
        .outerjoin(Certificate, Certificate.id == latest_certificate)
    )
    query = _filtered(query, filters, now)
    return query


def _filtered(query: Select, filters: CompletionFilter, now: datetime) -> Select:
    if filters.course_id is not None:
        query = query.where(Enrolment.course_id == filters.course_id)
    if filters.department_id is not None:
        query = query.where(Membership.department_id == filters.department_id)
    if filters.completed_from is not None:
        query = query.where(CourseProgress.completed_at >= filters.completed_from)
    if filters.completed_before is not None:
        query = query.where(CourseProgress.completed_at < filters.completed_before)
    if filters.status is not None:
        query = query.where(status_expression(now) == filters.status)
    return query


def count_rows(organisation: Organisation, filters: CompletionFilter, now: datetime) -> int:
    """The number of rows :func:`completion_query` yields, joining only what filters need."""
    query = (
        select(func.count(Enrolment.id))
        .select_from(Enrolment)
        .join(Membership, and_(Membership.user_id == Enrolment.user_id,
                               Membership.organisation_id == organisation.id))
        .outerjoin(CourseProgress, and_(CourseProgress.user_id == Enrolment.user_id,
                                        CourseProgress.course_id == Enrolment.course_id))
    )
    return db.session.scalar(_filtered(query, filters, now))


def _hours(minutes: int | None) -> float:
    return round((minutes or 0) / 60, 2)


def to_row(raw, now: datetime, language: str = "de") -> CompletionRow:
    """Turn one result row of :func:`completion_query` into a :class:`CompletionRow`."""
    (name, email, personnel_number, department, title_de, title_en, status, enrolled_at,
     due_at, completed_at, self_paced, synchronous, number, revoked_at, expires_at,
     enrolment_id, person_id, slug, registration) = raw
    certificate_state = ""
    if number:
        certificate_state = certificate_status(
            SimpleNamespace(revoked_at=revoked_at, expires_at=expires_at,
                            superseded_by_id=None), now)
    # positional: this runs once per exported row
    return CompletionRow(
        name, email, personnel_number or "", department or "",
        (title_en if language == "en" else "") or title_de, status, enrolled_at, due_at,
        completed_at, _hours(self_paced), _hours(synchronous), number or "",
        certificate_state, enrolment_id, person_id, slug, registration,
    )


def completion_rows(organisation: Organisation, filters: CompletionFilter, now: datetime,
                    language: str = "de", batch: int = 1000) -> Iterator[CompletionRow]:
    """Stream the filtered rows, ordered by name and course, ``batch`` rows at a time.

    ``yield_per`` keeps memory flat: SQLite steps its cursor, PostgreSQL uses a
    server-side cursor, and only one batch is held in Python at a time.
    """
    query = completion_query(organisation, filters, now).order_by(
        User.name, User.id, Course.slug)
    result = db.session.execute(query.execution_options(yield_per=batch))
    try:
        for raw in result:
            yield to_row(raw, now, language)
    finally:
        result.close()


def row_page(organisation: Organisation, filters: CompletionFilter, now: datetime, *,
             offset: int, limit: int, language: str = "de") -> list[CompletionRow]:
    """One page of rows in a stable order (enrolment id), for the API."""
    query = (completion_query(organisation, filters, now)
             .order_by(Enrolment.id).offset(offset).limit(limit))
    return [to_row(raw, now, language) for raw in db.session.execute(query)]
