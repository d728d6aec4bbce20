"""Single sign-on through a real SAML 2.0 IdP (pysaml2) on loopback, signed with xmlsec1."""

import shutil
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.accounts.sso import services
from lms.db import utcnow
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_organisation, make_user
from tests.lms.accounts.saml_provider import SamlProvider, posted_response
from tests.lms.accounts.test_sso import at_provider

pytestmark = pytest.mark.skipif(not shutil.which("xmlsec1"), reason="needs xmlsec1")

WORKER = {"uid": ["adfs-0001"], "mail": ["jonas.berg@kabel.example"],
          "displayName": ["Jonas Berg"], "employeeNumber": ["0815"], "department": ["Prüffeld"]}


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def idp(tmp_path):
    with SamlProvider(tmp_path) as provider:
        provider.identity = {k: list(v) for k, v in WORKER.items()}
        yield provider


@pytest.fixture
def company(app, client, idp):
    idp.sp_metadata = text(client.get("/sso/saml/metadata"))
    organisation = make_organisation(name="Kabelwerk Olpe", code="KABEL")
    admin = make_user(email="admin@atlas.example", is_admin=True)
    provider = services.configure_provider(
        admin, organisation, protocol="saml", issuer=idp.metadata_url, client_id="",
        client_secret="", email_domains="kabel.example", claim_email="mail",
        claim_name="displayName", claim_personnel_number="employeeNumber",
        claim_department="department", is_enabled=True, now=utcnow())
    db.session.commit()
    return organisation, provider


def at_idp(url: str) -> str:
    with urllib.request.urlopen(url, timeout=20) as answer:
        return posted_response(answer.read().decode())


def sign_in(client, provider_id):
    start = client.get(f"/sso/{provider_id}/start")
    assert start.status_code == 302 and start.location.startswith("http://127.0.0.1:")
    saml_response = at_idp(start.location)
    posted = client.post("/sso/saml/acs", data={"SAMLResponse": saml_response})
    if posted.status_code != 303 or "/sso/saml/finish/" not in posted.location:
        return posted, saml_response
    return client.get(urllib.parse.urlsplit(posted.location).path), saml_response


def test_first_saml_login_creates_the_account_in_organisation_and_department(
        client, idp, company):
    organisation, provider = company
    response, _saml = sign_in(client, provider.id)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "jonas.berg@kabel.example"))
    assert user.name == "Jonas Berg"
    assert user.membership.organisation_id == organisation.id
    assert user.membership.department.name == "Prüffeld"
    assert user.membership.personnel_number == "0815"
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize("mode, message", [
    ("wrong_audience", "nicht für diese Plattform"),
    ("expired", "abgelaufen"),
    ("foreign_key", "signiert"),
])
def test_bad_saml_responses_are_refused(client, idp, company, mode, message):
    _organisation, provider = company
    idp.mode = mode
    response, _saml = sign_in(client, provider.id)
    assert response.status_code == 303
    assert message in text(client.get(response.location))
    assert db.session.scalar(select(User).where(User.email == "jonas.berg@kabel.example")) \
        is None


def test_a_replayed_saml_response_is_refused(app, client, idp, company):
    _organisation, provider = company
    response, saml_response = sign_in(client, provider.id)
    assert response.status_code == 302
    thief = app.test_client()
    replay = thief.post("/sso/saml/acs", data={"SAMLResponse": saml_response})
    assert replay.status_code == 303 and "/sso/saml/finish/" not in replay.location
    assert thief.get("/account").status_code == 302


def test_a_verified_answer_only_signs_in_the_browser_that_asked(app, client, idp, company):
    _organisation, provider = company
    start = client.get(f"/sso/{provider.id}/start")
    posted = app.test_client().post("/sso/saml/acs",
                                    data={"SAMLResponse": at_idp(start.location)})
    thief = app.test_client()
    finish = thief.get(urllib.parse.urlsplit(posted.location).path)
    assert finish.status_code == 303
    assert thief.get("/account").status_code == 302


def test_service_provider_metadata_names_the_assertion_consumer(client):
    xml = text(client.get("/sso/saml/metadata"))
    assert "http://localhost/sso/saml/acs" in xml
    assert 'entityID="http://localhost/sso/saml/metadata"' in xml


