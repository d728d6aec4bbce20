"""Login throttling counts failures only: per account with a growing lockout, per address capped.

Every test runs on the database counters and, when Redis answers at 127.0.0.1:6379, on
Redis too (under a key prefix of its own, removed afterwards).
"""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from lms.accounts.counters import DatabaseCounters, RedisCounters
from lms.accounts.models import ThrottleCounter
from lms.db import utcnow
from lms.extensions import db
from lms.sessions import checkin
from lms.sessions.models import Attendance
from tests.conftest import IsolatedClient, csrf_token_from
from tests.factories import make_user
from tests.lms.sessions.conftest import (  # noqa: F401
    course,
    make_learner,
    make_session,
    organisation,
    trainer,
    version,
)

REDIS_URL = "redis://127.0.0.1:6379/0"
PASSWORD = "correct horse battery"
LOCKED = "Zu viele fehlgeschlagene Anmeldeversuche."
WRONG = "E-Mail-Adresse oder Passwort ist falsch."


def redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means: no Redis here
        return False


@pytest.fixture(params=["database", "redis"])
def store(request, app):
    """The counter store the app uses for this test: the database, or Redis."""
    original = app.extensions["atlas_counters"]
    if request.param == "redis":
        if not redis_answers():
            pytest.skip(f"Redis does not answer at {REDIS_URL}")
        chosen = RedisCounters(REDIS_URL, f"atlas-test-{uuid.uuid4().hex[:12]}:")
    else:
        chosen = DatabaseCounters()
    app.extensions["atlas_counters"] = chosen
    yield chosen
    app.extensions["atlas_counters"] = original
    if isinstance(chosen, RedisCounters):
        chosen.delete_prefixed("")


def end_lockouts(store) -> None:
    """Let every lockout run out (instead of waiting for it)."""
    past = utcnow() - timedelta(seconds=1)
    if isinstance(store, RedisCounters):
        names = list(store.redis.scan_iter(match=store.prefix + "*:lock"))
        if names:
            store.redis.delete(*names)
    else:
        db.session.execute(update(ThrottleCounter).values(locked_until=past))
        db.session.commit()


def attempt(client, email, password, address="10.0.0.1"):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("email", ["lena@example.org", "nobody@example.org"])
def test_failures_lock_the_account_from_any_address_known_or_not(client, store, email):
    make_user(email="lena@example.org")
    for _ in range(4):
        response = attempt(client, email, "wrong password!", address="10.0.0.1")
        assert response.status_code == 400 and WRONG in text(response)
    fifth = attempt(client, email, "wrong password!", address="192.0.2.77")
    assert fifth.status_code == 429
    assert f"{LOCKED} Bitte versuchen Sie es in 1 Minute erneut." in text(fifth)
    assert 0 < int(fifth.headers["Retry-After"]) <= 60
    # a third address, even with the right password, waits as well
    later = attempt(client, email, PASSWORD, address="198.51.100.3")
    assert later.status_code == 429 and LOCKED in text(later)


def test_lockout_doubles_up_to_fifteen_minutes(client, store):
    make_user(email="lena@example.org")
    for _ in range(4):
        attempt(client, "lena@example.org", "wrong password!")
    minutes = []
    for _ in range(6):
        response = attempt(client, "lena@example.org", "wrong password!")
        assert response.status_code == 429
        minutes.append(next(n for n in (1, 2, 4, 8, 15) if f"in {n} Minute" in text(response)))
        end_lockouts(store)
    assert minutes == [1, 2, 4, 8, 15, 15]


def test_successful_logins_cost_nothing_and_clear_the_accounts_failures(client, store):
    make_user(email="lena@example.org")
    for _ in range(15):  # a shift signing in on the plant's one address
        assert attempt(client, "lena@example.org", PASSWORD).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token_from(text(client.get("/")))},
                    environ_base={"REMOTE_ADDR": "10.0.0.1"})
    for _ in range(4):
        assert attempt(client, "lena@example.org", "wrong password!").status_code == 400
    assert attempt(client, "lena@example.org", PASSWORD).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token_from(text(client.get("/")))},
                environ_base={"REMOTE_ADDR": "10.0.0.1"})
    for _ in range(4):
        assert attempt(client, "lena@example.org", "wrong password!").status_code == 400


def test_one_address_trying_many_accounts_hits_the_ceiling(app, client, store):
    app.config["ATLAS_LOGIN_IP_FAILURES"] = 3
    try:
        make_user(email="lena@example.org")
        for email in ("a@example.org", "b@example.org", "c@example.org"):
            assert attempt(client, email, "wrong password!", "203.0.113.9").status_code == 400
        blocked = attempt(client, "lena@example.org", PASSWORD, "203.0.113.9")
        assert blocked.status_code == 429 and LOCKED in text(blocked)
        assert attempt(client, "lena@example.org", PASSWORD, "203.0.113.10").status_code == 302
    finally:
        app.config["ATLAS_LOGIN_IP_FAILURES"] = 100


def test_database_counters_hold_no_email_addresses(client):
    make_user(email="lena@example.org")
    attempt(client, "lena@example.org", "wrong password!")
    keys = db.session.scalars(select(ThrottleCounter.key)).all()
    assert keys and not any("lena" in key or "@" in key for key in keys)


def test_a_workshop_on_one_wifi_signs_in_and_checks_in_by_qr(app, store, make_learner,  # noqa: F811
                                                           make_session):  # noqa: F811
    """Twelve seats, one address, a few typos: nobody is locked out."""
    session = make_session(starts_at=utcnow() - timedelta(minutes=10), minutes=120)
    learners = [make_learner(name=f"Teilnehmer {n}", email=f"seat{n}@example.org")
                for n in range(12)]
    db.session.commit()
    app.test_client_class = IsolatedClient
    for n, learner in enumerate(learners):
        seat = app.test_client()
        seat.environ_base["REMOTE_ADDR"] = "10.20.30.40"
        if n % 3 == 0:
            assert attempt(seat, learner.email, "typo typo typo", "10.20.30.40").status_code == 400
        assert attempt(seat, learner.email, PASSWORD, "10.20.30.40").status_code == 302
        path = f"/sessions/{session.id}/checkin/{checkin.make_token(session, utcnow())}"
        form = seat.get(path)
        assert form.status_code == 200
        confirmed = seat.post(path, data={"csrf_token": csrf_token_from(text(form))})
        assert confirmed.status_code == 302
    checked_in = db.session.scalar(
        select(func.count()).select_from(Attendance).where(Attendance.session_id == session.id))
    assert checked_in == 12
