"""Benchmark of the LRS over HTTP, side by side with Ralph; bounded load from this process.

Starts ``granian --interface wsgi --workers 1 wsgi:app`` (or ``--server gunicorn``, sync
workers) on a temporary SQLite file (or a PostgreSQL schema), pinned with ``taskset -c 1``
to one core while this load generator pins itself to core 0 (``--no-pin`` to pin nothing),
runs ``atlas db upgrade`` and ``atlas lrs create-client --json``, pre-loads statements
through the library straight into the database, then measures over loopback:

- single-statement POSTs per second, 8 concurrent clients;
- statements per second in batches of 100, 8 concurrent clients: "mixed" batches (every
  statement a random learner and lesson, the worst case for index locality) and
  "sessions" (one learner working through a course, what a course player sends);
- GET latency (p50/p95) with an agent, a verb and an activity filter;
- a raw SQLite baseline (SQLite only): the same rows (statement row with its JSON, agent
  and activity index rows) inserted with ``sqlite3.executemany`` into the same tables and
  indexes, after the same pre-load, one transaction per batch of the same size, no HTTP,
  no validation, no Python objects: the floor the LRS's batch rate is compared with;
- with ``--ralph VENV`` (a virtualenv outside the repo with ``ralph-malph[lrs,cli]``), the
  same write phases, the same statements and clients against Ralph (uvicorn, FS backend,
  pinned to the same core), then a side-by-side table with the ratios and the targets.

    .venv/bin/python bench/lrs.py                          # 100,000 statements, SQLite
    .venv/bin/python bench/lrs.py --statements 1000000     # the full run
    .venv/bin/python bench/lrs.py --backend postgresql     # ATLAS_TEST_DATABASE_URL or :5432/test
    .venv/bin/python bench/lrs.py --endpoint https://lrs.example/xapi/ --user K --password S
    .venv/bin/python bench/lrs.py --ralph ../ralph-venv --no-reads  # side by side with Ralph

Every phase is bounded by a request count and a time limit. Beside each rate it prints the
server's CPU time per request (user + system of the server's processes from /proc, before
and after the phase) and the raw baseline's CPU per batch: on a shared machine the CPU per
request moves less than the rates do.
"""

import argparse
import base64
import http.client
import json
import logging
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

log = logging.getLogger("bench.lrs")
BIN = Path(sys.executable).parent
HOME = "https://campus.example"
VERBS = [f"http://adlnet.gov/expapi/verbs/{v}"
         for v in ("attempted", "experienced", "answered", "completed", "passed")]
START = datetime(2024, 1, 1, tzinfo=UTC)


