"""The OpenAPI document matches the implementation: schemathesis calls every GET operation."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from lms.extensions import db

READ_SCOPES = ["people:read", "assignments:read", "completions:read"]


@pytest.fixture
def read_secret(make_token):
    _token, secret = make_token(scopes=READ_SCOPES)
    return secret


@pytest.fixture
def api_schema(app, world, read_secret, monkeypatch):
    # Views roll back on errors; commit the fixtures into the test's outer transaction
    # (still rolled back at the end) so a rolled-back request cannot take them along.
    db.session.commit()
    monkeypatch.setitem(app.config, "ATLAS_API_RATE_LIMIT", "100000 per minute")
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app).include(method="GET")


def test_document_is_served_and_lists_operations(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {"/people", "/people/{person_id}", "/assignments",
                                      "/completions"}
    assert "post" in document["paths"]["/assignments"]


def test_get_operations_conform(api_schema, read_secret):
    """No 5xx, documented status codes, content types, headers and bodies (schemathesis'
    default checks) for generated requests to every GET operation."""
    headers = {"Authorization": f"Bearer {read_secret}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 4
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers=headers)

        check()
