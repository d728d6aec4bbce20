"""Two companies with employees, enrolments, progress, a certificate, a session and a score.

Rows are written directly (flush only), so export and API tests do not depend on the
learning services; the one ``completed`` statement is stored in the LRS without hooks.
"""

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from lms.accounts.models import User
from lms.catalog.version_content import content_for
from lms.certificates.services import issue_certificate
from lms.extensions import db
from lms.learning import statements as builders
from lms.learning.models import CourseProgress, Enrolment, QuizAttempt
from lms.lrs.embedded import PLATFORM_VERSION, platform_authority, platform_lrs
from lms.sessions.models import Attendance, CourseSession, SessionRegistration
from tests.factories import make_department, make_member, make_organisation

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
COMPLETED = datetime(2026, 10, 15, 9, 30, tzinfo=UTC)
SCORE = 87.25  # a quiz percentage that must never appear in a company export


def _member(organisation, name, department=None, number="", role="employee") -> User:
    user = make_member(organisation, role=role, name=name)
    user.membership.department = department
    user.membership.personnel_number = number
    db.session.flush()
    return user


def _enrol(user, version, *, status="active", due_on=None, withdrawn_at=None,
           enrolled_at=None) -> Enrolment:
    enrolment = Enrolment(
        user_id=user.id, course_id=version.course_id, course_version_id=version.id,
        registration=str(uuid.uuid4()), status=status, source="assigned", due_on=due_on,
        enrolled_at=enrolled_at or datetime(2026, 9, 1, 8, 0, tzinfo=UTC),
        withdrawn_at=withdrawn_at,
    )
    db.session.add(enrolment)
    db.session.flush()
    return enrolment


def _progress(user, version, **values) -> CourseProgress:
    progress = CourseProgress(user_id=user.id, course_id=version.course_id, **values)
    db.session.add(progress)
    db.session.flush()
    return progress


def store_completed_statement(user, version, enrolment, when) -> dict:
    """Store the course ``completed`` statement (with a score, which exports must drop)."""
    model = content_for(version).course
    statement = builders.course_statement(
        user, "completed", model, version.version, enrolment.registration, when,
        result={"completion": True, "success": True,
                "score": {"scaled": SCORE / 100, "raw": SCORE, "min": 0, "max": 100}},
    )
    platform_lrs().store(db.session.connection(), [statement], authority=platform_authority(),
                         version=PLATFORM_VERSION, now=when)
    return statement


def build_world(version) -> SimpleNamespace:
    """Company A (manager, Anna completed, Ben overdue, Carla withdrawn, Dora not started)
    and company B (manager, Bernd completed)."""
    org_a = make_organisation(name="Alpha Guss GmbH")
    assembly = make_department(org_a, name="Montage")
    office = make_department(org_a, name="Verwaltung")
    manager = _member(org_a, "Maria Managerin", role="manager")
    anna = _member(org_a, "Anna Abschluss", assembly, "P-001")
    ben = _member(org_a, "=HYPERLINK(\"http://evil\")", assembly, "+49")
    carla = _member(org_a, "Carla Abbruch", office, "P-003")
    dora = _member(org_a, "Dora Neu", office, "P-004")
    org_b = make_organisation(name="Beta Blech AG")
    manager_b = _member(org_b, "Max Fremdmanager", role="manager")
    bernd = _member(org_b, "Bernd Fremd", None, "B-001")

    anna_enrolment = _enrol(anna, version, due_on=(NOW + timedelta(days=30)).date())
    _progress(anna, version, percent=100, self_paced_minutes=150, synchronous_minutes=90,
              started_at=datetime(2026, 9, 2, tzinfo=UTC), completed_at=COMPLETED)
    certificate = issue_certificate(anna, version, COMPLETED, COMPLETED)
    db.session.add(QuizAttempt(
        user_id=anna.id, course_id=version.course_id, course_version_id=version.id,
        lesson_id="quiz", number=1, responses={}, score=SCORE, max_score=100, percent=SCORE,
        is_passed=True, submitted_at=COMPLETED))
    _enrol(ben, version, due_on=(NOW - timedelta(days=3)).date())
    _progress(ben, version, percent=40, self_paced_minutes=60,
              started_at=datetime(2026, 9, 3, tzinfo=UTC))
    _enrol(carla, version, status="withdrawn",
           withdrawn_at=datetime(2026, 10, 2, 12, 0, tzinfo=UTC))
    _enrol(dora, version)
    bernd_enrolment = _enrol(bernd, version)
    _progress(bernd, version, percent=100, self_paced_minutes=150, completed_at=COMPLETED)

    session = CourseSession(
        course_id=version.course_id, title="Praxistag Hochvolt", location="Werkhalle 3, Siegen",
        starts_at=datetime(2026, 10, 10, 7, 0, tzinfo=UTC),
        ends_at=datetime(2026, 10, 10, 8, 30, tzinfo=UTC), capacity=12,
        trainer_id=manager_b.id, checkin_secret="x" * 32,
        roster_closed_at=datetime(2026, 10, 10, 8, 30, tzinfo=UTC),  # attendance credited
    )
    db.session.add(session)
    db.session.flush()
    db.session.add_all([
        SessionRegistration(session_id=session.id, user_id=anna.id, status="registered",
                            registered_at=datetime(2026, 9, 5, tzinfo=UTC)),
        SessionRegistration(session_id=session.id, user_id=ben.id, status="registered",
                            registered_at=datetime(2026, 9, 5, tzinfo=UTC)),
        SessionRegistration(session_id=session.id, user_id=bernd.id, status="registered",
                            registered_at=datetime(2026, 9, 5, tzinfo=UTC)),
        Attendance(session_id=session.id, user_id=anna.id, method="qr", minutes=90,
                   recorded_at=datetime(2026, 10, 10, 7, 2, tzinfo=UTC),
                   statement_id="00000000-0000-4000-8000-00000000a001"),
        Attendance(session_id=session.id, user_id=bernd.id, method="roster", minutes=90,
                   recorded_at=datetime(2026, 10, 10, 7, 5, tzinfo=UTC),
                   statement_id="00000000-0000-4000-8000-00000000b001"),
    ])
    db.session.flush()
    store_completed_statement(anna, version, anna_enrolment, COMPLETED)
    store_completed_statement(bernd, version, bernd_enrolment, COMPLETED)
    return SimpleNamespace(
        org_a=org_a, org_b=org_b, assembly=assembly, office=office, manager=manager,
        manager_b=manager_b, anna=anna, ben=ben, carla=carla, dora=dora, bernd=bernd,
        certificate=certificate, session=session, version=version,
    )
