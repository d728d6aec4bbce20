"""The OpenAPI document matches the implementation: schemathesis calls every operation."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from lms.extensions import db
from tests.lms.api.conftest import ALL_SCOPES
from tests.lms.api.qualification_world import build_qualifications

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = 25  # per operation: enough to find drift, small enough for a shared machine


@pytest.fixture
def secret(make_token):
    _token, secret = make_token(scopes=ALL_SCOPES)
    return secret


@pytest.fixture
def api_schema(app, world, secret, monkeypatch):
    build_qualifications(world)  # so the matrix, roles and evidence answer with rows
    # Views roll back on errors; commit the fixtures into the test's outer transaction
    # (still rolled back at the end) so a rolled-back request cannot take them along.
    db.session.commit()
    monkeypatch.setitem(app.config, "ATLAS_API_RATE_LIMIT", "100000 per minute")
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_document_is_served_and_lists_operations(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {
        "/people", "/people/{person_id}", "/assignments", "/completions", "/qualifications",
        "/qualifications/{qualification_id}", "/roles", "/roles/{role_id}",
        "/roles/{role_id}/requirements", "/roles/{role_id}/holders",
        "/roles/{role_id}/holders/{person_id}", "/matrix", "/evidence",
        "/network/qualifications"}
    assert "post" in document["paths"]["/assignments"]


def test_every_operation_conforms(api_schema, secret, world):
    """No 5xx, documented status codes, content types and bodies for generated requests
    to every operation, POST included (its bodies mostly name strangers: 404/422)."""
    headers = {"Authorization": f"Bearer {secret}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {(op.method.upper(), op.path) for op in operations} == {
        ("GET", "/people"), ("GET", "/people/{person_id}"), ("GET", "/assignments"),
        ("POST", "/assignments"), ("GET", "/completions"),
        ("GET", "/qualifications"), ("POST", "/qualifications"),
        ("GET", "/qualifications/{qualification_id}"),
        ("PATCH", "/qualifications/{qualification_id}"), ("GET", "/roles"), ("POST", "/roles"),
        ("GET", "/roles/{role_id}"), ("PUT", "/roles/{role_id}/requirements"),
        ("GET", "/roles/{role_id}/holders"), ("POST", "/roles/{role_id}/holders"),
        ("DELETE", "/roles/{role_id}/holders/{person_id}"), ("GET", "/matrix"),
        ("GET", "/evidence"), ("POST", "/evidence"), ("GET", "/network/qualifications")}
    statuses: dict[str, set[int]] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses.setdefault(case.operation.label, set()).add(response.status_code)

        check()
    assert len(statuses) == 20
    assert 200 in statuses["GET /people"] and 200 in statuses["GET /completions"]
    assert 200 in statuses["GET /matrix"] and 201 in statuses["POST /qualifications"]


def test_post_with_a_member_and_a_course_conforms(api_schema, secret, world):
    """The generator rarely hits a real person; one known-good body per due-date form."""
    headers = {"Authorization": f"Bearer {secret}"}
    operation = api_schema["/assignments"]["POST"]
    for due_at in (None, "", "2031-01-31", "2031-01-31T08:00:00+01:00"):
        case = operation.Case(body={"person_id": world.dora.id, "course": "e-mobility",
                                    "due_at": due_at})
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        assert response.status_code == 201
