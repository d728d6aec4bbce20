"""Renewal assignments made once before expiry; CSV role import with errors per line."""

from datetime import timedelta

from sqlalchemy import func, select

from lms.accounts.models import InboxMessage
from lms.companies.models import Assignment
from lms.db import utcnow
from lms.extensions import db
from lms.local_time import local_day
from lms.qualifications import roles
from lms.qualifications.gaps import run_renewals, set_lead_days
from lms.qualifications.models import Evidence, Renewal, RoleHolder


def _evidence(company, person, valid_until):
    now = utcnow()
    db.session.add(Evidence(user_id=person.id, qualification_id=company.hv.id, level=1,
                            kind="on_the_job", issued_on=valid_until - timedelta(days=365),
                            valid_until=valid_until, confirmed_by_id=company.manager.id,
                            confirmed_at=now, created_at=now, note="x"))
    db.session.flush()


def test_renewal_assignment_is_created_once_before_expiry(app, import_real, company):
    course = import_real("e-mobility")[0].version.course
    now = utcnow()
    today = local_day(now)
    set_lead_days(company.organisation, 60)
    company.anna.email = None  # shop floor: the notice lands in her platform inbox
    company.manager.email = None
    _evidence(company, company.anna, today + timedelta(days=30))   # within the lead time
    _evidence(company, company.ben, today + timedelta(days=120))   # not yet
    with app.test_request_context("/"):
        assert run_renewals(now) == 1
        assert run_renewals(now + timedelta(days=1)) == 0  # once per expiry
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.course_id == course.id, Assignment.user_id == company.anna.id))
    assert assignment is not None and assignment.due_on == today + timedelta(days=30)
    assert db.session.scalar(select(func.count(Assignment.id)).where(
        Assignment.user_id == company.ben.id)) == 0
    assert db.session.scalar(select(func.count(Renewal.id))) == 1
    notices = {(m.user_id, m.subject) for m in db.session.scalars(select(InboxMessage))}
    assert {user_id for user_id, _subject in notices} == {company.anna.id, company.manager.id}


def test_only_counting_evidence_without_expiry_spares_the_renewal(app, import_real, company):
    """An unconfirmed certificate without expiry (uploaded by the employee) must not stop
    the renewal of what is really expiring; a confirmed one does."""
    import_real("e-mobility")
    now = utcnow()
    today = local_day(now)
    set_lead_days(company.organisation, 60)
    _evidence(company, company.anna, today + timedelta(days=30))
    upload = dict(qualification_id=company.hv.id, level=1, kind="external",
                  issued_on=today, valid_until=None, created_at=now, note="own upload")
    db.session.add(Evidence(user_id=company.anna.id, **upload))
    _evidence(company, company.ben, today + timedelta(days=30))
    db.session.add(Evidence(user_id=company.ben.id, confirmed_by_id=company.manager.id,
                            confirmed_at=now, **upload))
    db.session.flush()
    with app.test_request_context("/"):
        assert run_renewals(now) == 1
    assert [r.user_id for r in db.session.scalars(select(Renewal))] == [company.anna.id]


def test_csv_reports_every_bad_line_and_writes_nothing(company):
    data = ("E-Mail;Rolle\n"
            f"{company.anna.email};HV-Techniker\n"
            "niemand@example.org;HV-Techniker\n"
            f"{company.ben.email};Gibt es nicht\n"
            ";HV-Techniker\n").encode()
    before = db.session.scalar(select(func.count(RoleHolder.id)))
    report, added = roles.import_roles_csv(company.manager, company.organisation, data, utcnow())
    assert added == 0 and not report.is_valid
    assert [p.row for p in report.problems] == [3, 4, 5]
    assert "niemand@example.org" in report.problems[0].message
    assert "Gibt es nicht" in report.problems[1].message
    assert db.session.scalar(select(func.count(RoleHolder.id))) == before


def test_csv_assigns_roles_when_all_lines_are_fine(company):
    role = roles.create_role(company.manager, company.organisation, name="Schichtleitung")
    data = f"email,role\n{company.anna.email},schichtleitung\n".encode()
    report, added = roles.import_roles_csv(company.manager, company.organisation, data, utcnow())
    assert report.is_valid and added == 1
    holder = db.session.scalar(select(RoleHolder).where(RoleHolder.role_id == role.id))
    assert (holder.user_id, holder.source) == (company.anna.id, "csv")


def test_department_roles_follow_the_department(company):
    from tests.factories import make_department

    department = make_department(company.organisation, name="Instandhaltung")
    company.ben.membership.department_id = department.id
    role = roles.create_role(company.manager, company.organisation, name="Instandhaltung Elektrik",
                             sso_department="instandhaltung")
    assert roles.sync_department_roles(company.organisation, utcnow()) == (1, 0)
    company.ben.membership.department_id = None
    assert roles.sync_department_roles(company.organisation, utcnow()) == (0, 1)
    assert db.session.scalar(select(RoleHolder).where(RoleHolder.role_id == role.id)) is None


def test_renewal_notices_speak_each_recipient_s_language(app, import_real, company):
    import_real("e-mobility")
    now = utcnow()
    set_lead_days(company.organisation, 60)
    company.anna.email = company.manager.email = None  # notices land in the inbox
    company.anna.locale, company.manager.locale = "en", "de"
    _evidence(company, company.anna, local_day(now) + timedelta(days=30))
    with app.test_request_context("/"):  # the request's own language is German
        assert run_renewals(now) == 1
    notices = {m.user_id: m for m in db.session.scalars(select(InboxMessage))}
    anna, manager = notices[company.anna.id], notices[company.manager.id]
    assert anna.subject == ("Your qualification “High voltage: electrotechnically "
                            "instructed person (EuP)” expires")
    assert anna.body.startswith(f"Dear {company.anna.name},")
    assert "is assigned to you until" in anna.body and "E-Mobil" not in anna.subject
    assert manager.subject == (f"Auffrischung geplant: {company.anna.name} – Hochvolt: "
                               "elektrotechnisch unterwiesene Person (EuP)")
    assert "Die Auffrischung ist zugewiesen." in manager.body
