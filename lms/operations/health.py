"""``/healthz`` (the process is alive) and ``/readyz`` (it can serve: database, schema, Redis,
shared storage). Both are for load balancers and systemd/monitoring; they show no data.

``/healthz`` touches nothing outside the process, so a slow database never makes a load
balancer kill healthy nodes. ``/readyz`` answers 503 with the names of the failed checks.
"""

import logging
import os
import tempfile
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app
from sqlalchemy import text

from lms.extensions import csrf, db, limiter

log = logging.getLogger(__name__)

bp = Blueprint("operations", __name__)
csrf.exempt(bp)
limiter.exempt(bp)

#: seconds a Redis ping may take before the check fails
REDIS_TIMEOUT = 2.0


@bp.get("/healthz")
def healthz():
    """Alive: the process answers requests. Checks nothing else on purpose."""
    return {"status": "ok"}


def migration_heads() -> set[str]:
    """The head revisions of this code's migrations (read once per process)."""
    heads = current_app.extensions.get("atlas_migration_heads")
    if heads is None:
        directory = current_app.extensions["migrate"].directory
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", directory)
        heads = set(ScriptDirectory.from_config(config).get_heads())
        current_app.extensions["atlas_migration_heads"] = heads
    return heads


def check_database() -> dict[str, str]:
    """``database`` (SELECT 1) and ``migrations`` (the schema is at this code's head)."""
    results = {}
    try:
        connection = db.session.connection()
        connection.execute(text("SELECT 1"))
        results["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        log.warning("readiness: database unreachable: %s", error)
        db.session.rollback()
        return {"database": "unreachable", "migrations": "unknown"}
    try:
        current = set(MigrationContext.configure(connection).get_current_heads())
        expected = migration_heads()
        if current == expected:
            results["migrations"] = "ok"
        else:
            results["migrations"] = (f"database at {','.join(sorted(current)) or 'no revision'}"
                                     f", code at {','.join(sorted(expected))}: "
                                     "run `atlas db upgrade`")
    except Exception as error:  # noqa: BLE001
        log.warning("readiness: cannot read the schema revision: %s", error)
        results["migrations"] = "unknown"
    finally:
        db.session.rollback()
    return results


def check_redis() -> dict[str, str]:
    url = current_app.config.get("ATLAS_REDIS_URL")
    if not url:
        return {}
    try:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT,
                                      socket_connect_timeout=REDIS_TIMEOUT)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as error:  # noqa: BLE001
        log.warning("readiness: Redis unreachable: %s", error)
        return {"redis": "unreachable"}
    return {"redis": "ok"}


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(prefix=".readyz-", dir=folder)
        os.close(descriptor)
        os.unlink(name)
    except OSError as error:
        log.warning("readiness: %s not writable: %s", folder, error)
        return False
    return True


def check_storage() -> dict[str, str]:
    results = {"instance_storage": "ok" if _writable(Path(current_app.instance_path))
               else "not writable"}
    shared = current_app.config.get("ATLAS_SHARED_DIR")
    if shared and Path(shared) != Path(current_app.instance_path):
        results["shared_storage"] = "ok" if _writable(Path(shared)) else "not writable"
    return results


def readiness() -> tuple[bool, dict[str, str]]:
    checks = {**check_database(), **check_redis(), **check_storage()}
    return all(value == "ok" for value in checks.values()), checks


@bp.get("/readyz")
def readyz():
    """Ready: database answers, schema at head, Redis (when configured), storage writable."""
    ready, checks = readiness()
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    if not ready:
        body["failed"] = sorted(name for name, value in checks.items() if value != "ok")
        return body, 503, {"Cache-Control": "no-store"}
    return body, 200, {"Cache-Control": "no-store"}
