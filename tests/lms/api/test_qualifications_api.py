"""API v1 for qualification planning: catalogue and own qualifications, roles and holders,
the matrix with the visibility profile, evidence, the network picture; tenants kept apart."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.api import tokens
from lms.companies.consent import decide_score_consent
from lms.companies.models import AccessLogEntry, PrivacySetting
from lms.db import utcnow
from lms.errors import ValidationFailedError
from lms.extensions import db
from lms.qualifications.models import Evidence, JobRole, RoleHolder
from tests.factories import make_member, make_organisation
from tests.lms.api.qualification_world import build_qualifications
from tests.lms.api.test_api import assert_error
from tests.lms.qualifications.qualification_data import hold, make_role


@pytest.fixture
def quals(world):
    return build_qualifications(world)


# --- qualifications ---------------------------------------------------------------------


def test_lists_catalogue_and_own_qualifications_only(client, world, quals, bearer):
    body = client.get("/api/v1/qualifications", headers=bearer).get_json()
    assert {(item["key"], item["catalogue"]) for item in body["items"]} == {
        ("hochvolt-eup", True), ("kran", False)}
    hochvolt = next(item for item in body["items"] if item["key"] == "hochvolt-eup")
    assert hochvolt["levels"] == ["EuP", "EFK"] and hochvolt["validity_months"] == 12


def test_qualification_of_another_company_is_not_found(client, world, quals, bearer):
    assert client.get(f"/api/v1/qualifications/{quals.crane.id}",
                      headers=bearer).status_code == 200
    assert_error(client.get(f"/api/v1/qualifications/{quals.foreign.id}", headers=bearer),
                 404, "not_found")
    assert_error(client.patch(f"/api/v1/qualifications/{quals.foreign.id}", headers=bearer,
                              json={"title_de": "Meins"}), 404, "not_found")
    db.session.refresh(quals.foreign)
    assert quals.foreign.title_de == "Blechbiegen"


def test_creates_and_updates_own_qualification(client, world, quals, bearer):
    response = client.post("/api/v1/qualifications", headers=bearer, json={
        "title_de": "OEE-Analyse", "title_en": "OEE analysis", "description_en": "Reading OEE",
        "levels": ["Grundlagen", "Fortgeschritten"], "validity_months": 24})
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert (created["key"], created["description_en"]) == ("oee-analyse", "Reading OEE")
    assert created["catalogue"] is False and created["levels"] == ["Grundlagen",
                                                                   "Fortgeschritten"]
    assert response.headers["Location"].endswith(f"/api/v1/qualifications/{created['id']}")
    response = client.patch(f"/api/v1/qualifications/{created['id']}", headers=bearer,
                            json={"validity_months": None, "archived": True})
    assert response.status_code == 200
    assert (response.get_json()["validity_months"], response.get_json()["archived"]) == (
        None, True)
    listed = client.get("/api/v1/qualifications", headers=bearer).get_json()
    assert "oee-analyse" not in {item["key"] for item in listed["items"]}
    listed = client.get("/api/v1/qualifications?archived=true", headers=bearer).get_json()
    assert "oee-analyse" in {item["key"] for item in listed["items"]}
    # the HR system's changes are in the company's access log, like the catalogue page's
    actions = [entry.action for entry in db.session.scalars(
        select(AccessLogEntry).where(AccessLogEntry.organisation_id == world.org_a.id,
                                     AccessLogEntry.action.like("qualification_%"))
        .order_by(AccessLogEntry.id))]
    assert actions == ["qualification_archived", "qualification_changed"]


def test_same_title_gets_its_own_key_and_catalogue_is_read_only(client, world, quals,
                                                                  bearer):
    response = client.post("/api/v1/qualifications", headers=bearer,
                           json={"title_de": "Kranführerschein"})
    assert response.get_json()["key"] != "kran"
    response = client.patch(f"/api/v1/qualifications/{quals.hochvolt.id}", headers=bearer,
                            json={"title_de": "Umbenannt"})
    assert_error(response, 403, "forbidden")
    db.session.refresh(quals.hochvolt)
    assert quals.hochvolt.title_de == "Hochvolt EuP"


@pytest.mark.parametrize("body, field", [
    ({}, "title_de"),
    ({"title_de": " "}, "title_de"),
    ({"title_de": "x", "levels": []}, "levels"),
    ({"title_de": "x", "levels": ["A", ""]}, "levels"),
    ({"title_de": "x", "validity_months": 0}, "validity_months"),
    ({"title_de": "x", "validity_months": 241}, "validity_months"),
    ({"title_de": "x\x00"}, "title_de"),
])
def test_invalid_qualification_is_422_naming_the_field(client, world, quals, bearer, body,
                                                        field):
    error = assert_error(client.post("/api/v1/qualifications", headers=bearer, json=body),
                         422, "validation_failed")
    assert error["field"] == field


def test_levels_cannot_be_removed(client, world, quals, bearer):
    response = client.patch(f"/api/v1/qualifications/{quals.crane.id}", headers=bearer,
                            json={"levels": []})
    assert_error(response, 422, "validation_failed")


# --- roles and holders ------------------------------------------------------------------


def test_roles_list_own_with_requirements(client, world, quals, bearer):
    body = client.get("/api/v1/roles", headers=bearer).get_json()
    assert [item["name"] for item in body["items"]] == ["Instandhaltung Elektrik"]
    assert {(r["qualification_key"], r["level"]) for r in body["items"][0]["requirements"]} == {
        ("hochvolt-eup", 1), ("kran", 1)}
    assert_error(client.get(f"/api/v1/roles/{quals.role_b.id}", headers=bearer), 404,
                 "not_found")


def test_creates_role_and_replaces_requirements(client, world, quals, bearer):
    response = client.post("/api/v1/roles", headers=bearer, json={
        "name": "Schichtleitung", "sso_department": "Montage",
        "requirements": [{"qualification_id": quals.hochvolt.id, "level": 2}]})
    assert response.status_code == 201, response.get_json()
    role = response.get_json()
    assert role["requirements"] == [{"qualification_id": quals.hochvolt.id,
                                     "qualification_key": "hochvolt-eup", "level": 2}]
    response = client.put(f"/api/v1/roles/{role['id']}/requirements", headers=bearer, json={
        "requirements": [{"qualification_id": quals.crane.id}]})
    assert response.status_code == 200
    assert [r["qualification_key"] for r in response.get_json()["requirements"]] == ["kran"]


@pytest.mark.parametrize("requirement", [
    "foreign", "level3", "twice",
])
def test_role_requirements_are_checked(client, world, quals, bearer, requirement):
    items = {
        "foreign": [{"qualification_id": quals.foreign.id}],
        "level3": [{"qualification_id": quals.hochvolt.id, "level": 3}],
        "twice": [{"qualification_id": quals.crane.id}, {"qualification_id": quals.crane.id}],
    }[requirement]
    response = client.post("/api/v1/roles", headers=bearer,
                           json={"name": "Prüfrolle", "requirements": items})
    assert assert_error(response, 422, "validation_failed")["field"] == "requirements"
    assert db.session.scalar(select(JobRole).where(JobRole.name == "Prüfrolle")) is None


def test_requirements_of_another_company_s_role_are_not_found(client, world, quals, bearer):
    response = client.put(f"/api/v1/roles/{quals.role_b.id}/requirements", headers=bearer,
                          json={"requirements": []})
    assert_error(response, 404, "not_found")
    db.session.refresh(quals.role_b)
    assert len(quals.role_b.requirements) == 1


def test_holders_are_added_listed_and_removed(client, world, quals, bearer):
    path = f"/api/v1/roles/{quals.role.id}/holders"
    assert client.post(path, headers=bearer, json={"person_id": world.dora.id}).status_code == 201
    assert client.post(path, headers=bearer, json={"person_id": world.dora.id}).status_code == 200
    body = client.get(path, headers=bearer).get_json()
    assert {item["name"] for item in body["items"]} == {"Anna Abschluss", "Dora Neu",
                                                        world.ben.name}
    dora = next(item for item in body["items"] if item["person_id"] == world.dora.id)
    assert dora["source"] == "manual"
    assert client.delete(f"{path}/{world.ben.id}", headers=bearer).status_code == 204
    assert_error(client.delete(f"{path}/{world.ben.id}", headers=bearer), 404, "not_found")
    holders = set(db.session.scalars(select(RoleHolder.user_id).where(
        RoleHolder.role_id == quals.role.id)))
    assert holders == {world.anna.id, world.dora.id}


def test_holders_of_other_companies_stay_apart(client, world, quals, bearer):
    path = f"/api/v1/roles/{quals.role.id}/holders"
    response = client.post(path, headers=bearer, json={"person_id": world.bernd.id})
    assert assert_error(response, 404, "not_found")["field"] == "person_id"
    foreign = f"/api/v1/roles/{quals.role_b.id}/holders"
    assert_error(client.get(foreign, headers=bearer), 404, "not_found")
    assert_error(client.delete(f"{foreign}/{world.bernd.id}", headers=bearer), 404,
                 "not_found")
    assert db.session.scalar(select(RoleHolder.id).where(
        RoleHolder.role_id == quals.role_b.id, RoleHolder.user_id == world.bernd.id))


# --- the matrix ---------------------------------------------------------------------------------


def test_matrix_rows_statuses_and_access_log(client, world, quals, bearer):
    response = client.get("/api/v1/matrix", headers=bearer)
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 2
    rows = {item["name"]: item for item in body["items"]}
    assert set(rows) == {"Anna Abschluss", world.ben.name}
    anna = {cell["qualification_key"]: cell for cell in rows["Anna Abschluss"]["cells"]}
    assert (anna["hochvolt-eup"]["status"], anna["hochvolt-eup"]["valid_until"]) == (
        "valid", "2099-01-31")
    assert anna["kran"]["status"] == "missing" and anna["kran"]["hidden"] is False
    assert rows["Anna Abschluss"]["roles"] == ["Instandhaltung Elektrik"]
    assert db.session.scalar(select(AccessLogEntry.id).where(
        AccessLogEntry.organisation_id == world.org_a.id,
        AccessLogEntry.action == "api_qualification_matrix"))


def test_matrix_filters_and_pages(client, world, quals, bearer):
    body = client.get("/api/v1/matrix?status=valid", headers=bearer).get_json()
    assert [item["name"] for item in body["items"]] == ["Anna Abschluss"]
    body = client.get(f"/api/v1/matrix?qualification={quals.crane.id}", headers=bearer).get_json()
    assert {len(item["cells"]) for item in body["items"]} == {1}
    body = client.get(f"/api/v1/matrix?department={world.office.id}", headers=bearer).get_json()
    assert body["total"] == 0
    body = client.get("/api/v1/matrix?per_page=1&page=2", headers=bearer).get_json()
    assert len(body["items"]) == 1 and body["total"] == 2
    body = client.get("/api/v1/matrix?per_page=1&page=3", headers=bearer).get_json()
    assert body["items"] == []
    error = assert_error(client.get("/api/v1/matrix?status=fine", headers=bearer), 400,
                         "bad_request")
    assert error["field"] == "status"


def test_matrix_and_evidence_follow_the_visibility_profile(client, world, quals, bearer, app,
                                                            tmp_path, monkeypatch):
    profiles = tmp_path / "profiles.toml"
    profiles.write_text("""never = ["time_on_task"]
