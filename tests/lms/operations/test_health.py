"""/healthz says the process is alive; /readyz checks database, schema, Redis and storage."""

import os
import stat

import pytest
from sqlalchemy import text

from lms.extensions import db


def test_healthz_is_alive_without_touching_the_database(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("database is down")

    monkeypatch.setattr(db.session, "execute", broken)
    monkeypatch.setattr(db.session, "connection", broken)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_ok_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["checks"]["database"] == "ok"
    assert response.json["checks"]["migrations"] == "ok"
    assert response.json["checks"]["instance_storage"] == "ok"
    assert "redis" not in response.json["checks"]  # ATLAS_REDIS_URL is not set


def test_readyz_names_an_unreachable_database(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("database is down")

    monkeypatch.setattr(db.session, "connection", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["checks"]["database"] == "unreachable"
    assert "database" in response.json["failed"]


def test_readyz_notices_a_schema_behind_the_code(app, client):
    # inside the test's transaction: the change is rolled back afterwards
    db.session.execute(text("UPDATE alembic_version SET version_num = 'f5d9b3e7c2a8'"))
    db.session.flush()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["failed"] == ["migrations"]
    assert "atlas db upgrade" in response.json["checks"]["migrations"]


def test_readyz_checks_redis_when_configured(app, client):
    app.config["ATLAS_REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/readyz")
    finally:
        app.config["ATLAS_REDIS_URL"] = ""
    assert response.status_code == 503
    assert response.json["checks"]["redis"] == "unreachable"
    assert response.json["failed"] == ["redis"]


def test_readyz_with_the_real_redis(app, client):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=2).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    app.config["ATLAS_REDIS_URL"] = "redis://127.0.0.1:6379/0"
    try:
        response = client.get("/readyz")
    finally:
        app.config["ATLAS_REDIS_URL"] = ""
    assert response.status_code == 200
    assert response.json["checks"]["redis"] == "ok"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_readyz_notices_read_only_shared_storage(app, client, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(stat.S_IRUSR | stat.S_IXUSR)
    app.config["ATLAS_SHARED_DIR"] = str(shared)
    try:
        response = client.get("/readyz")
    finally:
        app.config["ATLAS_SHARED_DIR"] = app.instance_path
        shared.chmod(stat.S_IRWXU)
    assert response.status_code == 503
    assert response.json["failed"] == ["shared_storage"]


def test_readyz_notices_a_shared_folder_that_is_a_file(app, client, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app.config["ATLAS_SHARED_DIR"] = str(blocker)
    try:
        response = client.get("/readyz")
    finally:
        app.config["ATLAS_SHARED_DIR"] = app.instance_path
    assert response.status_code == 503
    assert response.json["failed"] == ["shared_storage"]
