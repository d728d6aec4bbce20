"""Admin pages under /admin/lti: the form checks every field, the list, disabling; and LTI
Dynamic Registration against the simulator's registration endpoint."""

import urllib.parse

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.lti.models import LtiRegistration, LtiRegistrationInvite
from tests.conftest import csrf_token_from
from tests.factories import make_user
from tests.lms.lti.platform import CLIENT_ID, DEPLOYMENT_ID


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def signed_in_admin(client, auth, admin):
    db.session.commit()
    auth.login(admin.email)
    return admin


def form_data(client, path: str, **fields) -> dict:
    return {"csrf_token": csrf_token_from(text(client.get(path))), **fields}


def test_admin_registers_a_platform_by_form(client, signed_in_admin, platform, organisation):
    data = form_data(client, "/admin/lti/new", organisation_id=str(organisation.id),
                     **platform.registration_fields())
    response = client.post("/admin/lti/new", data=data)
    assert response.status_code == 302
    saved = db.session.scalar(select(LtiRegistration))
    assert saved.issuer == platform.issuer and saved.organisation_id == organisation.id
    assert saved.deployments == [DEPLOYMENT_ID] and saved.status == "active"
    listing = text(client.get("/admin/lti"))
    assert "Moodle Müller" in listing and "Zulieferer Müller GmbH" in listing
    assert "http://localhost/lti/jwks" in listing and "http://localhost/lti/login" in listing


@pytest.mark.parametrize(("field", "value", "says"), [
    ("name", "", "Bitte geben Sie einen Namen an"),
    ("issuer", "ftp://moodle.example", "für den Issuer eine vollständige https-Adresse"),
    ("issuer", "http://moodle.example", "für den Issuer eine vollständige https-Adresse"),
    ("client_id", "", "Client-ID"),
    ("auth_login_url", "", "Bitte geben Sie die OIDC-Login-Adresse an"),
    ("auth_token_url", "nonsense", "für die Token-Adresse eine vollständige"),
    ("key_set_url", "", "Bitte geben Sie die JWKS-Adresse an"),
    ("deployment_ids", " \n ", "mindestens eine Deployment-ID"),
    ("organisation_id", "0", "Bitte wählen Sie die Organisation"),
])
def test_each_wrong_field_is_named_and_nothing_is_saved(client, signed_in_admin, platform,
                                                        organisation, field, value, says):
    fields = {**platform.registration_fields(), "organisation_id": str(organisation.id),
              field: value}
    response = client.post("/admin/lti/new", data=form_data(client, "/admin/lti/new", **fields))
    assert response.status_code == 400
    assert says in text(response).replace("\n", " ")
    assert db.session.scalar(select(LtiRegistration)) is None


def test_same_issuer_and_client_twice_is_refused(client, signed_in_admin, platform,
                                                 registration, organisation):
    fields = {**platform.registration_fields(), "organisation_id": str(organisation.id)}
    response = client.post("/admin/lti/new", data=form_data(client, "/admin/lti/new", **fields))
    assert response.status_code == 400 and "schon als" in text(response)


def test_admin_disables_and_enables_a_registration(client, signed_in_admin, registration):
    data = form_data(client, "/admin/lti", status="disabled")
    client.post(f"/admin/lti/{registration.id}/status", data=data)
    db.session.expire_all()
    assert db.session.get(LtiRegistration, registration.id).status == "disabled"
    assert "abgeschaltet" in text(client.get("/admin/lti"))


def test_admin_pages_are_for_admins_only(client, auth, registration):
    trainer = make_user(is_trainer=True)
    db.session.commit()
    auth.login(trainer.email)
    assert client.get("/admin/lti").status_code == 403
    assert client.get(f"/admin/lti/{registration.id}").status_code == 403


def test_dynamic_registration_with_the_organisation_the_admin_chose(
        client, signed_in_admin, platform, organisation):
    data = form_data(client, "/admin/lti", name="Moodle dynamisch",
                     organisation_id=str(organisation.id))
    page = text(client.post("/admin/lti/invites", data=data))
    url = page.split('<code id="invite-url">')[1].split("</code>")[0]
    path = urllib.parse.urlsplit(url).path
    client.post("/logout", data={"csrf_token": csrf_token_from(text(client.get("/")))})
    # the platform opens the link (in its frame, without our session)
    response = client.get(path, query_string={
        "openid_configuration": platform.issuer + "/.well-known/openid-configuration",
        "registration_token": platform.registration_token})
    assert response.status_code == 200 and "abgeschlossen" in text(response)
    assert f"frame-ancestors {platform.issuer}" in response.headers["Content-Security-Policy"]
    [sent] = platform.registrations
    assert sent["initiate_login_uri"] == "http://localhost/lti/login"
    assert sent["jwks_uri"] == "http://localhost/lti/jwks"
    assert sent["redirect_uris"] == ["http://localhost/lti/launch"]
    saved = db.session.scalar(select(LtiRegistration))
    assert saved.source == "dynamic" and saved.client_id == CLIENT_ID
    assert saved.organisation_id == organisation.id and saved.deployments == [DEPLOYMENT_ID]
    assert saved.key_set_url == platform.issuer + "/jwks"
    # the link works once
    again = client.get(path, query_string={
        "openid_configuration": platform.issuer + "/.well-known/openid-configuration",
        "registration_token": platform.registration_token})
    assert again.status_code == 404
    assert db.session.scalar(select(LtiRegistrationInvite)).used_at is not None


def test_dynamic_registration_with_a_wrong_token_saves_nothing(client, signed_in_admin,
                                                               platform, organisation):
    data = form_data(client, "/admin/lti", name="Moodle", organisation_id=str(organisation.id))
    page = text(client.post("/admin/lti/invites", data=data))
    path = urllib.parse.urlsplit(page.split('<code id="invite-url">')[1].split("</code>")[0]).path
    response = client.get(path, query_string={
        "openid_configuration": platform.issuer + "/.well-known/openid-configuration",
        "registration_token": "stolen"})
    assert response.status_code == 400 and "401" in text(response)
    assert db.session.scalar(select(LtiRegistration)) is None
    assert db.session.scalar(select(LtiRegistrationInvite)).used_at is None
