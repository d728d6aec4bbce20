"""Self-registration and its switch; bad input writes nothing."""

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.accounts.passwords import verify_password
from lms.extensions import db
from tests.factories import make_user


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def register(client, auth, **fields):
    data = {"name": "Jan Neu", "email": "jan@example.org", "password": "a long password",
            "locale": "de", "csrf_token": auth.csrf("/register")}
    data.update(fields)
    return client.post("/register", data=data)


def test_registration_creates_account_with_argon2_hash(client, auth):
    response = register(client, auth)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "jan@example.org"))
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, "a long password")
    assert len(user.pseudonym) == 32 and "@" not in user.pseudonym


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


def test_registration_with_taken_email_is_refused(client, auth):
    make_user(email="jan@example.org")
    before = count_users()
    response = register(client, auth)
    assert response.status_code == 400
    assert count_users() == before


def test_self_registration_can_be_switched_off(app, client):
    app.config["ATLAS_SELF_REGISTRATION"] = False
    try:
        response = client.get("/register")
    finally:
        app.config["ATLAS_SELF_REGISTRATION"] = True
    assert response.status_code == 403
    assert "nur mit Einladung" in response.get_data(as_text=True)
