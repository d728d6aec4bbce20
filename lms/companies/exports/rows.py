"""The one query behind every completion export and the API's completions: streamed rows.

A row is one enrolment of one member of the organisation, with what a company may see by
default (enrolment, status, dates, hours, certificate). Scores, attempts and time on task
are never selected here: exports leave them out entirely, whatever consent exists.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Connection,
    Select,
    String,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    type_coerce,
)

from lms.accounts.models import Department, Membership, Organisation, User
from lms.catalog.models import Course, CourseVersion
from lms.certificates.models import Certificate
from lms.certificates.services import status_condition
from lms.extensions import db
from lms.learning.models import CourseProgress, Enrolment
from lms.local_time import local_day

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
    email: str  # "" for an account without e-mail
    personnel_number: str
    department: str
    course: str
    status: str
    enrolled_at: datetime | None
    due_at: date | None  # a calendar day; the key is the export's and the API's field
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
        (and_(Enrolment.due_on.is_not(None), Enrolment.due_on < local_day(now)),
         literal("overdue")),
        (or_(CourseProgress.started_at.is_not(None), CourseProgress.percent > 0),
         literal("in_progress")),
        else_=literal("not_started"),
    )


def certificate_state_expression(now: datetime):
    """The joined certificate's :func:`lms.certificates.services.certificate_status`
    as SQL; ``""`` without a certificate."""
    return case(
        (Certificate.id.is_(None), literal("")),
        *((status_condition(state, now), literal(state))
          for state in ("revoked", "superseded", "expired", "expiring")),
        else_=literal("valid"),
    )


def _as_stored(column):
    """``column`` without result processing: text on SQLite, a datetime on PostgreSQL.

    Each row converts its dates once (:func:`_moment`) instead of through the driver's
    and the ``UTCDateTime`` result processors, which is a good part of a large export.
    """
    return type_coerce(column, String())


def _moment(raw) -> datetime | None:
    """An aware UTC datetime from a value :func:`_as_stored` selected."""
    if raw is None:
        return None
    if raw.__class__ is str:  # SQLite: UTC as "YYYY-MM-DD HH:MM:SS.ffffff", no offset
        try:
            return datetime.fromisoformat(raw + "+00:00")  # much faster than .replace()
        except ValueError:  # written with an offset by something else
            return datetime.fromisoformat(raw).astimezone(UTC)
    return raw.astimezone(UTC) if raw.tzinfo is not None else raw.replace(tzinfo=UTC)


def completion_query(organisation: Organisation, filters: CompletionFilter,
                     now: datetime, *, whole: bool = False) -> Select:
    """The filtered completion rows of ``organisation``'s members, unordered.

    One statement: enrolments joined to membership, department, course version, the
    progress projection and the member's latest certificate for the course. For a page
    of rows (the API) the latest certificate is a correlated subquery, run for the rows
    on the page only; for a ``whole`` export it is one grouped join over the members'
    certificates, which is cheaper than a subquery per row.
    """
    status = status_expression(now).label("status")
    if whole:
        members = select(Membership.user_id).where(
            Membership.organisation_id == organisation.id)
        latest = (
            select(Certificate.user_id, Certificate.course_id,
                   func.max(Certificate.id).label("id"))
            .where(Certificate.superseded_by_id.is_(None), Certificate.user_id.in_(members))
            .group_by(Certificate.user_id, Certificate.course_id)
        )
        if filters.course_id is not None:
            latest = latest.where(Certificate.course_id == filters.course_id)
        latest = latest.subquery("latest_certificate")
    else:
        latest_id = (
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
            CourseVersion.title_en, status, _as_stored(Enrolment.enrolled_at),
            Enrolment.due_on, _as_stored(CourseProgress.completed_at),
            CourseProgress.self_paced_minutes, CourseProgress.synchronous_minutes,
            Certificate.number, certificate_state_expression(now).label("certificate_status"),
            Enrolment.id.label("enrolment_id"), User.id.label("person_id"), Course.slug,
            Enrolment.registration,
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
    )
    if whole:
        query = (
            query.outerjoin(latest, and_(latest.c.user_id == Enrolment.user_id,
                                         latest.c.course_id == Enrolment.course_id))
            .outerjoin(Certificate, Certificate.id == latest.c.id)
        )
    else:
        query = query.outerjoin(Certificate, Certificate.id == latest_id)
    return _filtered(query, filters, now)


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


def _matching(organisation: Organisation, filters: CompletionFilter, now: datetime,
              column) -> Select:
    """``column`` of the enrolments :func:`completion_query` yields, joining only what
    the filters need (membership, and the progress projection)."""
    query = (
        select(column)
        .select_from(Enrolment)
        .join(Membership, and_(Membership.user_id == Enrolment.user_id,
                               Membership.organisation_id == organisation.id))
        .outerjoin(CourseProgress, and_(CourseProgress.user_id == Enrolment.user_id,
                                        CourseProgress.course_id == Enrolment.course_id))
    )
    return _filtered(query, filters, now)


def count_rows(organisation: Organisation, filters: CompletionFilter, now: datetime) -> int:
    """The number of rows :func:`completion_query` yields, joining only what filters need."""
    return db.session.scalar(_matching(organisation, filters, now, func.count(Enrolment.id)))


def _hours(minutes: int | None) -> float:
    return round((minutes or 0) / 60, 2)


def to_row(raw, language: str = "de") -> CompletionRow:
    """Turn one result row of :func:`completion_query` into a :class:`CompletionRow`."""
    (name, email, personnel_number, department, title_de, title_en, status, enrolled_at,
     due_on, completed_at, self_paced, synchronous, number, certificate_state,
     enrolment_id, person_id, slug, registration) = raw
    # positional: this runs once per exported row
    return CompletionRow(
        name, email or "", personnel_number or "", department or "",
        (title_en if language == "en" else "") or title_de, status, _moment(enrolled_at),
        due_on, _moment(completed_at), _hours(self_paced), _hours(synchronous),
        number or "", certificate_state, enrolment_id, person_id, slug, registration,
    )


def completion_rows(organisation: Organisation, filters: CompletionFilter, now: datetime,
                    language: str = "de", batch: int = 1000) -> Iterator[CompletionRow]:
    """Stream the filtered rows, ordered by name and course, ``batch`` rows at a time.

    ``yield_per`` keeps memory flat: SQLite steps its cursor, PostgreSQL uses a
    server-side cursor, and only one batch is held in Python at a time. The statement
    runs on the session's connection as Core (its rows are plain columns, nothing for
    the ORM to load), and hours, which repeat a lot, are converted once per value.
    """
    query = completion_query(organisation, filters, now, whole=True).order_by(
        User.name, User.id, Course.slug)
    connection = db.session.connection()
    with _small_sqlite_cache(connection):
        result = connection.execute(query.execution_options(yield_per=batch))
        yield from _completion_rows(result, language)


def _completion_rows(result, language: str) -> Iterator[CompletionRow]:
    hours: dict[int | None, float] = {}
    english = language == "en"
    make = CompletionRow._make
    try:
        for (name, email, personnel_number, department, title_de, title_en, status,
             enrolled_at, due_on, completed_at, self_paced, synchronous, number,
             certificate_state, enrolment_id, person_id, slug, registration) in result:
            self_paced_hours = hours.get(self_paced)
            if self_paced_hours is None:
                self_paced_hours = hours[self_paced] = _hours(self_paced)
            synchronous_hours = hours.get(synchronous)
            if synchronous_hours is None:
                synchronous_hours = hours[synchronous] = _hours(synchronous)
            yield make((
                name, email or "", personnel_number or "", department or "",
                (title_en if english else "") or title_de, status, _moment(enrolled_at),
                due_on, _moment(completed_at), self_paced_hours, synchronous_hours,
                number or "", certificate_state, enrolment_id, person_id, slug, registration))
    finally:
        result.close()


#: The SQLite page cache (KiB, as a negative ``cache_size``) while a whole export runs.
EXPORT_SQLITE_CACHE_KIB = 8192


@contextmanager
def _small_sqlite_cache(connection: Connection) -> Iterator[None]:
    """On SQLite, shrink the connection's page cache while a whole export streams.

    An export reads each of the organisation's rows once; in the connection's page cache
    (64 MiB, :func:`lms.db.tune_sqlite`) and in the sorter of its ORDER BY, which SQLite
    sizes by that cache, those pages would only cost the web process memory (≈ 60 MB for
    150,000 rows) and speed up nothing. The setting is the connection's own and comes
    back when the export ends; other backends sort on the server.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{EXPORT_SQLITE_CACHE_KIB:d}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(previous):d}")


def row_page(organisation: Organisation, filters: CompletionFilter, now: datetime, *,
             offset: int, limit: int, language: str = "de") -> list[CompletionRow]:
    """One page of rows in a stable order (enrolment id), for the API.

    The page's enrolment ids come first, from the filters' joins alone; only those rows
    are then joined to everything else, so the certificate lookup and the other joins
    run for one page, not for every matching row before the sort.
    """
    ids = list(db.session.scalars(
        _matching(organisation, filters, now, Enrolment.id)
        .order_by(Enrolment.id).offset(offset).limit(limit)))
    if not ids:
        return []
    query = (completion_query(organisation, CompletionFilter(), now)
             .where(Enrolment.id.in_(ids)).order_by(Enrolment.id))
    return [to_row(raw, language) for raw in db.session.connection().execute(query)]
