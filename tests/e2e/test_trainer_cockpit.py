"""The trainers' cockpit in a real browser: a learner fails the final assessment's last
attempt, the trainer sees them as stuck on the start page, grants an attempt, the learner
passes. The start page and the participants list must fit a phone's width."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_trainer_studio import SCREENSHOTS, login, logout
from tests.lms.learning.quiz_helpers import ASSESSMENT, SLUG, write_quiz_course

pytestmark = pytest.mark.e2e
ASSESSMENT_URL = f"/learn/{SLUG}/{ASSESSMENT}/quiz"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def cockpit_course(live_app, tmp_path_factory):
    """The quiz course (final assessment: 2 attempts, 100 % to pass), the demo trainer as its
    trainer, and an enrolled learner."""
    from sqlalchemy import select

    from lms.accounts.models import User
    from lms.catalog import services as catalog
    from lms.catalog.trainers import grant_course_trainer
    from lms.db import utcnow
    from lms.extensions import db
    from tests.factories import make_user
    from tests.lms.learning.quiz_helpers import enrol_directly

    folder = write_quiz_course(tmp_path_factory.mktemp("cockpit"))
    with live_app.app_context(), live_app.test_request_context():
        now = utcnow()
        course = catalog.import_course(folder, None, now, publish=True).version.course
        trainer = db.session.scalar(select(User).where(
            User.email == "trainer@atlas-campus.example"))
        grant_course_trainer(None, course, trainer, now)
        learner = make_user(name="Sina Steckengeblieben", email="sina@example.org")
        enrol_directly(learner, course)
        db.session.commit()
        return {"learner": learner.email, "name": "Sina Steckengeblieben"}


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_stuck_learner_gets_an_attempt_and_passes(new_page, demo_logins, cockpit_course):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    learner = new_page()
    login(learner, cockpit_course["learner"], PASSWORD)
    for _attempt in range(2):
        learner.goto(ASSESSMENT_URL)
        learner.get_by_role("button", name="Antworten abgeben").click()
        expect(learner.get_by_text("Abschlusstest nicht bestanden")).to_be_visible()
    learner.goto(ASSESSMENT_URL)
    expect(learner.get_by_text("Sie haben alle Versuche für diesen Test genutzt.")).to_be_visible()

    trainer = new_page()
    trainer.set_viewport_size({"width": 390, "height": 844})
    login(trainer, "trainer@atlas-campus.example", demo_logins["trainer"])
    trainer.wait_for_url("**/teaching/")
    stuck = trainer.locator("section", has=trainer.get_by_role("heading", name="Wer feststeckt"))
    expect(stuck).to_contain_text(cockpit_course["name"])
    expect(stuck).to_contain_text("keine Versuche mehr")
    assert fits_the_width(trainer)
    trainer.screenshot(path=str(SCREENSHOTS / "cockpit-start-phone.png"), full_page=True)

    stuck.get_by_role("link", name=cockpit_course["name"]).click()
    expect(trainer.get_by_role("heading", name=cockpit_course["name"])).to_be_visible()
    card = trainer.locator("article", has=trainer.get_by_role("heading", name="Abschlusstest"))
    expect(card).to_contain_text("keine Versuche mehr")
    card.get_by_label("Zusätzliche Versuche").fill("1")
    card.get_by_label("Grund").last.fill("Stromausfall im Schulungsraum")
    card.get_by_role("button", name="Versuche freigeben").click()
    expect(trainer.get_by_text("Weitere Versuche für Sina Steckengeblieben freigegeben."))\
        .to_be_visible()
    trainer.goto(f"/teaching/courses/{SLUG}/participants")
    expect(trainer.get_by_role("row", name=cockpit_course["name"])).to_be_visible()
    assert fits_the_width(trainer)
    trainer.screenshot(path=str(SCREENSHOTS / "cockpit-participants-phone.png"), full_page=True)

    learner.goto(ASSESSMENT_URL)
    learner.get_by_label("400 V").check()
    learner.get_by_label("wahr").check()
    learner.get_by_role("button", name="Antworten abgeben").click()
    expect(learner.get_by_text("Abschlusstest bestanden")).to_be_visible()
    logout(learner)
