"""Login sessions live on the server: logout, a new password and "end" revoke copied cookies."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lms.accounts import services
from lms.accounts.models import UserSession
from lms.db import utcnow
from lms.extensions import db
from tests.conftest import IsolatedClient, csrf_token_from
from tests.factories import make_user

PASSWORD = "correct horse battery"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.fixture
def new_client(app):
    """Another browser: ``new_client()`` gives a fresh test client."""
    app.test_client_class = IsolatedClient
    return app.test_client


def log_in(client, email="lena@example.org", password=PASSWORD, remember=False, agent=FIREFOX):
    client.environ_base["HTTP_USER_AGENT"] = agent  # this browser, for all its requests
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    data = {"email": email, "password": password, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def post_form(client, path, data=None, page="/account"):
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **(data or {})})


def is_signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def copy_cookie(source, target, name):
    """What a thief takes: the cookie, and the browser's User-Agent (trivial to copy too)."""
    target.environ_base["HTTP_USER_AGENT"] = source.environ_base.get("HTTP_USER_AGENT", "")
    cookie = source.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    target.set_cookie(name, cookie.value, domain="localhost")


def test_copied_session_cookie_is_dead_after_logout(client, new_client):
    make_user(email="lena@example.org")
    log_in(client)
    thief = new_client()
    copy_cookie(client, thief, "session")
    assert is_signed_in(thief)
    post_form(client, "/logout", page="/")
    assert not is_signed_in(thief)
    assert not is_signed_in(client)


def test_remember_cookie_works_but_dies_with_logout(client, new_client):
    make_user(email="lena@example.org")
    log_in(client, remember=True)
    later = new_client()  # the browser was closed: only the remember cookie is left
    copy_cookie(client, later, "remember_token")
    assert is_signed_in(later)
    post_form(client, "/logout", page="/")
    assert client.get_cookie("remember_token") is None  # the browser is told to drop it
    stolen = new_client()
    copy_cookie(later, stolen, "remember_token")
    assert not is_signed_in(stolen)


def test_remember_cookie_lasts_thirty_days_not_a_year(client):
    make_user(email="lena@example.org")
    response = log_in(client, remember=True)
    cookie = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith("remember_token="))
    expires = re.search(r"Expires=([^;]+)", cookie).group(1)
    expires_at = datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    assert expires_at <= utcnow() + timedelta(days=30, minutes=1)
    row = db.session.scalar(select(UserSession))
    assert row.is_remembered and row.expires_at <= utcnow() + timedelta(days=30, minutes=1)


def test_password_change_ends_all_other_sessions_and_remember_cookies(client, new_client):
    make_user(email="lena@example.org")
    laptop = new_client()
    log_in(laptop, remember=True)
    log_in(client)
    response = post_form(client, "/account/password",
                         {"current_password": PASSWORD, "new_password": "a brand new password"})
    assert response.status_code == 302
    assert is_signed_in(client)  # the session that changed it stays
    assert not is_signed_in(laptop)
    remembered = new_client()
    copy_cookie(laptop, remembered, "remember_token")
    assert not is_signed_in(remembered)


def test_password_reset_ends_every_session(client, new_client, mails):
    make_user(email="lena@example.org")
    log_in(client, remember=True)
    remembered = new_client()
    copy_cookie(client, remembered, "remember_token")
    stranger = new_client()
    post_form(stranger, "/password/forgot", {"email": "lena@example.org"},
              page="/password/forgot")
    path = re.search(r"http://localhost(/\S+)", mails()[0].get_content()).group(1)
    response = post_form(stranger, path, {"password": "a brand new password"}, page=path)
    assert response.status_code == 302
    assert not is_signed_in(client)
    assert not is_signed_in(remembered)