def test_an_admin_configures_saml_by_metadata_url(client, auth, idp):
    organisation = make_organisation(name="ADFS GmbH")
    make_user(email="admin@atlas.example", is_admin=True)
    db.session.commit()
    auth.login("admin@atlas.example")
    page = client.get(f"/admin/organisations/{organisation.id}/sso")
    assert "http://localhost/sso/saml/acs" in text(page)
    response = client.post(f"/admin/organisations/{organisation.id}/sso", data={
        "csrf_token": csrf_token_from(text(page)), "protocol": "saml",
        "issuer": idp.metadata_url, "email_domains": "adfs.example", "claim_email": "mail",
        "claim_name": "displayName", "is_enabled": "y"})
    assert response.status_code == 302
    provider = services.find_provider("someone@adfs.example")
    assert provider.protocol == "saml" and provider.client_id == idp.base + "/metadata"


SP_ENTITY = "http://localhost/sso/saml/metadata"


def at_idp_slo(url: str) -> str:
    """The browser at the IdP's logout endpoint: it redirects back with a LogoutResponse."""
    return at_provider(url)


def local(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_logout_ends_our_session_and_asks_the_idp_to_end_its_own(client, idp, company):
    from lms.accounts.models import UserSession

    _organisation, provider = company
    sign_in(client, provider.id)
    login = db.session.scalar(select(UserSession))
    assert (login.saml_provider_id, login.saml_name_id) == (provider.id, "adfs-0001")
    assert login.saml_session_index
    response = client.post("/logout", data={"csrf_token": csrf_token_from(
        text(client.get("/account")))})
    assert response.status_code == 302 and response.location.startswith(idp.base + "/slo?")
    assert db.session.scalars(select(UserSession)).all() == []  # ours ended at once
    assert client.get("/account").status_code == 302
    back = at_idp_slo(response.location)
    assert idp.logout_requests == [("adfs-0001", [login.saml_session_index])]
    assert back.startswith("http://localhost/sso/saml/slo?SAMLResponse=")
    assert "Signature=" in back
    answer = client.get(local(back))
    assert answer.status_code == 303
    assert "auch bei Ihrem Firmenkonto abgemeldet" in text(client.get(answer.location))


def test_an_unsigned_logout_answer_is_not_taken_as_confirmation(client, idp, company):
    _organisation, provider = company
    sign_in(client, provider.id)
    response = client.post("/logout", data={"csrf_token": csrf_token_from(
        text(client.get("/account")))})
    idp.mode = "unsigned_logout"
    back = at_idp_slo(response.location)
    answer = client.get(local(back))
    assert "nicht signiert" in text(client.get(answer.location))
    assert client.get("/account").status_code == 302  # our session is over regardless


def test_the_idp_ends_our_session_and_gets_a_signed_off_answer(app, client, idp, company):
    from lms.accounts.models import UserSession

    _organisation, provider = company
    sign_in(client, provider.id)
    other = app.test_client()  # a second browser of someone else stays signed in
    make_user(email="lena@example.org")
    db.session.commit()
    other.post("/login", data={"email": "lena@example.org", "password": "correct horse battery",
                               "csrf_token": csrf_token_from(text(other.get("/login")))})
    response = client.get(local(idp.logout_request_url(SP_ENTITY, "adfs-0001")))
    assert response.status_code == 302 and response.location.startswith(idp.base + "/slo?")
    assert "RelayState=after-logout" in response.location
    assert client.get("/account").status_code == 302
    assert other.get("/account").status_code == 200
    assert len(db.session.scalars(select(UserSession)).all()) == 1
    at_idp_slo_answer = urllib.request.urlopen(response.location, timeout=20).read().decode()
    assert at_idp_slo_answer == "logged out"
    assert idp.logout_responses == ["urn:oasis:names:tc:SAML:2.0:status:Success"]


@pytest.mark.parametrize("forge", ["unsigned", "foreign_key"])
def test_a_forged_idp_logout_request_ends_nothing(client, idp, company, forge):
    _organisation, provider = company
    sign_in(client, provider.id)
    if forge == "foreign_key":
        idp.mode = "foreign_key"
    url = idp.logout_request_url(SP_ENTITY, "adfs-0001", signed=forge != "unsigned")
    response = client.get(local(url))
    assert response.status_code == 303
    assert "signiert" in text(client.get(response.location, follow_redirects=True))
    assert client.get("/account").status_code == 200
