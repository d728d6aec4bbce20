"""Bytes per stored xAPI statement in PostgreSQL, for the sizing in docs/deployment.md.

Creates a PostgreSQL schema (ATLAS_TEST_DATABASE_URL or 127.0.0.1:5432/test), applies the
migrations, stores N statements of bench/lrs.py's generator (learners working through the
lessons of 20 courses: lesson attempts, answers with scores, completions) through the LRS
library exactly as the LRS stores them, runs VACUUM ANALYZE and prints the size of every
LRS table with its indexes (pg_total_relation_size) divided by N.

    .venv/bin/python bench/statement_size.py                  # 50,000 statements
    .venv/bin/python bench/statement_size.py --statements 200000
"""

import argparse
import logging
import os
import secrets
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.lrs import atlas, database, preload  # noqa: E402

TABLES = ("xapi_statements", "xapi_statement_agents", "xapi_statement_activities",
          "xapi_statement_refs", "xapi_activities")


def measure(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for table in TABLES:
            connection.execute(text(f"VACUUM ANALYZE {table}"))
        sizes = {table: connection.execute(
            text("SELECT pg_total_relation_size(CAST(:t AS regclass))"), {"t": table}).scalar()
            for table in TABLES}
        sizes["rows"] = connection.execute(text("SELECT count(*) FROM xapi_statements")).scalar()
    engine.dispose()
    return sizes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=50_000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with tempfile.TemporaryDirectory() as folder, \
            database("postgresql", Path(folder)) as (url, description):
        env = {**os.environ, "ATLAS_DATABASE_URL": url, "ATLAS_INSTANCE_DIR": folder,
               "ATLAS_SECRET_KEY": secrets.token_urlsafe(32), "ATLAS_LOG_LEVEL": "WARNING"}
        atlas(env, "db", "upgrade")
        seconds = preload(url, args.statements)
        sizes = measure(url)
    rows = sizes.pop("rows")
    total = sum(sizes.values())
    print(f"{description}: {rows:,} statements stored in {seconds:.0f} s")
    for table, size in sizes.items():
        print(f"  {table:28s} {size / 1024 / 1024:8.1f} MiB  {size / rows:7.0f} bytes/statement")
    print(f"  {'all LRS tables and indexes':28s} {total / 1024 / 1024:8.1f} MiB  "
          f"{total / rows:7.0f} bytes/statement")
    return 0


if __name__ == "__main__":
    sys.exit(main())
