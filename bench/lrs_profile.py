"""Where a POST to /xapi/statements spends its time: one process, no HTTP server, cProfile.

Sets up the app as ``bench/lrs.py`` does (a temporary SQLite file, ``atlas db upgrade``, a
client with every scope, statements pre-loaded through the library), then sends requests
straight into the WSGI app (``app.wsgi_app`` with a prepared environ, so the test client's
own work is not counted) and prints the time per request split by step:

    .venv/bin/python bench/lrs_profile.py                      # single POSTs and batches of 100
    .venv/bin/python bench/lrs_profile.py --pstats /tmp/p.out  # also keep the raw profile

The steps are cumulative times of the functions that do them (``--top`` prints the rest).
The unprofiled half is reported in CPU time of this process (``time.process_time``), best of
five rounds, which a busy machine disturbs less than wall-clock time.
"""

import argparse
import base64
import cProfile
import gc
import io
import json
import os
import pstats
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from lrs import Corpus, atlas, preload  # noqa: E402

#: (step, [(module path fragment, function name), ...]): the functions whose cumulative time
#: makes up each step. A function called inside another step's function is counted there.
STEPS = [
    ("prepare: version, alternate syntax, headers", [("lms/lrs/blueprint.py", "prepare_request")]),
    ("  of which authentication (1 SELECT, HMAC)", [("lms/lrs/auth.py", "authenticate")]),
    ("parse JSON (depth and surrogate checks)",
     [("lms/lrs/statements_views.py", "read_statements")]),
    ("validate", [("xapi/validation/__init__.py", "validate_statement"),
                  ("xapi/validation/__init__.py", "validate_statements")]),
    ("attachments and signatures", [("lms/lrs/statements_views.py", "check_attachments")]),
    ("voiding permission", [("lms/lrs/statements_views.py", "refuse_foreign_voiding")]),
    ("store (SQL)", [("xapi/lrs.py", "store")]),
    ("projection hook", [("lms/lrs/embedded.py", "announce_stored")]),
    ("commit", [("sqlalchemy/orm/scoping.py", "commit")]),
    ("response body", [("lms/lrs/headers.py", "json_response")]),
    ("after-request hooks (headers)", [("flask/app.py", "process_response")]),
]


def environ_for(body: bytes, user: str, password: str) -> dict:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {
        "REQUEST_METHOD": "POST", "SCRIPT_NAME": "", "PATH_INFO": "/xapi/statements",
        "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.version": (1, 0),
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False, "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_X_EXPERIENCE_API_VERSION": "2.0.0",
        "HTTP_HOST": "127.0.0.1",
    }


def run(app, bodies: list[bytes], user: str, password: str, profile: cProfile.Profile | None):
    statuses = []

    def start_response(status, _headers, _exc_info=None):
        statuses.append(status)

    began = time.perf_counter()
    for body in bodies:
        environ = environ_for(body, user, password)
        if profile:
            profile.enable()
        result = app(environ, start_response)
        b"".join(result)
        if hasattr(result, "close"):
            result.close()
        if profile:
            profile.disable()
    elapsed = time.perf_counter() - began
    bad = [s for s in statuses if not s.startswith("200")]
    if bad:
        raise SystemExit(f"{len(bad)} requests failed, e.g. {bad[0]}")
    return elapsed


def breakdown(profile: cProfile.Profile, requests: int, total: float, top: int) -> None:
    stats = pstats.Stats(profile)
    by_function = {}
    for (path, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        by_function.setdefault((path, name), 0.0)
        by_function[(path, name)] += ct
    print(f"{'step':48} {'ms/request':>10} {'share':>6}")
    for step, functions in STEPS:
        seconds = sum(ct for (path, name), ct in by_function.items()
                      if any(path.endswith(f) and name == n for f, n in functions))
        print(f"{step:48} {seconds / requests * 1000:>10.3f} {seconds / total:>6.0%}")
    print(f"{'whole request in the WSGI app (profiled)':48} {total / requests * 1000:>10.3f}")
    if top:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(top)
        print(out.getvalue())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=20_000, help="pre-loaded")
    parser.add_argument("--singles", type=int, default=2000)
    parser.add_argument("--batches", type=int, default=60)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--top", type=int, default=0, help="also print the N costliest functions")
    parser.add_argument("--pstats", type=Path,
                        help="write the profiles here (.1 and .100 before the suffix)")
    parser.add_argument("--gc", choices=["default", "freeze", "off"], default="default",
                        help="the cyclic collector: as is, frozen after start-up like wsgi.py "
                        "on main (gc.collect(); gc.freeze()), or off (the upper bound of "
                        "its cost)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'profile.db'}"
        env = {**os.environ, "ATLAS_DATABASE_URL": url,
               "ATLAS_SECRET_KEY": secrets.token_urlsafe(32),
               "ATLAS_BASE_URL": "http://127.0.0.1:5000", "ATLAS_LOG_LEVEL": "WARNING"}
        atlas(env, "db", "upgrade")
        created = json.loads(atlas(env, "lrs", "create-client", "bench", "--scope", "all",
                                   "--json"))
        preload(url, args.statements)
        os.environ.update(env)
        from lms import create_app

        app = create_app()
        if args.gc == "freeze":
            gc.collect()
            gc.freeze()
        elif args.gc == "off":
            gc.disable()
        user, password = created["key"], created["secret"]
        for label, size, count, seed in (("single POSTs", 1, args.singles, 1000),
                                         (f"batches of {args.batch}", args.batch, args.batches,
                                          2000)):
            corpus = Corpus(args.statements, seed=seed)
            warm = [json.dumps(corpus.statement()).encode() for _ in range(20)]
            run(app, warm, user, password, None)
            bodies = [json.dumps(corpus.statement() if size == 1 else
                                 [corpus.statement() for _ in range(size)]).encode()
                      for _ in range(count)]
            # the best of five rounds: other processes on the machine only ever add time
            rounds, per_round = [], max(1, count // 2 // 5)
            for start in range(0, per_round * 5, per_round):
                began = time.process_time()
                wall = run(app, bodies[start:start + per_round], user, password, None)
                rounds.append((time.process_time() - began, wall))
            cpu, plain = min(rounds)
            cpu, plain = cpu * (count // 2) / per_round, plain * (count // 2) / per_round
            profile = cProfile.Profile()
            profiled = run(app, bodies[count // 2:], user, password, profile)
            half = count - count // 2
            print(f"\n== {label}: {count // 2} unprofiled requests: "
                  f"{cpu / (count // 2) * 1000:.2f} ms CPU/request, "
                  f"{count // 2 * size / cpu:,.0f} statements per CPU second "
                  f"({plain / (count // 2) * 1000:.2f} ms wall); {half} profiled ==")
            breakdown(profile, half, profiled, args.top)
            if args.pstats:
                profile.dump_stats(args.pstats.with_suffix(f".{size}{args.pstats.suffix}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
