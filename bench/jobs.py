"""Benchmark of the job layer: mails through RQ and a real worker, and inline.

Builds a throwaway SQLite database, then measures for N mails (``queue_mail``, one commit
each, written to a temp mail folder, so SMTP is not what is timed):

- enqueue: time of the N commits that hand the jobs to Redis (per commit, median and p95);
- worker: one in-process RQ SimpleWorker draining the queue in burst mode (jobs per second);
- inline: the same N mails without Redis, each commit running its job (median and p95).

    .venv/bin/python bench/jobs.py [--mails 500]

Needs the Redis at 127.0.0.1:6379; uses a key prefix of its own and deletes it afterwards.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import dispose_engines, make_test_app  # noqa: E402 - after the path setup
from tests.databases import fresh_database  # noqa: E402
from tests.fixtures.services import REDIS_URL, delete_site_keys  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def commit_mails(count: int) -> list[float]:
    from lms.extensions import db
    from lms.mail import queue_mail

    times = []
    for n in range(count):
        started = time.perf_counter()
        queue_mail(db.session, f"person{n}@example.org", f"Erinnerung {n}", "Text " * 50)
        db.session.commit()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=500)
    args = parser.parse_args()
    prefix = f"atlas-bench-{uuid.uuid4().hex[:8]}:"
    with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder)) as url:
        app = make_test_app(url, Path(folder) / "instance", TESTING=False,
                            MAIL_FOLDER=str(Path(folder) / "mail"),
                            ATLAS_REDIS_URL=REDIS_URL, ATLAS_REDIS_KEY_PREFIX=prefix)
        from rq import SimpleWorker

        from lms.jobs.queue import rq_queue

        try:
            with app.app_context():
                queued = commit_mails(args.mails)
                queue = rq_queue(app)
                assert queue.count == args.mails
                started = time.perf_counter()
                SimpleWorker([queue], connection=queue.connection).work(
                    burst=True, logging_level="WARNING")
                drained = time.perf_counter() - started
                assert queue.count == 0
            app.config["ATLAS_REDIS_URL"] = ""
            app.extensions.pop("atlas_jobs_redis", None)
            with app.app_context():
                inline = commit_mails(args.mails)
            written = len(list((Path(folder) / "mail").glob("*.eml")))
        finally:
            import redis

            connection = redis.Redis.from_url(REDIS_URL)
            delete_site_keys(connection, prefix)
            dispose_engines(app)
        print(f"mails: {args.mails} per mode, {written} written in all")
        print(f"commit + enqueue on Redis: median {statistics.median(queued) * 1000:.1f} ms, "
              f"p95 {percentile(queued, 0.95) * 1000:.1f} ms")
        print(f"worker (one SimpleWorker, burst): {args.mails / drained:.0f} jobs/s "
              f"({drained:.1f} s)")
        print(f"commit + inline run: median {statistics.median(inline) * 1000:.1f} ms, "
              f"p95 {percentile(inline, 0.95) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
