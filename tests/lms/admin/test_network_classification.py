"""Admins give member companies a region and headcount and grant the network-staff role."""

import pytest

from lms.accounts.regions import size_band
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_member, make_organisation, make_user


@pytest.mark.parametrize("count, band", [
    (None, "unknown"), (0, "lt50"), (49, "lt50"), (50, "50-249"), (249, "50-249"),
    (250, "250-999"), (999, "250-999"), (1000, "ge1000"), (52000, "ge1000"),
])
def test_size_bands_follow_headcount(count, band):
    assert size_band(count) == band


def test_admin_sets_region_and_headcount(client, auth):
    make_user(email="admin@example.org", is_admin=True)
    organisation = make_organisation(name="Kabelwerk Olpe GmbH")
    auth.login("admin@example.org")
    page = client.get(f"/admin/organisations/{organisation.id}").get_data(as_text=True)
    assert "Region und Größe" in page
    response = client.post(f"/admin/organisations/{organisation.id}/classification", data={
        "region": "Kreis Olpe", "employee_count": "120", "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert (organisation.region, organisation.employee_count) == ("Kreis Olpe", 120)
    page = client.get(f"/admin/organisations/{organisation.id}").get_data(as_text=True)
    assert "50–249 Beschäftigte" in page


def test_unknown_region_and_negative_headcount_are_refused(client, auth):
    make_user(email="admin@example.org", is_admin=True)
    organisation = make_organisation(name="Kabelwerk Olpe GmbH")
    auth.login("admin@example.org")
    token = auth.csrf(f"/admin/organisations/{organisation.id}")
    for data in ({"region": "Atlantis", "employee_count": "10"},
                 {"region": "Kreis Soest", "employee_count": "-3"}):
        response = client.post(f"/admin/organisations/{organisation.id}/classification",
                               data={**data, "csrf_token": token})
        assert response.status_code == 400
    db.session.refresh(organisation)
    assert (organisation.region, organisation.employee_count) == ("", None)


def test_managers_cannot_classify_their_company(client, auth):
    organisation = make_organisation(name="Kabelwerk Olpe GmbH")
    make_member(organisation, role="manager", email="chefin@example.org")
    auth.login("chefin@example.org")
    page = client.get(f"/admin/organisations/{organisation.id}").get_data(as_text=True)
    assert "Region und Größe" not in page
    response = client.post(f"/admin/organisations/{organisation.id}/classification", data={
        "region": "Kreis Olpe", "employee_count": "5", "csrf_token": auth.csrf("/")})
    assert response.status_code == 403
    db.session.refresh(organisation)
    assert organisation.region == ""


def test_admin_grants_network_staff_role(client, auth):
    make_user(email="admin@example.org", is_admin=True)
    staff = make_user(email="netzwerk@example.org")
    auth.login("admin@example.org")
    page = client.get(f"/admin/users/{staff.id}").get_data(as_text=True)
    response = client.post(f"/admin/users/{staff.id}", data={
        "is_network_staff": "y", "is_active": "y", "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    db.session.refresh(staff)
    assert staff.is_network_staff and not staff.is_admin and not staff.is_trainer
    assert "network_staff" in staff.role_names
