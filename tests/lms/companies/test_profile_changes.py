"""A change of what the employer sees waits for the works council, and every step is logged."""

from datetime import timedelta

from sqlalchemy import select

from lms.companies import visibility
from lms.companies.audit import record_access
from lms.companies.models import AccessLogEntry, PrivacySetting, ProfileChange
from lms.extensions import db
from tests.factories import make_member, make_organisation

from .test_privacy import approve_pending, request_profile


def log_actions(organisation) -> list[str]:
    return list(db.session.scalars(
        select(AccessLogEntry.action).where(AccessLogEntry.organisation_id == organisation.id)
        .order_by(AccessLogEntry.id)))


def test_with_a_works_council_the_change_waits_and_both_see_it(client, auth, company):
    auth.login(company.manager.email)
    response = request_profile(client, "strict")
    assert response.status_code == 302
    assert visibility.active_profile_name(company.organisation) == "standard"
    page = client.get("/company/privacy").get_data(as_text=True)
    assert "Beantragte Änderung des Sichtbarkeitsprofils" in page
    assert "Antrag zurückziehen" in page
    auth.logout()
    auth.login(company.works_council.email)
    page = client.get("/company/works-council").get_data(as_text=True)
    assert "Beantragte Änderung des Sichtbarkeitsprofils" in page and "Zustimmen" in page
    assert "Änderung des Sichtbarkeitsprofils beantragt" in page  # the log entry
    assert approve_pending(client, "approve", "Betriebsvereinbarung vom 1.12.").status_code == 302
    assert visibility.active_profile_name(company.organisation) == "strict"
    change = db.session.scalar(select(ProfileChange))
    assert change.status == "approved" and change.decided_by_id == company.works_council.id
    assert log_actions(company.organisation)[-1] == "profile_change_approved"
    entry = db.session.scalar(select(AccessLogEntry).order_by(AccessLogEntry.id.desc()))
    assert "Betriebsvereinbarung vom 1.12." in entry.detail


def test_works_council_may_reject_and_the_old_profile_stays(client, auth, company):
    auth.login(company.manager.email)
    request_profile(client, "strict")
    auth.logout()
    auth.login(company.works_council.email)
    approve_pending(client, "reject")
    assert visibility.active_profile_name(company.organisation) == "standard"
    assert db.session.scalar(select(ProfileChange.status)) == "rejected"
    assert log_actions(company.organisation)[-1] == "profile_change_rejected"
    assert "vom Betriebsrat abgelehnt" in client.get("/company/works-council").get_data(
        as_text=True)


def test_manager_cannot_decide_and_another_council_cannot_either(
        client, auth, company, other_company):
    auth.login(company.manager.email)
    request_profile(client, "strict")
    change = db.session.scalar(select(ProfileChange))
    page = client.get("/company/privacy").get_data(as_text=True)
    from tests.conftest import csrf_token_from

    response = client.post(f"/company/privacy/profile/{change.id}/decide",
                           data={"csrf_token": csrf_token_from(page), "decision": "approve"})
    assert response.status_code == 403
    auth.logout()
    auth.login(other_company.works_council.email)
    response = approve_pending(client, "approve")
    assert response.status_code == 302  # refused with a message, nothing applied
    assert visibility.active_profile_name(company.organisation) == "standard"
    assert db.session.scalar(select(ProfileChange.status)) == "pending"


def test_manager_may_withdraw_the_request(client, auth, company):
    auth.login(company.manager.email)
    request_profile(client, "strict")
    page = client.get("/company/privacy").get_data(as_text=True)
    from tests.conftest import csrf_token_from

    client.post("/company/privacy/profile/withdraw", data={"csrf_token": csrf_token_from(page)})
    assert db.session.scalar(select(ProfileChange.status)) == "withdrawn"
    assert visibility.pending_change(company.organisation) is None
    assert log_actions(company.organisation)[-2:] == [
        "profile_change_requested", "profile_change_withdrawn"]


def test_without_a_works_council_the_change_applies_at_once_and_is_logged(client, auth, app):
    organisation = make_organisation(name="Kleinbetrieb ohne Betriebsrat")
    manager = make_member(organisation, role="manager", name="Chefin")
    db.session.flush()
    auth.login(manager.email)
    page = client.get("/company/privacy").get_data(as_text=True)
    assert "keinen Betriebsrat" in page
    request_profile(client, "strict")
    assert visibility.active_profile_name(organisation) == "strict"
    assert db.session.scalar(select(PrivacySetting.profile)) == "strict"
    assert db.session.scalar(select(ProfileChange.status)) == "applied"
    assert log_actions(organisation) == ["profile_changed"]


def test_page_views_are_logged_once_per_viewer_subject_and_kind(company, now):
    viewer, person = company.manager, company.employees[0]
    for minutes in (0, 1, 9):
        record_access(viewer, company.organisation, "view_employee", now + timedelta(
            minutes=minutes), subject=person)
    record_access(viewer, company.organisation, "view_employee", now, subject=company.employees[1])
    record_access(viewer, company.organisation, "export_csv", now)
    record_access(viewer, company.organisation, "export_csv", now)
    record_access(viewer, company.organisation, "view_employee", now + timedelta(minutes=20),
                  subject=person)
    assert log_actions(company.organisation) == [
        "view_employee", "view_employee", "export_csv", "export_csv", "view_employee"]


def test_access_log_pages_hold_fifty_entries(client, auth, company, now):
    for n in range(120):
        record_access(company.manager, company.organisation, "export_csv", now,
                      detail=f"export {n}")
    auth.login(company.works_council.email)
    first = client.get("/company/works-council").get_data(as_text=True)
    assert "Seite 1 von 3" in first and "export 119" in first and "export 69" not in first
    assert first.count("<tr>") - 1 <= 50 + 10  # log rows plus the other tables
    third = client.get("/company/works-council?page=3").get_data(as_text=True)
    assert "Seite 3 von 3" in third and "export 0<" in third
    auth.logout()
    auth.login(company.employees[0].email)
    mine = client.get("/me/access-log?page=2").get_data(as_text=True)
    assert "Seite 2 von 3" in mine
