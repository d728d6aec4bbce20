"""Scores only with consent; every view logged for the employee and the works council."""

import pytest
from sqlalchemy import select

from lms.companies.models import AccessLogEntry, Consent
from lms.companies.visibility import fields_visible
from lms.extensions import db
from lms.learning.enrolment import enrol
from lms.learning.models import LessonProgress
from tests.conftest import csrf_token_from


@pytest.fixture
def quiz_taker(company, course, now):
    person = company.employees[0]
    enrol(person, course, actor=company.manager, now=now)
    db.session.add(LessonProgress(user_id=person.id, course_id=course.id,
                                  lesson_id="quiz-antriebe", status="passed",
                                  best_percent=83.0, attempts=2, first_seen_at=now, done_at=now))
    db.session.flush()
    return person


def decide(client, decision: str):
    page = client.get("/me/consent").get_data(as_text=True)
    return client.post("/me/consent", data={"csrf_token": csrf_token_from(page),
                                            "decision": decision})


def request_profile(client, profile: str):
    page = client.get("/company/privacy").get_data(as_text=True)
    return client.post("/company/privacy/profile",
                       data={"csrf_token": csrf_token_from(page), "profile": profile})


def approve_pending(client, decision: str, note: str = ""):
    from lms.companies.models import ProfileChange

    change = db.session.scalar(select(ProfileChange).where(ProfileChange.status == "pending"))
    page = client.get("/company/works-council").get_data(as_text=True)
    return client.post(f"/company/privacy/profile/{change.id}/decide",
                       data={"csrf_token": csrf_token_from(page), "decision": decision,
                             "note": note})


def manager_view(client, auth, company, person) -> str:
    auth.login(company.manager.email)
    response = client.get(f"/company/employees/{person.id}")
    assert response.status_code == 200
    auth.logout()
    return response.get_data(as_text=True)


def test_scores_withheld_without_consent_shown_with_it_hidden_after_revoking(
        client, auth, company, quiz_taker):
    html = manager_view(client, auth, company, quiz_taker)
    assert "83 %" not in html
    assert "Nicht sichtbar" in html
    assert "E-Mobilität" in html or "Antriebe" in html  # enrolment itself is visible

    auth.login(quiz_taker.email)
    assert decide(client, "grant").status_code == 302
    auth.logout()
    html = manager_view(client, auth, company, quiz_taker)
    assert "83 %" in html

    auth.login(quiz_taker.email)
    assert decide(client, "revoke").status_code == 302
    auth.logout()
    html = manager_view(client, auth, company, quiz_taker)
    assert "83 %" not in html

    history = db.session.scalars(select(Consent).where(Consent.user_id == quiz_taker.id)
                                 .order_by(Consent.id)).all()
    assert [c.is_granted for c in history] == [True, False]
    assert "Testergebnisse" in history[0].text and company.organisation.name in history[0].text


def test_consent_does_not_carry_over_to_a_new_employer(client, auth, company, other_company,
                                                       quiz_taker):
    from lms.companies.consent import has_score_consent

    auth.login(quiz_taker.email)
    decide(client, "grant")
    db.session.expire_all()
    assert has_score_consent(quiz_taker)
    quiz_taker.membership.organisation = other_company.organisation
    db.session.flush()
    assert not has_score_consent(quiz_taker)


def test_views_are_logged_and_visible_to_employee_and_works_council(client, auth, company,
                                                                    quiz_taker):
    manager_view(client, auth, company, quiz_taker)
    entry = db.session.scalar(select(AccessLogEntry).where(
        AccessLogEntry.subject_id == quiz_taker.id))
    assert entry.action == "view_employee" and entry.actor_id == company.manager.id

    auth.login(quiz_taker.email)
    own = client.get("/me/access-log").get_data(as_text=True)
    assert company.manager.name in own and "Lerndaten einer Person angesehen" in own
    auth.logout()

    other = company.employees[1]
    auth.login(other.email)
    assert "Lerndaten einer Person angesehen" not in client.get("/me/access-log").get_data(
        as_text=True)
    auth.logout()

    auth.login(company.works_council.email)
    council = client.get("/company/works-council")
    assert council.status_code == 200
    html = council.get_data(as_text=True)
    assert quiz_taker.name in html and company.manager.name in html
    assert "Sichtbarkeitsprofil" in html


