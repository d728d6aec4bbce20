"""The migration to accounts without e-mail: reserved placeholders become NULL, and back.

Runs the real migrations on a fresh database (SQLite file or PostgreSQL schema).
"""

from datetime import UTC, datetime

import flask_migrate
import pytest
import sqlalchemy as sa

from lms.extensions import db
from tests.databases import fresh_database
from tests.lms.test_migration_due_dates import _app, _insert

BEFORE = "c4e8a2f6b9d1"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _user(connection, number, email):
    _insert(connection, "users", id=number, email=email, name=f"U{number}",
            password_hash="x", locale="de", pseudonym=f"p{number}", is_active_account=True,
            is_admin=False, is_trainer=False, created_at=NOW, updated_at=NOW)


def test_placeholders_become_null_and_real_addresses_stay_unique(tmp_path):
    with fresh_database(tmp_path) as url:
        app = _app(url, tmp_path / "instance")
        try:
            with app.app_context():
                flask_migrate.upgrade(revision=BEFORE)
                with db.engine.begin() as connection:
                    _user(connection, 1, "lena@example.org")
                    _user(connection, 2, "0f3a@no-mail.invalid")
                    _user(connection, 3, "anonymised-9c1d@no-mail.invalid")
                flask_migrate.upgrade(revision="heads")
                users = sa.Table("users", sa.MetaData(), autoload_with=db.engine)
                with db.engine.connect() as connection:
                    emails = dict(connection.execute(sa.select(users.c.id, users.c.email)).all())
                assert emails == {1: "lena@example.org", 2: None, 3: None}
                with db.engine.begin() as connection:
                    _user(connection, 4, None)  # several accounts without e-mail
                with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
                    _user(connection, 5, "lena@example.org")
                db.session.remove()
                flask_migrate.downgrade(revision=BEFORE)
                with db.engine.connect() as connection:
                    users = sa.Table("users", sa.MetaData(), autoload_with=connection)
                    emails = dict(connection.execute(sa.select(users.c.id, users.c.email)).all())
                assert emails[1] == "lena@example.org"
                assert all(emails[n].endswith("@no-mail.invalid") for n in (2, 3, 4))
        finally:
            with app.app_context():
                for engine in db.engines.values():
                    engine.dispose()
