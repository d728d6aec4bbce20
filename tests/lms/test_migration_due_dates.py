"""The due-date migration keeps the day people chose; token expiry moves to the Berlin day.

Runs the real migrations on a fresh database (SQLite file or PostgreSQL schema): up to
the revision before, rows as the old code wrote them, then the upgrade.
"""

from datetime import UTC, date, datetime

import flask_migrate
import sqlalchemy as sa

from lms import create_app
from lms.extensions import db
from tests.databases import fresh_database

BEFORE = "f5d9b3e7c2a8"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _app(url, instance):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                       "INSTANCE_PATH": str(instance), "SECRET_KEY": "x" * 32,
                       "RATELIMIT_STORAGE_URI": "memory://",
                       "ATLAS_BASE_URL": "http://localhost", "SERVER_NAME": "localhost"})


def _insert(connection, table_name, **values):
    table = sa.Table(table_name, sa.MetaData(), autoload_with=connection)
    connection.execute(table.insert().values(**values))


def test_due_dates_keep_the_chosen_day_and_tokens_end_with_the_berlin_day(tmp_path):
    with fresh_database(tmp_path) as url:
        app = _app(url, tmp_path / "instance")
        try:
            with app.app_context():
                flask_migrate.upgrade(revision=BEFORE)
                with db.engine.begin() as connection:
                    stamps = {"created_at": NOW, "updated_at": NOW}
                    _insert(connection, "users", id=1, email="a@example.org", name="A",
                            password_hash="x", locale="de", pseudonym="p1",
                            is_active_account=True, is_admin=False, is_trainer=False,
                            **stamps)
                    _insert(connection, "organisations", id=1, name="O", city="", **stamps)
                    _insert(connection, "courses", id=1, slug="c", subject="e-mobility",
                            level="beginner", **stamps)
                    _insert(connection, "course_versions", id=1, course_id=1,
                            version="1.0.0", digest="sha256:" + "0" * 64, package="{}",
                            title_de="C", title_en="", description_de="",
                            description_en="", search_text="", subject="e-mobility",
                            level="beginner", languages="de", imported_at=NOW,
                            is_published=True)
                    # the web form stored 23:59:59 UTC of the chosen day, the API 00:00 UTC
                    _insert(connection, "enrolments", id=1, user_id=1, course_id=1,
                            course_version_id=1, registration="r-1", status="active",
                            source="assigned", enrolled_at=NOW, last_position=0.0,
                            due_at=datetime(2026, 12, 21, 23, 59, 59, tzinfo=UTC))
                    _insert(connection, "assignments", id=1, organisation_id=1, course_id=1,
                            user_id=1, has_reminders=True, created_at=NOW,
                            due_at=datetime(2027, 3, 28, 0, 0, tzinfo=UTC))
                    _insert(connection, "api_tokens", id=1, organisation_id=1, name="HR",
                            prefix="atlas_ab", token_hash="h" * 64, scopes="people:read",
                            created_at=NOW,
                            expires_at=datetime(2027, 12, 7, 23, 59, 59, tzinfo=UTC))
                flask_migrate.upgrade(revision="heads")
                with db.engine.connect() as connection:
                    enrolments = sa.Table("enrolments", sa.MetaData(), autoload_with=connection)
                    assignments = sa.Table("assignments", sa.MetaData(),
                                           autoload_with=connection)
                    assert connection.execute(sa.select(enrolments.c.due_on)).scalar_one() \
                        == date(2026, 12, 21)
                    assert connection.execute(sa.select(assignments.c.due_on)).scalar_one() \
                        == date(2027, 3, 28)
                    assert "due_at" not in enrolments.c and "due_at" not in assignments.c
                from lms.api.models import ApiToken
                from lms.local_time import LOCAL_ZONE

                token = db.session.get(ApiToken, 1)
                assert token.expires_at.astimezone(LOCAL_ZONE).replace(tzinfo=None) == \
                    datetime(2027, 12, 7, 23, 59, 59)
                db.session.remove()
                flask_migrate.downgrade(revision=BEFORE)  # and back, keeping the days
                with db.engine.connect() as connection:
                    enrolments = sa.Table("enrolments", sa.MetaData(), autoload_with=connection)
                    due_at = connection.execute(sa.select(enrolments.c.due_at)).scalar_one()
                    if isinstance(due_at, str):
                        due_at = datetime.fromisoformat(due_at)
                    assert due_at.date() == date(2026, 12, 21)
        finally:
            with app.app_context():
                for engine in db.engines.values():
                    engine.dispose()
