"""Benchmark of the studio's live preview: POST /studio/<slug>/preview after one edit.

Imports a course from courses/ into a throwaway SQLite database (the import takes it as the
draft), then posts the lesson with one changed word, as the editor does after a typing pause.
Prints the cold and the warm request times (the warm one is what a trainer waits for).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import csrf_token_from, make_test_app  # noqa: E402 - after the path setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--course", default="e-mobility")
    parser.add_argument("--lesson", default="modules/01-antriebe-im-wandel/01-antriebsarten.md")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = make_test_app(f"sqlite:///{tmp}/bench.db", Path(tmp) / "instance",
                            WTF_CSRF_ENABLED=True, SERVER_NAME=None)
        with app.app_context():
            from lms.catalog import services
            from lms.db import utcnow
            from lms.extensions import db
            from tests.factories import make_user

            services.import_course(ROOT / "courses" / args.course, None, utcnow())
            make_user(email="admin@bench.example", is_admin=True)
            db.session.commit()
        client = app.test_client()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"email": "admin@bench.example",
                                    "password": "correct horse battery", "csrf_token": token})
        page = client.get(f"/studio/{args.course}/edit?path={args.lesson}")
        token = csrf_token_from(page.get_data(as_text=True))
        source = (ROOT / "courses" / args.course / args.lesson).read_text(encoding="utf-8")

        def preview(text: str) -> float:
            started = time.perf_counter()
            response = client.post(f"/studio/{args.course}/preview",
                                   data={"path": args.lesson, "content": text},
                                   headers={"X-CSRFToken": token})
            assert response.status_code == 200, response.status_code
            return (time.perf_counter() - started) * 1000

        cold = preview(source)
        warm = [preview(source.replace("Überblick", f"Überblick {n}", 1))
                for n in range(args.rounds)]
        print(f"studio preview of {args.course}/{args.lesson}")
        print(f"  first request (cold render cache): {cold:7.1f} ms")
        print(f"  after one edit, median of {args.rounds}:   {statistics.median(warm):7.1f} ms "
              f"(max {max(warm):.1f} ms)")


if __name__ == "__main__":
    main()
