"""Prometheus metrics: request latency by route, LRS statements, queue depth, job and mail failures.

Counters live in this process (or, with ``PROMETHEUS_MULTIPROC_DIR`` set before start, in
files shared by all gunicorn workers and worker processes of one host). Queue depth and dead
letters are read from Redis and the database when scraped, so every node reports the same.
"""

import ipaddress
import os
import time

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

REQUEST_LATENCY = Histogram(
    "atlas_request_duration_seconds", "Time to answer a request, by route (URL rule) and method",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
STATEMENTS_STORED = Counter("atlas_lrs_statements_stored_total",
                            "xAPI statements stored in the platform's LRS")
STATEMENTS_FORWARDED = Counter("atlas_lrs_statements_forwarded_total",
                               "xAPI statements forwarded to upstream LRSs", ["result"])
JOB_FAILURES = Counter("atlas_job_failures_total", "failed tries of background jobs", ["job"])
MAILS_FAILED = Counter("atlas_mails_failed_total", "mails given up after their last try")


class LiveCollector:
    """Queue depths (RQ) and dead letters (database), read at scrape time."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        from sqlalchemy import func, select

        from lms.extensions import db
        from lms.jobs.models import DeadLetter
        from lms.jobs.queue import rq_queue

        depth = GaugeMetricFamily("atlas_queue_depth", "jobs waiting, by queue and state",
                                  labels=["queue", "state"])
        queue = rq_queue(self.app)
        if queue is not None:
            depth.add_metric([queue.name, "queued"], queue.count)
            depth.add_metric([queue.name, "scheduled"], queue.scheduled_job_registry.count)
            depth.add_metric([queue.name, "started"], queue.started_job_registry.count)
            depth.add_metric([queue.name, "failed"], queue.failed_job_registry.count)
        yield depth
        letters = GaugeMetricFamily("atlas_dead_letters", "jobs that failed for good, by job",
                                    labels=["job"])
        with self.app.app_context():
            rows = db.session.execute(select(DeadLetter.job_name, func.count())
                                      .group_by(DeadLetter.job_name)).all()
        for job_name, count in rows:
            letters.add_metric([job_name], count)
        yield letters


def exposition(app: Flask) -> bytes:
    """The text the scraper reads: this process's (or host's) counters, then the live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        counters = CollectorRegistry()
        multiprocess.MultiProcessCollector(counters)
    else:
        from prometheus_client import REGISTRY as counters
    live = CollectorRegistry()
    live.register(LiveCollector(app))
    return generate_latest(counters) + generate_latest(live)


def _allowed() -> bool:
    token = current_app.config.get("ATLAS_METRICS_TOKEN", "")
    if token:
        import hmac

        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    if request.headers.get("X-Forwarded-For") and not current_app.config.get(
            "ATLAS_PROXY_COUNT"):
        return False  # through a proxy every client looks like loopback: refuse
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def metrics_view():
    """``/metrics``: bearer token ``ATLAS_METRICS_TOKEN``; without one, loopback only."""
    if not _allowed():
        abort(404)
    return Response(exposition(current_app._get_current_object()),
                    mimetype=CONTENT_TYPE_LATEST)


def init_metrics(app: Flask) -> None:
    """Time every request; label it with its URL rule, never the raw path (bounded labels)."""

    @app.before_request
    def _start_timer():
        g.atlas_request_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.pop("atlas_request_started", None)
        if started is not None:
            route = request.url_rule.rule if request.url_rule is not None else "unmatched"
            REQUEST_LATENCY.labels(route=route, method=request.method).observe(
                time.perf_counter() - started)
        return response

    app.add_url_rule("/metrics", "metrics", metrics_view)
