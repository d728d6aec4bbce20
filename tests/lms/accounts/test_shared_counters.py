"""Two workers (two apps on one database) share login failures and the HR API's rate limit.

Each worker gets its own limiter storage object, as a separate gunicorn process would; the
counts add up only because they live in the database or in Redis.
"""

import uuid

import pytest
from flask import Flask, request
from sqlalchemy import func, select

from lms.accounts.counters import RedisCounters
from lms.accounts.login import trust_proxies
from lms.accounts.models import ThrottleCounter
from lms.config import build_config
from lms.extensions import db, limiter
from tests.conftest import IsolatedClient, csrf_token_from, dispose_engines, make_test_app
from tests.databases import fresh_database
from tests.factories import make_user
from tests.lms.accounts.test_throttling import REDIS_URL, redis_answers

API_LIMIT = 5


@pytest.fixture(params=["database", "redis"])
def workers(request, tmp_path, _session_app):
    """Two apps on one fresh database, counting in the database or in Redis."""
    overrides = {"RATELIMIT_STORAGE_URI": "atlas+db://", "ATLAS_API_RATE_LIMIT":
                 f"{API_LIMIT} per minute"}
    prefix = f"atlas-test-{uuid.uuid4().hex[:12]}:"
    if request.param == "redis":
        if not redis_answers():
            pytest.skip(f"Redis does not answer at {REDIS_URL}")
        overrides.update(ATLAS_REDIS_URL=REDIS_URL, ATLAS_REDIS_KEY_PREFIX=prefix,
                         RATELIMIT_STORAGE_URI=REDIS_URL,
                         RATELIMIT_STORAGE_OPTIONS={"key_prefix": prefix + "limits"})
    with fresh_database(tmp_path) as url:
        apps = [make_test_app(url, tmp_path / f"instance{n}", **overrides) for n in (1, 2)]
        for app in apps:
            app.test_client_class = IsolatedClient
        with apps[0].app_context():
            make_user(email="lena@example.org")
            db.session.commit()
        try:
            yield apps
        finally:
            for app in apps:
                dispose_engines(app)
            if request.param == "redis":
                RedisCounters(REDIS_URL, prefix).delete_prefixed("")
            limiter.init_app(_session_app)  # the limiter is process-wide: give it back


def as_new_process(app) -> None:
    """Give the limiter a fresh storage object, as a second gunicorn worker has."""
    limiter.init_app(app)


def attempt(client, password):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": "lena@example.org", "password": password,
                                       "csrf_token": token})


def test_workers_share_login_failures(workers):
    first, second = (app.test_client() for app in workers)
    for _ in range(3):
        assert attempt(first, "wrong password!").status_code == 400
    assert attempt(second, "wrong password!").status_code == 400
    assert attempt(second, "wrong password!").status_code == 429  # the fifth, in all
    assert attempt(first, "correct horse battery").status_code == 429


def test_workers_share_the_api_rate_limit(workers):
    headers = {"Authorization": "Bearer abcdefghijklmnopqrstuvwxyz"}
    first, second = workers
    as_new_process(first)
    statuses = [first.test_client().get("/api/v1/openapi.json", headers=headers).status_code
                for _ in range(3)]
    as_new_process(second)
    statuses += [second.test_client().get("/api/v1/openapi.json", headers=headers).status_code
                 for _ in range(3)]
    assert statuses == [200] * API_LIMIT + [429]


def test_without_redis_the_limiter_counts_in_the_database(workers):
    if workers[0].config.get("ATLAS_REDIS_URL"):
        pytest.skip("counts in Redis here")
    app = workers[0]
    as_new_process(app)
    app.test_client().get("/api/v1/openapi.json")
    with app.app_context():
        keys = db.session.scalars(select(ThrottleCounter.key)).all()
        assert any(key.startswith("LIMITER") for key in keys)
        assert db.session.scalar(select(func.count()).select_from(ThrottleCounter)) >= 1


@pytest.mark.parametrize(
    ("env", "storage"),
    [({}, "atlas+db://"),
     ({"ATLAS_REDIS_URL": "redis://cache:6379/1"}, "redis://cache:6379/1"),
     ({"ATLAS_REDIS_URL": "redis://cache:6379/1", "ATLAS_RATELIMIT_STORAGE_URL": "memory://"},
      "memory://")],
)
def test_rate_limit_storage_is_shared_unless_told_otherwise(tmp_path, env, storage):
    config = build_config(tmp_path, {"ATLAS_SECRET_KEY": "x", **env})
    assert config["RATELIMIT_STORAGE_URI"] == storage


def test_client_address_comes_from_the_trusted_proxy():
    app = Flask(__name__)
    app.config["ATLAS_PROXY_COUNT"] = 1
    app.add_url_rule("/ip", "ip", lambda: request.remote_addr)
    trust_proxies(app)
    response = app.test_client().get("/ip", headers={"X-Forwarded-For": "198.51.100.7"},
                                     environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.get_data(as_text=True) == "198.51.100.7"
