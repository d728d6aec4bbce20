"""Single sign-on through a real OpenID Connect provider on loopback, with signed ID tokens."""

import urllib.parse
import urllib.request

import pytest
from sqlalchemy import select

from lms.accounts.models import AdminAuditEntry, User, UserSession
from lms.accounts.sso import services
from lms.accounts.sso.models import ExternalIdentity, IdentityProvider
from lms.db import utcnow
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_member, make_organisation, make_user
from tests.lms.accounts.oidc_provider import Provider

WORKER = {"sub": "entra-0001", "email": "ayse.demir@mueller.example", "name": "Ayşe Demir",
          "employee_number": "4711", "department": "Montage"}


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def idp():
    with Provider() as provider:
        provider.user_claims = dict(WORKER)
        yield provider


@pytest.fixture
def company(app, idp):
    organisation = make_organisation(name="Müller Metallbau", code="MUELLER")
    admin = make_user(email="admin@atlas.example", is_admin=True)
    provider = services.configure_provider(
        admin, organisation, issuer=idp.issuer, client_id=idp.client_id,
        client_secret=idp.client_secret, email_domains="mueller.example",
        claim_email="email", claim_name="name", claim_personnel_number="employee_number",
        claim_department="department", is_enabled=True, now=utcnow())
    db.session.commit()
    return organisation, provider


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def at_provider(url: str) -> str:
    """The browser at the provider: the user is signed in there, it redirects back."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(url, timeout=10)
    except urllib.error.HTTPError as answer:
        assert answer.code == 302
        return answer.headers["Location"]
    raise AssertionError("the provider did not redirect")


def callback_path(location: str) -> str:
    parts = urllib.parse.urlsplit(location)
    assert parts.path == "/sso/callback"
    return f"{parts.path}?{parts.query}"


def sign_in(client, provider_id: int):
    start = client.get(f"/sso/{provider_id}/start")
    assert start.status_code == 302
    path = callback_path(at_provider(start.location))
    return client.get(path), path


def test_first_login_creates_the_account_in_the_organisation_and_department(
        client, idp, company):
    organisation, provider = company
    response, _path = sign_in(client, provider.id)
    assert response.status_code == 302 and response.location in ("/", "http://localhost/")
    user = db.session.scalar(select(User).where(User.email == WORKER["email"]))
    assert user.name == "Ayşe Demir"
    assert user.membership.organisation_id == organisation.id
    assert user.membership.department.name == "Montage"
    assert user.membership.personnel_number == "4711"
    assert client.get("/account").status_code == 200
    link = db.session.scalar(select(ExternalIdentity).where(ExternalIdentity.user_id == user.id))
    assert link.subject == "entra-0001"


def test_the_next_login_finds_the_same_account_and_follows_the_directory(
        app, client, idp, company):
    _organisation, provider = company
    sign_in(client, provider.id)
    idp.user_claims = {**WORKER, "department": "Lackiererei", "email": "new@mueller.example"}
    other = app.test_client()
    response, _path = sign_in(other, provider.id)
    assert response.status_code == 302
    users = db.session.scalars(select(User).where(User.name == "Ayşe Demir")).all()
    assert len(users) == 1
    assert users[0].membership.department.name == "Lackiererei"


@pytest.mark.parametrize("mode, message", [
    ("wrong_audience", "nicht für diese Plattform"),
    ("expired", "abgelaufen"),
    ("wrong_nonce", "gehört nicht zu dieser Anmeldung"),
    ("wrong_issuer", "ungültig"),
    ("foreign_key", "Signatur"),
])
def test_bad_id_tokens_are_refused(client, idp, company, mode, message):
    _organisation, provider = company
    idp.mode = mode
    response, _path = sign_in(client, provider.id)
    assert response.status_code == 303
    assert message in text(client.get(response.location))
    assert db.session.scalar(select(User).where(User.email == WORKER["email"])) is None
    assert client.get("/account").status_code == 302


def test_a_replayed_answer_is_refused_in_the_same_and_in_another_browser(
        app, client, idp, company):
    _organisation, provider = company
    response, path = sign_in(client, provider.id)
    assert response.status_code == 302
    assert client.get(path).status_code == 303  # same browser, same answer again
    thief = app.test_client()
    assert thief.get(path).status_code == 303
    assert thief.get("/account").status_code == 302
    # a fresh login in the thief's browser with the stolen code: state does not match
    thief.get(f"/sso/{provider.id}/start")
    assert thief.get(path).status_code == 303
    assert thief.get("/account").status_code == 302


def test_the_login_page_finds_the_provider_by_domain_or_company_code(client, company):
    _organisation, provider = company
    for identifier in ("Ayse.Demir@Mueller.example", "mueller"):
        token = csrf_token_from(text(client.get("/sso/")))
        response = client.post("/sso/", data={"identifier": identifier, "csrf_token": token})
        assert response.status_code == 302
        assert f"/sso/{provider.id}/start" in response.location
    token = csrf_token_from(text(client.get("/sso/")))
    response = client.post("/sso/", data={"identifier": "x@elsewhere.example",
                                          "csrf_token": token})
    assert response.status_code == 400
    assert "kein Single Sign-on" in text(response)


def test_logout_ends_the_local_session_and_goes_to_the_providers_logout(client, idp, company):
    _organisation, provider = company
    sign_in(client, provider.id)
    user = db.session.scalar(select(User).where(User.email == WORKER["email"]))
    response = client.post("/logout", data={"csrf_token": csrf_token_from(text(client.get("/")))})
    assert response.location.startswith(idp.issuer + "/logout?")
    assert "client_id=atlas-campus" in response.location
    assert db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all() == []
    assert client.get("/account").status_code == 302


def test_an_existing_account_with_a_company_address_is_linked_not_duplicated(
        client, idp, company):
    _organisation, provider = company
    existing = make_user(email=WORKER["email"], name="Ayşe D.")
    db.session.commit()
    sign_in(client, provider.id)
    assert db.session.scalar(select(ExternalIdentity.user_id)) == existing.id


def test_an_account_of_another_organisation_is_refused(client, idp, company):
    _organisation, provider = company
    make_member(make_organisation(name="Andere GmbH"), email=WORKER["email"])
    db.session.commit()
    response, _path = sign_in(client, provider.id)
    assert response.status_code == 303
    assert "anderen Organisation" in text(client.get(response.location))


def test_an_admin_configures_the_provider_and_an_unreachable_one_is_explained(
        app, client, idp):
    organisation = make_organisation(name="Keycloak AG")
    make_user(email="admin@atlas.example", is_admin=True)
    db.session.commit()
    token = csrf_token_from(text(client.get("/login")))
    client.post("/login", data={"email": "admin@atlas.example",
                                "password": "correct horse battery", "csrf_token": token})
    page = client.get(f"/admin/organisations/{organisation.id}/sso")
    assert "http://localhost/sso/callback" in text(page)
    form = {"csrf_token": csrf_token_from(text(page)), "issuer": "http://127.0.0.1:9/realms/x",
            "client_id": "atlas", "client_secret": "geheim", "email_domains": "keycloak.example",
            "claim_email": "email", "claim_name": "name", "claim_personnel_number": "",
            "claim_department": "", "is_enabled": "y"}
    response = client.post(f"/admin/organisations/{organisation.id}/sso", data=form)
    assert response.status_code == 400 and "nicht erreichbar" in text(response)
    form["issuer"] = "http://intranet.example/realms/x"
    response = client.post(f"/admin/organisations/{organisation.id}/sso", data=form)
    assert response.status_code == 400 and "https" in text(response)
    form["issuer"] = idp.issuer
    response = client.post(f"/admin/organisations/{organisation.id}/sso", data=form)
    assert response.status_code == 302
    provider = db.session.scalar(select(IdentityProvider))
    assert provider.client_secret and "geheim" not in provider.client_secret
    assert services.open_secret(provider.client_secret) == "geheim"
    assert db.session.scalar(select(AdminAuditEntry.action)) == "sso_configured"


def test_no_verified_address_or_a_foreign_taken_one_gives_an_account_without_email(
        app, client, idp, company):
    _organisation, provider = company
    idp.user_claims = {**WORKER, "email_verified": False}
    sign_in(client, provider.id)
    worker = db.session.scalar(select(User).where(User.name == "Ayşe Demir"))
    assert worker.email is None and not worker.has_mailbox
    # an address outside the company's domains that someone else already has: not linked,
    # not copied; the newcomer signs in without e-mail
    stranger = make_user(email="kai@private.example", name="Kai Privat")
    db.session.commit()
    idp.user_claims = {**WORKER, "sub": "entra-0002", "name": "Kai Werk",
                       "email": "kai@private.example", "employee_number": "4712"}
    response, _path = sign_in(app.test_client(), provider.id)
    assert response.status_code == 302
    kai = db.session.scalar(select(User).where(User.name == "Kai Werk"))
    assert kai.email is None and kai.id != stranger.id
    assert db.session.scalar(select(ExternalIdentity.user_id).where(
        ExternalIdentity.subject == "entra-0002")) == kai.id


def test_the_admin_page_names_every_field_and_the_two_factor_rule_once(client, company):
    organisation, _provider = company
    client.post("/login", data={"email": "admin@atlas.example",
                                "password": "correct horse battery",
                                "csrf_token": csrf_token_from(text(client.get("/login")))})
    page = text(client.get(f"/admin/organisations/{organisation.id}/sso"))
    title = page[page.index("<title>"):page.index("</title>")]
    assert "<section" not in title and "Single Sign-on" in title
    assert page.count('id="mfa-title"') == 1
    for name in ("protocol", "issuer", "client_id", "client_secret", "email_domains",
                 "claim_email", "claim_name", "claim_personnel_number", "claim_department",
                 "is_enabled"):
        assert f'name="{name}"' in page
    assert 'autocomplete="new-password"' in page and "gespeichert" in page
    assert "/sso/saml/slo" in page
    response = client.post(f"/admin/organisations/{organisation.id}/two-factor", data={
        "csrf_token": csrf_token_from(page), "required": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(organisation), organisation.id).requires_two_factor
    assert db.session.scalar(select(AdminAuditEntry.action).where(
        AdminAuditEntry.action == "two_factor_rule")) == "two_factor_rule"
