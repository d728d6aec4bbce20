"""Launches from the platform simulator: signed in, enrolled, bound to the organisation;
forged, expired, wrong-audience and replayed tokens refused with a 4xx page."""

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.catalog.trainers import is_course_trainer
from lms.db import utcnow
from lms.extensions import db
from lms.learning.models import Enrolment
from lms.lti.models import LtiGrade, LtiIdentity, LtiLink, LtiLogin
from lms.lti.registrations import set_status
from tests.conftest import csrf_token_from
from tests.factories import make_user
from tests.lms.lti.conftest import LESSONS, MODULE, SLUG
from tests.lms.lti.flow import at_platform, launch, start_login
from tests.lms.lti.platform import query


def text(response) -> str:
    return response.get_data(as_text=True)


def test_login_initiation_sends_the_browser_to_the_platform_with_state_and_nonce(
        client, platform, registration):
    location = start_login(client, platform)
    params = query(location)
    assert location.startswith(platform.issuer + "/auth?")
    assert params["client_id"] == registration.client_id
    assert params["redirect_uri"] == "http://localhost/lti/launch"
    assert params["response_mode"] == "form_post" and params["prompt"] == "none"
    assert params["lti_message_hint"] == "hint-1"
    login = db.session.scalar(select(LtiLogin).where(LtiLogin.state == params["state"]))
    assert login is not None and login.nonce == params["nonce"] and login.used_at is None
    assert client.get_cookie("atlas_lti_state", path="/lti/").value == params["state"]


def test_launch_signs_in_enrols_and_opens_the_linked_module(client, platform, registration,
                                                           lti_course, organisation):
    platform.custom = {"atlas_course": SLUG, "atlas_module": MODULE}
    response, _fields = launch(client, platform)
    assert response.status_code == 302
    assert response.location.endswith(f"/learn/{SLUG}/{LESSONS[0]}")
    identity = db.session.scalar(select(LtiIdentity).where(
        LtiIdentity.subject == platform.user["sub"]))
    user = identity.user
    assert user.name == "Jana Becker" and user.email == "jana.becker@zulieferer.example"
    assert user.membership.organisation_id == organisation.id
    assert not user.is_admin and not user.is_trainer
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id))
    assert enrolment.course_id == lti_course.id and enrolment.status == "active"
    link = db.session.scalar(select(LtiLink))
    assert link.module_id == MODULE and link.lineitem_url == platform.lineitem
    assert db.session.scalar(select(LtiGrade).where(LtiGrade.user_id == user.id)) is not None
    page = client.get(response.location)
    assert page.status_code == 200 and "Einstieg" in text(page)


def test_second_launch_finds_the_same_account_and_a_course_link_resumes(
        client, auth, platform, registration, lti_course):
    platform.custom = {"atlas_course": SLUG}
    first, _ = launch(client, platform)
    assert first.status_code == 302 and first.location.endswith(f"/learn/{SLUG}")
    auth.logout()  # the session ends; the next launch signs in again
    second, _ = launch(client, platform)
    assert second.status_code == 302
    assert db.session.scalar(select(db.func.count()).select_from(LtiIdentity)) == 1


def test_person_without_email_claim_gets_an_account_without_email(
        client, platform, registration, lti_course):
    platform.custom = {"atlas_course": SLUG}
    platform.user = {"sub": "ilias-99"}
    response, _ = launch(client, platform)
    assert response.status_code == 302
    user = db.session.scalar(select(LtiIdentity).where(LtiIdentity.subject == "ilias-99")).user
    assert user.email is None and user.name.startswith("Teilnehmer/in über")


def test_email_of_an_existing_account_is_not_taken_over(client, platform, registration,
                                                        lti_course):
    existing = make_user(email="jana.becker@zulieferer.example")
    db.session.commit()
    platform.custom = {"atlas_course": SLUG}
    response, _ = launch(client, platform)
    assert response.status_code == 302
    user = db.session.scalar(select(LtiIdentity)).user
    assert user.id != existing.id and user.email is None


@pytest.mark.parametrize(("mode", "status", "says"), [
    ("foreign_key", 401, "Signatur"),
    ("expired", 400, "abgelaufen"),
    ("wrong_audience", 401, "nicht für ATLAS Campus"),
    ("unknown_deployment", 400, "Deployment-ID"),
])
def test_bad_tokens_are_refused_with_a_clear_page(client, platform, registration, lti_course,
                                                  mode, status, says):
    platform.custom = {"atlas_course": SLUG}
    platform.mode = mode
    response, _ = launch(client, platform)
    assert response.status_code == status
    assert says in text(response) and "<title>" in text(response)
    assert db.session.scalar(select(db.func.count()).select_from(User).where(
        User.name == "Jana Becker")) == 0


