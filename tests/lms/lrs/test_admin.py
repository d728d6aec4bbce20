"""The LRS admin page: admins only; a new client's secret is shown once; revoking works."""

import re

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.lrs.models import LrsClient
from tests.conftest import csrf_token_from
from tests.factories import make_user
from tests.fixtures.lrs import XapiCaller, basic_auth
from tests.lms.lrs.builders import statement


@pytest.fixture
def admin(auth):
    make_user(email="admin@example.org", is_admin=True)
    auth.login("admin@example.org")


def test_admin_page_refuses_non_admins(client, auth):
    make_user(email="lena@example.org")
    assert client.get("/admin/lrs").status_code == 302
    auth.login("lena@example.org")
    assert client.get("/admin/lrs").status_code == 403


def test_admins_see_the_navigation_entry(client, admin):
    page = client.get("/admin/lrs").get_data(as_text=True)
    assert 'href="/admin/lrs"' in page
    # No inline script or style (the CSP forbids them); the site's script file is fine.
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and "style=" not in page


def test_create_client_shows_the_secret_once_and_it_works(client, admin):
    page = client.get("/admin/lrs").get_data(as_text=True)
    response = client.post("/admin/lrs/clients", data={
        "name": "Simulator", "scopes": ["statements/write", "state"],
        "csrf_token": csrf_token_from(page)})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    key, secret = re.findall(r"<dd><code>([^<]+)</code></dd>", html)[:2]
    caller = XapiCaller(client, basic_auth(key, secret))
    assert caller.post("statements", json=statement()).status_code == 200
    assert secret not in client.get("/admin/lrs").get_data(as_text=True)


def test_create_client_with_its_xapi_version(client, admin):
    page = client.get("/admin/lrs").get_data(as_text=True)
    assert 'name="xapi_version"' in page
    response = client.post("/admin/lrs/clients", data={
        "name": "Alt", "scopes": ["all"], "xapi_version": "1.0.3",
        "csrf_token": csrf_token_from(page)})
    assert response.status_code == 201
    assert db.session.scalar(select(LrsClient.xapi_version).where(LrsClient.name == "Alt")) \
        == "1.0.3"
    bad = client.post("/admin/lrs/clients", data={
        "name": "Neu", "scopes": ["all"], "xapi_version": "9.9",
        "csrf_token": csrf_token_from(page)})
    assert bad.status_code == 400


def test_create_client_needs_a_scope(client, admin):
    page = client.get("/admin/lrs").get_data(as_text=True)
    response = client.post("/admin/lrs/clients", data={
        "name": "Ohne", "csrf_token": csrf_token_from(page)})
    assert response.status_code == 400
    assert "mindestens einen Scope" in response.get_data(as_text=True)


def test_revoke_from_the_admin_page(client, admin, make_client, caller):
    lrs_client, auth = make_client("all", name="Alt")
    page = client.get("/admin/lrs").get_data(as_text=True)
    response = client.post(f"/admin/lrs/clients/{lrs_client.key}/revoke",
                           data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    db.session.refresh(lrs_client)
    assert lrs_client.is_revoked
    assert caller(auth).get("statements").status_code == 401
    assert "gesperrt" in client.get("/admin/lrs").get_data(as_text=True)
