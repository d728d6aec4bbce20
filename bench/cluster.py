"""Scale test of the production shape: two app nodes, PostgreSQL, Redis, a proxy, a node killed.

Builds a PostgreSQL schema (ATLAS_TEST_DATABASE_URL or 127.0.0.1:5432/test) with the three
ATLAS courses, a company of 16,667 employees × 3 courses (a 50,001-row completion export),
200 learners enrolled in every course with a certificate each; then starts

- two gunicorn app nodes (deploy/gunicorn.conf.py, 2 workers × 4 threads each) on two
  loopback ports, sharing the database, Redis at 127.0.0.1:6379 (rate limits, throttling;
  the database's counters when no Redis answers) and one shared folder (signing key);
- nginx in front when installed, else a small round-robin HTTP proxy in this process that
  behaves like nginx's defaults: a node that refuses connections is skipped, an idempotent
  request (GET) that fails on a node is retried on the other, a POST is not;
- one `atlas worker` when this version has the command, else the jobs run inline;

and drives 200 simulated learners (one thread each, think time between clicks, at most
``--concurrency`` requests in flight): dashboard, lessons, quiz submissions, xAPI statement
batches, certificate PDF downloads; a manager downloads the 50,001-row export now and then.
Half way through, node B's process group gets SIGKILL. At the end it checks that every
acknowledged quiz submission and every acknowledged statement is in the database.

    .venv/bin/python bench/cluster.py                 # 5 minutes
    .venv/bin/python bench/cluster.py --duration 60   # a quick run
"""

import argparse
import http.client
import http.server
import json
import logging
import os
import random
import re
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from exports import build  # noqa: E402
from learning import FormReader, hidden  # noqa: E402
from learning_data import PASSWORD, course_plans, create_enrolments, create_learners  # noqa: E402
from lrs import Corpus, atlas, database, free_port, percentile  # noqa: E402

log = logging.getLogger("bench.cluster")
BIN = Path(sys.executable).parent
EMPLOYEES = 16_667  # × 3 courses = 50,001 export rows


# --- the proxy ------------------------------------------------------------------------------

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade"}


class RoundRobinProxy:
    """A threaded HTTP/1.1 reverse proxy over ``backends`` (host, port), round robin."""

    def __init__(self, backends: list[tuple[str, int]]):
        self.backends = backends
        self.names = {backend: "AB"[n] for n, backend in enumerate(backends)}
        self.down_until = {backend: 0.0 for backend in backends}
        self.counter = 0
        self.lock = threading.Lock()
        self.retried = 0
        self.local = threading.local()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                proxy.forward(self)

            do_POST = do_PUT = do_DELETE = do_HEAD = do_GET

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def order(self) -> list[tuple[str, int]]:
        with self.lock:
            self.counter += 1
            start = self.counter
        now = time.monotonic()
        ring = [self.backends[(start + n) % len(self.backends)]
                for n in range(len(self.backends))]
        return [b for b in ring if self.down_until[b] <= now] + \
               [b for b in ring if self.down_until[b] > now]

    def connection(self, backend) -> http.client.HTTPConnection:
        pool = self.local.__dict__.setdefault("pool", {})
        connection = pool.get(backend)
        if connection is not None and connection.sock is not None:
            readable, _, _ = select.select([connection.sock], [], [], 0)
            if readable:  # closed by the node (or it died): never reuse a dead socket
                connection.close()
                connection = None
        if connection is None:
            connection = http.client.HTTPConnection(*backend, timeout=120)
            pool[backend] = connection
        return connection

    def forward(self, handler):
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
        idempotent = handler.command in ("GET", "HEAD")
        last_backend = None
        for backend in self.order():
            last_backend = backend
            connection = self.connection(backend)
            sent = False
            try:
                if connection.sock is None:
                    connection.connect()  # refused: nothing sent, any method may go on
                sent = True
                connection.request(handler.command, handler.path, body=body, headers=headers)
                response = connection.getresponse()
            except OSError:
                connection.close()
                self.down_until[backend] = time.monotonic() + 5
                if sent and not idempotent:
                    break
                with self.lock:
                    self.retried += 1
                continue
            return self.relay(handler, response, backend)
        handler.send_response(502)
        handler.send_header("X-Bench-Node", self.names.get(last_backend, "?"))
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def relay(self, handler, response, backend):
        try:
            handler.send_response_only(response.status, response.reason)
            chunked = response.getheader("Content-Length") is None
            for key, value in response.getheaders():
                if key.lower() not in HOP_BY_HOP:
                    handler.send_header(key, value)
            handler.send_header("X-Bench-Node", self.names[backend])
            if chunked:
                handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()
            while True:
                data = response.read1(65536) if chunked else response.read(65536)
                if not data:
                    break
                if chunked:
                    handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                else:
                    handler.wfile.write(data)
            if chunked:
                handler.wfile.write(b"0\r\n\r\n")
        except OSError:
            # the node died mid-response: the client sees a cut connection
            handler.close_connection = True
            self.down_until[backend] = time.monotonic() + 5
            response.close()


