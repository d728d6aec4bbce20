"""Two-factor login: TOTP per RFC 6238, recovery codes, required roles, throttled failures."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from lms.accounts import two_factor
from lms.accounts.models import UserSession
from lms.db import utcnow
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_member, make_organisation, make_user

PASSWORD = "correct horse battery"


def text(response):
    return response.get_data(as_text=True)


# RFC 6238, appendix B: SHA-1 with the 20-byte ASCII key "12345678901234567890".
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


@pytest.mark.parametrize("unix, expected", [
    (59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"),
    (2000000000, "69279037"),
])
def test_codes_match_the_rfc_6238_test_vectors(unix, expected):
    step = two_factor.time_step(datetime.fromtimestamp(unix, UTC))
    # the RFC lists 8 digits; the 6-digit code is their last six
    assert two_factor.code_at(RFC_SECRET, step) == expected[-6:]


def password_step(client, email="lena@example.org", password=PASSWORD):
    token = csrf_token_from(text(client.get("/login")))
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token})


def send_code(client, code, path="/login/second-factor"):
    token = csrf_token_from(text(client.get(path)))
    return client.post(path, data={"code": code, "csrf_token": token})


def current_code(secret):
    return two_factor.code_at(secret, two_factor.time_step(utcnow()))


@pytest.fixture
def lena(app):
    user = make_user(email="lena@example.org")
    secret = two_factor.new_secret()
    recovery = two_factor.enable(user, secret, current_code(secret), utcnow())
    user.totp_last_step = None  # the set-up code may be typed at login in these tests
    db.session.commit()
    return user, secret, recovery


def test_password_alone_does_not_sign_in_the_code_completes_the_session(client, lena):
    user, secret, _recovery = lena
    response = password_step(client)
    assert response.status_code == 302 and "/login/second-factor" in response.location
    assert client.get("/account").status_code == 302  # not signed in yet
    pending = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert pending.needs_second_factor
    response = send_code(client, current_code(secret))
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    db.session.refresh(pending)
    assert not pending.needs_second_factor


def test_a_code_works_only_once(app, client, lena):
    _user, secret, _recovery = lena
    code = current_code(secret)
    password_step(client)
    assert send_code(client, code).status_code == 302
    other = app.test_client()
    password_step(other)
    assert send_code(other, code).status_code == 400


def test_wrong_codes_count_in_the_throttle_and_a_new_password_step_does_not_reset_them(
        app, client, lena):
    _user, secret, _recovery = lena
    password_step(client)
    for _attempt in range(3):
        assert send_code(client, "123456").status_code == 400
    password_step(client)  # the right password again must not forget the failures
    assert send_code(client, "123456").status_code == 400
    assert send_code(client, "123456").status_code == 429
    assert send_code(client, current_code(secret)).status_code == 429


def test_a_recovery_code_replaces_the_app_once(app, client, lena):
    _user, _secret, recovery = lena
    password_step(client)
    assert send_code(client, recovery[0].upper()).status_code == 302
    other = app.test_client()
    password_step(other)
    assert send_code(other, recovery[0]).status_code == 400
    assert two_factor.remaining_recovery_codes(lena[0]) == len(recovery) - 1


def test_the_pending_login_cannot_be_used_as_a_session(app, client, lena):
    password_step(client)
    pending = db.session.scalar(select(UserSession).where(UserSession.user_id == lena[0].id))
    assert pending.expires_at - pending.created_at <= two_factor_window()
    assert client.get("/account").status_code == 302


def two_factor_window():
    from lms.accounts.login_sessions import SECOND_FACTOR_WINDOW

    return SECOND_FACTOR_WINDOW


def test_admins_must_set_up_a_second_factor_when_the_operator_requires_it(
        app, client, monkeypatch):
    monkeypatch.setitem(app.config, "ATLAS_2FA_REQUIRED_ROLES", ["admin"])  # app is shared
    make_user(email="admin@example.org", is_admin=True)
    db.session.commit()
    response = password_step(client, "admin@example.org")
    assert "/login/second-factor/setup" in response.location
    assert client.get("/admin/").status_code == 302
    page = text(client.get("/login/second-factor/setup"))
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert "otpauth" not in page or "<svg" in page
    response = send_code(client, current_code(secret), "/login/second-factor/setup")
    assert response.status_code == 200
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", text(response))
    assert len(codes) == 10
    assert client.get("/admin/").status_code == 200


def test_an_organisation_can_require_it_for_its_managers_but_not_for_employees(app, client):
    organisation = make_organisation(requires_two_factor=True)
    make_member(organisation, role="manager", email="chef@example.org")
    make_member(organisation, role="employee", email="werker@example.org")
    db.session.commit()
    assert "/login/second-factor/setup" in password_step(client, "chef@example.org").location
    other = app.test_client()
    response = password_step(other, "werker@example.org")
    assert "/second-factor" not in response.location
    assert other.get("/account").status_code == 200


def test_switching_off_is_refused_where_required_and_needs_a_code(app, client, lena):
    _user, secret, _recovery = lena
    password_step(client)
    send_code(client, current_code(secret))
    token = csrf_token_from(text(client.get("/account")))
    client.post("/account/two-factor/off", data={"code": "000000", "csrf_token": token})
    db.session.refresh(lena[0])
    assert lena[0].has_two_factor


def test_a_signed_in_user_sets_it_up_from_the_account_page_and_renews_recovery_codes(
        client, auth):
    user = make_user(email="lena@example.org")
    db.session.commit()
    auth.login("lena@example.org")
    assert "/login/second-factor/setup" in text(client.get("/account"))
    page = text(client.get("/login/second-factor/setup"))
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    first = send_code(client, current_code(secret), "/login/second-factor/setup")
    old_codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", text(first))
    db.session.refresh(user)
    assert user.has_two_factor
    assert "noch 10 Wiederherstellungscodes" in text(client.get("/account"))
    user.totp_last_step = None  # the set-up code may be typed once more in this test
    db.session.commit()
    token = csrf_token_from(text(client.get("/account")))
    renewed = client.post("/account/two-factor/recovery-codes",
                          data={"code": current_code(secret), "csrf_token": token})
    new_codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", text(renewed))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert not two_factor.verify(user, old_codes[0], utcnow())


def test_production_requires_it_for_admins_and_the_demo_does_not(tmp_path):
    import subprocess

    from lms.config import build_config

    assert build_config(tmp_path, env={})["ATLAS_2FA_REQUIRED_ROLES"] == ["admin"]
    assert build_config(tmp_path, env={"ATLAS_2FA_REQUIRED_ROLES": ""})[
        "ATLAS_2FA_REQUIRED_ROLES"] == []
    assert build_config(tmp_path, env={"ATLAS_2FA_REQUIRED_ROLES": "admin, trainer"})[
        "ATLAS_2FA_REQUIRED_ROLES"] == ["admin", "trainer"]
    # `make run` (the demo) passes the operator's value through, else empty
    from pathlib import Path

    plan = subprocess.run(["make", "-n", "run"], capture_output=True, text=True, check=True,
                          env={"PATH": "/usr/bin:/bin"},
                          cwd=Path(__file__).resolve().parents[3]).stdout
    assert 'ATLAS_2FA_REQUIRED_ROLES="${ATLAS_2FA_REQUIRED_ROLES-}"' in plan
    assert "atlas run" in plan.split('ATLAS_2FA_REQUIRED_ROLES="${ATLAS_2FA_REQUIRED_ROLES-}"')[1]
