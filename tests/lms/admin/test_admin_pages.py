"""Admin pages are for admins only; roles can be granted; organisations created."""

import pytest
from sqlalchemy import select

from lms.accounts.models import Organisation
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_user


@pytest.mark.parametrize("path", ["/admin/users", "/admin/organisations"])
def test_admin_pages_refuse_non_admins(client, auth, path):
    make_user(email="lena@example.org")
    assert client.get(path).status_code == 302  # anonymous: to the login page
    auth.login("lena@example.org")
    assert client.get(path).status_code == 403


def test_admin_grants_trainer_role(client, auth):
    make_user(email="admin@example.org", is_admin=True)
    trainer = make_user(email="tobias@example.org")
    auth.login("admin@example.org")
    page = client.get(f"/admin/users/{trainer.id}").get_data(as_text=True)
    response = client.post(f"/admin/users/{trainer.id}", data={
        "is_trainer": "y", "is_active": "y", "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    db.session.refresh(trainer)
    assert trainer.is_trainer and not trainer.is_admin


def test_admin_cannot_lock_themselves_out(client, auth):
    admin = make_user(email="admin@example.org", is_admin=True)
    auth.login("admin@example.org")
    page = client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    response = client.post(f"/admin/users/{admin.id}", data={
        "is_active": "y", "csrf_token": csrf_token_from(page)})
    assert response.status_code == 400
    db.session.refresh(admin)
    assert admin.is_admin


def test_admin_creates_organisation_and_duplicate_is_refused(client, auth):
    make_user(email="admin@example.org", is_admin=True)
    auth.login("admin@example.org")
    token = auth.csrf("/admin/organisations")
    first = client.post("/admin/organisations", data={"name": "Kabelwerk Olpe GmbH",
                                                      "city": "Olpe", "csrf_token": token})
    assert first.status_code == 302
    second = client.post("/admin/organisations", data={"name": "Kabelwerk Olpe GmbH",
                                                       "city": "Olpe", "csrf_token": token})
    assert second.status_code == 400
    assert "gibt es bereits" in second.get_data(as_text=True)
    names = db.session.scalars(select(Organisation.name)).all()
    assert names.count("Kabelwerk Olpe GmbH") == 1


def test_user_search(client, auth):
    make_user(email="admin@example.org", is_admin=True)
    make_user(email="zerspaner@example.org", name="Zora Zerspanung")
    auth.login("admin@example.org")
    html = client.get("/admin/users?q=zora").get_data(as_text=True)
    assert "Zora Zerspanung" in html and "admin@example.org" not in html.split("<tbody>")[1]