def test_list_views_are_logged_for_everyone(client, auth, company):
    auth.login(company.manager.email)
    client.get("/company/employees")
    auth.logout()
    auth.login(company.employees[2].email)
    assert "Mitarbeitendenliste angesehen" in client.get("/me/access-log").get_data(as_text=True)


@pytest.mark.parametrize("path", [
    "/company/employees/invite", "/company/employees/import", "/company/employees/import/confirm",
    "/company/assignments", "/company/privacy/profile", "/company/invitations/1/revoke",
    "/company/employees/{employee}/remove",
])
def test_works_council_cannot_post(client, auth, company, path):
    auth.login(company.works_council.email)
    token = csrf_token_from(client.get("/company/works-council").get_data(as_text=True))
    response = client.post(path.format(employee=company.employees[0].id),
                           data={"csrf_token": token})
    assert response.status_code == 403


def test_works_council_cannot_see_individual_records(client, auth, company):
    auth.login(company.works_council.email)
    assert client.get(f"/company/employees/{company.employees[0].id}").status_code == 403
    assert client.get("/company/privacy/annex").status_code == 200


def test_default_profile_fields(app):
    assert fields_visible("manager", False) == {
        "enrolment", "completion", "completion_date", "hours", "certificates"}
    assert fields_visible("manager", True) >= {"scores", "attempts"}
    for role in ("manager", "works_council", "admin"):
        assert "time_on_task" not in fields_visible(role, True)
    assert fields_visible("employee", True) == frozenset()


def test_annex_prints_the_profile_in_both_languages(client, auth, company):
    auth.login(company.manager.email)
    html = client.get("/company/privacy/annex").get_data(as_text=True)
    assert "Anlage zur Betriebsvereinbarung" in html
    assert "nur mit Einwilligung der Person" in html and "nie sichtbar" in html
    assert 'src="/static/js/companies.js"' in html


def test_stricter_profile_hides_scores_even_with_consent(client, auth, company, quiz_taker):
    auth.login(quiz_taker.email)
    decide(client, "grant")
    auth.logout()
    auth.login(company.manager.email)
    page = client.get("/company/privacy").get_data(as_text=True)
    response = client.post("/company/privacy/profile",
                           data={"csrf_token": csrf_token_from(page), "profile": "strict"})
    assert response.status_code == 302
    # the company has a works council: the change waits for it
    assert "83 %" in client.get(f"/company/employees/{quiz_taker.id}").get_data(as_text=True)
    auth.logout()
    auth.login(company.works_council.email)
    approve_pending(client, "approve")
    auth.logout()
    auth.login(company.manager.email)
    assert "83 %" not in client.get(f"/company/employees/{quiz_taker.id}").get_data(as_text=True)


def test_operator_lock_refuses_profile_changes(client, auth, company, app):
    app.config["ATLAS_VISIBILITY_LOCKED"] = True
    try:
        auth.login(company.manager.email)
        page = client.get("/company/privacy").get_data(as_text=True)
        assert "festgelegt" in page
        client.post("/company/privacy/profile",
                    data={"csrf_token": csrf_token_from(page), "profile": "strict"})
        from lms.companies.models import PrivacySetting
        assert db.session.scalars(select(PrivacySetting)).all() == []
    finally:
        app.config["ATLAS_VISIBILITY_LOCKED"] = False


def test_personal_data_sections(app, company, quiz_taker, now):
    from lms.companies.consent import decide_score_consent
    from lms.companies.personal_data import company_sections

    decide_score_consent(quiz_taker, True, "en", now)
    sections = {s["key"]: s for s in company_sections(quiz_taker)}
    assert sections["consents"]["items"][0]["granted"] is True
    item = sections["consents"]["items"][0]
    assert item["language"] == "en" and company.organisation.name in item["text"]
    assert sections["access_log"]["items"] == []
