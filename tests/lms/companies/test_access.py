"""A company's pages are its managers' alone: other companies get 404, others 403."""

import pytest
from sqlalchemy import select

from lms.companies.models import AccessLogEntry
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_user


def test_anonymous_is_sent_to_login(client):
    response = client.get("/company/employees")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", [
    "/company/employees", "/company/assignments", "/company/works-council",
    "/company/privacy", "/company/privacy/annex",
])
def test_plain_employee_gets_403(client, auth, company, path):
    auth.login(company.employees[0].email)
    assert client.get(path).status_code == 403


def test_other_company_manager_sees_nobody_of_company_a(client, auth, company, other_company):
    auth.login(other_company.manager.email)
    target = company.employees[0]
    assert client.get(f"/company/employees/{target.id}").status_code == 404
    assert client.get(f"/company/employees/{target.id}/remove").status_code == 404
    token = csrf_token_from(client.get("/company/employees").get_data(as_text=True))
    assert client.post(f"/company/employees/{target.id}/remove",
                       data={"csrf_token": token}).status_code == 404
    listing = client.get("/company/employees").get_data(as_text=True)
    assert target.name not in listing
    assert other_company.employees[0].name in listing
    assert client.get("/company/assignments").status_code == 200
    # nothing about company A's people was logged
    assert db.session.scalars(select(AccessLogEntry).where(
        AccessLogEntry.subject_id == target.id)).all() == []


def test_other_company_manager_cannot_touch_invitations(client, auth, company, other_company,
                                                        now):
    from lms.accounts.services import invite_person

    invitation, _token = invite_person(company.manager, company.organisation,
                                       email="neu@example.org", now=now)
    auth.login(other_company.manager.email)
    token = csrf_token_from(client.get("/company/employees").get_data(as_text=True))
    for action in ("resend", "revoke"):
        response = client.post(f"/company/invitations/{invitation.id}/{action}",
                               data={"csrf_token": token})
        assert response.status_code == 404
    db.session.refresh(invitation)
    assert invitation.revoked_at is None and invitation.sent_count == 1


def test_other_company_manager_cannot_assign_company_a_people(client, auth, company,
                                                             other_company, course):
    auth.login(other_company.manager.email)
    page = client.get("/company/assignments").get_data(as_text=True)
    response = client.post("/company/assignments", data={
        "csrf_token": csrf_token_from(page), "course_id": course.id, "department_id": 0,
        "user_ids": [company.employees[0].id], "due_date": "",
    })
    assert response.status_code == 400
    from lms.learning.models import Enrolment
    assert db.session.scalars(select(Enrolment).where(
        Enrolment.user_id == company.employees[0].id)).all() == []


def test_user_without_company_has_no_portal(client, auth, app):
    user = make_user()
    auth.login(user.email)
    assert client.get("/company/").status_code == 403
    page = client.get("/me/consent")
    assert page.status_code == 200
    assert "keinem Unternehmen" in page.get_data(as_text=True)


def test_navigation_shows_portal_by_role(client, auth, company):
    auth.login(company.manager.email)
    assert 'href="/company/employees"' in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login(company.works_council.email)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/company/works-council"' in home
    assert 'href="/company/employees"' not in home
