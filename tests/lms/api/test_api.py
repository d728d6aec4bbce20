"""REST API v1: authentication, scopes, tenant isolation, filters, pagination, errors."""

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from lms.companies.models import AccessLogEntry
from lms.db import utcnow
from lms.extensions import db
from lms.learning.models import Enrolment
from tests.lms.api.world import SCORE


def assert_error(response, status: int, code: str):
    assert response.status_code == status
    body = response.get_json()
    assert set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_people_lists_only_own_organisation(client, world, bearer):
    response = client.get("/api/v1/people?per_page=100", headers=bearer)
    assert response.status_code == 200
    body = response.get_json()
    names = {item["name"] for item in body["items"]}
    assert "Anna Abschluss" in names and "Maria Managerin" in names
    assert "Bernd Fremd" not in names and "Max Fremdmanager" not in names
    assert body["total"] == 5
    anna = next(item for item in body["items"] if item["name"] == "Anna Abschluss")
    assert anna == {"id": world.anna.id, "name": "Anna Abschluss", "email": world.anna.email,
                    "department_id": world.assembly.id, "department": "Montage",
                    "personnel_number": "P-001", "role": "employee"}


def test_person_of_other_company_is_not_found(client, world, bearer):
    assert client.get(f"/api/v1/people/{world.anna.id}", headers=bearer).status_code == 200
    assert_error(client.get(f"/api/v1/people/{world.bernd.id}", headers=bearer), 404,
                 "not_found")


def test_token_of_company_b_sees_only_b(client, world, make_token):
    _token, secret = make_token(organisation=world.org_b, manager=world.manager_b)
    headers = {"Authorization": f"Bearer {secret}"}
    body = client.get("/api/v1/completions", headers=headers).get_json()
    assert [item["name"] for item in body["items"]] == ["Bernd Fremd"]
    assert client.get(f"/api/v1/people/{world.anna.id}", headers=headers).status_code == 404


def test_missing_and_wrong_tokens_are_401(client, world):
    error = assert_error(client.get("/api/v1/people"), 401, "unauthorized")
    assert error["field"] is None
    response = client.get("/api/v1/people", headers={"Authorization": "Bearer atlas_nope"})
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert_error(client.get("/api/v1/people", headers={"Authorization": "Basic eDp5"}), 401,
                 "unauthorized")


def test_expired_and_revoked_tokens_are_401(client, world, make_token):
    token, secret = make_token()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/people", headers=headers).status_code == 200
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    assert_error(client.get("/api/v1/people", headers=headers), 401, "unauthorized")
    token.expires_at = utcnow() + timedelta(days=1)
    token.revoked_at = utcnow()
    db.session.flush()
    assert_error(client.get("/api/v1/people", headers=headers), 401, "unauthorized")


def test_missing_scope_is_403(client, world, make_token):
    _token, secret = make_token(scopes=["people:read"])
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/people", headers=headers).status_code == 200
    assert_error(client.get("/api/v1/completions", headers=headers), 403, "forbidden")
    response = client.post("/api/v1/assignments", headers=headers,
                           json={"person_id": world.dora.id, "course": "e-mobility"})
    assert_error(response, 403, "forbidden")


def test_token_stops_when_creator_is_no_manager(client, world, bearer):
    world.manager.membership.role = "employee"
    db.session.flush()
    assert_error(client.get("/api/v1/people", headers=bearer), 403, "forbidden")


def test_completions_filters_and_no_scores(client, world, bearer):
    body = client.get("/api/v1/completions?status=completed", headers=bearer).get_json()
    assert [item["name"] for item in body["items"]] == ["Anna Abschluss"]
    anna = body["items"][0]
    assert anna["completed_at"] == "2026-10-15T09:30:00Z"
    assert anna["hours_self_paced"] == 2.5 and anna["hours_synchronous"] == 1.5
    assert anna["certificate_number"] == world.certificate.number
    assert not any("score" in key or "attempt" in key for key in anna)
    assert str(SCORE) not in client.get("/api/v1/completions", headers=bearer).get_data(
        as_text=True)
    window = client.get("/api/v1/completions?completed_after=2026-10-01"
                        "&completed_before=2026-10-15T09:00:00Z", headers=bearer).get_json()
    assert window["total"] == 0
    department = client.get(f"/api/v1/completions?department={world.office.id}",
                            headers=bearer).get_json()
    assert {item["name"] for item in department["items"]} == {"Carla Abbruch", "Dora Neu"}
    by_course = client.get("/api/v1/completions?course=e-mobility", headers=bearer).get_json()
    assert by_course["total"] == 4


