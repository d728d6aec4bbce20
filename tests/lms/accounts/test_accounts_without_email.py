"""Accounts without e-mail: NULL address, unique addresses otherwise, messages in the platform."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.accounts import administration, inbox, services, shop_floor
from lms.accounts.models import InboxMessage, User
from lms.db import utcnow
from lms.errors import ValidationFailedError
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_department, make_member, make_organisation, make_user
from tests.lms.accounts.test_shop_floor import personnel_login, redeem


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def plant(app):
    organisation = make_organisation(name="Müller Metallbau", code="MUELLER")
    make_department(organisation, name="Montage")
    manager = make_member(organisation, role="manager", email="chef@mueller.example")
    return organisation, manager


def worker(plant, number="4711", name="Ayşe Demir"):
    organisation, manager = plant
    card = shop_floor.create_account(manager, organisation, name=name, personnel_number=number,
                                     department="Montage", now=utcnow())
    return card


def test_shop_floor_accounts_have_no_address_and_addresses_stay_unique(plant):
    first, second = worker(plant).user, worker(plant, "4712", "Kai Werk").user
    assert first.email is None and second.email is None  # two NULLs are fine
    assert not first.has_mailbox and first.contact_label == "MUELLER/4711"
    make_user(email="lena@example.org")
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            make_user(email="lena@example.org")
    with pytest.raises(ValidationFailedError, match="bereits ein Konto"):
        services.create_user(email="Lena@Example.org", name="Lena 2",
                             password="lang genug und gut", now=utcnow())


def test_nobody_signs_in_or_resets_a_password_with_an_empty_address(client, mails, plant):
    worker(plant)
    db.session.commit()
    assert services.find_user_by_email("") is None and services.find_user_by_email(None) is None
    assert services.authenticate("", "irgendwas lang", utcnow()) is None
    services.request_password_reset("", utcnow())
    db.session.commit()
    assert mails() == []


def test_admin_cannot_mail_a_reset_to_an_account_without_email(plant):
    card = worker(plant)
    admin = make_user(is_admin=True)
    with pytest.raises(ValidationFailedError, match="keine E-Mail-Adresse"):
        administration.send_password_reset(admin, card.user, utcnow())


def test_messages_to_a_worker_land_in_the_platform_inbox(app, client, mails, plant):
    card = worker(plant)
    colleague = make_member(plant[0], email="mit.mail@mueller.example")
    inbox.send_to_user(card.user, "Neuer Kurs für Sie", "Hallo Ayşe,\nbitte ansehen.")
    inbox.send_to_user(colleague, "Neuer Kurs für Sie", "Hallo,\nper Mail.")
    db.session.commit()
    assert [m["To"] for m in mails()] == ["mit.mail@mueller.example"]
    assert db.session.scalar(select(InboxMessage.subject).where(
        InboxMessage.user_id == card.user.id)) == "Neuer Kurs für Sie"
    assert db.session.scalars(select(InboxMessage).where(
        InboxMessage.user_id == colleague.id)).all() == []

    redeem(client, "4711", card.start_code)
    home = text(client.get("/"))
    assert "1 ungelesene Nachricht" in home and "MUELLER/4711" in home
    page = client.get("/account/messages")
    assert page.status_code == 200
    assert "Neuer Kurs für Sie" in text(page) and "bitte ansehen." in text(page)
    response = client.post("/account/messages/read",
                           data={"csrf_token": csrf_token_from(text(page))})
    assert response.status_code == 302
    assert inbox.unread_count(card.user) == 0
    assert "Keine ungelesenen Nachrichten" in text(client.get("/"))
    assert "Neuer Kurs für Sie" in text(client.get("/me/data.json"))


def test_an_anonymised_account_has_no_address_and_gets_no_messages(plant):
    card = worker(plant)
    admin = make_user(is_admin=True)
    administration.anonymise(admin, card.user, "Ayşe Demir", utcnow(),
                             erase_learning_records=lambda user: None)
    inbox.send_to_user(card.user, "Erinnerung", "…")
    assert card.user.email is None
    assert db.session.scalars(select(InboxMessage).where(
        InboxMessage.user_id == card.user.id)).all() == []


def test_admin_lists_show_how_a_worker_logs_in_never_none(client, auth, plant):
    organisation, _manager = plant
    worker(plant)
    make_user(email="admin@atlas.example", is_admin=True)
    db.session.commit()
    auth.login("admin@atlas.example")
    users = text(client.get("/admin/users?q=Ay"))
    assert "MUELLER/4711" in users and "None" not in users
    org = text(client.get(f"/admin/organisations/{organisation.id}"))
    assert "MUELLER/4711" in org and ">None<" not in org
    ayse = db.session.scalar(select(User.id).where(User.name == "Ayşe Demir"))
    page = client.get(f"/admin/users/{ayse}")
    assert "keine – Nachrichten erscheinen in der Plattform" in text(page)


def test_a_worker_logs_in_by_number_and_may_add_an_address_later(client, mails, plant):
    card = worker(plant)
    db.session.commit()
    redeem(client, "4711", card.start_code)
    client.post("/logout", data={"csrf_token": csrf_token_from(text(client.get("/")))})
    assert personnel_login(client, "4711").status_code == 302
    page = client.get("/account")
    assert "Aktuell: keine" in text(page)
    client.post("/account/email", data={
        "csrf_token": csrf_token_from(text(page)), "new_email": "ayse@privat.example",
        "password": "Schichtbeginn 0600"})
    [confirmation] = mails()
    assert confirmation["To"] == "ayse@privat.example"
