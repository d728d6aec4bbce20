"""A committed installation with real data, for backup, restore and upgrade tests.

These tests cannot run in the per-test rolled-back transaction: pg_dump, SQLite's backup
API and a second process only see committed rows. Each builds its own databases with
tests.databases.fresh_database and drops them afterwards.
"""

import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, text

from authoring.cache import MemoryCache
from lms import create_app
from lms.extensions import db
from tests.fixtures.courses import COURSES

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
COMPLETED = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
HOME = "https://campus.example"


def bare_app(database_url: str, instance: Path, **overrides):
    """An app on ``database_url`` without running the migrations (an empty installation)."""
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "RATELIMIT_STORAGE_URI": "memory://",
        "ATLAS_BASE_URL": "http://localhost",
        "SERVER_NAME": "localhost",
    }
    config.update(overrides)
    return create_app(config)


def statement(learner_email: str, lesson: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": f"mailto:{learner_email}"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered",
                 "display": {"de-DE": "beantwortet"}},
        "object": {"objectType": "Activity",
                   "id": f"{HOME}/xapi/activities/course/e-mobility/lesson/l{lesson:02d}"},
        "result": {"success": True, "score": {"scaled": 0.8}},
        "timestamp": "2026-11-30T14:00:00.000Z",
    }


def make_data() -> dict:
    """Users, an organisation, enrolments, statements and a certificate; committed."""
    from lms.catalog import services as catalog
    from lms.certificates import services as certificates
    from lms.learning.enrolment import enrol
    from tests.factories import make_member, make_organisation, make_user
    from xapi.lrs import LRS

    admin = make_user(name="Anna Admin", is_admin=True)
    organisation = make_organisation(name="Sauerland Metall GmbH")
    learners = [make_member(organisation, name=f"Lena Lernende {n}") for n in range(3)]
    result = catalog.import_course(COURSES / "e-mobility", None, NOW, publish=True,
                                   cache=MemoryCache())
    course = result.version.course
    for learner in learners:
        enrol(learner, course, admin, NOW)
    db.session.flush()
    statements = [statement(learners[n % 3].email, n) for n in range(12)]
    LRS(secret=b"test").store(db.session.connection(), statements,
                              authority={"objectType": "Agent",
                                         "account": {"homePage": HOME, "name": "test"}},
                              now=NOW)
    certificate = certificates.issue_certificate(learners[0], result.version, COMPLETED, NOW)
    db.session.commit()
    return {
        "emails": sorted(u.email for u in [admin, *learners]),
        "statement_ids": sorted(s["id"] for s in statements),
        "certificate": certificate.number,
        "course": course.slug,
    }


def found_data() -> dict:
    """What the current database holds, in the shape make_data() returns."""
    from lms.accounts.models import User
    from lms.certificates.models import Certificate
    from lms.certificates.signing import verify
    from lms.learning.models import Enrolment

    certificates = list(db.session.scalars(select(Certificate)))
    return {
        "emails": sorted(db.session.scalars(select(User.email))),
        "enrolments": db.session.scalar(select(func.count()).select_from(Enrolment)),
        "statement_ids": sorted(db.session.execute(
            text("SELECT id FROM xapi_statements")).scalars()),
        "certificates": {c.number: verify(c.payload, c.signature) for c in certificates},
    }
