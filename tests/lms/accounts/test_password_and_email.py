"""Password reset by emailed token, password change, email change with confirmation."""

import re

from sqlalchemy import select

from lms.accounts.models import User
from lms.accounts.passwords import verify_password
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_user

LINK = re.compile(r"http://localhost(/\S+)")


def link_in(message) -> str:
    return LINK.search(message.get_content()).group(1)


def test_reset_password_by_mailed_link_works_once(client, auth, mails):
    make_user(email="lena@example.org")
    response = client.post(
        "/password/forgot",
        data={"email": "lena@example.org", "csrf_token": auth.csrf("/password/forgot")},
    )
    assert response.status_code == 302
    [message] = mails()
    assert message["To"] == "lena@example.org"
    path = link_in(message)

    form = client.get(path).get_data(as_text=True)
    response = client.post(
        path, data={"password": "a brand new password", "csrf_token": csrf_token_from(form)}
    )
    assert response.status_code == 302
    assert auth.login("lena@example.org", "a brand new password").status_code == 302

    auth.logout()
    form = client.get(path).get_data(as_text=True)
    again = client.post(path, data={"password": "yet another password",
                                     "csrf_token": csrf_token_from(form)})
    assert again.status_code == 400
    assert "ungültig oder abgelaufen" in again.get_data(as_text=True)


def test_reset_request_for_unknown_address_looks_the_same_and_sends_nothing(client, auth, mails):
    response = client.post(
        "/password/forgot",
        data={"email": "nobody@example.org", "csrf_token": auth.csrf("/password/forgot")},
        follow_redirects=True,
    )
    assert "Wenn ein Konto zu dieser Adresse existiert" in response.get_data(as_text=True)
    assert mails() == []


def test_forged_reset_token_is_refused(client):
    form = client.get("/password/reset/forged-token").get_data(as_text=True)
    response = client.post(
        "/password/reset/forged-token",
        data={"password": "a brand new password", "csrf_token": csrf_token_from(form)},
    )
    assert response.status_code == 400


def test_change_password_needs_current_password(client, auth):
    user = make_user(email="lena@example.org")
    auth.login("lena@example.org")
    token = auth.csrf("/account")
    wrong = client.post("/account/password", data={
        "current_password": "not my password", "new_password": "a brand new password",
        "csrf_token": token})
    assert wrong.status_code == 400
    assert "Das aktuelle Passwort stimmt nicht." in wrong.get_data(as_text=True)
    db.session.refresh(user)
    assert verify_password(user.password_hash, "correct horse battery")

    right = client.post("/account/password", data={
        "current_password": "correct horse battery", "new_password": "a brand new password",
        "csrf_token": token})
    assert right.status_code == 302
    db.session.refresh(user)
    assert verify_password(user.password_hash, "a brand new password")


def test_email_change_takes_effect_only_after_confirmation(client, auth, mails):
    user = make_user(email="lena@example.org")
    auth.login("lena@example.org")
    response = client.post("/account/email", data={
        "new_email": "lena.neu@example.org", "password": "correct horse battery",
        "csrf_token": auth.csrf("/account")})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email == "lena@example.org"
    confirmation = next(m for m in mails() if m["To"] == "lena.neu@example.org")
    assert any(m["To"] == "lena@example.org" for m in mails())  # the old address is warned
    client.get(link_in(confirmation))
    db.session.refresh(user)
    assert user.email == "lena.neu@example.org"


def test_email_change_to_taken_address_reveals_nothing_and_changes_nothing(client, auth, mails):
    make_user(email="lena@example.org")
    make_user(email="taken@example.org")
    auth.login("lena@example.org")
    response = client.post("/account/email", data={
        "new_email": "taken@example.org", "password": "correct horse battery",
        "csrf_token": auth.csrf("/account")})
    assert response.status_code == 302
    assert not any(m["To"] == "taken@example.org" for m in mails())
    assert db.session.scalar(select(User).where(User.email == "lena@example.org"))


def test_profile_update_switches_language(client, auth):
    make_user(email="lena@example.org")
    auth.login("lena@example.org")
    client.post("/account/profile", data={"name": "Lena L.", "locale": "en",
                                           "csrf_token": auth.csrf("/account")})
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html and "My learning" in html
