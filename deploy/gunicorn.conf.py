"""gunicorn settings for one ATLAS Campus app node.

    gunicorn -c deploy/gunicorn.conf.py wsgi:app

Every value can be overridden from the environment file (GUNICORN_* below) without editing
this file. Sizing: a page costs about 40 ms of CPU (docs/performance.md), so one node serves
about 20-25 pages/s per core; workers = cores, 4 threads each, covers the I/O waits
(database, Redis) without queuing CPU-bound requests behind each other.
"""

import multiprocessing
import os

# nginx on the same host talks to 127.0.0.1:8000; on a separate proxy host bind the node's
# private address instead and keep the port closed to everyone else (firewall).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"

# Slow work (certificate PDFs, large exports, forwarding) runs in `atlas worker`; a request
# that still takes longer than this is killed and logged.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30  # systemd's stop and `systemctl reload` wait for requests in flight
# Longer than nginx's upstream keepalive_timeout (60 s in the site): the proxy must close an
# idle connection before gunicorn does, or a request sent on it just as gunicorn closes it
# fails with 502 (nginx retries only idempotent requests).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))

# Recycle workers now and then: bounds the per-process caches (parsed course packages)
# and any slow leak; the jitter keeps the workers from restarting together.
max_requests = 2000
max_requests_jitter = 200

# No preload: each worker opens its own database pool after the fork.
preload_app = False

# Client address and scheme: nginx sends X-Forwarded-For/-Proto. The app reads them through
# werkzeug's ProxyFix when ATLAS_PROXY_COUNT=1 (lms/accounts/login.py), which trusts exactly
# one proxy hop. gunicorn itself trusts the headers only from these addresses:
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"  # journald
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
proc_name = "atlas-web"


def child_exit(server, worker):
    """Drop an exited worker's metric files when PROMETHEUS_MULTIPROC_DIR is set."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
