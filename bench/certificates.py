"""Benchmark of certificate PDFs: first and warm render, and 500 certificates as one zip.

Imports the e-mobility course into a throwaway SQLite database, issues certificates to the
members of one company, then renders PDFs (first = cold process, incl. font loading) and
downloads the company's zip through the real endpoint, streamed. Prints times, the zip size,
the process's peak RSS and the Python heap peak while zipping (tracemalloc, a second run).
Warm renders are also given as CPU time of this process, which other load on the machine
disturbs less than wall time; the load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import csrf_token_from, make_test_app  # noqa: E402 - after the path setup


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def download_zip(client, query: str = "") -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(f"/company/certificates.zip{query}", buffered=False)
    size = sum(len(chunk) for chunk in response.iter_encoded())
    response.close()
    return time.perf_counter() - started, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--certificates", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        app = make_test_app(f"sqlite:///{tmp}/bench.db", Path(tmp) / "instance",
                            WTF_CSRF_ENABLED=True, SERVER_NAME=None)
        with app.app_context():
            from lms.catalog import services as catalog
            from lms.certificates import services
            from lms.db import utcnow
            from lms.extensions import db
            from tests.factories import make_member, make_organisation

            now = utcnow()
            version = catalog.import_course(ROOT / "courses" / "e-mobility", None, now).version
            organisation = make_organisation(name="Bench Metall GmbH")
            make_member(organisation, role="manager", email="manager@bench.example")
            started = time.perf_counter()
            for n in range(args.certificates):
                learner = make_member(organisation, name=f"Lernende Person {n:04d}")
                services.issue_certificate(learner, version, now - timedelta(days=1), now)
            db.session.commit()
            issue_ms = (time.perf_counter() - started) * 1000 / args.certificates
            certificate = db.session.scalars(services.current_certificates_query()).first()

            from lms.certificates.pdf import render_certificate_pdf

            started = time.perf_counter()
            render_certificate_pdf(certificate)
            first_ms = (time.perf_counter() - started) * 1000
            warm, warm_cpu = [], []
            for _ in range(args.rounds):
                started, started_cpu = time.perf_counter(), time.process_time()
                pdf = render_certificate_pdf(certificate)
                warm.append((time.perf_counter() - started) * 1000)
                warm_cpu.append((time.process_time() - started_cpu) * 1000)

        client = app.test_client()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"email": "manager@bench.example",
                                    "password": "correct horse battery", "csrf_token": token})
        rss_before = peak_rss_mib()
        zip_seconds, zip_size = download_zip(client)
        rss_after = peak_rss_mib()

        tracemalloc.start()
        heap_seconds, heap_size = download_zip(client)  # the same zip again, traced
        heap_peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()

    print(f"issue (sign + store), per certificate: {issue_ms:.1f} ms")
    print(f"PDF first (cold process): {first_ms:.0f} ms; size {len(pdf) / 1024:.0f} KiB")
    print(f"PDF warm: median {statistics.median(warm):.1f} ms, "
          f"min {min(warm):.1f} ms, max {max(warm):.1f} ms over {args.rounds} renders "
          f"(CPU time: median {statistics.median(warm_cpu):.1f} ms)")
    print(f"zip of {args.certificates}: {zip_seconds:.1f} s "
          f"({zip_seconds * 1000 / args.certificates:.0f} ms per certificate), "
          f"{zip_size / 2**20:.1f} MiB")
    print(f"peak RSS: {rss_before:.0f} MiB before the zip, {rss_after:.0f} MiB after")
    print(f"Python heap peak while zipping ({heap_size / 2**20:.1f} MiB zip, tracemalloc, "
          f"{heap_seconds:.1f} s): {heap_peak:.1f} MiB")
    print(f"load average (1 min): {load_before:.2f} at the start, "
          f"{os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
