"""The participants of a course as their trainer sees them, and the export of that list.

Reads the progress projection (``course_progress``, ``lesson_progress``), never raw
statements: one query for the page of learners (sorted by last activity, newest first),
one for their graded lessons. What a trainer sees here is stated in docs/privacy.md and
on the learner's privacy page; every look is written to the learner's access log
(``lms.teaching.access_log``) by the views.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from authoring.model import GRADED_KINDS
from authoring.model import Course as CourseModel
from lms.accounts.models import Membership, Organisation, User
from lms.catalog.models import Course, CourseVersion
from lms.catalog.version_content import content_for
from lms.errors import ValidationFailedError
from lms.extensions import db
from lms.learning.models import CourseProgress, Enrolment, LessonProgress
from lms.paging import Paged
from lms.sessions.models import CourseSession, SessionRegistration

PAGE_SIZE = 50
#: status filter values: what the trainer picks in the form
STATUSES = ("not_started", "in_progress", "completed", "withdrawn")


@dataclass(frozen=True)
class Filters:
    """The participants list's filters, as read from the query string."""

    organisation_id: int | None = None
    session_id: int | None = None
    status: str = ""

    def as_args(self) -> dict:
        args = {}
        if self.organisation_id:
            args["company"] = self.organisation_id
        if self.session_id:
            args["session"] = self.session_id
        if self.status:
            args["status"] = self.status
        return args

    def describe(self) -> str:
        """The filters in words for the access log's detail column."""
        parts = [f"{key}={value}" for key, value in self.as_args().items()]
        return ", ".join(parts)


def read_filters(args) -> Filters:
    """Read the filters from a query string; a malformed value is a clear error.

    :raises ValidationFailedError: a company or session that is not a number, or an
        unknown status.
    """
    def number(key: str, label: str) -> int | None:
        raw = (args.get(key) or "").strip()
        if not raw:
            return None
        if not raw.isdigit():
            raise ValidationFailedError(
                _("Filter „%(label)s“: „%(value)s“ ist keine gültige Auswahl.",
                  label=label, value=raw[:40]), field=key)
        return int(raw)

    status = (args.get("status") or "").strip()
    if status and status not in STATUSES:
        raise ValidationFailedError(
            _("Filter „Status“: „%(value)s“ ist keine gültige Auswahl.", value=status[:40]),
            field="status")
    return Filters(organisation_id=number("company", _("Unternehmen")),
                   session_id=number("session", _("Termin")), status=status)


@dataclass
class AssessmentResult:
    best_percent: float | None
    attempts: int
    status: str


@dataclass
class ParticipantRow:
    """One learner of the course, as the list and the export show them."""

    user_id: int
    name: str
    email: str
    company: str
    version: str
    enrolment_status: str
    percent: int
    last_activity_at: datetime | None
    completed_at: datetime | None
    due_on: object
    sessions_attended: int
    results: dict[str, AssessmentResult] = field(default_factory=dict)
    #: the graded lessons' cells and the last activity as the page shows them
    #: (see :func:`result_cells`)
    cells: list[str] = field(default_factory=list)
    last_activity_text: str = ""

    @property
    def status(self) -> str:
        if self.enrolment_status == "withdrawn":
            return "withdrawn"
        if self.completed_at is not None:
            return "completed"
        return "in_progress" if self.last_activity_at is not None else "not_started"


@dataclass
class ParticipantPage(Paged):
    rows: list[ParticipantRow]
    page: int
    per_page: int
    total: int
    graded: list  # the graded lessons (authoring ``Lesson``) shown as columns


def graded_lessons(course: Course) -> list:
    """The quizzes and assessments of the published version, in course order."""
    version = course.published_version
    if version is None:
        return []
    model: CourseModel = content_for(version).course
    return [lesson for lesson in model.lessons() if lesson.kind in GRADED_KINDS]


