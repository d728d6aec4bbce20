"""An LTI launch in chromium: the platform simulator's pages auto-post to /lti/login and
/lti/launch, and the learner lands in the course, signed in and in the organisation."""

import json
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

pytestmark = pytest.mark.e2e


@pytest.fixture
def lti_platform(live_app):
    from lms.accounts.models import Organisation, User
    from lms.db import utcnow
    from lms.extensions import db
    from lms.lti.models import LtiRegistration
    from lms.lti.registrations import RegistrationData, save_registration
    from tests.lms.lti.platform import Platform

    base = live_app.config["LIVE_URL"]

    def tool_jwks():
        with urllib.request.urlopen(base + "/lti/jwks", timeout=30) as answer:  # noqa: S310
            return json.load(answer)

    with Platform(tool_jwks=tool_jwks) as platform, live_app.app_context():
        admin = db.session.scalar(select(User).where(User.is_admin.is_(True)))
        organisation = db.session.scalar(select(Organisation).order_by(Organisation.id))
        registration = save_registration(admin, RegistrationData(
            organisation_id=organisation.id, **platform.registration_fields()), utcnow())
        db.session.commit()
        platform.organisation_name = organisation.name
        yield platform
        db.session.delete(db.session.get(LtiRegistration, registration.id))
        db.session.commit()


def test_learner_clicks_the_link_in_the_platform_and_lands_in_the_course(
        page, live_app, lti_platform, tmp_path):
    from lms.extensions import db
    from lms.lti.models import LtiIdentity

    base = live_app.config["LIVE_URL"]
    lti_platform.custom = {"atlas_course": "e-mobility"}
    lti_platform.user = {"sub": "moodle-e2e-1", "name": "Piet Plattform"}
    start = lti_platform.issuer + "/start?" + urllib.parse.urlencode({
        "tool_login": base + "/lti/login", "target_link_uri": base + "/lti/launch"})
    page.goto(start)
    page.wait_for_url("**/learn/e-mobility/**")
    expect(page.get_by_role("heading", name="Antriebsarten im Überblick", level=1)).to_be_visible()
    assert page.title()
    page.screenshot(path=str(tmp_path / "lti-launch.png"), full_page=True)
    assert lti_platform.auth_requests and lti_platform.auth_requests[0]["prompt"] == "none"
    with live_app.app_context():
        user = db.session.scalar(select(LtiIdentity).where(
            LtiIdentity.subject == "moodle-e2e-1")).user
        assert user.name == "Piet Plattform" and user.email is None
        assert user.organisation.name == lti_platform.organisation_name


def test_teacher_picks_a_module_on_a_phone_and_the_platform_gets_the_signed_answer(
        new_page, live_app, lti_platform, tmp_path):
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    base = live_app.config["LIVE_URL"]
    lti_platform.message = "deep_link"
    lti_platform.roles = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]
    lti_platform.user = {"sub": "moodle-teacher-1", "name": "Tina Lehrkraft"}
    page.goto(lti_platform.issuer + "/start?" + urllib.parse.urlencode({
        "tool_login": base + "/lti/login", "target_link_uri": base + "/lti/launch"}))
    page.wait_for_url("**/lti/deep-link")
    expect(page.get_by_role("heading", name="ATLAS-Kurs oder Modul auswählen")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "lti-picker.png"), full_page=True)
    page.locator("input[value^='e-mobility:']").first.check()
    page.get_by_role("button", name="Auswahl übernehmen").click()
    expect(page.get_by_role("heading", name="Inhalt hinzugefügt")).to_be_visible()
    assert len(lti_platform.deep_link_answers) == 1
    assert page.console_errors == []
