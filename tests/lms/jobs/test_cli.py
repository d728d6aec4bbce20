"""`atlas scheduler` and `atlas worker` from the command line."""

from sqlalchemy import select

from lms.extensions import db
from lms.jobs.models import ScheduleRun
from lms.jobs.registry import SCHEDULES


def test_scheduler_once_starts_every_due_schedule(runner):
    result = runner.invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    assert set(db.session.scalars(select(ScheduleRun.name))) == set(SCHEDULES)


def test_worker_without_redis_says_jobs_run_inline(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "ATLAS_REDIS_URL is not set" in result.output


def test_worker_burst_drains_the_queue(app, runner, redis_site):
    from lms.jobs import enqueue
    from lms.jobs.queue import rq_queue

    enqueue("jobs.delete_expired_files")
    db.session.commit()
    assert rq_queue(app).count == 1
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert rq_queue(app).count == 0
