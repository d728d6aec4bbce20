"""Studio test fixtures: courses imported from folders (so with drafts), users with rights."""

import pytest

from authoring.cache import MemoryCache
from authoring.scaffold import new_course
from lms.catalog import services, trainers
from lms.db import utcnow
from tests.conftest import csrf_token_from
from tests.factories import make_user


@pytest.fixture(scope="session")
def studio_cache() -> MemoryCache:
    return MemoryCache()


@pytest.fixture
def courses(app, tmp_path, studio_cache):
    """Two scaffolded courses, ``kurs-a`` and ``kurs-b``, imported (so each has a draft)."""
    result = {}
    for slug in ("kurs-a", "kurs-b"):
        root = new_course(tmp_path / slug, slug)
        imported = services.import_course(root, None, utcnow(), cache=studio_cache)
        result[slug] = imported.version.course
    return result


@pytest.fixture
def people(app, courses):
    """An admin, a trainer of kurs-a only, and a learner."""
    admin = make_user(email="admin@example.org", is_admin=True)
    trainer = make_user(email="trainer@example.org", is_trainer=True)
    learner = make_user(email="learner@example.org")
    trainers.grant_course_trainer(None, courses["kurs-a"], trainer, utcnow())
    return {"admin": admin, "trainer": trainer, "learner": learner}


class Studio:
    """Drives the studio pages like a browser would, with the page's CSRF token."""

    def __init__(self, client):
        self.client = client

    def token(self, path="/studio/kurs-a"):
        return csrf_token_from(self.client.get(path).get_data(as_text=True))

    def save(self, slug, path, content):
        return self.client.post(f"/studio/{slug}/edit", data={
            "path": path, "content": content, "action": "save",
            "csrf_token": self.token(f"/studio/{slug}")})

    def publish(self, slug, version):
        return self.client.post(f"/studio/{slug}/publish", data={
            "version": version, "csrf_token": self.token(f"/studio/{slug}")})


@pytest.fixture
def studio(client):
    return Studio(client)
