"""Fixtures for the certificate tests: the real e-mobility course, learners, certificates."""

from datetime import UTC, datetime

import pytest

from lms.certificates import services
from tests.factories import make_member, make_organisation, make_user
from tests.lms.catalog.conftest import course_cache, import_real  # noqa: F401

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
COMPLETED = datetime(2026, 11, 19, 15, 30, tzinfo=UTC)


@pytest.fixture
def emobility(import_real):  # noqa: F811
    return import_real("e-mobility")[0].version


@pytest.fixture
def learner(app):
    organisation = make_organisation(name="Muster Antriebstechnik GmbH")
    return make_member(organisation, name="Jürgen Öztürk-Weiß")


@pytest.fixture
def certificate(learner, emobility):
    return services.issue_certificate(learner, emobility, COMPLETED, NOW)


@pytest.fixture
def other_learner(app):
    return make_user(name="Berta Beispiel")
