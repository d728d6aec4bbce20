"""The funding evidence pack: attendance lists, hours and dropouts of one course as a PDF.

Public funding of further training (e.g. §82 SGB III, AZAV-approved measures) asks for
per-session attendance lists, synchronous teaching hours apart from self-study, and the
dropouts with their dates. The pack holds exactly that for one organisation's employees,
and never scores. WeasyPrint renders it with a URL fetcher that allows only ``data:``;
it is imported on first use (≈ 2 s and 30–40 MB), not by every process that loads the app.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import and_, select

from lms.accounts.models import Department, Membership, Organisation, User
from lms.catalog.models import Course
from lms.companies.exports.cells import LOCAL_ZONE
from lms.companies.exports.time_spent import measured_minutes
from lms.extensions import db
from lms.learning.models import CourseProgress, Enrolment
from lms.sessions.models import Attendance, CourseSession, SessionRegistration


@dataclass
class Participant:
    name: str
    personnel_number: str
    department: str
    method: str = ""  # roster | qr | "" (not recorded: the signature column is for them)
    checked_in_at: datetime | None = None
    minutes: int = 0


@dataclass
class SessionSheet:
    session: CourseSession
    trainer: str
    participants: list[Participant] = field(default_factory=list)


@dataclass
class HoursLine:
    """One person's hours: attended sessions, and self-study as measured from their own
    activity beside the nominal minutes of the lessons they marked done."""

    name: str
    personnel_number: str
    synchronous_minutes: int
    self_paced_minutes: int  # nominal: the authors' estimates of the lessons done
    status: str
    measured_minutes: int = 0  # from the timestamps of the learner's activity


@dataclass
class Dropout:
    name: str
    personnel_number: str
    enrolled_at: datetime
    withdrawn_at: datetime


@dataclass
class FundingPack:
    organisation: Organisation
    course: Course
    title: str
    starts: datetime
    ends: datetime
    provider_id: str
    measure_number: str
    sessions: list[SessionSheet]
    hours: list[HoursLine]
    dropouts: list[Dropout]

    @property
    def last_moment(self) -> datetime:
        """The end of the period for display (``ends`` itself is exclusive)."""
        return self.ends - timedelta(seconds=1)


def measure_number_for(slug: str) -> str:
    """The measure's approval number from ``ATLAS_FUNDING_MEASURE_NUMBERS`` (slug=number,…)."""
    for item in current_app.config.get("ATLAS_FUNDING_MEASURE_NUMBERS", "").split(","):
        key, _sep, value = item.partition("=")
        if key.strip() == slug and value.strip():
            return value.strip()
    return ""


