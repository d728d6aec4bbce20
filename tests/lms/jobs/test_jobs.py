"""The job layer: after commit only, inline or through a real RQ worker, retries, dead letters."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.db import utcnow
from lms.extensions import db
from lms.jobs import enqueue, job
from lms.jobs.models import DeadLetter, ScheduleRun
from lms.jobs.registry import JobSpec
from tests.fixtures.services import run_worker

RAN: list[dict] = []
FAILURES = {"left": 0}


@job("tests.record")
def record(**arguments):
    RAN.append(arguments)


@job("tests.flaky", max_attempts=3, backoff_seconds=0)
def flaky(label: str):
    if FAILURES["left"] > 0:
        FAILURES["left"] -= 1
        raise RuntimeError(f"{label} failed")
    RAN.append({"label": label})


@pytest.fixture(autouse=True)
def _clean():
    RAN.clear()
    FAILURES["left"] = 0


def letters(name: str) -> list[DeadLetter]:
    return list(db.session.scalars(select(DeadLetter).where(DeadLetter.job_name == name)))


def test_inline_job_runs_after_commit_and_never_after_rollback(app):
    enqueue("tests.record", n=1)
    assert RAN == []  # not before the commit
    db.session.rollback()
    assert RAN == []  # nor for a rolled-back transaction
    enqueue("tests.record", n=2)
    db.session.commit()
    assert RAN == [{"n": 2}]


def test_unknown_job_fails_at_enqueue(app):
    from lms.jobs.registry import UnknownJobError

    with pytest.raises(UnknownJobError):
        enqueue("tests.no-such-job")


def test_inline_retries_then_succeeds(app):
    FAILURES["left"] = 2
    enqueue("tests.flaky", label="a")
    db.session.commit()
    assert RAN == [{"label": "a"}]
    assert letters("tests.flaky") == []


def test_inline_gives_up_after_max_attempts_into_dead_letters(app):
    FAILURES["left"] = 5
    enqueue("tests.flaky", label="b")
    db.session.commit()
    assert RAN == []
    [letter] = letters("tests.flaky")
    assert letter.attempts == 3 and "b failed" in letter.error
    assert letter.arguments == {"label": "b"}


def test_backoff_doubles():
    spec = JobSpec("x", print, max_attempts=5, backoff_seconds=60)
    assert [spec.delay_before(n) for n in (2, 3, 4, 5)] == [60, 120, 240, 480]


def test_schedule_claims_once_per_interval(app):
    from lms.jobs.registry import SCHEDULES
    from lms.jobs.schedule import claim_due

    now = utcnow()
    first = claim_due(now)
    assert "companies.reminders" in first and "lrs.forward" in first
    assert claim_due(now + timedelta(seconds=5)) == []  # nothing is due twice
    later = claim_due(now + timedelta(minutes=1, seconds=1))
    assert later == ["lrs.forward"]  # the one-minute schedule only
    run = db.session.get(ScheduleRun, "lrs.forward")
    assert run.last_run_at == now + timedelta(minutes=1, seconds=1)
    assert set(first) == set(SCHEDULES)
    db.session.rollback()  # the claimed jobs never run: their transaction did not happen


# --- through a real Redis and a real RQ worker -------------------------------------------


def test_redis_job_waits_in_the_queue_until_a_worker_runs_it(app, redis_site):
    from lms.jobs.queue import rq_queue

    enqueue("tests.record", n=3)
    db.session.commit()
    queue = rq_queue(app)
    assert queue.name == redis_site + "jobs"
    assert queue.count == 1 and RAN == []
    run_worker(app)
    assert RAN == [{"n": 3}]
    assert queue.count == 0


def test_redis_rollback_enqueues_nothing(app, redis_site):
    from lms.jobs.queue import rq_queue

    enqueue("tests.record", n=4)
    db.session.rollback()
    assert rq_queue(app).count == 0


def test_redis_retries_then_dead_letter(app, redis_site):
    FAILURES["left"] = 5
    enqueue("tests.flaky", label="c")
    db.session.commit()
    run_worker(app)
    [letter] = letters("tests.flaky")
    assert letter.attempts == 3


def test_scheduler_lock_lets_one_scheduler_act(app, redis_site):
    from lms.jobs.schedule import SchedulerLock

    first, second = SchedulerLock(app), SchedulerLock(app)
    assert first.acquire() and first.acquire()  # renewing its own lock
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()
