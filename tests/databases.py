"""Fresh, isolated test databases: a SQLite file, or a PostgreSQL schema of its own.

The suite runs on SQLite unless ATLAS_TEST_DATABASE_URL names a PostgreSQL database;
each database made here is dropped again when its fixture ends.
"""

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def test_database_url() -> str | None:
    return os.environ.get("ATLAS_TEST_DATABASE_URL") or None


def backend_name() -> str:
    url = test_database_url()
    return make_url(url).get_backend_name() if url else "sqlite"


def _with_driver(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@contextmanager
def fresh_database(folder: Path):
    """Yield the URL of an empty database; drop it afterwards."""
    base = test_database_url()
    if base is None:
        yield f"sqlite:///{folder / f'test-{uuid.uuid4().hex[:8]}.db'}"
        return
    base = _with_driver(base)
    schema = f"atlas_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
