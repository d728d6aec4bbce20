"""Self-registration and its switch; bad input writes nothing."""

import re

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.accounts.passwords import verify_password
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_user


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def register(client, auth, **fields):
    data = {"name": "Jan Neu", "email": "jan@example.org", "password": "a long password",
            "locale": "de", "csrf_token": auth.csrf("/register")}
    data.update(fields)
    return client.post("/register", data=data)


def confirmation_link(message) -> str:
    match = re.search(r"http://localhost(/register/confirm/\S+)", message.get_content())
    assert match, message.get_content()
    return match.group(1)


def confirm(client, path, **kwargs):
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token}, **kwargs)


def test_registration_creates_account_with_argon2_hash_after_confirming(client, auth, mails):
    response = register(client, auth)
    assert response.status_code == 302 and response.headers["Location"] == "/register/sent"
    assert count_users() == 0 or db.session.scalar(
        select(User).where(User.email == "jan@example.org")) is None
    [message] = mails()
    assert message["To"] == "jan@example.org"
    page = client.get(confirmation_link(message))  # what a mail scanner sees: a button
    assert page.status_code == 200 and "jan@example.org" in page.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "jan@example.org")) is None
    response = confirm(client, confirmation_link(message))
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "jan@example.org"))
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, "a long password")
    assert len(user.pseudonym) == 32 and "@" not in user.pseudonym
    assert "Jan Neu" in client.get("/").get_data(as_text=True)  # signed in by the link
    # the link works once
    client.post("/logout", data={"csrf_token": auth.csrf("/")})
    again = client.get(confirmation_link(message), follow_redirects=True)
    assert "ungültig, abgelaufen oder wurde bereits verwendet" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "short"}, "mindestens 10 Zeichen"),
        ({"email": "not-an-email"}, "gültige E-Mail-Adresse"),
        ({"name": ""}, "Dieses Feld wird benötigt."),
        ({"password": "jan@example.org"}, "nicht Ihre E-Mail-Adresse"),
    ],
)
def test_bad_registration_input_explains_and_writes_nothing(client, auth, fields, message):
    before = count_users()
    response = register(client, auth, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count_users() == before


def test_registration_does_not_reveal_taken_addresses_and_tells_the_owner(client, auth, mails):
    make_user(email="jan@example.org", name="Jan Alt")
    before = count_users()
    taken = register(client, auth)
    fresh = register(client, auth, email="neu@example.org")
    assert taken.status_code == fresh.status_code == 302
    assert taken.headers["Location"] == fresh.headers["Location"] == "/register/sent"
    page = client.get("/register/sent").get_data(as_text=True)
    assert "Bitte prüfen Sie Ihr Postfach" in page
    assert count_users() == before
    owner_mail, new_mail = mails()
    assert owner_mail["To"] == "jan@example.org"
    assert "Sie haben bereits ein Konto" in owner_mail.get_content()
    assert "/register/confirm/" not in owner_mail.get_content()
    assert new_mail["To"] == "neu@example.org" and "/register/confirm/" in new_mail.get_content()


def test_confirming_when_the_address_got_an_account_meanwhile_creates_nothing(
    client, auth, mails
):
    register(client, auth)
    make_user(email="jan@example.org")
    before = count_users()
    response = confirm(client, confirmation_link(mails()[0]), follow_redirects=True)
    assert "gibt es bereits ein Konto" in response.get_data(as_text=True)
    assert count_users() == before


def test_registration_mails_to_one_address_are_capped(client, auth, mails):
    make_user(email="jan@example.org")
    for _ in range(5):
        assert register(client, auth).status_code == 302
    assert len(mails()) == 3


def test_self_registration_can_be_switched_off(app, client):
    app.config["ATLAS_SELF_REGISTRATION"] = False
    try:
        response = client.get("/register")
    finally:
        app.config["ATLAS_SELF_REGISTRATION"] = True
    assert response.status_code == 403
    assert "nur mit Einladung" in response.get_data(as_text=True)