def _query(course: Course, filters: Filters):
    last = CourseProgress.last_activity_at
    query = (
        select(Enrolment.user_id, User.name, User.email, Organisation.name.label("company"),
               CourseVersion.version, Enrolment.status, Enrolment.due_on,
               func.coalesce(CourseProgress.percent, 0).label("percent"),
               last.label("last_activity_at"), CourseProgress.completed_at,
               func.coalesce(CourseProgress.sessions_attended, 0).label("sessions_attended"))
        .select_from(Enrolment)
        .join(User, User.id == Enrolment.user_id)
        .join(CourseVersion, CourseVersion.id == Enrolment.course_version_id)
        .outerjoin(Membership, Membership.user_id == Enrolment.user_id)
        .outerjoin(Organisation, Organisation.id == Membership.organisation_id)
        .outerjoin(CourseProgress, (CourseProgress.user_id == Enrolment.user_id)
                   & (CourseProgress.course_id == Enrolment.course_id))
        .where(Enrolment.course_id == course.id)
    )
    if filters.organisation_id:
        query = query.where(Membership.organisation_id == filters.organisation_id)
    if filters.session_id:
        query = query.where(Enrolment.user_id.in_(
            select(SessionRegistration.user_id)
            .join(CourseSession, CourseSession.id == SessionRegistration.session_id)
            .where(SessionRegistration.session_id == filters.session_id,
                   CourseSession.course_id == course.id)))
    if filters.status == "withdrawn":
        query = query.where(Enrolment.status == "withdrawn")
    elif filters.status:
        query = query.where(Enrolment.status != "withdrawn")
        if filters.status == "completed":
            query = query.where(CourseProgress.completed_at.is_not(None))
        elif filters.status == "in_progress":
            query = query.where(CourseProgress.completed_at.is_(None), last.is_not(None))
        elif filters.status == "not_started":
            query = query.where(or_(CourseProgress.id.is_(None), last.is_(None)))
    return query


#: most recently active first, never active last; by name within the same moment
_ORDER = (CourseProgress.last_activity_at.desc().nulls_last(), User.name, Enrolment.user_id)


def participants_page(course: Course, filters: Filters, page: int = 1,
                      per_page: int = PAGE_SIZE) -> ParticipantPage:
    """One page of the course's participants, most recently active first."""
    # the total rides along as a window count: one pass over the course's enrolments
    query = _query(course, filters).add_columns(func.count().over().label("total"))
    ordered = query.order_by(*_ORDER)
    page = max(page, 1)
    result = db.session.execute(ordered.offset((page - 1) * per_page).limit(per_page)).all()
    if not result and page > 1:  # past the end: show the last page
        page = max(1, _pages(course, filters, per_page))
        result = db.session.execute(
            ordered.offset((page - 1) * per_page).limit(per_page)).all()
    total = result[0].total if result else 0
    rows = _rows(result)
    graded = graded_lessons(course)
    _add_results(course, rows, graded)
    return ParticipantPage(rows=rows, page=page, per_page=per_page, total=total, graded=graded)


