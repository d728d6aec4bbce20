"""Counters shared by every worker: in Redis when configured, otherwise in the database.

Login failures and lockouts (``lms.accounts.throttle``) and Flask-Limiter's fixed windows
(the HR API limit, the account forms) count here, so two gunicorn workers count together
instead of each granting the full budget from its own memory.

The database store writes through ``db.session``: the caller commits (a login view commits
the failure it recorded). Flask-Limiter's storage has no view around it and commits itself.
"""

import hashlib
import logging
import random
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app
from limits.storage import Storage
from sqlalchemy import case, delete, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from lms.accounts.models import ThrottleCounter
from lms.db import UTCDateTime, utcnow
from lms.extensions import db

log = logging.getLogger(__name__)

MAX_KEY_LENGTH = 200
#: On about one hit in this many, expired counters are deleted (keeps the table small).
CLEANUP_ONE_IN = 200


def _short_key(key: str) -> str:
    if len(key) <= MAX_KEY_LENGTH:
        return key
    return key[:100] + "#" + hashlib.sha256(key.encode()).hexdigest()


class DatabaseCounters:
    """Fixed-window counters and lockouts in the ``throttle_counters`` table."""

    def hit(self, key: str, window: timedelta, now: datetime, amount: int = 1) -> int:
        """Count ``amount`` in the window that started with the first hit; return the total.

        One atomic upsert, so concurrent workers never lose a count.
        """
        key = _short_key(key)
        table = ThrottleCounter.__table__
        dialect = db.session.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
        expired = table.c.window_ends_at <= literal(now, UTCDateTime())
        statement = insert.values(
            key=key, count=amount, window_ends_at=now + window, locked_until=None
        ).on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case((expired, amount), else_=table.c.count + amount),
                "window_ends_at": case(
                    (expired, literal(now + window, UTCDateTime())),
                    else_=table.c.window_ends_at,
                ),
            },
        ).returning(table.c.count)
        count = db.session.execute(statement).scalar_one()
        if random.randrange(CLEANUP_ONE_IN) == 0:
            self.delete_expired(now)
        return count

    def _row(self, key: str):
        return db.session.execute(
            select(ThrottleCounter.count, ThrottleCounter.window_ends_at,
                   ThrottleCounter.locked_until)
            .where(ThrottleCounter.key == _short_key(key))
        ).first()

    def count(self, key: str, now: datetime) -> int:
        row = self._row(key)
        return row.count if row and row.window_ends_at > now else 0

    def window_end(self, key: str, now: datetime) -> datetime | None:
        row = self._row(key)
        return row.window_ends_at if row and row.window_ends_at > now else None

    def lock(self, key: str, until: datetime) -> None:
        """Lock ``key`` until ``until`` (call after ``hit``, which created the row)."""
        row = db.session.get(ThrottleCounter, _short_key(key))
        if row is not None:
            row.locked_until = until
            db.session.flush()

    def locked_until(self, key: str, now: datetime) -> datetime | None:
        row = self._row(key)
        if row and row.locked_until and row.locked_until > now:
            return row.locked_until
        return None

    def clear(self, key: str) -> None:
        db.session.execute(delete(ThrottleCounter).where(ThrottleCounter.key == _short_key(key)))

    def delete_expired(self, now: datetime) -> None:
        db.session.execute(
            delete(ThrottleCounter).where(
                ThrottleCounter.window_ends_at <= now,
                or_(ThrottleCounter.locked_until.is_(None), ThrottleCounter.locked_until <= now),
            )
        )

    def delete_prefixed(self, prefix: str) -> int:
        result = db.session.execute(
            delete(ThrottleCounter).where(ThrottleCounter.key.startswith(prefix))
        )
        return result.rowcount or 0


class RedisCounters:
    """The same counters in Redis, under ``prefix`` (one Redis can serve several sites)."""

    def __init__(self, url: str, prefix: str):
        import redis  # optional dependency (extra "redis"), needed only when configured

        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix

    def _key(self, key: str) -> str:
        return self.prefix + _short_key(key)

    def hit(self, key: str, window: timedelta, now: datetime, amount: int = 1) -> int:
        name = self._key(key)
        milliseconds = max(1, int(window.total_seconds() * 1000))
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(name, 0, px=milliseconds, nx=True)
        pipe.incrby(name, amount)
        return int(pipe.execute()[1])

    def count(self, key: str, now: datetime) -> int:
        return int(self.redis.get(self._key(key)) or 0)

    def window_end(self, key: str, now: datetime) -> datetime | None:
        milliseconds = self.redis.pttl(self._key(key))
        return now + timedelta(milliseconds=milliseconds) if milliseconds > 0 else None

    def lock(self, key: str, until: datetime) -> None:
        milliseconds = int((until - utcnow()).total_seconds() * 1000)
        if milliseconds > 0:
            self.redis.set(self._key(key) + ":lock", until.timestamp(), px=milliseconds)

    def locked_until(self, key: str, now: datetime) -> datetime | None:
        value = self.redis.get(self._key(key) + ":lock")
        if value is None:
            return None
        until = datetime.fromtimestamp(float(value), UTC)
        return until if until > now else None

    def clear(self, key: str) -> None:
        self.redis.delete(self._key(key), self._key(key) + ":lock")

    def delete_prefixed(self, prefix: str) -> int:
        names = list(self.redis.scan_iter(match=self._key(prefix) + "*", count=500))
        return self.redis.delete(*names) if names else 0


def configure_counters(app: Flask) -> None:
    """Choose the counter store: Redis when ``ATLAS_REDIS_URL`` is set, else the database."""
    url = app.config.get("ATLAS_REDIS_URL")
    if url:
        store = RedisCounters(url, app.config.get("ATLAS_REDIS_KEY_PREFIX", "atlas:"))
    else:
        store = DatabaseCounters()
    app.extensions["atlas_counters"] = store


def counters() -> DatabaseCounters | RedisCounters:
    return current_app.extensions["atlas_counters"]


class DatabaseLimitStorage(Storage):
    """Flask-Limiter storage over ``throttle_counters`` (``RATELIMIT_STORAGE_URI=atlas+db://``).

    Fixed windows only (Flask-Limiter's default strategy). Each call runs in the request's
    app context and commits its own count.
    """

    STORAGE_SCHEME = ["atlas+db"]
    _store = DatabaseCounters()

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        count = self._store.hit(key, timedelta(seconds=expiry), utcnow(), amount)
        db.session.commit()
        return count

    def get(self, key: str) -> int:
        return self._store.count(key, utcnow())

    def get_expiry(self, key: str) -> float:
        end = self._store.window_end(key, utcnow())
        return end.timestamp() if end else utcnow().timestamp()

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        """Forget every Flask-Limiter window (login counters stay)."""
        try:
            removed = self._store.delete_prefixed("LIMITER")
            db.session.commit()
        except RuntimeError:  # no app context: nothing to reset here
            return None
        return removed

    def clear(self, key: str) -> None:
        self._store.clear(key)
        db.session.commit()