class Corpus:
    """Deterministic statements: learners working through the lessons of 20 courses."""

    def __init__(self, total: int, seed: int):
        self.random = random.Random(seed)
        self.learners = max(50, total // 200)
        self.courses, self.lessons = 20, 12

    def learner(self, n: int) -> dict:
        return {"objectType": "Agent", "account": {"homePage": HOME, "name": f"l{n:07d}"}}

    def course(self, n: int) -> str:
        return f"{HOME}/xapi/activities/course/c{n:02d}"

    def lesson(self, course: int, lesson: int) -> str:
        return f"{self.course(course)}/module/m1/lesson/l{lesson:02d}"

    def statement(self, learner=None, course=None, registration=None) -> dict:
        r = self.random
        course = r.randrange(self.courses) if course is None else course
        lesson, verb = r.randrange(self.lessons), r.choice(VERBS)
        learner = r.randrange(self.learners) if learner is None else learner
        value = {
            "id": str(uuid.UUID(int=r.getrandbits(128), version=4)),
            "actor": self.learner(learner),
            "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[1]}},
            "object": {"objectType": "Activity", "id": self.lesson(course, lesson),
                       "definition": {"name": {"en-US": f"Lesson {lesson}",
                                               "de-DE": f"Lektion {lesson}"},
                                      "type": "http://adlnet.gov/expapi/activities/lesson"}},
            "context": {"registration": registration
                        or str(uuid.UUID(int=r.getrandbits(128), version=4)),
                        "contextActivities": {"parent": [{"id": self.course(course)}]},
                        "platform": "ATLAS Campus", "language": "de-DE"},
            "timestamp": (START + timedelta(seconds=r.randrange(10**7))).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
        }
        if verb in VERBS[2:]:
            value["result"] = {"score": {"scaled": round(r.random(), 2)},
                               "success": r.random() > 0.3, "duration": f"PT{r.randrange(600)}S"}
        return value

    def session(self, size: int) -> list[dict]:
        """One learner working through one course: what a course player sends in a batch."""
        r = self.random
        learner, course = r.randrange(self.learners), r.randrange(self.courses)
        registration = str(uuid.UUID(int=r.getrandbits(128), version=4))
        return [self.statement(learner, course, registration) for _ in range(size)]


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_url() -> str | None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(os.environ.get("ATLAS_TEST_DATABASE_URL")
                   or "postgresql+psycopg://127.0.0.1:5432/test")
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    rendered = url.render_as_string(hide_password=False)
    try:
        engine = create_engine(rendered, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - any failure means "not available"
        log.error("PostgreSQL is not available: %s", error)
        return None
    return rendered


@contextmanager
def database(backend: str, folder: Path):
    """Yield (SQLAlchemy URL for the app, description); drop the database afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'bench.db'}", "SQLite file (WAL)"
        return
    from sqlalchemy import create_engine, text

    base = postgres_url()
    if base is None:
        raise SystemExit("no PostgreSQL to benchmark against")
    schema = f"bench_lrs_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}", f"PostgreSQL schema {schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def atlas(env: dict, *args: str) -> str:
    result = subprocess.run([str(BIN / "atlas"), *args], env=env, cwd=ROOT, check=True,
                            capture_output=True, text=True)
    return result.stdout


def preload(url: str, total: int, batch: int = 1000) -> float:
    """Store ``total`` statements through the library, directly on the database."""
    from sqlalchemy import create_engine, event, text

    from lms.db import tune_sqlite
    from xapi.isotime import utcnow
    from xapi.lrs import LRS

    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", tune_sqlite)
    lrs = LRS(secret=b"preload")
    authority = {"objectType": "Agent", "account": {"homePage": HOME, "name": "preload"}}
    corpus = Corpus(total, seed=7)
    began, done = time.perf_counter(), 0
    while done < total:
        size = min(batch, total - done)
        with engine.begin() as conn:
            lrs.store(conn, [corpus.statement() for _ in range(size)], authority=authority,
                      version="2.0.0", now=utcnow())
        done += size
        if done % max(batch, total // 10) == 0:
            log.info("  pre-loaded %d statements", done)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - began


def pinned(cpu: int | None) -> list[str]:
    """``taskset -c CPU`` before a command, so a server runs on that one core."""
    if cpu is None:
        return []
    if shutil.which("taskset") is None:
        raise SystemExit("taskset is missing (util-linux); run with --no-pin")
    return ["taskset", "-c", str(cpu)]


def wait_until_up(process: subprocess.Popen, url: str, what: str) -> None:
    parts = urlsplit(url)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode} while starting")
        try:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
            connection.request("GET", parts.path)
            if connection.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not start")


#: The process of the server under load (taskset execs the server, so it is its pid).
SERVER: dict[str, int] = {}


@contextmanager
def running(command: list[str], env: dict, cwd: Path, probe: str, what: str):
    process = subprocess.Popen(command, env=env, cwd=cwd)
    try:
        wait_until_up(process, probe, what)
        SERVER["pid"] = process.pid
        yield process
    finally:
        SERVER.pop("pid", None)
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def atlas_server_command(args, port: int) -> tuple[list[str], str]:
    """The command line that serves the app, and how the report names it."""
    if args.server == "granian":
        command = [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1",
                   "--port", str(port), "--workers", str(args.workers),
                   "--blocking-threads", str(args.threads), "--runtime-mode", "st",
                   "--no-ws", "--log-level", "warning", "wsgi:app"]
        name = (f"granian --interface wsgi --workers {args.workers} "
                f"--blocking-threads {args.threads}")
    else:
        command = [str(BIN / "gunicorn"), "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                   "--log-level", "warning", "wsgi:app"]
        if args.threads > 1:
            command[1:1] = ["--threads", str(args.threads)]
        name = (f"gunicorn -w {args.workers}"
                f"{f' --threads {args.threads}' if args.threads > 1 else ''}")
    return pinned(args.server_cpu) + command, name


@contextmanager
def atlas_server(args, env: dict, port: int):
    command, _name = atlas_server_command(args, port)
    with running(command, env, ROOT, f"http://127.0.0.1:{port}/xapi/about", args.server):
        yield f"http://127.0.0.1:{port}/xapi/"


@contextmanager
def gunicorn(env: dict, port: int, workers: int, threads: int):
    """gunicorn serving the whole app (the learner-page and cluster benchmarks use it)."""
    command = [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", "wsgi:app"]
    if threads > 1:
        command[1:1] = ["--threads", str(threads)]
    with running(command, env, ROOT, f"http://127.0.0.1:{port}/xapi/about", "gunicorn"):
        yield f"http://127.0.0.1:{port}/xapi/"


# --- Ralph, the reference LRS (a separate virtualenv, never a project dependency) -----------

RALPH_USER, RALPH_PASSWORD = "bench", "bench-" + secrets.token_hex(8)


@contextmanager
def ralph_server(args, folder: Path):
    """Ralph (``ralph-malph[lrs,cli]``) with its file-system backend, pinned like the app.

    Served by uvicorn as Ralph's own image does (``uvicorn ralph.api:app``), one process,
    through ``bench/ralph_fs_app.py``, which makes the FS backend append (in Ralph 5.1 it
    refuses every write after the first). An empty store, since the FS backend reads the
    whole file for every POST (its duplicate-id check) and so slows down as it fills.
    """
    venv = Path(args.ralph)
    store = folder / "ralph-store"
    store.mkdir()
    env = {**os.environ, "RALPH_AUTH_FILE": str(folder / "ralph-auth.json"),
           "RALPH_RUNSERVER_BACKEND": "fs",
           "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(store),
           "RALPH_APP_DIR": str(folder / "ralph-app")}
    subprocess.run([str(venv / "bin" / "ralph"), "auth", "-u", RALPH_USER, "-p", RALPH_PASSWORD,
                    "-s", "all", "-A", "bench", HOME, "-w"], env=env, cwd=folder, check=True,
                   capture_output=True)
    port = free_port()
    command = pinned(args.server_cpu) + [
        str(venv / "bin" / "uvicorn"), "--app-dir", str(ROOT / "bench"), "ralph_fs_app:app",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        "--no-access-log"]
    with running(command, env, folder, f"http://127.0.0.1:{port}/whoami", "ralph"):
        yield f"http://127.0.0.1:{port}/xAPI/"


def ralph_version(args) -> str:
    result = subprocess.run([str(Path(args.ralph) / "bin" / "python"), "-c",
                             "import importlib.metadata as m; print(m.version('ralph-malph'))"],
                            capture_output=True, text=True, check=False)
    return result.stdout.strip() or "?"


# --- the load -----------------------------------------------------------------------------------


class Client:
    """One keep-alive connection; reconnects when the server closes it (gunicorn sync workers)."""

    def __init__(self, endpoint: str, user: str, password: str):
        parts = urlsplit(endpoint)
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname, parts.port
        self.path = parts.path if parts.path.endswith("/") else parts.path + "/"
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "2.0.0"}
        self.connection = None

    def _connect(self):
        kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        self.connection = kind(self.host, self.port, timeout=60)

    def request(self, method: str, resource: str, params=None, body=None) -> tuple[int, bytes]:
        path = self.path + resource + ("?" + urlencode(params) if params else "")
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            if self.connection is None:
                self._connect()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                continue
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            return response.status, data
        raise AssertionError("unreachable")


@dataclass
class Phase:
    name: str
    requests: int = 0
    statements: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    #: CPU seconds (user + system) the server's processes spent in the phase, or the raw
    #: baseline's own; None when not measured (``--endpoint``).
    cpu_seconds: float | None = None

    @property
    def cpu_ms_per_request(self) -> float | None:
        if self.cpu_seconds is None or not self.requests:
            return None
        return self.cpu_seconds * 1000 / self.requests

    def row(self) -> str:
        rate = f"{self.statements / self.seconds:,.0f}" if self.statements else "–"
        p50 = statistics.median(self.latencies) if self.latencies else 0.0
        p95 = percentile(self.latencies, 0.95) if self.latencies else 0.0
        cpu = self.cpu_ms_per_request
        return (f"{self.name:36} {self.requests:>8,} {self.errors:>6} {rate:>13} "
                f"{p50:8.1f} {p95:8.1f} {f'{cpu:.2f}' if cpu is not None else '–':>11}")


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_tree_cpu(pid: int | None) -> float | None:
    """CPU seconds (utime + stime, /proc/<pid>/stat) of a process and its live descendants.

    The server's workers (granian's, gunicorn's) live for the whole run, so the sum before
    and after a phase is what the server spent on it, whatever else shares its core.
    """
    if pid is None or not os.path.exists(f"/proc/{pid}/stat"):
        return None
    total, pending, seen = 0, [pid], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            with open(f"/proc/{current}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(child) for child in children.read().split()]
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    return total / _TICKS


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def write_load(name: str, args, endpoint: str, size: int, count: int, seed: int,
               session: bool = False, credentials: tuple[str, str] | None = None) -> Phase:
    """``args.concurrency`` threads POSTing batches of ``size`` until ``count`` requests or the
    time limit."""
    phase = Phase(name)
    lock = threading.Lock()
    # Bodies are made before the clock starts: the load generator shares the CPUs.
    corpus = Corpus(args.statements, seed=seed)
    bodies = []
    for _ in range(count):
        batch = corpus.session(size) if session else [corpus.statement() for _ in range(size)]
        bodies.append(json.dumps(batch if size > 1 else batch[0]).encode())
    deadline = time.monotonic() + args.seconds

    def worker(n: int):
        client = Client(endpoint, *(credentials or (args.user, args.password)))
        while time.monotonic() < deadline:
            with lock:
                if not bodies:
                    return
                body = bodies.pop()
            began = time.perf_counter()
            status, _data = client.request("POST", "statements", body=body)
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                phase.requests += 1
                phase.latencies.append(elapsed)
                if status == 200:
                    phase.statements += size
                else:
                    phase.errors += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.concurrency)]
    cpu_before = process_tree_cpu(SERVER.get("pid"))
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - began
    cpu_after = process_tree_cpu(SERVER.get("pid"))
    if cpu_before is not None and cpu_after is not None:
        phase.cpu_seconds = cpu_after - cpu_before
    return phase


def read_latency(args, endpoint: str) -> list[Phase]:
    """Sequential GETs with one filter each, values drawn from the pre-loaded corpus."""
    corpus = Corpus(args.statements, seed=7)
    rng = random.Random(11)
    client = Client(endpoint, args.user, args.password)
    cases = {
        "GET agent filter": lambda: {"agent": json.dumps(corpus.learner(
            rng.randrange(corpus.learners)))},
        "GET verb filter": lambda: {"verb": rng.choice(VERBS)},
        "GET activity filter": lambda: {"activity": corpus.lesson(
            rng.randrange(corpus.courses), rng.randrange(corpus.lessons))},
    }
    phases = []
    for name, make in cases.items():
        phase = Phase(f"{name} (limit {args.limit})")
        deadline = time.monotonic() + args.seconds
        began = time.perf_counter()
        while phase.requests < args.reads and time.monotonic() < deadline:
            params = {**make(), "limit": str(args.limit)}
            start = time.perf_counter()
            status, _data = client.request("GET", "statements", params=params)
            phase.latencies.append((time.perf_counter() - start) * 1000)
            phase.requests += 1
            phase.errors += status != 200
        phase.seconds = time.perf_counter() - began
        phases.append(phase)
    return phases


LOAD = {}


def write_phases(args, endpoint: str, credentials=None) -> list[Phase]:
    """Single POSTs, mixed batches, session batches: the same statements for every server."""
    log.info("load: single statements, %d clients", args.concurrency)
    single = write_load("POST 1 statement", args, endpoint, 1, args.singles, seed=1000,
                        credentials=credentials)
    log.info("load: batches of %d, %d clients", args.batch, args.concurrency)
    batches = write_load(f"POST batch of {args.batch}, mixed", args,
                         endpoint, args.batch, args.batches, seed=2000, credentials=credentials)
    log.info("load: session batches of %d, %d clients", args.batch, args.concurrency)
    sessions = write_load(f"POST batch of {args.batch}, sessions", args,
                          endpoint, args.batch, args.batches, seed=3000, session=True,
                          credentials=credentials)
    return [single, batches, sessions]


def run_load(args, endpoint: str) -> list[Phase]:
    LOAD["before"] = os.getloadavg()[0]
    writes = write_phases(args, endpoint)
    log.info("load: filtered GETs")
    reads = read_latency(args, endpoint)
    LOAD["after"] = os.getloadavg()[0]
    return [*writes, *reads]


def _raw_rows(seq: int, statement: dict, stored: str):
    """The rows the store writes for one statement, built the way the store builds them."""
    name = statement["actor"]["account"]["name"]
    actor_key = "account:" + json.dumps([HOME, name], separators=(",", ":"))
    lesson = statement["object"]["id"]
    course = statement["context"]["contextActivities"]["parent"][0]["id"]
    authority_key = "account:" + json.dumps([HOME, "bench"], separators=(",", ":"))
    document = {**statement, "stored": stored,
                "authority": {"objectType": "Agent",
                              "account": {"homePage": HOME, "name": "bench"}},
                "version": "2.0.0"}
    row = (seq, statement["id"], stored, statement["timestamp"], 1, statement["verb"]["id"],
           actor_key, "Activity", lesson, None, None, statement["context"]["registration"],
           authority_key, "2.0.0", 0, 0,
           json.dumps(document, ensure_ascii=False, separators=(",", ":")))
    agents = [(actor_key, 1, seq, 1), (authority_key, 0, seq, 64)]
    activities = [(lesson, 1, seq, 1), (course, 0, seq, 2)]
    return row, agents, activities


def raw_sqlite_baseline(folder: Path, preload_count: int, batches: int, size: int) -> Phase:
    """Statements per second SQLite itself manages for the same rows, indexes and
    transaction size (see the module docstring)."""
    import sqlite3

    from sqlalchemy import create_engine

    from xapi.store_sql import create_all_for_tests

    path = folder / "raw.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    create_all_for_tests(engine)
    engine.dispose()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA wal_autocheckpoint=10000")
    insert_statement = ("INSERT INTO xapi_statements (seq, id, stored, timestamp, "
                        "has_client_timestamp, verb_id, actor_key, object_type, "
                        "object_activity_id, object_agent_key, object_statement_ref, "
                        "registration, authority_key, version, is_voided, is_voiding, "
                        "statement) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
    insert_agents = ("INSERT INTO xapi_statement_agents (agent_key, is_direct, statement_seq,"
                     " roles) VALUES (?,?,?,?)")
    insert_activities = ("INSERT INTO xapi_statement_activities (activity_id, is_direct, "
                         "statement_seq, roles) VALUES (?,?,?,?)")
    corpus = Corpus(preload_count + batches * size, seed=4000)
    seq = 0

    def batch_rows(count: int):
        nonlocal seq
        stored = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        rows, agents, activities = [], [], []
        for _ in range(count):
            seq += 1
            row, a, b = _raw_rows(seq, corpus.statement(), stored)
            rows.append(row)
            agents += a
            activities += b
        return rows, agents, activities

    def write(rows, agents, activities):
        db.execute("BEGIN")
        db.executemany(insert_statement, rows)
        db.executemany(insert_agents, agents)
        db.executemany(insert_activities, activities)
        db.execute("COMMIT")

    for _ in range(0, preload_count, 1000):
        write(*batch_rows(1000))
    prepared = [batch_rows(size) for _ in range(batches)]  # built before the clock starts
    phase = Phase(f"raw SQLite, batches of {size}")
    cpu_before = time.thread_time()
    started = time.perf_counter()
    for rows, agents, activities in prepared:
        t0 = time.perf_counter()
        write(rows, agents, activities)
        phase.latencies.append((time.perf_counter() - t0) * 1000)
        phase.requests += 1
        phase.statements += size
    phase.seconds = time.perf_counter() - started
    phase.cpu_seconds = time.thread_time() - cpu_before
    db.close()
    return phase


def print_report(title: str, phases: list[Phase], load: tuple[float, float]) -> None:
    print(f"\n== {title}; {ARGS.concurrency} concurrent clients for the POSTs ==")
    print(f"load average before/after: {load[0]:.2f} / {load[1]:.2f} (other processes share "
          "the CPUs; the load generator runs on the same machine)")
    print(f"{'phase':36} {'requests':>8} {'errors':>6} {'statements/s':>13} "
          f"{'p50 ms':>8} {'p95 ms':>8} {'CPU ms/req':>11}")
    for phase in phases:
        print(phase.row())


def rate_of(phase: Phase | None) -> float | None:
    if phase is None or not phase.statements or not phase.seconds:
        return None
    return phase.statements / phase.seconds


#: Targets of issue 17: ATLAS ÷ Ralph per write phase, and batches ÷ raw SQLite.
RALPH_TARGETS = {"POST 1 statement": 10.0, "POST batch": 7.0}
RAW_TARGET = 0.80


def print_comparison(atlas_phases: list[Phase], ralph_phases: list[Phase] | None,
                     ralph_note: str) -> None:
    """The side-by-side table: ATLAS, Ralph, their ratio and the raw SQLite share.

    Beside the wall-clock rates, the server's CPU time per request (all its processes,
    from /proc) and, for batches, the raw baseline's CPU per batch as a share of it: on a
    shared machine CPU per request moves far less than the rates do.
    """
    by_name = {p.name: p for p in atlas_phases}
    ralph = {p.name: p for p in ralph_phases or ()}
    raw_phase = next((p for p in atlas_phases if p.name.startswith("raw SQLite")), None)
    raw = rate_of(raw_phase)
    raw_cpu = raw_phase.cpu_ms_per_request if raw_phase else None
    print(f"\n== side by side: {ralph_note} ==")
    print(f"{'phase':36} {'ATLAS/s':>9} {'Ralph/s':>9} {'ATLAS÷Ralph':>12} {'target':>7}  "
          f"{'of raw SQLite':>13} {'verdict':>7} {'CPU ms/req':>10} {'Ralph CPU':>9} "
          f"{'raw CPU ÷ ATLAS CPU':>19}")
    for name, phase in by_name.items():
        if not name.startswith("POST"):
            continue
        mine, theirs = rate_of(phase), rate_of(ralph.get(name))
        target = next(v for k, v in RALPH_TARGETS.items() if name.startswith(k))
        ratio = f"{mine / theirs:.1f}×" if mine and theirs else "–"
        verdict = ("met" if mine / theirs >= target else "missed") if mine and theirs else ""
        share = ""
        if raw and mine and name.startswith("POST batch"):
            share = f"{mine / raw:.0%} ({'met' if mine / raw >= RAW_TARGET else 'missed'})"
        cpu, their_cpu = phase.cpu_ms_per_request, None
        if name in ralph:
            their_cpu = ralph[name].cpu_ms_per_request
        cpu_share = ""
        if raw_cpu and cpu and name.startswith("POST batch"):
            cpu_share = f"{raw_cpu / cpu:.0%}"
        print(f"{name:36} {mine or 0:>9,.0f} {theirs or 0:>9,.0f} {ratio:>12} "
              f"{f'≥{target:.0f}×':>7}  {share:>13} {verdict:>7} "
              f"{f'{cpu:.2f}' if cpu is not None else '–':>10} "
              f"{f'{their_cpu:.2f}' if their_cpu is not None else '–':>9} {cpu_share:>19}")
    if raw:
        print(f"raw SQLite, same rows, indexes and batch size: {raw:,.0f} statements/s, "
              f"{raw_cpu or 0:.2f} ms CPU per batch (target: batches ≥ {RAW_TARGET:.0%} of "
              "its rate)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000,
                        help="statements pre-loaded before the measurements")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--server", choices=["gunicorn", "granian"], default="granian",
                        help="the WSGI server for the app (default granian)")
    parser.add_argument("--workers", type=int, default=1,
                        help="server worker processes (default 1: the server has one core)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker (gunicorn: >1 is the gthread worker; "
                        "granian: --blocking-threads)")
    cores = os.cpu_count() or 1
    parser.add_argument("--server-cpu", type=int, default=1 if cores > 1 else None,
                        help="run each server with taskset -c on this core (default 1)")
    parser.add_argument("--client-cpu", type=int, default=0 if cores > 1 else None,
                        help="pin the load generator to this core (default 0)")
    parser.add_argument("--no-pin", action="store_true", help="pin nothing")
    parser.add_argument("--ralph", default=os.environ.get("ATLAS_BENCH_RALPH_VENV"),
                        help="virtualenv with ralph-malph[lrs,cli]: also measure Ralph with "
                        "the same writes (default $ATLAS_BENCH_RALPH_VENV)")
    parser.add_argument("--no-reads", action="store_true", help="skip the GET phases")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients")
    parser.add_argument("--singles", type=int, default=5000, help="single POSTs at most")
    parser.add_argument("--batches", type=int, default=300, help="batch POSTs at most")
    parser.add_argument("--batch", type=int, default=100, help="statements per batch")
    parser.add_argument("--reads", type=int, default=300, help="GETs per filter at most")
    parser.add_argument("--limit", type=int, default=25, help="limit of each GET")
    parser.add_argument("--seconds", type=float, default=30, help="time limit of each phase")
    parser.add_argument("--endpoint", help="benchmark this LRS instead of starting one")
    parser.add_argument("--user", help="Basic auth user (key) for --endpoint")
    parser.add_argument("--password", help="Basic auth password (secret) for --endpoint")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    global ARGS
    ARGS = args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.no_pin:
        args.server_cpu = args.client_cpu = None
    if args.client_cpu is not None:
        os.sched_setaffinity(0, {args.client_cpu})  # the load generator, all its threads

    ralph_phases, ralph_note = None, "Ralph not measured (give --ralph VENV)"
    if args.endpoint:
        if not (args.user and args.password):
            parser.error("--endpoint needs --user and --password")
        phases = run_load(args, args.endpoint)
        title = f"{args.endpoint} (no pre-load: reads see what the write phases stored)"
    else:
        with tempfile.TemporaryDirectory() as folder, database(args.backend, Path(folder)) as (
            url, description
        ):
            port = free_port()
            env = {**os.environ, "ATLAS_DATABASE_URL": url,
                   "ATLAS_SECRET_KEY": secrets.token_urlsafe(32),
                   "ATLAS_BASE_URL": f"http://127.0.0.1:{port}", "ATLAS_LOG_LEVEL": "WARNING"}
            atlas(env, "db", "upgrade")
            created = json.loads(atlas(env, "lrs", "create-client", "bench", "--scope", "all",
                                       "--json"))
            args.user, args.password = created["key"], created["secret"]
            log.info("pre-loading %d statements into %s", args.statements, description)
            seconds = preload(url, args.statements)
            log.info("pre-loaded in %.0f s (%.0f statements/s through the library)",
                     seconds, args.statements / max(seconds, 1e-9))
            with atlas_server(args, env, port) as endpoint:
                if args.no_reads:
                    LOAD["before"] = os.getloadavg()[0]
                    phases = write_phases(args, endpoint)
                    LOAD["after"] = os.getloadavg()[0]
                else:
                    phases = run_load(args, endpoint)
            if args.backend == "sqlite":
                log.info("raw SQLite baseline: %d batches of %d", args.batches, args.batch)
                if args.server_cpu is not None:  # on the core the servers had
                    os.sched_setaffinity(0, {args.server_cpu})
                phases.append(raw_sqlite_baseline(Path(folder), args.statements,
                                                  args.batches, args.batch))
                if args.client_cpu is not None:
                    os.sched_setaffinity(0, {args.client_cpu})
            if args.ralph:
                log.info("Ralph %s (FS backend, empty store): the same writes",
                         ralph_version(args))
                with ralph_server(args, Path(folder)) as ralph_endpoint:
                    ralph_phases = write_phases(args, ralph_endpoint,
                                                credentials=(RALPH_USER, RALPH_PASSWORD))
                ralph_note = (f"Ralph {ralph_version(args)} (uvicorn, FS backend appending, "
                              "empty store), the same statements and clients")
            _command, server_name = atlas_server_command(args, port)
            pin = (f", servers on CPU {args.server_cpu}, load generator on CPU {args.client_cpu}"
                   if args.server_cpu is not None else "")
            title = (f"{description}, {args.statements:,} statements pre-loaded, "
                     f"{server_name}, {os.cpu_count()} CPUs{pin}")
    print_report(title, phases, (LOAD["before"], LOAD["after"]))
    if ralph_phases:
        print_report(ralph_note, ralph_phases, (LOAD["after"], os.getloadavg()[0]))
    print_comparison(phases, ralph_phases, ralph_note)
    if args.json:
        args.json.write_text(json.dumps([{
            "server": server, "phase": p.name, "requests": p.requests, "errors": p.errors,
            "statements_per_second": p.statements / p.seconds if p.statements else None,
            "p50_ms": statistics.median(p.latencies) if p.latencies else None,
            "p95_ms": percentile(p.latencies, 0.95) if p.latencies else None,
            "cpu_ms_per_request": p.cpu_ms_per_request,
        } for server, group in (("atlas", phases), ("ralph", ralph_phases or []))
            for p in group], indent=2))
    return 0


ARGS = argparse.Namespace(concurrency=8)

if __name__ == "__main__":
    sys.exit(main())
