"""Weak and breached passwords are refused at every place a password is chosen.

The optional range API is a real HTTP server on loopback speaking the Have I Been Pwned
range protocol; its failures (timeout, refused connection) let the password through and log.
"""

import hashlib
import http.server
import logging
import socket
import threading

import pytest
from sqlalchemy import select

from lms.accounts import shop_floor
from lms.accounts.models import PendingRegistration
from lms.accounts.password_strength import breach_count, weakness
from lms.accounts.passwords import verify_password
from lms.db import utcnow
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_department, make_member, make_organisation, make_user
from tests.lms.accounts.test_password_and_email import link_in
from tests.lms.accounts.test_registration import register
from tests.lms.accounts.test_shop_floor import redeem

COMMON = "Dieses Passwort gehört zu den häufigsten Passwörtern"
PERSONAL = "nicht im Wesentlichen aus Ihrem Namen"
PATTERN = "Tastaturfolgen"
BREACHED = "in bekannten Datenlecks aufgetaucht"


def text(response):
    return response.get_data(as_text=True)


@pytest.mark.parametrize("password, email, name, expected", [
    ("Passwort2024!", "", "", COMMON),
    ("P4ssw0rd!!", "", "", COMMON),
    ("Sommer2025!!", "", "", COMMON),
    ("ichliebedich1", "", "", COMMON),
    ("1234567890", "", "", COMMON),
    ("qwertzuiop1", "", "", COMMON),
    ("Ays3Demir!2024", "", "Ayşe Demir", PERSONAL),
    ("jan.neu@example.org", "jan.neu@example.org", "Jan Neu", PERSONAL),
    ("AtlasCampus2025", "", "", PERSONAL),
    ("Mueller-Werk-1", "chef@mueller-werk.example", "Chefin", PERSONAL),
    ("aaaaaaaaaaaa", "", "", PATTERN),
    ("abcabcabcabc", "", "", PATTERN),
    ("hallohallo", "", "", PATTERN),
    ("mnbvcxy,.-12", "", "", PATTERN),
    ("ghijklmnop12", "", "", PATTERN),
    ("9876543210!", "", "", PATTERN),
])
def test_weak_passwords_are_named_with_the_reason(app, password, email, name, expected):
    assert expected in weakness(password, email, name)


@pytest.mark.parametrize("password", [
    "correct horse battery", "Schichtbeginn 0600", "Zebra Fenster Mond", "Tr0ub4dour&3x",
    "Jan Neu und sein Garten", "Montag Kaffee 7 Zange",
])
def test_ordinary_good_passwords_pass(app, password):
    assert weakness(password, "jan.neu@example.org", "Jan Neu") is None


def test_registration_refuses_a_common_password_in_german_and_english(client, auth):
    response = register(client, auth, password="Passwort2024!")
    assert response.status_code == 400 and COMMON in text(response)
    assert db.session.scalars(select(PendingRegistration)).all() == []
    client.post("/language", data={"locale": "en", "csrf_token": auth.csrf("/register")})
    response = register(client, auth, password="Passwort2024!")
    assert response.status_code == 400
    assert "one of the most common passwords" in text(response)


def test_password_change_and_reset_refuse_weak_passwords(client, auth, mails):
    user = make_user(email="lena.berg@example.org", name="Lena Berg")
    db.session.commit()
    auth.login("lena.berg@example.org")
    response = client.post("/account/password", data={
        "current_password": "correct horse battery", "new_password": "LenaBerg2024",
        "csrf_token": auth.csrf("/account")})
    assert response.status_code == 400 and PERSONAL in text(response)
    auth.logout()
    client.post("/password/forgot", data={"email": "lena.berg@example.org",
                                          "csrf_token": auth.csrf("/password/forgot")})
    path = link_in(mails()[-1])
    response = client.post(path, data={"password": "qwertz123456",
                                       "csrf_token": csrf_token_from(text(client.get(path)))})
    assert response.status_code == 400 and COMMON in text(response)
    db.session.refresh(user)
    assert verify_password(user.password_hash, "correct horse battery")