@contextmanager
def nginx_proxy(backends, folder: Path):
    port = free_port()
    servers = "\n".join(f"server {h}:{p} max_fails=1 fail_timeout=5s;" for h, p in backends)
    config = folder / "nginx.conf"
    config.write_text(f"""
worker_processes 1; pid {folder}/nginx.pid; error_log {folder}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off; client_max_body_size 64m;
  upstream atlas {{ {servers} keepalive 32; keepalive_timeout 60s; }}
  server {{ listen 127.0.0.1:{port};
    location / {{ proxy_pass http://atlas; proxy_http_version 1.1;
      proxy_set_header Connection ""; proxy_set_header Host $host;
      proxy_next_upstream error timeout http_502; add_header X-Bench-Node $upstream_addr; }}
  }}
}}""")
    process = subprocess.Popen([shutil.which("nginx"), "-c", str(config), "-g", "daemon off;"])
    try:
        time.sleep(1)
        yield port, "nginx"
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def proxy(backends, folder: Path):
    if shutil.which("nginx"):
        with nginx_proxy(backends, folder) as answer:
            yield answer
        return
    server = RoundRobinProxy(backends).start()
    try:
        yield server.port, "Python round-robin proxy (no nginx installed)"
    finally:
        print(f"proxy retried {server.retried} requests on the other node")
        server.stop()


# --- the nodes ------------------------------------------------------------------------------


@contextmanager
def gunicorn_node(env: dict, port: int, log_file: Path):
    node_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2",
                "GUNICORN_THREADS": "4", "GUNICORN_LOG_LEVEL": "warning"}
    with log_file.open("wb") as output:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "--access-logfile", "/dev/null", "wsgi:app"],
            env=node_env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill -9 takes master and workers
        )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=30).status_code == 200:
                break
        except requests.RequestException:
            pass
        if process.poll() is not None:
            raise SystemExit(f"node on {port} exited: {log_file.read_text()[-2000:]}")
        time.sleep(0.5)
    else:
        raise SystemExit(f"node on {port} not ready: {log_file.read_text()[-2000:]}")
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)


@contextmanager
def worker(env: dict, folder: Path):
    probe = subprocess.run([str(BIN / "atlas"), "worker", "--help"], env=env, cwd=ROOT,
                           capture_output=True)
    if probe.returncode != 0:
        print("no `atlas worker` in this version: jobs run inline in the web requests")
        yield None
        return
    with (folder / "worker.log").open("wb") as output:
        process = subprocess.Popen([str(BIN / "atlas"), "worker"], env=env, cwd=ROOT,
                                   stdout=output, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=120)


def redis_url() -> str | None:
    try:
        import redis

        client = redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=3)
        client.ping()
        client.close()
        return "redis://127.0.0.1:6379/0"
    except Exception:  # noqa: BLE001 - any failure: no Redis
        return None


