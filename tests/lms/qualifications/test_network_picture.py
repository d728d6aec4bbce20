"""The network picture: counts across companies by region and size, small groups withheld."""

from datetime import date, timedelta

import pytest

from lms.extensions import db
from lms.qualifications.network import NetworkFilter, network_picture
from tests.factories import make_member, make_organisation, make_user
from tests.lms.qualifications.qualification_data import (
    give_evidence,
    hold,
    make_qualification,
    make_role,
)

TODAY = date(2026, 12, 7)


def company(name, region, headcount, people, qualification, statuses=None):
    """A company whose ``people`` members hold a role requiring ``qualification``.

    ``statuses`` gives the evidence per person: a date (valid until), "expired", "revoked",
    "unconfirmed" or None (missing).
    """
    organisation = make_organisation(name=name, region=region, employee_count=headcount)
    role = make_role(organisation, requires=[(qualification, 1)])
    members = [make_member(organisation, name=f"{name} {n}") for n in range(people)]
    hold(role, *members)
    for member, status in zip(members, statuses or [], strict=False):
        if status == "expired":
            give_evidence(member, qualification, valid_until=TODAY - timedelta(days=1))
        elif status == "revoked":
            give_evidence(member, qualification, valid_until=None, revoked_at=db.func.now())
        elif status == "unconfirmed":
            give_evidence(member, qualification, valid_until=None, kind="external",
                          confirmed=False)
        elif status is not None:
            give_evidence(member, qualification, valid_until=status)
    return organisation, members


@pytest.fixture
def hochvolt(app):
    return make_qualification(key="hochvolt-eup", title_de="Hochvolt EuP")


def test_counts_each_status_across_companies(hochvolt):
    company("Olpe A", "Kreis Olpe", 40, 2, hochvolt, [None, TODAY + timedelta(days=10)])
    company("Olpe B", "Kreis Olpe", 40, 2, hochvolt, [TODAY + timedelta(days=60), "expired"])
    company("Siegen C", "Kreis Siegen-Wittgenstein", 300, 2, hochvolt,
            [TODAY + timedelta(days=400), "unconfirmed"])
    picture = network_picture(TODAY)
    assert picture.withheld == 0
    [row] = picture.rows
    assert (row.key, row.group, row.people, row.companies, row.required) == (
        "hochvolt-eup", "all", 6, 3, 6)
    assert (row.valid, row.expiring_30, row.expiring_90, row.expired, row.missing) == (
        1, 1, 1, 1, 2)
    assert row.missing_share == pytest.approx(3 / 6)


def test_last_valid_day_is_expiring_and_the_day_after_expired(hochvolt):
    company("A", "Kreis Olpe", 10, 2, hochvolt, [TODAY, TODAY - timedelta(days=1)])
    company("B", "Kreis Olpe", 10, 2, hochvolt, [TODAY + timedelta(days=30),
                                                 TODAY + timedelta(days=90)])
    company("C", "Kreis Olpe", 10, 1, hochvolt, [TODAY + timedelta(days=91)])
    [row] = network_picture(TODAY).rows
    assert (row.expiring_30, row.expired, row.expiring_90, row.valid) == (2, 1, 1, 1)


def test_small_groups_are_withheld_and_counted(hochvolt):
    # by region: Olpe has 6 people from 3 companies (shown); Soest 5 people from 2 (withheld)
    for name in ("O1", "O2", "O3"):
        company(name, "Kreis Olpe", 20, 2, hochvolt)
    company("S1", "Kreis Soest", 20, 3, hochvolt)
    company("S2", "Kreis Soest", 20, 2, hochvolt)
    # … and Siegen has 4 people from 4 companies (withheld: too few people)
    for name in ("W1", "W2", "W3", "W4"):
        company(name, "Kreis Siegen-Wittgenstein", 20, 1, hochvolt)
    picture = network_picture(TODAY, NetworkFilter(dimension="region"))
    assert [row.group for row in picture.rows] == ["Kreis Olpe"]
    assert picture.withheld == 2


def test_a_lone_withheld_group_takes_the_next_smallest_with_it(hochvolt):
    """Otherwise "all companies" minus the shown groups would give the small group away."""
    for name in ("O1", "O2", "O3"):
        company(name, "Kreis Olpe", 20, 2, hochvolt)
    for name in ("M1", "M2", "M3"):
        company(name, "Märkischer Kreis", 20, 3, hochvolt)
    company("S1", "Kreis Soest", 20, 2, hochvolt)
    picture = network_picture(TODAY, NetworkFilter(dimension="region"))
    assert [row.group for row in picture.rows] == ["Märkischer Kreis"]
    assert picture.withheld == 2
    assert network_picture(TODAY).rows[0].people == 17


