"""A company edits and archives its own qualifications; the network's stay the network's."""

import pytest
from sqlalchemy import select

from lms.companies.models import AccessLogEntry
from lms.db import utcnow
from lms.errors import ValidationFailedError
from lms.extensions import db
from lms.local_time import local_day
from lms.qualifications import roles
from lms.qualifications.models import Qualification
from lms.qualifications.status import matrix
from tests.conftest import csrf_token_from
from tests.factories import make_member, make_organisation
from tests.lms.qualifications.conftest import login
from tests.lms.qualifications.qualification_data import make_qualification


@pytest.fixture
def own(company):
    qualification = make_qualification(company.organisation, key="stapler",
                                       title_de="Staplerschein", title_en="")
    db.session.commit()
    return qualification


def _token(client, path="/company/qualifications/catalogue"):
    return csrf_token_from(client.get(path).get_data(as_text=True))


def _actions(organisation):
    return [(entry.action, entry.detail) for entry in db.session.scalars(
        select(AccessLogEntry).where(AccessLogEntry.organisation_id == organisation.id,
                                     AccessLogEntry.action.like("qualification_%"))
        .order_by(AccessLogEntry.id))]


def test_manager_edits_titles_validity_and_the_course_that_counts(
        client, auth, company, own, import_real):
    import_real("e-mobility")
    db.session.commit()
    login(client, auth, company.manager)
    path = f"/company/qualifications/catalogue/{own.id}/edit"
    page = client.get(path)
    assert page.status_code == 200 and 'value="Staplerschein"' in page.get_data(as_text=True)
    response = client.post(path, data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        "title_de": "Staplerschein (Flurförderzeuge)", "title_en": "Forklift licence",
        "validity_months": "36", "course_slug": "e-mobility"})
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(Qualification, own.id)
    assert (changed.title_de, changed.title_en, changed.validity_months) == (
        "Staplerschein (Flurförderzeuge)", "Forklift licence", 36)
    assert [(r.kind, r.course_slug) for r in changed.rules] == [("course", "e-mobility")]
    assert _actions(company.organisation) == [
        ("qualification_changed", "Staplerschein (Flurförderzeuge)")]
    # the course is taken back out: no course rule left
    client.post(path, data={"csrf_token": _token(client, path), "title_de": "Staplerschein",
                            "validity_months": "", "course_slug": ""})
    db.session.expire_all()
    changed = db.session.get(Qualification, own.id)
    assert changed.rules == [] and changed.validity_months is None


def test_bad_input_is_shown_on_the_form(client, auth, company, own):
    login(client, auth, company.manager)
    path = f"/company/qualifications/catalogue/{own.id}/edit"
    response = client.post(path, data={"csrf_token": _token(client, path), "title_de": "",
                                       "validity_months": "999"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Qualification, own.id).title_de == "Staplerschein"
    assert _actions(company.organisation) == []


def test_network_catalogue_and_other_companies_are_not_editable(client, auth, company):
    other = make_qualification(make_organisation(), key="fremd", title_de="Fremd")
    db.session.commit()
    login(client, auth, company.manager)
    token = _token(client)
    assert client.get(f"/company/qualifications/catalogue/{company.hv.id}/edit"
                      ).status_code == 403
    assert client.post(f"/company/qualifications/catalogue/{company.hv.id}/archive",
                       data={"csrf_token": token, "archived": "1"}).status_code == 403
    assert client.get(f"/company/qualifications/catalogue/{other.id}/edit").status_code == 404
    assert client.post(f"/company/qualifications/catalogue/{other.id}/archive",
                       data={"csrf_token": token, "archived": "1"}).status_code == 404
    db.session.expire_all()
    assert not db.session.get(Qualification, company.hv.id).archived
    assert not db.session.get(Qualification, other.id).archived


def test_employees_may_not_and_archiving_needs_the_csrf_token(client, auth, company, own):
    login(client, auth, company.anna)
    assert client.get(f"/company/qualifications/catalogue/{own.id}/edit").status_code == 403
    auth.logout()
    login(client, auth, company.manager)
    assert client.post(f"/company/qualifications/catalogue/{own.id}/archive").status_code == 400
    db.session.expire_all()
    assert not db.session.get(Qualification, own.id).archived


def test_archived_is_offered_for_no_new_requirement_but_history_stays(
        client, auth, company, own):
    roles.set_requirement(company.manager, company.organisation, company.role, own.id, 1)
    db.session.commit()
    login(client, auth, company.manager)
    response = client.post(f"/company/qualifications/catalogue/{own.id}/archive",
                           data={"csrf_token": _token(client), "archived": "1"})
    assert response.status_code == 302
    # the same button sent twice (double click, a second tab) does not restore it
    client.post(f"/company/qualifications/catalogue/{own.id}/archive",
                data={"csrf_token": _token(client), "archived": "1"})
    db.session.expire_all()
    assert db.session.get(Qualification, own.id).archived
    role_page = client.get(f"/company/qualifications/roles/{company.role.id}")
    options = role_page.get_data(as_text=True).split('id="qualification_id"')[1].split(
        "</select>")[0]
    assert "Staplerschein" not in options
    # a new role may not require it; the existing requirement and the matrix keep it
    new_role = roles.create_role(company.manager, company.organisation, name="Lager")
    with pytest.raises(ValidationFailedError):
        roles.set_requirement(company.manager, company.organisation, new_role, own.id, 1)
    cells = matrix(company.organisation, local_day(utcnow())).rows[0].cells
    assert own.id in cells
    catalogue_page = client.get("/company/qualifications/catalogue").get_data(as_text=True)
    assert "Staplerschein" in catalogue_page and "Wiederherstellen" in catalogue_page
    client.post(f"/company/qualifications/catalogue/{own.id}/archive",
                data={"csrf_token": _token(client), "archived": "0"})
    db.session.expire_all()
    assert not db.session.get(Qualification, own.id).archived
    assert [action for action, _detail in _actions(company.organisation)] == [
        "qualification_archived", "qualification_restored"]


def test_another_company_s_manager_gets_404(client, auth, own):
    stranger = make_member(make_organisation(), role="manager")
    db.session.commit()
    login(client, auth, stranger)
    assert client.get(f"/company/qualifications/catalogue/{own.id}/edit").status_code == 404
