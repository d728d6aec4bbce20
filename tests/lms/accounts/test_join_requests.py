"""Join rules: a verified self-registration with a company domain asks; a manager decides."""

import pytest
from sqlalchemy import select

from lms.accounts.models import AdminAuditEntry, JoinRequest, Membership, User
from lms.companies.models import AccessLogEntry
from lms.extensions import db
from tests.conftest import AuthActions, csrf_token_from
from tests.factories import make_member, make_organisation, make_user
from tests.lms.accounts.test_registration import confirm, confirmation_link, register


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def company(app):
    organisation = make_organisation(name="Müller Metallbau", join_domains="mueller.example")
    manager = make_member(organisation, role="manager", email="chef@mueller.example",
                          name="Chefin Müller")
    db.session.commit()
    return organisation, manager


def register_and_confirm(client, auth, mails, email):
    register(client, auth, email=email, name="Jan Neu")
    [message] = [m for m in mails() if m["To"] == email]
    assert confirm(client, confirmation_link(message)).status_code == 302
    client.post("/logout", data={"csrf_token": auth.csrf("/")})
    return db.session.scalar(select(User).where(User.email == email))


def decide(client, join, decision):
    page = client.get(f"/admin/organisations/{join.organisation_id}/join-requests")
    return client.post(f"/admin/join-requests/{join.id}/{decision}",
                       data={"csrf_token": csrf_token_from(text(page))})


def test_a_manager_approves_a_verified_colleague(app, client, auth, mails, company):
    organisation, manager = company
    jan = register_and_confirm(client, auth, mails, "jan@mueller.example")
    assert jan.membership is None  # a learner without organisation until approved
    join = db.session.scalar(select(JoinRequest).where(JoinRequest.user_id == jan.id))
    assert join.status == "pending" and join.organisation_id == organisation.id
    [notice] = [m for m in mails() if m["To"] == "chef@mueller.example"]
    assert "Jan Neu" in notice["Subject"]
    assert f"/admin/organisations/{organisation.id}/join-requests" in notice.get_content()

    auth.login("chef@mueller.example")
    page = client.get(f"/admin/organisations/{organisation.id}/join-requests")
    assert page.status_code == 200 and "jan@mueller.example" in text(page)
    assert db.session.scalar(select(AccessLogEntry.action).where(
        AccessLogEntry.actor_id == manager.id)) == "view_join_requests"
    assert decide(client, join, "approve").status_code == 302
    db.session.expire_all()
    membership = db.session.scalar(select(Membership).where(Membership.user_id == jan.id))
    assert membership.organisation_id == organisation.id and membership.role == "employee"
    assert db.session.get(JoinRequest, join.id).status == "approved"
    entry = db.session.scalar(select(AdminAuditEntry).where(
        AdminAuditEntry.target_user_id == jan.id))
    assert (entry.action, entry.actor_id) == ("join_approved", manager.id)
    assert any("Mitglied von Müller Metallbau" in m["Subject"] for m in mails()
               if m["To"] == "jan@mueller.example")
    again = decide(client, join, "approve")  # decided already: said so, nothing changes
    assert again.status_code == 302
    assert "bereits entschieden" in text(client.get(again.location))


def test_a_declined_person_keeps_learning_without_company(app, client, auth, mails, company):
    organisation, manager = company
    jan = register_and_confirm(client, auth, mails, "jan@mueller.example")
    join = db.session.scalar(select(JoinRequest).where(JoinRequest.user_id == jan.id))
    auth.login("chef@mueller.example")
    decide(client, join, "decline")
    db.session.expire_all()
    assert db.session.get(JoinRequest, join.id).status == "declined"
    assert db.session.get(User, jan.id).membership is None
    assert db.session.scalar(select(AdminAuditEntry.action).where(
        AdminAuditEntry.target_user_id == jan.id)) == "join_declined"


def test_other_domains_ask_nobody_and_other_managers_see_nothing(
        app, client, auth, mails, company):
    organisation, _manager = company
    register_and_confirm(client, auth, mails, "eva@anderswo.example")
    assert db.session.scalars(select(JoinRequest)).all() == []
    jan = register_and_confirm(client, auth, mails, "jan@mueller.example")
    join = db.session.scalar(select(JoinRequest).where(JoinRequest.user_id == jan.id))
    make_member(make_organisation(name="Andere GmbH"), role="manager",
                email="chef@andere.example")
    db.session.commit()
    auth.login("chef@andere.example")
    assert client.get(f"/admin/organisations/{organisation.id}/join-requests").status_code == 404
    response = client.post(f"/admin/join-requests/{join.id}/approve",
                           data={"csrf_token": auth.csrf("/")})
    assert response.status_code == 404
    assert db.session.get(JoinRequest, join.id).status == "pending"


@pytest.mark.parametrize("domains, message", [
    ("gmail.com", "öffentlicher Mail-Anbieter"),
    ("nicht eine domain!", "keine Domain"),
    ("andere.example", "gehört bereits zu Andere GmbH"),
])
def test_only_admins_set_company_domains_and_bad_ones_are_explained(
        app, client, company, domains, message):
    organisation, _manager = company
    make_organisation(name="Andere GmbH", join_domains="andere.example")
    make_user(email="admin@atlas.example", is_admin=True)
    db.session.commit()
    admin = AuthActions(client)
    admin.login("admin@atlas.example")
    path = f"/admin/organisations/{organisation.id}/join-requests"
    response = client.post(f"/admin/organisations/{organisation.id}/join-domains", data={
        "csrf_token": admin.csrf(path), "join_domains": domains})
    assert response.status_code == 400 and message in text(response)
    assert db.session.get(type(organisation), organisation.id).join_domains == "mueller.example"
    response = client.post(f"/admin/organisations/{organisation.id}/join-domains", data={
        "csrf_token": admin.csrf(path), "join_domains": "mueller.example, @Mueller-Werk.example"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(organisation), organisation.id).join_domains == (
        "mueller.example,mueller-werk.example")


def test_a_manager_cannot_claim_domains(app, client, auth, company):
    organisation, _manager = company
    auth.login("chef@mueller.example")
    path = f"/admin/organisations/{organisation.id}/join-requests"
    response = client.post(f"/admin/organisations/{organisation.id}/join-domains", data={
        "csrf_token": auth.csrf(path), "join_domains": "konkurrenz.example"})
    assert response.status_code == 400
    assert "Nur Administratoren" in text(response)
    assert db.session.get(type(organisation), organisation.id).join_domains == "mueller.example"