def test_completions_pagination_links(client, world, bearer):
    response = client.get("/api/v1/completions?per_page=1&page=2", headers=bearer)
    body = response.get_json()
    assert body["total"] == 4 and body["page"] == 2 and len(body["items"]) == 1
    assert response.headers["X-Total-Count"] == "4"
    links = {rel: parse_qs(urlsplit(url).query) for url, rel in
             re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"])}
    assert {rel: query["page"] for rel, query in links.items()} == {
        "first": ["1"], "prev": ["1"], "next": ["3"], "last": ["4"]}
    assert all(query["per_page"] == ["1"] for query in links.values())
    first = client.get("/api/v1/completions?per_page=1", headers=bearer).get_json()
    assert not {i["assignment_id"] for i in first["items"]} & {
        i["assignment_id"] for i in body["items"]}


@pytest.mark.parametrize("query, field", [
    ("status=done", "status"), ("per_page=0", "per_page"), ("per_page=201", "per_page"),
    ("page=x", "page"), ("completed_after=gestern", "completed_after"),
    ("department=99999999999", "department"),
])
def test_bad_parameters_are_400_with_field(client, world, bearer, query, field):
    error = assert_error(client.get(f"/api/v1/completions?{query}", headers=bearer), 400,
                         "bad_request")
    assert error["field"] == field


def test_unknown_course_filter_matches_nothing(client, world, bearer):
    response = client.get("/api/v1/completions?course=gibt-es-nicht", headers=bearer)
    assert response.status_code == 200
    assert response.get_json()["total"] == 0


def test_post_assignment_enrols_with_due_date(client, world, bearer):
    response = client.post("/api/v1/assignments", headers=bearer, json={
        "person_id": world.dora.id, "course": "e-mobility", "due_at": "2031-01-31"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["person_id"] == world.dora.id and body["source"] == "assigned"
    # the due day, stored as a date, goes out as before as a UTC date-time: the last
    # second of that day in Berlin, so it reads as 31.01. there (not 01.02.)
    assert body["due_at"] == "2031-01-31T22:59:59Z"
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == world.dora.id))
    db.session.refresh(enrolment)
    assert enrolment.due_on == date(2031, 1, 31)
    assert enrolment.assigned_by_id == world.manager.id
    listed = client.get(f"/api/v1/assignments?person={world.dora.id}", headers=bearer).get_json()
    assert [item["id"] for item in listed["items"]] == [enrolment.id]


def test_post_assignment_for_other_company_is_404(client, world, bearer):
    response = client.post("/api/v1/assignments", headers=bearer,
                           json={"person_id": world.bernd.id, "course": "e-mobility"})
    assert_error(response, 404, "not_found")
    assert db.session.scalar(select(Enrolment).where(
        Enrolment.user_id == world.bernd.id, Enrolment.source == "assigned",
        Enrolment.assigned_by_id == world.manager.id)) is None


@pytest.mark.parametrize("body, field", [
    ({"course": "e-mobility"}, "person_id"),
    ({"person_id": "7", "course": "e-mobility"}, "person_id"),
    ({"person_id": 1}, "course"),
    ({"person_id": 1, "course": "e-mobility", "due_at": "morgen"}, "due_at"),
])
def test_post_assignment_validation_is_422(client, world, bearer, body, field):
    error = assert_error(client.post("/api/v1/assignments", headers=bearer, json=body), 422,
                         "validation_failed")
    assert error["field"] == field


def test_past_due_date_is_422(client, world, bearer):
    response = client.post("/api/v1/assignments", headers=bearer, json={
        "person_id": world.dora.id, "course": "e-mobility", "due_at": "2001-01-01"})
    assert_error(response, 422, "validation_failed")


def test_api_reads_are_audited(client, world, bearer):
    client.get("/api/v1/completions", headers=bearer)
    client.get("/api/v1/people", headers=bearer)
    actions = db.session.scalars(select(AccessLogEntry.action).where(
        AccessLogEntry.organisation_id == world.org_a.id)).all()
    assert {"api_completions", "api_people"} <= set(actions)


def test_rate_limit_answers_429_json(client, world, bearer, app, monkeypatch):
    monkeypatch.setitem(app.config, "ATLAS_API_RATE_LIMIT", "2 per minute")
    for _ in range(2):
        assert client.get("/api/v1/people", headers=bearer).status_code == 200
    response = client.get("/api/v1/people", headers=bearer)
    assert_error(response, 429, "rate_limited")
    assert response.headers["Retry-After"]


def test_unknown_method_and_path_are_json(client, world, bearer):
    assert_error(client.delete("/api/v1/people", headers=bearer), 405, "method_not_allowed")
    assert_error(client.get("/api/v1/nothing-here", headers=bearer), 404, "not_found")
    assert client.get("/company/nothing-here").status_code == 404  # pages keep their handler


def test_course_filter_with_nul_matches_nothing(client, world, bearer):
    # PostgreSQL refuses NUL in text parameters; the API must answer, not fail with 500.
    for path in ("/api/v1/completions?course=a%00b", "/api/v1/assignments?course=a%00b"):
        response = client.get(path, headers=bearer)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_json()["total"] == 0


@pytest.mark.parametrize(("path", "allowed"), [
    ("/api/v1/people", {"GET"}), ("/api/v1/assignments", {"GET", "POST"}),
    ("/api/v1/people/1", {"GET"}), ("/api/v1/completions", {"GET"}),
])
def test_405_names_the_allowed_methods(client, world, bearer, path, allowed):
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(path, headers=bearer)
        assert_error(response, 405, "method_not_allowed")
        methods = {m.strip() for m in response.headers.get("Allow", "").split(",")}
        assert allowed <= methods, (method, path, response.headers.get("Allow"))


@pytest.mark.parametrize(("path", "field"), [
    ("/api/v1/people?page=", "page"),
    ("/api/v1/people?department=", "department"),
    ("/api/v1/people?page=1&page=2", "page"),
    ("/api/v1/assignments?course=", "course"),
    ("/api/v1/assignments?course=%20", "course"),
    ("/api/v1/assignments?source=self&source=assigned", "source"),
    ("/api/v1/assignments?person=1&person=2", "person"),
    ("/api/v1/completions?status=", "status"),
    ("/api/v1/completions?course=e-mobility&course=x", "course"),
    ("/api/v1/completions?completed_after=", "completed_after"),
    ("/api/v1/completions?per_page=10&per_page=20", "per_page"),
])
def test_empty_or_repeated_query_parameters_are_400(client, world, bearer, path, field):
    error = assert_error(client.get(path, headers=bearer), 400, "bad_request")
    assert error["field"] == field


def test_unknown_query_parameters_are_ignored(client, world, bearer):
    assert client.get("/api/v1/people?sort=name&sort=", headers=bearer).status_code == 200


@pytest.mark.parametrize("due_at", ["", None])
def test_empty_due_date_means_none(client, world, bearer, due_at):
    response = client.post("/api/v1/assignments", headers=bearer, json={
        "person_id": world.dora.id, "course": "e-mobility", "due_at": due_at})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["due_at"] is None


def test_rfc3339_lowercase_date_time_is_accepted(client, world, bearer):
    """Lower-case t/z parse; the answer is the due day, as the end of that day in Berlin."""
    response = client.post("/api/v1/assignments", headers=bearer, json={
        "person_id": world.dora.id, "course": "e-mobility", "due_at": "2031-01-31t08:00:00z"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["due_at"] == "2031-01-31T22:59:59Z"


@pytest.mark.parametrize("data", [
    "[" * 50_000 + "]" * 50_000,                     # nested beyond any parser's stack
    '{"person_id": ' + "[" * 101 + "]" * 101 + "}",  # beyond the body depth limit
    '{"person_id": 1, "course": "e-mob',            # truncated
])
def test_deep_or_broken_bodies_are_400_and_assign_nothing(client, world, bearer, data):
    before = client.get("/api/v1/assignments", headers=bearer).get_json()["total"]
    response = client.post("/api/v1/assignments", data=data, headers=bearer,
                           content_type="application/json")
    assert_error(response, 400, "bad_request")
    assert client.get("/api/v1/assignments", headers=bearer).get_json()["total"] == before
