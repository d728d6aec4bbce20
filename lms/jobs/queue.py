"""Enqueue after commit, then hand the job to RQ (Redis) or run it inline.

:func:`enqueue` only notes the job on the session. When the session commits, the noted jobs
are dispatched; when it rolls back, they are dropped. So a job never runs for a transaction
that did not happen, and a committed transaction never loses its job (short of Redis being
down at that instant: then the job runs inline, and the log says so).
"""

import logging

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

from lms.extensions import db
from lms.jobs.registry import spec_for

log = logging.getLogger(__name__)

_PENDING = "atlas_pending_jobs"
#: One RQ queue per site; its Redis name carries the site's key prefix.
QUEUE_SUFFIX = "jobs"


def enqueue(name: str, session: Session | None = None, **arguments) -> None:
    """Run job ``name`` with ``arguments`` once ``session`` (the request's) has committed.

    :raises UnknownJobError: no module registered ``name`` (a typo fails at once, not later).
    """
    spec_for(name)
    session = db.session if session is None else session
    if isinstance(session, scoped_session):
        session = session()
    if not session.in_transaction():
        session.begin()  # so that a rollback, even before any SQL, drops the job
    session.info.setdefault(_PENDING, []).append(
        (current_app._get_current_object(), name, arguments))


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    for app, name, arguments in session.info.pop(_PENDING, []):
        try:
            dispatch(app, name, arguments)
        except Exception:  # the commit stands; one job's trouble must not stop the others
            log.exception("could not dispatch job %s %r", name, arguments)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, previous_transaction) -> None:
    # only when the whole transaction rolls back: a savepoint rolled back inside it (a
    # race lost on a unique key) leaves the jobs of the surrounding work in place
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)


def redis_connection(app: Flask):
    """The app's Redis connection for RQ (one per app), or None without ``ATLAS_REDIS_URL``."""
    url = app.config.get("ATLAS_REDIS_URL")
    if not url:
        return None
    connection = app.extensions.get("atlas_jobs_redis")
    if connection is None:
        import redis

        connection = redis.Redis.from_url(url, socket_connect_timeout=5)
        app.extensions["atlas_jobs_redis"] = connection
    return connection


def queue_name(app: Flask) -> str:
    return app.config.get("ATLAS_REDIS_KEY_PREFIX", "atlas:") + QUEUE_SUFFIX


def rq_queue(app: Flask):
    """The site's RQ queue, or None when jobs run inline."""
    connection = redis_connection(app)
    if connection is None:
        return None
    from rq import Queue

    return Queue(queue_name(app), connection=connection)


def dispatch(app: Flask, name: str, arguments: dict, attempt: int = 1,
             delay: float = 0) -> None:
    """Hand try number ``attempt`` of a job to the queue, or run it now without Redis.

    Inline, retries follow at once (a web process does not sleep for a back-off);
    on the queue they wait ``delay`` seconds (the worker's RQ scheduler releases them).
    """
    from lms.jobs.runner import execute

    queue = rq_queue(app)
    if queue is not None:
        timeout = app.config.get("ATLAS_JOB_TIMEOUT", 600)
        try:
            if delay > 0:
                from datetime import timedelta

                queue.enqueue_in(timedelta(seconds=delay), execute, name, arguments, attempt,
                                 job_timeout=timeout, result_ttl=3600, failure_ttl=7 * 86400)
            else:
                queue.enqueue(execute, name, arguments, attempt, job_timeout=timeout,
                              result_ttl=3600, failure_ttl=7 * 86400)
            return
        except OSError:
            log.exception("Redis unreachable: job %s runs inline", name)
        except Exception as error:  # redis.exceptions.ConnectionError is no OSError
            if type(error).__module__.startswith("redis"):
                log.exception("Redis unreachable: job %s runs inline", name)
            else:
                raise
    execute(name, arguments, attempt, app=app)