def test_groups_by_size_band_and_filters_by_region(hochvolt):
    for name in ("K1", "K2", "K3"):
        company(name, "Kreis Olpe", 30, 2, hochvolt)
    for name in ("G1", "G2", "G3"):
        company(name, "Kreis Soest", 1200, 2, hochvolt, [None, TODAY + timedelta(days=500)])
    picture = network_picture(TODAY, NetworkFilter(dimension="size"))
    assert {(row.group, row.people, row.valid) for row in picture.rows} == {
        ("lt50", 6, 0), ("ge1000", 6, 3)}
    only_soest = network_picture(TODAY, NetworkFilter(dimension="size", region="Kreis Soest"))
    assert [(row.group, row.people) for row in only_soest.rows] == [("ge1000", 6)]
    assert only_soest.withheld == 0


def test_company_qualifications_templates_and_anonymised_people_do_not_count(hochvolt):
    for name in ("A", "B", "C"):
        organisation, members = company(name, "Kreis Olpe", 20, 2, hochvolt)
        own = make_qualification(organisation, key=f"eigene-{name}")
        hold(make_role(organisation, name="Eigene Rolle", requires=[(own, 1)]), *members)
    template = make_role(None, name="Vorlage", requires=[(hochvolt, 1)])
    hold(template, make_user())
    members[0].anonymised_at = db.func.now()
    db.session.flush()
    picture = network_picture(TODAY)
    assert [(row.key, row.people) for row in picture.rows] == [("hochvolt-eup", 5)]


def test_higher_required_level_needs_evidence_of_that_level(hochvolt):
    for name in ("A", "B", "C"):
        organisation = make_organisation(name=name, region="Kreis Olpe", employee_count=20)
        basic = make_role(organisation, name="Elektrik", requires=[(hochvolt, 1)])
        expert = make_role(organisation, name="Hochvolt-Experte", requires=[(hochvolt, 2)])
        people = [make_member(organisation) for _ in range(2)]
        hold(basic, *people)
        hold(expert, people[0])
        for person in people:
            give_evidence(person, hochvolt, valid_until=None, level=1)
    [row] = network_picture(TODAY).rows
    assert (row.required, row.valid, row.missing) == (6, 3, 3)


# --- the page and its exports ----------------------------------------------------------


@pytest.fixture
def picture_data(hochvolt):
    """Olpe is shown; Soest is too small, and so Märkisch (the next smallest) goes with it."""
    for name in ("O1", "O2", "O3"):
        company(name, "Kreis Olpe", 20, 3, hochvolt, [TODAY + timedelta(days=365)])
    for name in ("M1", "M2", "M3"):
        company(name, "Märkischer Kreis", 20, 2, hochvolt)
    company("S1", "Kreis Soest", 20, 2, hochvolt)


@pytest.mark.parametrize("path", ["/network/qualifications/",
                                  "/network/qualifications/export.csv"])
def test_only_network_staff_and_admins_see_it(client, auth, picture_data, path):
    organisation = make_organisation(name="Firma")
    make_member(organisation, role="manager", email="chefin@example.org")
    make_user(email="netz@example.org", is_network_staff=True)
    assert client.get(path).status_code == 302
    auth.login("chefin@example.org")
    assert client.get(path).status_code == 403
    auth.logout()
    auth.login("netz@example.org")
    assert client.get(path).status_code == 200


def test_page_shows_shown_groups_and_the_withheld_count(client, auth, picture_data):
    make_user(email="netz@example.org", is_network_staff=True)
    auth.login("netz@example.org")
    page = client.get("/network/qualifications/?dimension=region").get_data(as_text=True)
    assert "<title>Netzwerkbild der Qualifikationen" in page
    assert 'data-group="Kreis Olpe"' in page and 'data-group="Kreis Soest"' not in page
    assert 'data-group="Märkischer Kreis"' not in page
    assert 'data-withheld="2"' in page
    assert "Netzwerkbild" in client.get("/").get_data(as_text=True)  # in the menu


def test_exports_carry_the_same_rows(client, auth, picture_data):
    import io

    from openpyxl import load_workbook

    make_user(email="netz@example.org", is_network_staff=True)
    auth.login("netz@example.org")
    response = client.get("/network/qualifications/export.csv?dimension=region")
    assert response.headers["Content-Type"].startswith("text/csv")
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[1].startswith("Qualifikation;Kennung;Gruppe")
    assert lines[2].split(";") == ["Hochvolt EuP", "hochvolt-eup", "Kreis Olpe", "9", "3", "9",
                                   "3", "0", "0", "0", "6", "66,7"]
    assert len(lines) == 4
    assert lines[-1].startswith("Zurückgehaltene Gruppen") and lines[-1].endswith(";2")
    response = client.get("/network/qualifications/export.xlsx?dimension=region")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2] == ("Hochvolt EuP", "hochvolt-eup", "Kreis Olpe", 9, 3, 9, 3, 0, 0, 0, 6,
                       66.7)
    assert len(rows) == 4 and rows[-1][-1] == 2