def build_pack(organisation: Organisation, course: Course, starts: datetime, ends: datetime,
               measure_number: str = "") -> FundingPack:
    """Collect the pack's facts for ``organisation``'s members in ``[starts, ends)``.

    Sessions are those of the course starting in the period (not cancelled). Participants
    are members who registered or attended; synchronous hours are the credited attended
    minutes of those sessions (a check-in counts once the roster is closed). Self-paced
    hours are measured from the learner's activity (:mod:`.time_spent`), the projection's
    nominal lesson minutes beside them.
    """
    version = course.published_version
    title = version.title_de if version else course.slug
    members = (
        select(User.id, User.name, Membership.personnel_number, Department.name)
        .join(Membership, and_(Membership.user_id == User.id,
                               Membership.organisation_id == organisation.id))
        .outerjoin(Department, Department.id == Membership.department_id)
    )
    people = {row[0]: row[1:] for row in db.session.execute(members)}
    sessions = db.session.scalars(
        select(CourseSession)
        .where(CourseSession.course_id == course.id, CourseSession.starts_at >= starts,
               CourseSession.starts_at < ends, CourseSession.cancelled_at.is_(None))
        .order_by(CourseSession.starts_at)
    ).all()
    session_ids = [session.id for session in sessions]
    trainers = dict(db.session.execute(
        select(User.id, User.name).where(User.id.in_(
            {s.trainer_id for s in sessions if s.trainer_id is not None}))
    ).all())
    attended: dict[int, dict[int, Attendance]] = defaultdict(dict)
    for attendance in db.session.scalars(
        select(Attendance).where(Attendance.session_id.in_(session_ids),
                                 Attendance.user_id.in_(select(Membership.user_id).where(
                                     Membership.organisation_id == organisation.id)))
    ):
        attended[attendance.session_id][attendance.user_id] = attendance
    registered: dict[int, set[int]] = defaultdict(set)
    for session_id, user_id in db.session.execute(
        select(SessionRegistration.session_id, SessionRegistration.user_id)
        .where(SessionRegistration.session_id.in_(session_ids),
               SessionRegistration.status == "registered")
    ):
        if user_id in people:
            registered[session_id].add(user_id)

    sheets = []
    synchronous: dict[int, int] = defaultdict(int)
    for session in sessions:
        sheet = SessionSheet(session, trainers.get(session.trainer_id, ""))
        for user_id in registered[session.id] | set(attended[session.id]):
            name, number, department = people[user_id]
            participant = Participant(name, number or "", department or "")
            record = attended[session.id].get(user_id)
            if record is not None:
                participant.method = record.method
                participant.checked_in_at = record.recorded_at
                if record.statement_id is not None:  # credited: the roster was closed
                    participant.minutes = record.minutes
                    synchronous[user_id] += record.minutes
            sheet.participants.append(participant)
        sheet.participants.sort(key=lambda p: (p.name.casefold(), p.personnel_number))
        sheets.append(sheet)

    hours = []
    dropouts = []
    enrolments = db.session.execute(
        select(Enrolment, CourseProgress)
        .outerjoin(CourseProgress, and_(CourseProgress.user_id == Enrolment.user_id,
                                        CourseProgress.course_id == Enrolment.course_id))
        .where(Enrolment.course_id == course.id,
               Enrolment.user_id.in_(list(people)))
    ).all()
    measured = measured_minutes(enrolment.registration for enrolment, _p in enrolments)
    for enrolment, progress in enrolments:
        name, number, _department = people[enrolment.user_id]
        self_paced = progress.self_paced_minutes if progress else 0
        spent = measured.get(enrolment.registration, 0)
        if (synchronous[enrolment.user_id] or self_paced or spent
                or enrolment.status == "active"):
            hours.append(HoursLine(name, number or "", synchronous[enrolment.user_id],
                                   self_paced, enrolment.status, spent))
        if (enrolment.status == "withdrawn" and enrolment.withdrawn_at is not None
                and starts <= enrolment.withdrawn_at < ends):
            dropouts.append(Dropout(name, number or "", enrolment.enrolled_at,
                                    enrolment.withdrawn_at))
    hours.sort(key=lambda line: line.name.casefold())
    dropouts.sort(key=lambda line: line.withdrawn_at)
    return FundingPack(
        organisation=organisation, course=course, title=title, starts=starts, ends=ends,
        provider_id=current_app.config.get("ATLAS_FUNDING_PROVIDER_ID", ""),
        measure_number=measure_number or measure_number_for(course.slug),
        sessions=sheets, hours=hours, dropouts=dropouts,
    )


def inline_only_fetcher():
    """Only inline ``data:`` URLs: the template can read no file and reach no host."""
    from weasyprint.urls import URLFetcher  # WeasyPrint loads slowly and is big: on use

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def local(moment: datetime | None, pattern: str = "%d.%m.%Y") -> str:
    return moment.astimezone(LOCAL_ZONE).strftime(pattern) if moment is not None else ""


def hours_text(minutes: int) -> str:
    return f"{minutes / 60:.2f}".replace(".", ",")


def render_pack_pdf(pack: FundingPack, now: datetime) -> bytes:
    from weasyprint import HTML  # loaded on first use, like lms.certificates.pdf

    html = render_template("exports/funding_pack.html", pack=pack, local=local,
                           hours=hours_text, now=now)
    return HTML(string=html, url_fetcher=inline_only_fetcher(), base_url="data:,").write_pdf()
