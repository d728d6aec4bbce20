"""Login, logout, session handling and redirects after login."""

import pytest

from lms.db import utcnow
from lms.extensions import db
from tests.factories import make_user


def test_login_with_right_password_shows_dashboard(client, auth):
    make_user(email="lena@example.org", name="Lena Lernwig")
    response = auth.login("lena@example.org")
    assert response.status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert "Mein Lernen" in html and "Lena Lernwig" in html


@pytest.mark.parametrize(
    ("email", "password"),
    [("lena@example.org", "wrong password!"), ("nobody@example.org", "correct horse battery")],
)
def test_failed_login_gives_the_same_generic_message(client, auth, email, password):
    make_user(email="lena@example.org")
    response = auth.login(email, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "E-Mail-Adresse oder Passwort ist falsch." in html
    assert "Mein Lernen" not in client.get("/").get_data(as_text=True)


def test_login_is_case_insensitive_on_email(client, auth):
    make_user(email="lena@example.org")
    assert auth.login("Lena@Example.org").status_code == 302


def test_inactive_account_cannot_log_in(auth):
    make_user(email="gone@example.org", is_active_account=False)
    assert auth.login("gone@example.org").status_code == 400


def test_login_without_csrf_token_is_rejected(client):
    make_user(email="lena@example.org")
    response = client.post(
        "/login", data={"email": "lena@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 400
    assert "Mein Lernen" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/account", "/account"),
        ("https://evil.example/phish", "/"),
        ("//evil.example/phish", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_no_open_redirect_after_login(client, auth, next_url, expected):
    make_user(email="lena@example.org")
    token = auth.csrf()
    response = client.post(
        "/login",
        query_string={"next": next_url},
        data={"email": "lena@example.org", "password": "correct horse battery",
              "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_logout_requires_post_and_ends_session(client, auth):
    make_user(email="lena@example.org")
    auth.login("lena@example.org")
    assert client.get("/logout").status_code == 405
    auth.logout()
    assert "Mein Lernen" not in client.get("/").get_data(as_text=True)


def test_login_records_time(auth):
    user = make_user(email="lena@example.org")
    before = utcnow()
    auth.login("lena@example.org")
    db.session.refresh(user)
    assert user.last_login_at is not None and user.last_login_at >= before.replace(microsecond=0)


def test_session_cookie_flags(client, auth):
    make_user(email="lena@example.org")
    response = auth.login("lena@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
