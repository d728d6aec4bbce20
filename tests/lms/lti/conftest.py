"""Fixtures of the LTI tests: a small published course, the platform simulator, a registration."""

from pathlib import Path

import pytest

from authoring.scaffold import new_course
from lms.catalog import services as catalog
from lms.db import utcnow
from lms.extensions import db
from lms.lti import registrations
from tests.factories import make_organisation, make_user
from tests.lms.lti.platform import Platform

SLUG = "lti-kurs"
MODULE = "einfuehrung"
LESSONS = ("lti-kurs-einstieg", "lti-kurs-vertiefung")


def write_course(root: Path) -> Path:
    """A course of two plain lessons in one module, completed when both are done."""
    folder = new_course(root / SLUG, title="Hochvolt kompakt")
    module = folder / "modules" / "01-einfuehrung"
    for name in ("02-quiz.md", "03-praxis.md", "04-abschlusstest.md"):
        (module / name).unlink()
    first = (module / "01-einstieg.md").read_text(encoding="utf-8")
    (module / "02-vertiefung.md").write_text(
        first.replace("id: lti-kurs-einstieg", "id: lti-kurs-vertiefung")
        .replace("title: Einstieg", "title: Vertiefung").replace("# Einstieg", "# Vertiefung"),
        encoding="utf-8")
    course = (folder / "course.yml").read_text(encoding="utf-8")
    course = course.replace("  quizzes: passed\n  assessment: passed\n  sessions: 1\n", "")
    course = course.replace("  enabled: true", "  enabled: false")
    (folder / "course.yml").write_text(course, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def lti_course_dir(tmp_path_factory) -> Path:
    return write_course(tmp_path_factory.mktemp("lti-course"))


@pytest.fixture
def lti_course(app, lti_course_dir):
    result = catalog.import_course(lti_course_dir, None, utcnow(), publish=True)
    db.session.commit()
    return result.version.course


@pytest.fixture
def tool_keys(client):
    """The tool's JWKS as a platform reads it (creates the first key)."""
    return lambda: client.get("/lti/jwks").get_json()


@pytest.fixture
def platform(app, client):
    jwks = client.get("/lti/jwks").get_json()
    with Platform(tool_jwks=lambda: jwks) as simulator:
        yield simulator


@pytest.fixture
def admin(app):
    return make_user(email="admin@atlas.example", is_admin=True)


@pytest.fixture
def organisation(app):
    return make_organisation(name="Zulieferer Müller GmbH")


@pytest.fixture
def registration(app, platform, admin, organisation):
    data = registrations.RegistrationData(organisation_id=organisation.id,
                                          **platform.registration_fields())
    saved = registrations.save_registration(admin, data, utcnow())
    db.session.commit()
    return saved