def jobs_completed(redis: str | None, prefix: str) -> str:
    if redis is None:
        return "n/a (no Redis)"
    try:
        from redis import Redis
        from rq import Queue
        from rq.registry import FailedJobRegistry, FinishedJobRegistry
    except ImportError:
        return "n/a (rq not installed: no job queue in this version)"
    connection = Redis.from_url(redis)
    done = failed = 0
    for queue in Queue.all(connection=connection):
        done += FinishedJobRegistry(queue=queue).count
        failed += FailedJobRegistry(queue=queue).count
    return f"{done} finished, {failed} failed (all RQ queues on this Redis)"


# --- the load -------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    started: float
    ended: float
    ok: bool
    node: str = ""
    status: int = 0


@dataclass
class Ledger:
    samples: list[Sample] = field(default_factory=list)
    quiz_acks: list[tuple[str, str, str, int]] = field(default_factory=list)
    statement_acks: list[str] = field(default_factory=list)
    export_rows: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample):
        with self.lock:
            self.samples.append(sample)


class Browser:
    def __init__(self, base: str, ledger: Ledger, gate: threading.Semaphore):
        self.base, self.ledger, self.gate = base, ledger, gate
        self.http = requests.Session()

    def call(self, kind, method, path, ok=(200,), **kwargs):
        with self.gate:
            began = time.monotonic()
            try:
                response = self.http.request(method, self.base + path, timeout=300,
                                             allow_redirects=False, **kwargs)
            except requests.RequestException:
                self.ledger.add(Sample(kind, began, time.monotonic(), False))
                return None
            if kwargs.get("stream"):
                body = b"".join(response.iter_content(65536))
                response._content = body
            ended = time.monotonic()
        self.ledger.add(Sample(kind, began, ended, response.status_code in ok,
                               response.headers.get("X-Bench-Node", ""), response.status_code))
        return response

    def login(self, email: str) -> bool:
        page = self.call("GET /login", "GET", "/login")
        if page is None:
            return False
        response = self.call("POST /login", "POST", "/login", ok=(302,), data={
            "csrf_token": hidden(page.text, "csrf_token"), "email": email,
            "password": PASSWORD})
        return response is not None and response.status_code == 302


@dataclass
class Start:
    """Everyone logs in first; the measured load starts when all have (``go``)."""

    barrier: threading.Barrier
    go: threading.Event = field(default_factory=threading.Event)
    deadline: float = 0.0

    def wait(self) -> float:
        try:
            self.barrier.wait(timeout=900)
        except threading.BrokenBarrierError:
            pass
        self.go.wait()
        return self.deadline


def learner_loop(n, email, certificate, plans, args, base, ledger, gate, start, xapi_auth):
    rng = random.Random(n)
    browser = Browser(base, ledger, gate)
    for _attempt in range(5):
        if browser.login(email):
            break
        time.sleep(1)
    deadline = start.wait()
    corpus = Corpus(10_000, seed=n)
    lessons = {p["slug"]: [item[2] for item in p["lessons"] if item[0] == "lesson"]
               for p in plans}
    quizzes = {p["slug"]: [item[2] for item in p["lessons"] if item[0] == "quiz"]
               for p in plans}
    while time.monotonic() < deadline:
        time.sleep(args.think * (0.5 + rng.random()))
        slug = rng.choice(list(lessons))
        step = rng.random()
        if step < 0.25:
            browser.call("GET / (dashboard)", "GET", "/")
        elif step < 0.65:
            browser.call("GET lesson", "GET", f"/learn/{slug}/{rng.choice(lessons[slug])}")
        elif step < 0.83:
            quiz = rng.choice(quizzes[slug])
            path = f"/learn/{slug}/{quiz}/quiz"
            page = browser.call("GET quiz", "GET", path)
            if page is None or page.status_code != 200:
                continue
            reader = FormReader()
            reader.feed(page.text)
            response = browser.call("POST quiz submission", "POST", path, ok=(302, 303),
                                    data=reader.values)
            match = re.search(r"/quiz/attempts/(\d+)$",
                              response.headers.get("Location", "")) if response else None
            if match:  # acknowledged: the attempt's result page is where it sends us
                with ledger.lock:
                    ledger.quiz_acks.append((email, slug, quiz, int(match.group(1))))
        elif step < 0.97:
            batch = [corpus.statement() for _ in range(5)]
            response = browser.call(
                "POST xAPI statements (5)", "POST", "/xapi/statements", json=batch,
                headers={"Authorization": xapi_auth, "X-Experience-API-Version": "2.0.0"})
            if response is not None and response.status_code == 200:
                with ledger.lock:
                    ledger.statement_acks.extend(response.json())
        else:
            browser.call("GET certificate PDF", "GET", f"/certificates/{certificate}.pdf")


