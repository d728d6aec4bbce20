"""``atlas worker`` and ``atlas scheduler``: the processes beside the web nodes."""

import logging
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

log = logging.getLogger(__name__)


@click.command("worker", help="Run background jobs from the Redis queue (needs ATLAS_REDIS_URL).")
@click.option("--burst", is_flag=True, help="stop when the queue is empty")
@click.option("--with-scheduler", is_flag=True,
              help="also run the schedule in this process (one command for small sites)")
@with_appcontext
def worker_command(burst: bool, with_scheduler: bool):
    from rq import SimpleWorker

    from lms.jobs.queue import rq_queue
    from lms.jobs.runner import bind_app
    from lms.jobs.schedule import run_scheduler

    app = current_app._get_current_object()
    queue = rq_queue(app)
    if queue is None:
        raise click.UsageError("ATLAS_REDIS_URL is not set: without Redis, jobs run inline "
                               "in the web process and no worker is needed")
    bind_app(app)
    stop = threading.Event()
    if with_scheduler:
        threading.Thread(target=run_scheduler, args=(app,), kwargs={"stop": stop},
                         daemon=True, name="atlas-scheduler").start()
    # SimpleWorker runs jobs in this process (no fork per job): database pools stay valid.
    # with_scheduler=True here is RQ's own: it releases the delayed retries when due.
    worker = SimpleWorker([queue], connection=queue.connection)
    try:
        worker.work(burst=burst, with_scheduler=True, logging_level=logging.INFO)
    finally:
        stop.set()


@click.command("scheduler", help="Start scheduled jobs (reminders, digests, forwarding) when due.")
@click.option("--tick", default=30.0, show_default=True, help="seconds between checks")
@click.option("--once", is_flag=True, help="check once and exit")
@with_appcontext
def scheduler_command(tick: float, once: bool):
    from lms.jobs.schedule import run_scheduler

    run_scheduler(current_app._get_current_object(), tick=tick, once=once)
