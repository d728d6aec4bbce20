"""Runs one try of a job: its own app context, its own unit of work, retries, dead letters.

:func:`execute` is the one function RQ workers call and inline dispatch calls; there is no
second implementation of a job for either mode.
"""

import logging
import traceback
from dataclasses import replace

from flask import Flask, current_app, has_app_context

from lms.db import utcnow
from lms.extensions import db
from lms.jobs import metrics
from lms.jobs.registry import UnknownJobError, spec_for

log = logging.getLogger(__name__)

_BOUND: dict[str, Flask] = {}


def bind_app(app: Flask) -> None:
    """Tell the runner which app a worker process serves (``atlas worker`` calls this)."""
    _BOUND["app"] = app


def _app(app: Flask | None) -> Flask:
    if app is not None:
        return app
    if has_app_context():
        return current_app._get_current_object()
    if "app" in _BOUND:
        return _BOUND["app"]
    from lms.app import create_app

    bind_app(create_app())
    return _BOUND["app"]


def execute(name: str, arguments: dict, attempt: int = 1, app: Flask | None = None) -> str:
    """Run try ``attempt`` of job ``name``; retry later or record a dead letter on failure.

    The job's changes commit when it returns and roll back when it raises. Returns
    "done", "retrying" or "dead" (RQ keeps it as the job's result).
    """
    app = _app(app)
    with app.app_context():
        try:
            spec = spec_for(name)
        except UnknownJobError as error:
            _dead(name, arguments, attempt, str(error))
            return "dead"
        max_attempts, backoff = app.config.get("ATLAS_JOB_RETRIES", {}).get(
            name, (spec.max_attempts, spec.backoff_seconds))
        spec = replace(spec, max_attempts=max_attempts, backoff_seconds=backoff)
        try:
            spec.func(**arguments)
            db.session.commit()
        except Exception as error:  # any failure of the job: retry or dead letter
            db.session.rollback()
            metrics.JOB_FAILURES.labels(job=name).inc()
            text = "".join(traceback.format_exception_only(error)).strip()
            if attempt < spec.max_attempts:
                log.warning("job %s failed (try %d of %d): %s", name, attempt,
                            spec.max_attempts, text)
                from lms.jobs.queue import dispatch

                dispatch(app, name, arguments, attempt + 1, spec.delay_before(attempt + 1))
                return "retrying"
            log.exception("job %s failed for good after %d tries", name, attempt)
            _dead(name, arguments, attempt, text, spec.on_dead)
            return "dead"
        finally:
            db.session.remove()
    return "done"


def _dead(name: str, arguments: dict, attempt: int, text: str, on_dead=None) -> None:
    from lms.jobs.models import DeadLetter

    if on_dead is not None:
        try:
            with db.session.begin_nested():
                on_dead(**arguments)
        except Exception:  # the dead letter matters more than the follow-up
            log.exception("on_dead of job %s failed", name)
    if name == "mail.send":
        metrics.MAILS_FAILED.inc()
    db.session.add(DeadLetter(job_name=name, arguments=arguments, attempts=attempt,
                              error=text[:4000], failed_at=utcnow()))
    db.session.commit()