def manager_loop(args, base, ledger, gate, start):
    browser = Browser(base, ledger, gate)
    browser.login("manager@bench.example")
    deadline = start.wait()
    time.sleep(5)
    while time.monotonic() < deadline:
        page = browser.call("GET export page", "GET", "/company/exports/")
        if page is not None and page.status_code == 200:
            # every completion of the company: all courses, departments and states
            values = {"csrf_token": hidden(page.text, "csrf_token"), "course": "0",
                      "department": "0", "status": "", "format": "csv", "date_from": "",
                      "date_to": ""}
            response = browser.call("POST export 50,001 rows (CSV)", "POST",
                                    "/company/exports/download", ok=(200, 303), data=values,
                                    stream=True)
            if response is not None and response.status_code == 303:
                # over ATLAS_EXPORT_INLINE_MAX_ROWS a job prepares the file: wait for it
                response = _prepared_download(browser, response.headers["Location"], deadline)
            if response is not None and response.status_code == 200:
                with ledger.lock:
                    ledger.export_rows.append(response.content.count(b"\n") - 1)
        time.sleep(args.export_every)


def _prepared_download(browser, location: str, deadline: float):
    """Wait for the export a job prepares, then download it.

    The export form answers 303 to the manager's list of prepared downloads; the newest file
    is its first row, linked once the worker has it ready.
    """
    path = urlsplit(location).path
    while time.monotonic() < deadline + 120:
        page = browser.call("GET downloads list", "GET", path)
        if page is None or page.status_code != 200:
            return None
        rows = re.findall(r"<tr><td>(.*?)</td>", page.text.split("<tbody>", 1)[-1], re.S)
        link = re.search(r'href="(/downloads/[^"]+)"', rows[0]) if rows else None
        if link:
            return browser.call("GET prepared export", "GET", link.group(1), stream=True)
        time.sleep(2)
    return None


def setup(url: str, folder: Path, env: dict, learners: int):
    """Data: courses, the company for the export, learners with enrolments and certificates."""
    print(f"building the company ({EMPLOYEES:,} employees × 3 courses) …", flush=True)
    build(url, folder / "setup-instance", EMPLOYEES)
    from sqlalchemy import create_engine, text

    from lms.accounts.passwords import hash_password

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE users SET password_hash = :h WHERE email = :e"),
                           {"h": hash_password(PASSWORD), "e": "manager@bench.example"})
        # build() gives the employees explicit ids: move the sequence past them
        connection.execute(text("SELECT setval(pg_get_serial_sequence('users', 'id'), "
                                "(SELECT max(id) FROM users))"))
    engine.dispose()
    os.environ.update({k: v for k, v in env.items() if k.startswith("ATLAS_")})
    from lms.app import create_app

    app = create_app()
    plans = course_plans(app)
    people = create_learners(url, learners)
    create_enrolments(url, people, plans)
    certificates = {}
    with app.app_context():
        from datetime import UTC, datetime

        from lms.accounts.models import User
        from lms.catalog.models import Course
        from lms.certificates.services import issue_certificate
        from lms.extensions import db

        course = db.session.scalar(db.select(Course).where(Course.slug == plans[0]["slug"]))
        now = datetime.now(UTC)
        for user_id, _pseudonym in people:
            user = db.session.get(User, user_id)
            certificates[user.email] = issue_certificate(
                user, course.published_version, now, now).number
        db.session.commit()
        db.engine.dispose()
    return plans, certificates


