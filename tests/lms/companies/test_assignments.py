"""Assignments: department and person, status per person, group counts, reminders."""

from datetime import timedelta

from sqlalchemy import select

from lms.companies import assignments
from lms.companies.assignments import assign_course, assignment_statuses, group_counts
from lms.companies.models import SentReminder
from lms.companies.reminders import run_reminders
from lms.extensions import db
from lms.learning.models import CourseProgress, Enrolment
from lms.local_time import local_day
from tests.conftest import csrf_token_from
from tests.factories import make_member


def enrolments(course) -> dict:
    return {e.user_id: e for e in db.session.scalars(
        select(Enrolment).where(Enrolment.course_id == course.id))}


def test_department_assignment_enrols_members_with_due_date(client, auth, company, course):
    auth.login(company.manager.email)
    page = client.get("/company/assignments").get_data(as_text=True)
    response = client.post("/company/assignments", data={
        "csrf_token": csrf_token_from(page), "course_id": course.id,
        "department_id": company.department.id, "due_date": "2031-03-31", "has_reminders": "y",
    })
    assert response.status_code == 302
    rows = enrolments(course)
    assert set(rows) == {p.id for p in company.employees}
    for row in rows.values():
        assert row.source == "assigned" and row.assigned_by_id == company.manager.id
        assert row.due_on.isoformat() == "2031-03-31"
    page = client.get("/company/assignments").get_data(as_text=True)
    assert company.employees[0].name in page and "nicht begonnen" in page


def test_people_joining_later_are_enrolled_on_login(client, auth, company, course, now):
    assign_course(company.manager, company.organisation, course, now=now,
                  department_id=company.department.id, due_on=local_day(now + timedelta(days=30)))
    newcomer = make_member(company.organisation)
    newcomer.membership.department = company.department
    db.session.flush()
    assert newcomer.id not in enrolments(course)
    auth.login(newcomer.email)
    row = enrolments(course)[newcomer.id]
    assert row.status == "active" and row.due_on is not None


def test_sync_command_enrols_newcomers_but_not_people_who_withdrew(runner, company, course,
                                                                  now):
    from lms.learning.enrolment import withdraw

    assign_course(company.manager, company.organisation, course, now=now,
                  department_id=company.department.id)
    quitter = company.employees[0]
    withdraw(quitter, course, actor=quitter, now=now)
    newcomer = make_member(company.organisation)
    newcomer.membership.department = company.department
    db.session.flush()
    result = runner.invoke(args=["companies", "sync"])
    assert result.exit_code == 0, result.output
    assert "1 enrolments created" in result.output
    rows = enrolments(course)
    assert rows[newcomer.id].status == "active"
    assert rows[quitter.id].status == "withdrawn"


def test_individual_assignment_and_overdue_status(app, company, course, now):
    person, finisher = company.employees[0], company.employees[1]
    assign_course(company.manager, company.organisation, course, now=now,
                  user_ids=[person.id, finisher.id], due_on=local_day(now + timedelta(days=2)))
    db.session.add(CourseProgress(user_id=finisher.id, course_id=course.id, percent=100,
                                  completed_at=now))
    db.session.flush()
    later = now + timedelta(days=3)
    statuses = {s.user_id: s.status for s in assignment_statuses(company.organisation, later)}
    assert statuses == {person.id: "overdue", finisher.id: "completed"}
    statuses = {s.user_id: s.status for s in assignment_statuses(company.organisation, now)}
    assert statuses[person.id] == "not_started"


def test_in_progress_status(app, company, course, now):
    person = company.employees[0]
    assign_course(company.manager, company.organisation, course, now=now, user_ids=[person.id])
    db.session.add(CourseProgress(user_id=person.id, course_id=course.id, percent=40,
                                  started_at=now))
    db.session.flush()
    [status] = assignment_statuses(company.organisation, now)
    assert status.status == "in_progress" and status.percent == 40