def test_account_page_lists_sessions_and_ends_the_others(client, new_client):
    make_user(email="lena@example.org")
    phone = new_client()
    tablet = new_client()
    log_in(phone, agent="Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 "
                        "Mobile Safari/537.36", remember=True)
    log_in(tablet)
    log_in(client)
    html = client.get("/account").get_data(as_text=True)
    assert "Angemeldete Geräte" in html
    assert "Chrome, Android" in html and "Firefox, Windows" in html
    assert "dieses Gerät" in html
    assert html.count('action="/account/sessions/') == 3 + 1  # three rows, one "end others"
    assert "127.0.0.0/24" in html

    response = post_form(client, "/account/sessions/end-others")
    assert response.status_code == 302
    assert "2 andere Sitzungen wurden beendet." in client.get("/account").get_data(as_text=True)
    assert not is_signed_in(phone) and not is_signed_in(tablet)
    assert is_signed_in(client)


def test_one_session_can_be_ended_but_not_someone_elses(client, new_client):
    lena = make_user(email="lena@example.org")
    paul_user = make_user(email="paul@example.org")
    phone = new_client()
    log_in(phone)
    paul = new_client()
    log_in(paul, email="paul@example.org")

    def session_of(user):
        return db.session.scalar(select(UserSession.id).where(UserSession.user_id == user.id))

    phone_session, paul_session = session_of(lena), session_of(paul_user)
    log_in(client)
    post_form(client, f"/account/sessions/{paul_session}/end")
    assert is_signed_in(paul)
    post_form(client, f"/account/sessions/{phone_session}/end")
    assert not is_signed_in(phone)
    assert is_signed_in(client)


def test_a_session_ends_after_idle_hours(client):
    make_user(email="lena@example.org")
    log_in(client)
    row = db.session.scalar(select(UserSession))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert not is_signed_in(client)


def test_last_seen_is_written_at_most_every_few_minutes(client):
    make_user(email="lena@example.org")
    log_in(client)
    row = db.session.scalar(select(UserSession))
    recent = row.last_seen_at
    client.get("/account")
    db.session.refresh(row)
    assert row.last_seen_at == recent  # a request a moment later writes nothing
    stale = utcnow() - timedelta(minutes=10)
    row.last_seen_at = stale
    row.expires_at = stale + timedelta(hours=8)
    db.session.commit()
    client.get("/account")
    db.session.refresh(row)
    assert row.last_seen_at > stale
    assert row.expires_at > utcnow() + timedelta(hours=7)  # an idle session lives on when used


def test_sessions_from_before_the_upgrade_are_signed_out(client):
    """Old cookies carried the numeric user id; they no longer find anyone."""
    user = make_user(email="lena@example.org")
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert not is_signed_in(client)


def test_operator_can_sign_a_user_out_everywhere(client, runner):
    make_user(email="lena@example.org")
    log_in(client, remember=True)
    result = runner.invoke(args=["users", "end-sessions", "--email", "lena@example.org"])
    assert result.exit_code == 0 and "ended 1 session(s)" in result.output
    assert not is_signed_in(client)


def test_security_txt_names_the_operators_contact(app, client):
    assert client.get("/.well-known/security.txt").status_code == 404
    app.config["ATLAS_SECURITY_CONTACT"] = "security@atlas-campus.example"
    try:
        response = client.get("/.well-known/security.txt")
    finally:
        app.config["ATLAS_SECURITY_CONTACT"] = ""
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert "Contact: mailto:security@atlas-campus.example" in body
    assert "Expires: " in body and "Preferred-Languages: de, en" in body


def test_my_data_lists_the_logins(client):
    make_user(email="lena@example.org")
    log_in(client, remember=True)
    data = client.get("/me/data.json").get_json()
    [section] = [s for s in data["sections"] if s["key"] == "login_sessions"]
    [item] = section["items"]
    assert item["device"] == "Firefox, Windows" and item["network"] == "127.0.0.0/24"
    assert item["stay_logged_in"] is True


def test_locking_an_account_ends_its_sessions(client):
    admin = make_user(email="admin@example.org", is_admin=True)
    lena = make_user(email="lena@example.org")
    log_in(client, remember=True)
    services.set_platform_roles(admin, lena, is_admin=False, is_trainer=False, is_active=False)
    db.session.commit()
    assert db.session.scalar(select(UserSession).where(UserSession.user_id == lena.id)) is None
    assert not is_signed_in(client)