def check_stored(url: str, ledger: Ledger) -> tuple[int, int, int, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        stored_ids = set(connection.execute(text("SELECT id FROM xapi_statements")).scalars())
        attempts = {(e, s, lesson, n): sid for e, s, lesson, n, sid in connection.execute(text(
            "SELECT u.email, c.slug, a.lesson_id, a.number, a.statement_id FROM quiz_attempts a"
            " JOIN users u ON u.id = a.user_id JOIN courses c ON c.id = a.course_id"))}
    engine.dispose()
    missing_statements = sum(1 for sid in ledger.statement_acks if sid not in stored_ids)
    missing_attempts = sum(1 for key in ledger.quiz_acks
                           if key not in attempts or attempts[key] not in stored_ids)
    return (len(ledger.quiz_acks), missing_attempts, len(ledger.statement_acks),
            missing_statements)


def report(ledger: Ledger, kill_at: float | None, started: float):
    """Per request type over the measured load; the logins before it are listed apart."""
    def kind_of(sample):
        return sample.kind if sample.started >= started else f"{sample.kind} (log-in phase)"

    kinds = sorted({kind_of(s) for s in ledger.samples})
    print(f"{'request':38} {'count':>7} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'max ms':>8}")
    for kind in kinds:
        samples = [s for s in ledger.samples if kind_of(s) == kind]
        times = [(s.ended - s.started) * 1000 for s in samples if s.ok] or [0.0]
        errors = sum(not s.ok for s in samples)
        print(f"{kind:38} {len(samples):>7,} {errors:>6} {percentile(times, 0.5):8.1f} "
              f"{percentile(times, 0.95):8.1f} {max(times):8.1f}")
    failed = [s for s in ledger.samples if not s.ok]
    in_flight = [s for s in failed if kill_at is not None and s.started <= kill_at + 1.0
                 and s.ended >= kill_at and s.node in ("", "B") ]
    other = [s for s in failed if s not in in_flight]
    print(f"errors: {len(failed)} in all; {len(in_flight)} in flight on node B when it was "
          f"killed (started ≤ 1 s after the kill, node B or a cut connection); "
          f"{len(other)} other")
    for sample in other[:10]:
        print(f"  other error: {sample.kind} status {sample.status} node {sample.node or '?'} "
              f"at {sample.started - started:.1f} s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=300, help="seconds of load")
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32,
                        help="requests in flight at most (all learners together)")
    parser.add_argument("--think", type=float, default=5.0,
                        help="mean think time between a learner's clicks, seconds")
    parser.add_argument("--export-every", type=float, default=60,
                        help="seconds between the manager's exports")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    redis = redis_url()
    prefix = f"bench-cluster-{uuid.uuid4().hex[:8]}:"
    with tempfile.TemporaryDirectory() as scratch, \
            database("postgresql", Path(scratch)) as (url, description):
        folder = Path(scratch)
        (folder / "shared").mkdir()
        ports = [free_port(), free_port()]
        env = {k: v for k, v in os.environ.items() if not k.startswith("ATLAS_")}
        env.update({"ATLAS_DATABASE_URL": url, "ATLAS_ENVIRONMENT": "production",
                    "ATLAS_SECRET_KEY": secrets.token_urlsafe(48),
                    "ATLAS_SHARED_DIR": str(folder / "shared"),
                    "ATLAS_INSTANCE_DIR": str(folder / "instance-setup"),
                    "ATLAS_BASE_URL": "http://127.0.0.1", "ATLAS_LOG_LEVEL": "WARNING",
                    "ATLAS_REDIS_URL": redis or "", "ATLAS_REDIS_KEY_PREFIX": prefix})
        began = time.monotonic()
        plans, certificates = setup(url, folder, env, args.learners)
        client = json.loads(atlas(env, "lrs", "create-client", "bench-cluster", "--scope",
                                  "all", "--json"))
        import base64

        xapi_auth = "Basic " + base64.b64encode(
            f"{client['key']}:{client['secret']}".encode()).decode()
        print(f"set-up took {time.monotonic() - began:.0f} s; {description}; Redis: "
              f"{redis or 'none (database counters)'}", flush=True)
        ledger, gate = Ledger(), threading.Semaphore(args.concurrency)
        kill_at = None
        with gunicorn_node({**env, "ATLAS_INSTANCE_DIR": str(folder / "instance-a")},
                           ports[0], folder / "node-a.log"), \
                gunicorn_node({**env, "ATLAS_INSTANCE_DIR": str(folder / "instance-b")},
                              ports[1], folder / "node-b.log") as node_b, \
                worker({**env, "ATLAS_INSTANCE_DIR": str(folder / "instance-w")}, folder), \
                proxy([("127.0.0.1", p) for p in ports], folder) as (proxy_port, proxy_name):
            base = f"http://127.0.0.1:{proxy_port}"
            start = Start(threading.Barrier(len(certificates) + 2))
            threads = [threading.Thread(target=learner_loop, args=(
                n, email, certificates[email], plans, args, base, ledger, gate, start,
                xapi_auth)) for n, email in enumerate(sorted(certificates))]
            threads.append(threading.Thread(target=manager_loop,
                                            args=(args, base, ledger, gate, start)))
            login_began = time.monotonic()
            for thread in threads:
                thread.start()
            try:
                start.barrier.wait(timeout=900)
            except threading.BrokenBarrierError:
                print("not every learner logged in within 15 minutes; going on", flush=True)
            print(f"{len(certificates) + 1} logins took {time.monotonic() - login_began:.0f} s "
                  "(not part of the measured load)", flush=True)
            load_before = os.getloadavg()[0]
            started = time.monotonic()
            start.deadline = started + args.duration
            start.go.set()
            time.sleep(args.duration / 2)
            os.killpg(node_b.pid, signal.SIGKILL)
            kill_at = time.monotonic()
            print(f"kill -9 of node B (process group {node_b.pid}) at "
                  f"{kill_at - started:.0f} s", flush=True)
            for thread in threads:
                thread.join()
            load_after = os.getloadavg()[0]
            ended = time.monotonic()
            print(f"\n== cluster: {description}; 2 gunicorn nodes (2 workers × 4 threads each) "
                  f"behind {proxy_name.split(' (')[0]}; {args.learners} learners, think "
                  f"{args.think:g} s, ≤ {args.concurrency} in flight; {ended - started:.0f} s; "
                  f"load average {load_before:.1f} → {load_after:.1f} (machine shared with "
                  f"other work) ==")
            print(f"proxy: {proxy_name}")
            report(ledger, kill_at, started)
        quiz, quiz_missing, statements, statements_missing = check_stored(url, ledger)
        print(f"jobs: {jobs_completed(redis, prefix)}")
        print(f"exports downloaded: {len(ledger.export_rows)} (rows: {ledger.export_rows})")
        print(f"acknowledged quiz submissions: {quiz:,}, missing in the database: "
              f"{quiz_missing}")
        print(f"acknowledged statements: {statements:,}, missing in the database: "
              f"{statements_missing}")
        if redis:
            from redis import Redis

            connection = Redis.from_url(redis)
            for key in connection.scan_iter(match=f"{prefix}*"):
                connection.delete(key)
        return 1 if quiz_missing or statements_missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
