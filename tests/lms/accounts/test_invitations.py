"""Companies invite employees by link; invitations can be resent and revoked."""

import re

from sqlalchemy import func, select

from lms.accounts.models import Invitation, Membership, User
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_department, make_member, make_organisation

LINK = re.compile(r"http://localhost(/invitation/\S+)")


def invite(client, auth, organisation, **fields):
    page = client.get(f"/admin/organisations/{organisation.id}")
    data = {"email": "neu@example.org", "name": "Nina Neu", "role": "employee",
            "department_id": 0, "personnel_number": "", "csrf_token": csrf_token_from(
                page.get_data(as_text=True))}
    data.update(fields)
    return client.post(f"/admin/organisations/{organisation.id}/invitations", data=data)


def test_manager_invites_and_employee_joins_by_link(client, auth, mails):
    organisation = make_organisation()
    department = make_department(organisation, name="Stanzerei")
    make_member(organisation, role="manager", email="chefin@example.org")
    auth.login("chefin@example.org")
    response = invite(client, auth, organisation, department_id=department.id,
                      personnel_number="4711")
    assert response.status_code == 302
    [message] = mails()
    path = LINK.search(message.get_content()).group(1)
    auth.logout()

    form = client.get(path).get_data(as_text=True)
    assert organisation.name in form
    response = client.post(path, data={"name": "Nina Neu", "password": "a long password",
                                       "locale": "de", "csrf_token": csrf_token_from(form)})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "neu@example.org"))
    assert user.membership.organisation_id == organisation.id
    assert user.membership.department_id == department.id
    assert user.membership.personnel_number == "4711"
    assert client.get(path).status_code == 404  # a link works once


def test_revoked_invitation_no_longer_works(client, auth, mails):
    organisation = make_organisation()
    make_member(organisation, role="manager", email="chefin@example.org")
    auth.login("chefin@example.org")
    invite(client, auth, organisation)
    path = LINK.search(mails()[0].get_content()).group(1)
    invitation = db.session.scalar(select(Invitation))
    token = csrf_token_from(client.get(f"/admin/organisations/{organisation.id}").get_data(
        as_text=True))
    client.post(f"/admin/invitations/{invitation.id}/revoke", data={"csrf_token": token})
    assert client.get(path).status_code == 404


def test_resend_replaces_the_link(client, auth, mails):
    organisation = make_organisation()
    make_member(organisation, role="manager", email="chefin@example.org")
    auth.login("chefin@example.org")
    invite(client, auth, organisation)
    first = LINK.search(mails()[0].get_content()).group(1)
    invitation = db.session.scalar(select(Invitation))
    token = csrf_token_from(client.get(f"/admin/organisations/{organisation.id}").get_data(
        as_text=True))
    client.post(f"/admin/invitations/{invitation.id}/resend", data={"csrf_token": token})
    second = LINK.search(mails()[1].get_content()).group(1)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_bad_invitation_explains_and_writes_nothing(client, auth, mails):
    organisation = make_organisation()
    make_member(organisation, role="manager", email="chefin@example.org")
    auth.login("chefin@example.org")
    response = invite(client, auth, organisation, email="kein-email")
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    assert mails() == []


def test_manager_cannot_see_or_invite_into_another_company(client, auth):
    mine = make_organisation()
    other = make_organisation()
    make_member(mine, role="manager", email="chefin@example.org")
    auth.login("chefin@example.org")
    assert client.get(f"/admin/organisations/{other.id}").status_code == 404
    token = auth.csrf("/")
    response = client.post(f"/admin/organisations/{other.id}/invitations",
                           data={"email": "x@example.org", "role": "employee",
                                 "department_id": 0, "csrf_token": token})
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_employee_cannot_manage_own_company(client, auth):
    organisation = make_organisation()
    make_member(organisation, role="employee", email="lena@example.org")
    auth.login("lena@example.org")
    assert client.get(f"/admin/organisations/{organisation.id}").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 1