def test_replayed_token_is_refused(client, platform, registration, lti_course):
    platform.custom = {"atlas_course": SLUG}
    first, fields = launch(client, platform)
    assert first.status_code == 302
    # the same id_token and state again (the state cookie replayed too)
    client.set_cookie("atlas_lti_state", fields["state"], path="/lti/")
    again = client.post("/lti/launch", data=fields)
    assert again.status_code == 400 and "schon verwendet" in text(again)
    # and the old token with a fresh login: the nonce does not match
    fresh = at_platform(start_login(client, platform))
    replay = client.post("/lti/launch", data={"state": fresh["state"],
                                              "id_token": fields["id_token"]})
    assert replay.status_code == 400 and "nonce" in text(replay)


def test_launch_without_the_browsers_state_cookie_is_refused(client, platform, registration,
                                                            lti_course):
    platform.custom = {"atlas_course": SLUG}
    fields = at_platform(start_login(client, platform))
    client.delete_cookie("atlas_lti_state", path="/lti/")
    response = client.post("/lti/launch", data=fields)
    assert response.status_code == 400 and "Cookie" in text(response)


def test_disabled_registration_refuses_login(client, platform, registration, admin, lti_course):
    set_status(admin, registration, "disabled", utcnow())
    db.session.commit()
    response = client.get("/lti/login", query_string={
        "iss": platform.issuer, "login_hint": "x", "target_link_uri": "http://localhost/lti/launch"})
    assert response.status_code == 403 and "abgeschaltet" in text(response)


def test_unknown_platform_and_link_without_course_are_4xx(client, platform, registration,
                                                         lti_course):
    response = client.get("/lti/login", query_string={
        "iss": "https://unknown.example", "login_hint": "x",
        "target_link_uri": "http://localhost/lti/launch"})
    assert response.status_code == 400 and "nicht registriert" in text(response)
    platform.custom = {}
    response, _ = launch(client, platform)
    assert response.status_code == 400 and "keinen veröffentlichten" in text(response)


def test_instructors_become_trainers_only_when_the_admin_allowed_it(
        client, auth, platform, registration, lti_course):
    platform.custom = {"atlas_course": SLUG}
    platform.roles = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]
    response, _ = launch(client, platform)
    user = db.session.scalar(select(LtiIdentity)).user
    assert response.location.endswith(f"/learn/{SLUG}")
    assert not user.is_trainer and not is_course_trainer(user, lti_course)

    registration.instructors_train = True
    db.session.commit()
    auth.logout()
    response, _ = launch(client, platform)
    db.session.expire_all()
    user = db.session.scalar(select(LtiIdentity)).user
    assert response.location.endswith(f"/teaching/courses/{SLUG}/participants")
    assert user.is_trainer and not user.is_admin
    assert db.session.scalar(select(User).where(User.id == user.id)).is_admin is False


def test_admin_accounts_never_sign_in_through_lti(client, auth, platform, registration, lti_course):
    platform.custom = {"atlas_course": SLUG}
    launch(client, platform)
    user = db.session.scalar(select(LtiIdentity)).user
    user.is_admin = True
    db.session.commit()
    auth.logout()
    response, _ = launch(client, platform)
    assert response.status_code == 403 and "Administratorkonten" in text(response)


def test_login_for_a_target_elsewhere_is_refused(client, platform, registration):
    response = client.get("/lti/login", query_string={
        "iss": platform.issuer, "login_hint": "x",
        "target_link_uri": "https://evil.example/lti/launch"})
    assert response.status_code == 400 and "target_link_uri" in text(response)


@pytest.mark.parametrize("id_token", [
    "garbage", "W10.e30.c2ln",  # header "[]"
    "eyJhbGciOiJub25lIn0.eyJub25jZSI6Ilx1MDBmNiJ9.",  # alg none, nonce "ö"
])
def test_malformed_tokens_get_a_4xx_page_not_a_500(client, platform, registration, lti_course,
                                                   id_token):
    platform.custom = {"atlas_course": SLUG}
    fields = at_platform(start_login(client, platform))
    response = client.post("/lti/launch", data={"state": fields["state"], "id_token": id_token})
    assert response.status_code in (400, 401) and "<title>" in text(response)
    # a forgery does not use up the login: the platform's real token still works
    client.set_cookie("atlas_lti_state", fields["state"], path="/lti/")
    assert client.post("/lti/launch", data=fields).status_code == 302


def test_a_rotated_platform_key_is_fetched_again_by_its_new_kid(client, platform, registration,
                                                                lti_course):
    platform.custom = {"atlas_course": SLUG}
    assert launch(client, platform)[0].status_code == 302
    db.session.expire_all()
    assert "platform-key-1" in db.session.get(type(registration), registration.id).platform_keys
    platform.rotate_key()
    auth_logout = client.post("/logout", data={"csrf_token": csrf_token_from(
        text(client.get("/")))})
    assert auth_logout.status_code == 302
    assert launch(client, platform)[0].status_code == 302
    db.session.expire_all()
    assert "platform-key-2" in db.session.get(type(registration), registration.id).platform_keys