def test_the_start_code_refuses_a_weak_password_and_stays_usable(app, client):
    organisation = make_organisation(name="Müller Metallbau", code="MUELLER")
    make_department(organisation, name="Montage")
    manager = make_member(organisation, role="manager")
    card = shop_floor.create_account(manager, organisation, name="Ayşe Demir",
                                     personnel_number="4711", now=utcnow())
    db.session.commit()
    response = redeem(client, "4711", card.start_code, password="Sommer2025!!")
    assert response.status_code == 400 and COMMON in text(response)
    response = redeem(client, "4711", card.start_code, password="AyseDemir4711")
    assert response.status_code == 400 and PERSONAL in text(response)
    assert redeem(client, "4711", card.start_code).status_code == 302  # the code still works


class RangeServer:
    """A tiny Have-I-Been-Pwned-compatible range API on 127.0.0.1."""

    def __init__(self, breached=(), hang=False):
        self.breached = {hashlib.sha1(p.encode()).hexdigest().upper() for p in breached}
        self.paths: list[str] = []
        self.release = threading.Event()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                owner.paths.append(self.path)
                if hang:
                    owner.release.wait(30)
                    return
                prefix = self.path.rsplit("/", 1)[-1]
                lines = [f"{digest[5:]}:42" for digest in owner.breached
                         if digest.startswith(prefix)]
                lines.append("0123456789ABCDEF0123456789ABCDEF012:0")  # padding
                body = "\r\n".join(lines).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/range"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def test_the_range_api_refuses_breached_passwords_and_sees_only_a_prefix(app, client, auth):
    with RangeServer(breached=["Zebra Fenster Mond"]) as api:
        app.config["ATLAS_PWNED_RANGE_URL"] = api.url
        try:
            assert BREACHED in weakness("Zebra Fenster Mond")
            assert breach_count("Montag Kaffee 7 Zange") == 0
            response = register(client, auth, password="Zebra Fenster Mond")
            assert response.status_code == 400 and BREACHED in text(response)
        finally:
            app.config["ATLAS_PWNED_RANGE_URL"] = ""
    digest = hashlib.sha1(b"Zebra Fenster Mond").hexdigest().upper()
    assert f"/range/{digest[:5]}" in api.paths
    assert all(len(path.rsplit("/", 1)[-1]) == 5 for path in api.paths)


def test_a_silent_or_missing_range_api_fails_open_and_logs(app, caplog):
    caplog.set_level(logging.WARNING, logger="lms.accounts.password_strength")
    with RangeServer(hang=True) as api:
        app.config.update(ATLAS_PWNED_RANGE_URL=api.url, ATLAS_PWNED_TIMEOUT_SECONDS=0.5)
        try:
            assert weakness("Zebra Fenster Mond") is None
        finally:
            app.config.update(ATLAS_PWNED_RANGE_URL="", ATLAS_PWNED_TIMEOUT_SECONDS=2.0)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    app.config["ATLAS_PWNED_RANGE_URL"] = f"http://127.0.0.1:{closed}/range"
    try:
        assert breach_count("Zebra Fenster Mond") is None
    finally:
        app.config["ATLAS_PWNED_RANGE_URL"] = ""
    failures = [r for r in caplog.records if "range lookup failed" in r.getMessage()]
    assert len(failures) == 2
    assert any("timed out" in r.getMessage().lower() or "Timeout" in r.getMessage()
               for r in failures)


@pytest.mark.parametrize("password", ["Manchester", "Salamander1!", "Terminator2024"])
def test_passwords_from_breach_corpora_are_refused(app, password):
    # these are in the 30,000 most common breached passwords (zxcvbn's list), not in our own
    from lms.accounts.password_strength import breached_passwords

    assert _core_word(password) in breached_passwords()
    assert weakness(password, "jan.neu@example.org", "Jan Neu") is not None


def _core_word(password: str) -> str:
    return password.lower().rstrip("!0123456789")
