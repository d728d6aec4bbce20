"""Fixtures for the API tests: two companies with data, and tokens for company A."""

from datetime import timedelta

import pytest

from lms.api import tokens
from lms.db import utcnow
from tests.lms.api.world import build_world

ALL_SCOPES = ["people:read", "assignments:read", "assignments:write", "completions:read",
              "qualifications:read", "qualifications:write"]


@pytest.fixture
def world(import_real):  # noqa: F811
    return build_world(import_real("e-mobility")[0].version)


@pytest.fixture
def make_token(world):
    """``make_token(scopes=…, organisation=…, manager=…)`` → (token row, secret)."""

    def make(scopes=ALL_SCOPES, organisation=None, manager=None, expires_at=None):
        now = utcnow()
        return tokens.create_token(
            manager or world.manager, organisation or world.org_a, "HR-System", list(scopes),
            expires_at or now + timedelta(days=30), now)

    return make


@pytest.fixture
def bearer(make_token):
    _token, secret = make_token()
    return {"Authorization": f"Bearer {secret}"}