def test_groups_smaller_than_minimum_are_withheld(client, auth, company, course, now):
    assign_course(company.manager, company.organisation, course, now=now,
                  user_ids=[p.id for p in company.employees[:4]])
    statuses = assignment_statuses(company.organisation, now)
    [group] = group_counts(statuses, "course", 5)
    assert group.is_withheld and group.counts == {} and group.total == 0
    auth.login(company.manager.email)
    html = client.get("/company/assignments").get_data(as_text=True)
    assert "Zurückgehalten: weniger als 5 Personen" in html
    assert "<rect" not in html

    assign_course(company.manager, company.organisation, course, now=now,
                  user_ids=[company.employees[4].id])
    [group] = group_counts(assignment_statuses(company.organisation, now), "course", 5)
    assert not group.is_withheld and group.counts["not_started"] == 5
    html = client.get("/company/assignments").get_data(as_text=True)
    assert 'class="status-not_started"' in html and 'width="100.0"' in html


def test_works_council_sees_aggregates_only_for_large_groups(client, auth, company, course, now):
    assign_course(company.manager, company.organisation, course, now=now,
                  department_id=company.department.id)
    auth.login(company.works_council.email)
    html = client.get("/company/works-council").get_data(as_text=True)
    assert "<rect" in html
    assert company.employees[0].name not in html  # no per-person status for the council


def test_reminders_are_sent_once(app, company, course, now, mails):
    soon, late = company.employees[0], company.employees[1]
    assign_course(company.manager, company.organisation, course, now=now,
                  user_ids=[soon.id, late.id], due_on=local_day(now + timedelta(days=5)))
    enrolments(course)[late.id].due_on = local_day(now - timedelta(days=1))
    db.session.flush()
    counts = run_reminders(now)
    assert counts == {"learners": 2, "digests": 1}
    kinds = {(r.user_id, r.kind) for r in db.session.scalars(select(SentReminder))}
    assert kinds == {(soon.id, "due_soon"), (late.id, "overdue"),
                     (company.manager.id, "digest")}
    assert run_reminders(now + timedelta(hours=1)) == {"learners": 0, "digests": 0}
    db.session.commit()  # mails leave after commit
    recipients = sorted(m["To"] for m in mails() if "Neuer Kurs" not in m["Subject"])
    assert recipients == sorted([soon.email, late.email, company.manager.email])


def test_remind_command(runner, company, course, now):
    assign_course(company.manager, company.organisation, course, now=now,
                  user_ids=[company.employees[0].id], due_on=local_day(now + timedelta(days=1)))
    result = runner.invoke(args=["companies", "remind"])
    assert result.exit_code == 0, result.output
    assert "1 reminders" in result.output


def test_past_due_date_refused(app, company, course, now):
    import pytest

    from lms.errors import ValidationFailedError

    with pytest.raises(ValidationFailedError):
        assign_course(company.manager, company.organisation, course, now=now,
                      user_ids=[company.employees[0].id], due_on=local_day(now - timedelta(days=1)))
    assert assignments.list_assignments(company.organisation) == []


def test_assigned_people_get_a_mail_after_commit_and_only_then(app, company, course, now,
                                                               mails):
    person = company.employees[0]
    person.locale = "en"
    assign_course(company.manager, company.organisation, course, now=now,
                  user_ids=[person.id], due_on=local_day(now + timedelta(days=10)))
    assert mails() == []  # not before the commit
    db.session.commit()
    [mail] = mails()
    assert mail["To"] == person.email
    assert mail["Subject"].startswith("New course for you:")
    body = mail.get_content()
    assert company.organisation.name in body and "/courses/e-mobility" in body
    assert body.startswith(f"Hello {person.name},") and "has assigned you the course" in body
    assert "zugewiesen" not in body
    # the same assignment again, same due date: no second mail, no second row
    assign_course(company.manager, company.organisation, course, now=now,
                  user_ids=[person.id], due_on=local_day(now + timedelta(days=10)))
    db.session.commit()
    assert len(mails()) == 1
    assert len(assignments.list_assignments(company.organisation)) == 1


def test_department_assignment_mails_every_member(app, company, course, now, mails):
    assign_course(company.manager, company.organisation, course, now=now,
                  department_id=company.department.id)
    db.session.commit()
    assert sorted(m["To"] for m in mails()) == sorted(p.email for p in company.employees)
    assert all("Neuer Kurs für Sie" in m["Subject"] for m in mails())