def _pages(course: Course, filters: Filters, per_page: int) -> int:
    total = db.session.scalar(
        select(func.count()).select_from(_query(course, filters).subquery())) or 0
    return -(-total // per_page)


def all_participants(course: Course, filters: Filters) -> tuple[list[ParticipantRow], list]:
    """Every participant matching ``filters`` (for the export), same order as the list."""
    query = _query(course, filters).order_by(*_ORDER)
    rows = _rows(db.session.execute(query))
    graded = graded_lessons(course)
    _add_results(course, rows, graded)
    return rows, graded


def _rows(result) -> list[ParticipantRow]:
    return [ParticipantRow(
        user_id=r.user_id, name=r.name, email=r.email, company=r.company or "",
        version=r.version, enrolment_status=r.status, percent=int(r.percent or 0),
        last_activity_at=r.last_activity_at, completed_at=r.completed_at, due_on=r.due_on,
        sessions_attended=int(r.sessions_attended or 0)) for r in result]


def _add_results(course: Course, rows: list[ParticipantRow], graded: list) -> None:
    if not rows or not graded:
        return
    by_user = {row.user_id: row for row in rows}
    ids = list(by_user)
    lesson_ids = [lesson.id for lesson in graded]
    for start in range(0, len(ids), 500):
        for progress in db.session.scalars(select(LessonProgress).where(
                LessonProgress.course_id == course.id,
                LessonProgress.user_id.in_(ids[start:start + 500]),
                LessonProgress.lesson_id.in_(lesson_ids))):
            by_user[progress.user_id].results[progress.lesson_id] = AssessmentResult(
                best_percent=progress.best_percent, attempts=progress.attempts,
                status=progress.status)


def result_cells(page: ParticipantPage, locale) -> None:
    """Fill each row's ``cells``: best result and attempts per graded lesson, as text.

    Formatted here with Babel directly (once per distinct value for the cells) rather than
    through Flask-Babel's filters per cell: with a dozen tests and 50 rows, its per-call
    locale and zone lookups were most of the page's time.
    """
    from babel.dates import format_datetime
    from babel.numbers import format_decimal
    from flask_babel import get_timezone, ngettext

    zone = get_timezone()
    counts: dict[int, str] = {}
    percents: dict[float, str] = {}
    for row in page.rows:
        row.last_activity_text = format_datetime(
            row.last_activity_at, "short", tzinfo=zone, locale=locale) \
            if row.last_activity_at is not None else "–"
        row.cells = []
        for lesson in page.graded:
            result = row.results.get(lesson.id)
            if result is None:
                row.cells.append("–")
                continue
            if result.attempts not in counts:
                counts[result.attempts] = ngettext("%(num)d Versuch", "%(num)d Versuche",
                                                   result.attempts)
            best = "–"
            if result.best_percent is not None:
                if result.best_percent not in percents:
                    percents[result.best_percent] = format_decimal(result.best_percent,
                                                                   locale=locale)
                best = percents[result.best_percent]
            row.cells.append(f"{best} % · {counts[result.attempts]}")


def company_choices(course: Course) -> list[tuple[int, str]]:
    """The companies with participants in the course, for the filter."""
    return [(row.id, row.name) for row in db.session.execute(
        select(Organisation.id, Organisation.name).distinct()
        .join(Membership, Membership.organisation_id == Organisation.id)
        .join(Enrolment, Enrolment.user_id == Membership.user_id)
        .where(Enrolment.course_id == course.id).order_by(Organisation.name))]


def session_choices(course: Course) -> list[CourseSession]:
    """The course's sessions, newest first, for the filter."""
    return list(db.session.scalars(select(CourseSession).where(
        CourseSession.course_id == course.id).order_by(CourseSession.starts_at.desc())))


def status_label(status: str) -> str:
    return {
        "not_started": _("Nicht begonnen"),
        "in_progress": _("In Bearbeitung"),
        "completed": _("Abgeschlossen"),
        "withdrawn": _("Abgemeldet"),
    }.get(status, status)


def _table(rows: list[ParticipantRow], graded: list, language: str,
           format_instant) -> tuple[list[str], list[list]]:
    header = [_("Name"), _("E-Mail"), _("Unternehmen"), _("Version"), _("Status"),
              _("Fortschritt (%)"), _("Letzte Aktivität"), _("Abgeschlossen am"),
              _("Fällig am"), _("Termine besucht")]
    for lesson in graded:
        title = lesson.title(language)
        header += [_("%(test)s: bestes Ergebnis (%%)", test=title),
                   _("%(test)s: Versuche", test=title)]
    table = []
    for row in rows:
        line = [row.name, row.email, row.company, row.version, status_label(row.status),
                row.percent, format_instant(row.last_activity_at),
                format_instant(row.completed_at),
                row.due_on.isoformat() if row.due_on else "", row.sessions_attended]
        for lesson in graded:
            result = row.results.get(lesson.id)
            line += [result.best_percent if result and result.best_percent is not None else "",
                     result.attempts if result else 0]
        table.append(line)
    return header, table


def _safe_cell(value):
    """Neutralise spreadsheet formulas in text cells (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_csv(rows, graded, language: str, format_instant) -> bytes:
    """The list as CSV (semicolon, UTF-8 with BOM, as German spreadsheets expect)."""
    header, table = _table(rows, graded, language, format_instant)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for line in table:
        writer.writerow([_safe_cell(cell) for cell in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(rows, graded, language: str, format_instant) -> bytes:
    """The list as an Excel workbook (openpyxl), one sheet."""
    from openpyxl import Workbook

    header, table = _table(rows, graded, language, format_instant)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Teilnehmende")[:31])
    sheet.append(header)
    for line in table:
        sheet.append([_safe_cell(cell) for cell in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