[profiles.standard.manager]
always = ["enrolment", "completion", "completion_date", "hours", "certificates"]
[profiles.standard.works_council]
always = ["enrolment"]
[profiles.standard.admin]
always = ["enrolment"]
[profiles.consent.manager]
always = ["enrolment"]
with_consent = ["certificates"]
[profiles.consent.works_council]
always = ["enrolment"]
[profiles.consent.admin]
always = ["enrolment"]
""")
    monkeypatch.setitem(app.config, "ATLAS_VISIBILITY_PROFILES", str(profiles))
    db.session.add(PrivacySetting(organisation_id=world.org_a.id, profile="consent",
                                  changed_at=utcnow()))
    decide_score_consent(world.ben, True, "de", utcnow())
    db.session.flush()
    rows = {item["name"]: item for item in
            client.get("/api/v1/matrix", headers=bearer).get_json()["items"]}
    assert {(c["status"], c["hidden"]) for c in rows["Anna Abschluss"]["cells"]} == {
        (None, True)}
    assert {(c["status"], c["hidden"]) for c in rows[world.ben.name]["cells"]} == {
        ("missing", False)}
    body = client.get("/api/v1/evidence", headers=bearer).get_json()
    assert body["items"] == []  # Anna's evidence: she did not consent


# --- evidence ---------------------------------------------------------------------------------


def test_evidence_lists_own_company_only(client, world, quals, bearer):
    body = client.get("/api/v1/evidence", headers=bearer).get_json()
    assert [item["id"] for item in body["items"]] == [quals.evidence.id]
    item = body["items"][0]
    assert (item["kind"], item["counts"], item["confirmed_by"]) == (
        "external", True, "Maria Managerin")
    body = client.get(f"/api/v1/evidence?person={world.bernd.id}", headers=bearer).get_json()
    assert body["total"] == 0


def test_entered_evidence_awaits_confirmation(client, world, quals, bearer):
    response = client.post("/api/v1/evidence", headers=bearer, json={
        "person_id": world.ben.id, "qualification_id": quals.hochvolt.id, "kind": "on_the_job",
        "issued_on": "2026-03-31", "note": "Unterweisung durch Meister Kurz"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    # the qualification's twelve months, counted as on the pages (evidence.valid_until_for)
    assert (body["valid_until"], body["counts"], body["confirmed_at"]) == (
        "2027-03-31", False, None)
    evidence = db.session.get(Evidence, body["id"])
    assert evidence.created_by_id == world.manager.id and evidence.user_id == world.ben.id
    cells = {item["name"]: item for item in
             client.get("/api/v1/matrix", headers=bearer).get_json()["items"]}[world.ben.name]
    assert {c["qualification_key"]: c["status"] for c in cells["cells"]}["hochvolt-eup"] == (
        "missing")
    assert db.session.scalar(select(AccessLogEntry.id).where(
        AccessLogEntry.subject_id == world.ben.id,
        AccessLogEntry.action == "api_qualification_evidence"))


@pytest.mark.parametrize("change, status, field", [
    ({"person_id": "bernd"}, 404, "person_id"),
    ({"qualification_id": "foreign"}, 404, "qualification_id"),
    ({"kind": "course"}, 422, "kind"),
    ({"issued_on": "31.03.2026"}, 422, "issued_on"),
    ({"issued_on": "future"}, 422, "issued_on"),
    ({"valid_until": "2020-01-01"}, 422, "valid_until"),
    ({"level": 3}, 422, "level"),
])
def test_evidence_is_checked(client, world, quals, bearer, change, status, field):
    body = {"person_id": world.ben.id, "qualification_id": quals.hochvolt.id,
            "kind": "external", "issued_on": "2026-03-31"}
    body.update(change)
    if body["person_id"] == "bernd":
        body["person_id"] = world.bernd.id
    if body["qualification_id"] == "foreign":
        body["qualification_id"] = quals.foreign.id
    if body["issued_on"] == "future":
        body["issued_on"] = (date.today() + timedelta(days=3)).isoformat()
    response = client.post("/api/v1/evidence", headers=bearer, json=body)
    code = {404: "not_found", 422: "validation_failed"}[status]
    assert assert_error(response, status, code)["field"] == field
    assert db.session.scalar(select(Evidence.id).where(Evidence.user_id.in_(
        [world.ben.id, world.bernd.id]), Evidence.created_by_id == world.manager.id)) is None


# --- scopes and the network picture -------------------------------------------------------------


@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/qualifications"), ("get", "/api/v1/matrix"), ("get", "/api/v1/evidence"),
    ("post", "/api/v1/roles"), ("post", "/api/v1/evidence"),
    ("get", "/api/v1/network/qualifications"),
])
def test_scopes_are_required(client, world, quals, make_token, method, path):
    _token, secret = make_token(scopes=["people:read", "qualifications:read"])
    headers = {"Authorization": f"Bearer {secret}"}
    response = getattr(client, method)(path, headers=headers, json={})
    if method == "get" and "network" not in path:
        assert response.status_code == 200
    else:
        assert_error(response, 403, "forbidden")


def test_only_network_staff_get_network_tokens(world):
    now = utcnow()
    with pytest.raises(ValidationFailedError):
        tokens.create_token(world.manager, world.org_a, "Netz", ["network:read"],
                            now + timedelta(days=30), now)


@pytest.fixture
def network_office(world):
    """The network's own office: a member organisation whose manager is network staff."""
    office = make_organisation(name="Netzwerk Südwestfalen e.V.")
    staff = make_member(office, role="manager", name="Nora Netzwerk", is_network_staff=True)
    now = utcnow()
    _token, secret = tokens.create_token(staff, office, "Planung", ["network:read"],
                                         now + timedelta(days=30), now)
    return staff, {"Authorization": f"Bearer {secret}"}


