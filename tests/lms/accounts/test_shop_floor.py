"""Shop-floor accounts: created by a manager, printed cards, start code, personnel-number login."""

import io
import re
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.accounts import shop_floor
from lms.accounts.models import AdminAuditEntry, User
from lms.db import utcnow
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_department, make_member, make_organisation

NEW_PASSWORD = "Schichtbeginn 0600"


@pytest.fixture
def plant(app):
    organisation = make_organisation(name="Müller Metallbau", code="MUELLER")
    make_department(organisation, name="Montage")
    manager = make_member(organisation, role="manager", email="chef@mueller.example")
    return organisation, manager


def text(response):
    return response.get_data(as_text=True)


def log_in_manager(client, email="chef@mueller.example"):
    token = csrf_token_from(text(client.get("/login")))
    response = client.post("/login", data={"email": email, "password": "correct horse battery",
                                           "csrf_token": token})
    assert response.status_code == 302


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def card_codes(pdf: str) -> list[str]:
    return re.findall(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b", pdf)


def upload_csv(client, organisation, content: str):
    page = client.get(f"/admin/organisations/{organisation.id}/shop-floor")
    return client.post(
        f"/admin/organisations/{organisation.id}/shop-floor/csv",
        data={"csrf_token": csrf_token_from(text(page)),
              "file": (io.BytesIO(content.encode("utf-8")), "leute.csv")},
        content_type="multipart/form-data",
    )


def redeem(client, number, code, password=NEW_PASSWORD, org="MUELLER"):
    page = client.get(f"/start?org={org}&nr={number}")
    return client.post("/start", data={
        "csrf_token": csrf_token_from(text(page)), "org_code": org, "personnel_number": number,
        "start_code": code, "password": password,
    })


def personnel_login(client, number, password=NEW_PASSWORD, org="mueller"):
    page = client.get("/login/personnel")
    return client.post("/login/personnel", data={
        "csrf_token": csrf_token_from(text(page)), "org_code": org, "personnel_number": number,
        "password": password,
    })


def test_manager_creates_accounts_from_csv_and_prints_cards_a_worker_starts_with_one(
        app, client, plant):
    organisation, _manager = plant
    log_in_manager(client)
    response = upload_csv(client, organisation,
                          "Personalnummer;Name;Abteilung\n4711;Ayşe Demir;Montage\n"
                          "4712;Jonas Berg;\n4713;Piotr Nowak;montage\n")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    pdf = pdf_text(response.data)
    assert "Ayşe Demir" in pdf and "Jonas Berg" in pdf and "Piotr Nowak" in pdf
    assert pdf.count("MUELLER") >= 3
    codes = card_codes(pdf)
    assert len(codes) == 3
    ayse = db.session.scalar(select(User).where(User.name == "Ayşe Demir"))
    assert not ayse.has_mailbox and ayse.membership.department.name == "Montage"
    assert ayse.membership.personnel_number == "4711"
    assert db.session.scalar(select(AdminAuditEntry).where(
        AdminAuditEntry.target_user_id == ayse.id)).action == "shop_floor_created"

    worker = app.test_client()
    assert redeem(worker, "4711", codes[0].lower().replace("-", " ")).status_code == 302
    assert "Ayşe Demir" in text(worker.get("/account"))
    # the start code is spent; the password works from now on, the card's code does not
    other = app.test_client()
    assert redeem(other, "4711", codes[0]).status_code == 400
    assert personnel_login(other, "4711").status_code == 302


def test_a_wrong_csv_line_creates_nobody_and_names_the_line(client, plant):
    organisation, _manager = plant
    log_in_manager(client)
    response = upload_csv(client, organisation, "4711;Ayşe Demir\n4712\n4711;Noch einmal\n"
                                                "4714;Lea Kurz;Lackiererei\n")
    assert response.status_code == 400
    page = text(response)
    assert "Zeile 2" in page and "Zeile 3" in page and "Zeile 4" in page
    assert "Lackiererei" in page
    assert db.session.scalar(select(User).where(User.name == "Ayşe Demir")) is None


def test_wrong_start_codes_count_in_the_login_throttle(app, client, plant):
    organisation, manager = plant
    card = shop_floor.create_account(manager, organisation, name="Jonas Berg",
                                     personnel_number="4712", now=utcnow())
    db.session.commit()
    for _attempt in range(4):
        assert redeem(client, "4712", "AAAA-AAAA").status_code == 400
    response = redeem(client, "4712", "AAAA-AAAA")
    assert response.status_code == 429
    # locked: even the right code is refused until the lockout ends
    assert redeem(client, "4712", card.start_code).status_code == 429


def test_expired_start_code_is_refused(client, plant):
    organisation, manager = plant
    card = shop_floor.create_account(manager, organisation, name="Jonas Berg",
                                     personnel_number="4712", now=utcnow() - timedelta(days=31))
    db.session.commit()
    response = redeem(client, "4712", card.start_code)
    assert response.status_code == 400
    assert "abgelaufen" in text(response)


def test_manager_resets_a_login_old_password_and_sessions_stop(app, client, plant):
    organisation, manager = plant
    card = shop_floor.create_account(manager, organisation, name="Jonas Berg",
                                     personnel_number="4712", now=utcnow())
    db.session.commit()
    worker = app.test_client()
    assert redeem(worker, "4712", card.start_code).status_code == 302
    assert worker.get("/account").status_code == 200

    log_in_manager(client)
    page = client.get(f"/admin/organisations/{organisation.id}/shop-floor")
    assert "Jonas Berg" in text(page)
    response = client.post(
        f"/admin/organisations/{organisation.id}/shop-floor/{card.user.id}/card",
        data={"csrf_token": csrf_token_from(text(page))})
    assert response.headers["Content-Type"] == "application/pdf"
    [new_code] = card_codes(pdf_text(response.data))
    assert worker.get("/account").status_code == 302  # signed out
    assert personnel_login(app.test_client(), "4712").status_code == 400
    assert redeem(app.test_client(), "4712", new_code, "Kranbahn Nord 2026").status_code == 302


def test_a_manager_of_another_company_cannot_see_or_reset(app, client, plant):
    organisation, manager = plant
    card = shop_floor.create_account(manager, organisation, name="Jonas Berg",
                                     personnel_number="4712", now=utcnow())
    other = make_organisation(name="Andere GmbH", code="ANDERE")
    make_member(other, role="manager", email="chef@andere.example")
    db.session.commit()
    log_in_manager(client, "chef@andere.example")
    assert client.get(f"/admin/organisations/{organisation.id}/shop-floor").status_code == 404
    token = csrf_token_from(text(client.get(f"/admin/organisations/{other.id}/shop-floor")))
    response = client.post(
        f"/admin/organisations/{organisation.id}/shop-floor/{card.user.id}/card",
        data={"csrf_token": token})
    assert response.status_code == 404


def test_personnel_login_failures_lock_like_password_failures(client, plant):
    organisation, manager = plant
    shop_floor.create_account(manager, organisation, name="Jonas Berg",
                              personnel_number="4712", now=utcnow())
    db.session.commit()
    statuses = [personnel_login(client, "4712", "falsches Passwort").status_code
                for _attempt in range(5)]
    assert statuses == [400, 400, 400, 400, 429]


def test_organisation_code_must_be_unique_and_well_formed(client, plant):
    organisation, _manager = plant
    other = make_organisation(name="Andere GmbH")
    make_member(other, role="manager", email="chef@andere.example")
    db.session.commit()
    log_in_manager(client, "chef@andere.example")
    page = client.get(f"/admin/organisations/{other.id}/shop-floor")
    for code, message in (("mueller", "schon vergeben"), ("a b", "2 bis 30")):
        response = client.post(f"/admin/organisations/{other.id}/code",
                               data={"csrf_token": csrf_token_from(text(page)), "code": code})
        assert response.status_code == 400
        assert message in text(response)


def test_no_mail_goes_to_an_account_without_mailbox(app, plant, mails):
    organisation, manager = plant
    card = shop_floor.create_account(manager, organisation, name="Jonas Berg",
                                     personnel_number="4712", now=utcnow())
    from lms.mail import queue_mail

    queue_mail(db.session, card.user.email, "Erinnerung", "Text")
    db.session.commit()
    assert mails() == []


def test_a_weak_new_password_is_refused_before_the_code_is_looked_at(client, plant):
    organisation, manager = plant
    card = shop_floor.create_account(manager, organisation, name="Jonas Berg",
                                     personnel_number="4712", now=utcnow())
    db.session.commit()
    right, wrong = (redeem(client, "4712", code, password="kurz")
                    for code in (card.start_code, "AAAA-AAAA"))
    assert right.status_code == wrong.status_code == 400
    assert "mindestens 10 Zeichen" in text(right) and "mindestens 10 Zeichen" in text(wrong)
    assert "abgelaufen" not in text(right) + text(wrong)
    assert redeem(client, "4712", card.start_code).status_code == 302  # still unused
