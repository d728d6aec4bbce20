"""The schedule: due jobs are claimed in the database, so each runs once per interval.

``atlas scheduler`` ticks every ``--tick`` seconds; with Redis it acts only while it holds
the lock ``<prefix>scheduler`` (renewed each tick), so of several schedulers in a cluster one
acts and the others stand by. Even two acting at once would not double a run: the claim is a
conditional UPDATE of ``job_schedule_runs``. Without Redis (``make run``) the web process
checks at most once a minute, on a request, in a background thread (see :func:`init_web_schedule`).
"""

import logging
import threading
import time
import uuid
from datetime import datetime

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lms.db import utcnow
from lms.extensions import db
from lms.jobs.models import ScheduleRun
from lms.jobs.queue import enqueue, redis_connection
from lms.jobs.registry import SCHEDULES

log = logging.getLogger(__name__)

LOCK_SECONDS = 90


def claim_due(now: datetime) -> list[str]:
    """Claim every schedule whose interval has passed; enqueue its job; return the names.

    The caller commits; the jobs leave with that commit.
    """
    claimed = []
    for schedule in sorted(SCHEDULES.values(), key=lambda s: s.name):
        known = db.session.scalar(select(ScheduleRun.name).where(
            ScheduleRun.name == schedule.name))
        if known is None:
            try:
                with db.session.begin_nested():
                    db.session.add(ScheduleRun(name=schedule.name, last_run_at=now))
            except IntegrityError:
                continue  # another scheduler inserted it this instant: it runs it
        else:
            result = db.session.execute(
                update(ScheduleRun)
                .where(ScheduleRun.name == schedule.name,
                       ScheduleRun.last_run_at <= now - schedule.interval)
                .values(last_run_at=now))
            if result.rowcount != 1:
                continue
        enqueue(schedule.job_name)
        claimed.append(schedule.name)
    return claimed


def run_due(app: Flask, now: datetime | None = None) -> list[str]:
    """Claim and start the due schedules in a unit of work of their own."""
    with app.app_context():
        try:
            names = claim_due(now or utcnow())
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()
    if names:
        log.info("schedules started: %s", ", ".join(names))
    return names


class SchedulerLock:
    """The cluster-wide lock of the acting scheduler, in Redis (always held without Redis)."""

    def __init__(self, app: Flask):
        self.redis = redis_connection(app)
        self.key = app.config.get("ATLAS_REDIS_KEY_PREFIX", "atlas:") + "scheduler"
        self.owner = uuid.uuid4().hex

    def acquire(self) -> bool:
        """Take or renew the lock; False while another scheduler holds it."""
        if self.redis is None:
            return True
        if self.redis.set(self.key, self.owner, nx=True, ex=LOCK_SECONDS):
            return True
        if (self.redis.get(self.key) or b"").decode() == self.owner:
            self.redis.expire(self.key, LOCK_SECONDS)
            return True
        return False

    def release(self) -> None:
        if self.redis is not None and (self.redis.get(self.key) or b"").decode() == self.owner:
            self.redis.delete(self.key)


def run_scheduler(app: Flask, tick: float = 30, stop: threading.Event | None = None,
                  once: bool = False) -> None:
    """The loop of ``atlas scheduler``: every ``tick`` seconds, act if holding the lock."""
    lock = SchedulerLock(app)
    stop = stop or threading.Event()
    try:
        while not stop.is_set():
            if lock.acquire():
                try:
                    run_due(app)
                except Exception:  # the database may be restarting: try again next tick
                    log.exception("scheduler tick failed")
            elif once:
                log.info("another scheduler holds the lock; nothing done")
            if once:
                return
            stop.wait(tick)
    finally:
        lock.release()


def init_web_schedule(app: Flask) -> None:
    """Without Redis and outside tests, a request may start a check of due schedules.

    At most one check per process and minute runs, in a daemon thread, so no request waits
    for a reminder run; the claim in the database keeps several processes from doubling it.
    """
    if app.config.get("ATLAS_REDIS_URL") or app.testing or not app.config.get(
            "ATLAS_SCHEDULE_IN_WEB", True):
        return
    state = {"checked": 0.0, "thread": None}
    guard = threading.Lock()

    @app.before_request
    def _maybe_run_schedule():
        monotonic = time.monotonic()
        if monotonic - state["checked"] < 60:
            return
        with guard:
            thread = state["thread"]
            if monotonic - state["checked"] < 60 or (thread and thread.is_alive()):
                return
            state["checked"] = monotonic
            thread = threading.Thread(target=_run_quietly, args=(app,), daemon=True,
                                      name="atlas-schedule")
            state["thread"] = thread
            thread.start()


def _run_quietly(app: Flask) -> None:
    try:
        run_due(app)
    except Exception:
        log.exception("schedule check failed")