def test_network_picture_for_network_staff_tokens(client, world, network_office):
    from tests.lms.qualifications.qualification_data import make_qualification

    hochvolt = make_qualification(key="hochvolt-eup", title_de="Hochvolt EuP")
    for region, people in (("Kreis Olpe", 3), ("Märkischer Kreis", 2)):
        for n in range(3):
            organisation = make_organisation(name=f"{region} {n}", region=region,
                                             employee_count=80)
            role = make_role(organisation, requires=[(hochvolt, 1)])
            hold(role, *[make_member(organisation) for _ in range(people)])
    # alone in Soest: withheld, and Märkisch with it (else "all" minus Olpe would tell)
    lonely = make_organisation(name="Allein", region="Kreis Soest", employee_count=10)
    hold(make_role(lonely, requires=[(hochvolt, 1)]), make_member(lonely))
    staff, headers = network_office
    body = client.get("/api/v1/network/qualifications?dimension=region",
                      headers=headers).get_json()
    assert body["withheld"] == 2 and body["minimum_people"] == 5
    assert [(item["group"], item["people"], item["companies"], item["missing"])
            for item in body["items"]] == [("Kreis Olpe", 9, 3, 9)]
    error = assert_error(client.get("/api/v1/network/qualifications?dimension=town",
                                    headers=headers), 400, "bad_request")
    assert error["field"] == "dimension"
    staff.is_network_staff = False
    db.session.flush()
    assert_error(client.get("/api/v1/network/qualifications", headers=headers), 403,
                 "forbidden")


def test_network_scope_is_offered_to_network_staff_only(client, auth, world):
    world.manager.email = "maria@example.org"
    db.session.flush()
    auth.login("maria@example.org")
    assert "network:read" not in client.get("/company/api-tokens/").get_data(as_text=True)
    world.manager.is_network_staff = True
    db.session.flush()
    assert "network:read" in client.get("/company/api-tokens/").get_data(as_text=True)


def test_entered_on_the_job_evidence_is_confirmed_on_the_person_page(client, auth, world,
                                                                       quals, bearer):
    from tests.conftest import csrf_token_from

    created = client.post("/api/v1/evidence", headers=bearer, json={
        "person_id": world.ben.id, "qualification_id": quals.hochvolt.id, "kind": "on_the_job",
        "issued_on": "2026-03-31"}).get_json()
    auth.login(world.manager.email)
    page = client.get(f"/company/qualifications/people/{world.ben.id}").get_data(as_text=True)
    assert "wartet auf Bestätigung" in page
    response = client.post(f"/company/qualifications/evidence/{created['id']}/confirm",
                           data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    evidence = db.session.get(Evidence, created["id"])
    db.session.refresh(evidence)
    assert evidence.confirmed_by_id == world.manager.id and evidence.counts
