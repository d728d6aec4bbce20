"""Admins create, edit, reset and anonymise accounts from the UI; every action is logged."""

import pytest
from sqlalchemy import select

from lms.accounts import two_factor
from lms.accounts.models import AdminAuditEntry, User, UserSession
from lms.db import utcnow
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_member, make_organisation, make_user


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def admin(client, auth):
    user = make_user(email="admin@example.org", is_admin=True, name="Ada Admin")
    db.session.commit()
    auth.login("admin@example.org")
    return user


def post(client, page_path, path, **data):
    token = csrf_token_from(text(client.get(page_path)))
    return client.post(path, data={"csrf_token": token, **data})


def actions(user):
    return db.session.scalars(select(AdminAuditEntry.action).where(
        AdminAuditEntry.target_user_id == user.id).order_by(AdminAuditEntry.id)).all()


@pytest.mark.parametrize("path", ["/admin/", "/admin/users/new"])
def test_admin_pages_refuse_non_admins(client, auth, path):
    make_user(email="lena@example.org")
    auth.login("lena@example.org")
    assert client.get(path).status_code == 403


def test_admin_creates_an_account_and_the_person_gets_a_password_link(client, admin, mails):
    response = post(client, "/admin/users/new", "/admin/users/new", name="Tobias Trainer",
                    email="Tobias@Example.org", is_trainer="y", locale="de")
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "tobias@example.org"))
    assert user.is_trainer and not user.is_admin
    [mail] = mails()
    assert mail["To"] == "tobias@example.org" and "/password/reset/" in mail.get_content()
    assert actions(user) == ["user_created"]
    again = post(client, "/admin/users/new", "/admin/users/new", name="Noch einer",
                 email="tobias@example.org", locale="de")
    assert again.status_code == 400 and "bereits ein Konto" in text(again)


def test_admin_edits_name_and_address_and_deactivation_ends_sessions(app, client, admin):
    lena = make_user(email="lena@example.org", name="Lena Lernt")
    db.session.commit()
    other = app.test_client()
    token = csrf_token_from(text(other.get("/login")))
    other.post("/login", data={"email": "lena@example.org", "password": "correct horse battery",
                               "csrf_token": token})
    assert other.get("/account").status_code == 200
    page = f"/admin/users/{lena.id}"
    response = post(client, page, f"/admin/users/{lena.id}/details", name="Lena Meier",
                    email="lena.meier@example.org")
    assert response.status_code == 302
    response = post(client, page, page)  # roles form: every box unticked = deactivate
    assert response.status_code == 302
    db.session.refresh(lena)
    assert (lena.name, lena.email, lena.is_active_account) == (
        "Lena Meier", "lena.meier@example.org", False)
    assert other.get("/account").status_code == 302
    assert actions(lena) == ["user_updated", "roles_changed"]
    assert "lena.meier@example.org" in text(client.get(page))  # audit detail on the page


def test_admin_sends_a_password_reset_and_resets_a_lost_second_factor(client, admin, mails):
    lena = make_user(email="lena@example.org")
    secret = two_factor.new_secret()
    two_factor.enable(lena, secret, two_factor.code_at(secret, two_factor.time_step(utcnow())),
                      utcnow())
    db.session.commit()
    page = f"/admin/users/{lena.id}"
    assert post(client, page, f"/admin/users/{lena.id}/password-reset").status_code == 302
    assert mails()[-1]["To"] == "lena@example.org"
    assert post(client, page, f"/admin/users/{lena.id}/two-factor-reset").status_code == 302
    db.session.refresh(lena)
    assert not lena.has_two_factor
    assert actions(lena) == ["password_reset_sent", "two_factor_reset"]


def test_anonymising_needs_the_name_and_erases_the_person(client, admin):
    organisation = make_organisation()
    lena = make_member(organisation, email="lena@example.org", name="Lena Lernt")
    lena.membership.personnel_number = "4711"
    db.session.commit()
    page = f"/admin/users/{lena.id}"
    wrong = post(client, page, f"/admin/users/{lena.id}/anonymise", confirmation="Lena")
    assert wrong.status_code == 400 and "Namen des Kontos" in text(wrong)
    db.session.refresh(lena)
    assert lena.anonymised_at is None
    response = post(client, page, f"/admin/users/{lena.id}/anonymise", confirmation="Lena Lernt")
    assert response.status_code == 302
    db.session.refresh(lena)
    assert lena.anonymised_at is not None and not lena.is_active_account
    assert lena.name == "Gelöschtes Konto" and lena.email is None
    assert lena.membership.personnel_number == ""
    assert db.session.scalars(select(UserSession).where(UserSession.user_id == lena.id)).all() \
        == []
    assert actions(lena)[-1] == "user_anonymised"
    assert "Lena Lernt" not in text(client.get(page))


def test_an_admin_cannot_anonymise_themselves(client, admin):
    response = post(client, f"/admin/users/{admin.id}", f"/admin/users/{admin.id}/anonymise",
                    confirmation="Ada Admin")
    assert response.status_code == 400
    db.session.refresh(admin)
    assert admin.anonymised_at is None


def test_start_page_counts_and_lists_recent_actions(client, admin):
    post(client, "/admin/users/new", "/admin/users/new", name="Tobias Trainer",
         email="tobias@example.org", locale="de")
    page = text(client.get("/admin/"))
    assert "2 Konten" in page and "Aktive LRS-Zugänge: 0" in page
    assert "Tobias Trainer" in page and "user_created" in page


def test_admin_switches_on_the_organisations_two_factor_rule(client, admin):
    organisation = make_organisation()
    db.session.commit()
    page = f"/admin/organisations/{organisation.id}/sso"
    assert post(client, page, f"/admin/organisations/{organisation.id}/two-factor",
                required="1").status_code == 302
    db.session.refresh(organisation)
    assert organisation.requires_two_factor
    assert "eingeschaltet" in text(client.get(page))


def test_user_search_finds_shop_floor_people_by_personnel_number(client, admin):
    organisation = make_organisation()
    worker = make_member(organisation, name="Piotr Nowak")
    worker.membership.personnel_number = "4713"
    make_member(organisation, name="Jonas Berg").membership.personnel_number = "47"
    db.session.commit()
    rows = text(client.get("/admin/users?q=4713")).split("<tbody>")[1]
    assert "Piotr Nowak" in rows and "Jonas Berg" not in rows
