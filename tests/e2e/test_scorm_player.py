"""In a real browser at 390 px: a learner plays a SCORM 1.2 package (status, score, commit,
finish) and a SCORM 2004 package with three items (suspend, reload and resume; a scored
SCO; an asset); the statements, the lesson and course progress and the certificate follow.

The packages are written by tests/lms/packages/course_kit.py: their SCOs find the runtime
API up the frames and call it as vendor content does. The course is imported by the
command-line path (no acting person), so its packages' grants exist at once.
"""

import json

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.test_trainer_studio import SCREENSHOTS, login
from tests.lms.packages.course_kit import LESSON_12, LESSON_2004, SLUG, write_scorm_course

pytestmark = pytest.mark.e2e

EMAIL = "sara@example.org"
PASSWORD = "correct horse battery"
SUSPENDED = "http://adlnet.gov/expapi/verbs/suspended"


@pytest.fixture(scope="module")
def scorm_walk(live_app, tmp_path_factory):
    from lms.catalog import services as catalog
    from lms.db import utcnow
    from lms.extensions import db
    from tests.factories import make_user

    folder = write_scorm_course(tmp_path_factory.mktemp("scorm-walk"))
    with live_app.app_context(), live_app.test_request_context():
        course = catalog.import_course(folder, None, utcnow(), publish=True).version.course
        learner = make_user(name="Sara Scorm", email=EMAIL)
        db.session.commit()
        return {"course_id": course.id, "learner_id": learner.id}


def sco(page):
    """The SCO's frame inside the player page embedded in the lesson."""
    return page.frame_locator("iframe.package-embed").frame_locator("#package-frame")


def player(page):
    return page.frame_locator("iframe.package-embed")


def assert_no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def learner_statements(live_app, learner_id):
    from lms.accounts.models import User
    from lms.extensions import db
    from xapi.agents import agent_key
    from xapi.store_sql import statements as statement_table

    with live_app.app_context():
        user = db.session.get(User, learner_id)
        key = agent_key({"objectType": "Agent", "account": {
            "homePage": live_app.config["ATLAS_BASE_URL"], "name": user.pseudonym}})
        rows = db.session.execute(select(statement_table.c.statement).where(
            statement_table.c.actor_key == key).order_by(statement_table.c.seq)).scalars()
        return [json.loads(text) for text in rows]


def verbs_about(statements, suffix):
    return [s["verb"]["id"].rsplit("/", 1)[-1] for s in statements
            if s["object"]["id"].endswith(suffix)]


def test_scorm_packages_play_resume_and_complete_the_course(live_app, scorm_walk, new_page):
    from lms.certificates.models import Certificate
    from lms.extensions import db
    from lms.learning.models import CourseProgress, LessonProgress
    from lms.packages.runtime_models import ScormAttempt

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, EMAIL, PASSWORD)
    page.goto(f"/courses/{SLUG}")
    page.get_by_role("button", name="Zum Kurs anmelden").click()
    page.goto(f"/learn/{SLUG}/scorm-test-einstieg")
    page.get_by_role("button", name="Als erledigt markieren").click()

    # SCORM 1.2: the SCO reads its launch values, sets status and score, commits, finishes
    page.goto(f"/learn/{SLUG}/{LESSON_12}")
    expect(sco(page).locator("#status")).to_have_text(
        "bereit entry=ab-initio mastery=80 launch=start=1")
    assert_no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "scorm-1-sco12.png"), full_page=True)
    sco(page).get_by_role("button", name="Abschließen").click()
    expect(sco(page).locator("#status")).to_have_text("fertig commit=true finish=true")
    expect(player(page).get_by_text("Dieser Teil ist beendet.")).to_be_visible()

    statements = learner_statements(live_app, scorm_walk["learner_id"])
    assert verbs_about(statements, f"/lesson/{LESSON_12}") == [
        "launched", "initialized", "passed", "completed", "terminated"]
    passed = next(s for s in statements if s["verb"]["id"].endswith("/passed"))
    assert passed["result"]["score"] == {"scaled": 0.85, "raw": 85.0, "min": 0.0, "max": 100.0}
    terminated = next(s for s in statements if s["verb"]["id"].endswith("/terminated"))
    assert terminated["result"]["duration"] == "PT2M30S"

    # SCORM 2004, part 1: suspend with location and data, reload, read them back, finish
    page.goto(f"/learn/{SLUG}/{LESSON_2004}")
    expect(sco(page).locator("#status")).to_have_text("entry=ab-initio location= data=")
    sco(page).get_by_role("button", name="Pause").click()
    expect(sco(page).locator("#status")).to_have_text("pausiert commit=true terminate=true")
    page.reload()
    expect(sco(page).locator("#status")).to_have_text(
        "entry=resume location=seite-3 data=seite=3;antworten=a,b")
    page.screenshot(path=str(SCREENSHOTS / "scorm-2-resumed.png"), full_page=True)
    sco(page).get_by_role("button", name="Fertig").click()
    expect(sco(page).locator("#status")).to_have_text("beendet terminate=true")

    # part 2: the scored SCO, reached through the player's "next" link
    player(page).get_by_role("link", name="Weiter: Teil 2: Test").click()
    expect(sco(page).locator("#status")).to_have_text("bereit passing=0.75")
    assert_no_sideways_scroll(page)
    sco(page).get_by_role("button", name="Test abgeben").click()
    expect(sco(page).locator("#status")).to_have_text(
        "bewertet terminate=true success=passed")
    # the glossary is an asset: opening it completes it, and with it the lesson
    player(page).get_by_role("link", name="Weiter: Glossar").click()
    expect(sco(page).get_by_text("Glossar", exact=True)).to_be_visible()
    expect(player(page).locator(".package-items li.is-done")).to_have_count(3)
    page.screenshot(path=str(SCREENSHOTS / "scorm-3-multi-sco.png"), full_page=True)

    statements = learner_statements(live_app, scorm_walk["learner_id"])
    part1 = [s for s in statements if s["object"]["id"].endswith("/item/TEIL-1")]
    assert [s["verb"]["id"].rsplit("/", 1)[-1] for s in part1] == [
        "initialized", "suspended", "completed", "terminated"]
    assert next(s for s in part1 if s["verb"]["id"] == SUSPENDED)["result"]["duration"] == "PT1M"
    part2 = [s for s in statements if s["object"]["id"].endswith("/item/TEIL-2")]
    verdict = next(s for s in part2 if s["verb"]["id"].endswith("/passed"))
    assert verdict["result"]["score"] == {"scaled": 0.9, "raw": 9.0, "min": 0.0, "max": 10.0}
    assert verbs_about(statements, f"/lesson/{LESSON_2004}") == ["launched", "completed"]

    with live_app.app_context():
        attempt = db.session.scalar(select(ScormAttempt).where(
            ScormAttempt.user_id == scorm_walk["learner_id"], ScormAttempt.item_id == "TEIL-1"))
        assert attempt.total_seconds == 90 and attempt.suspend_data == "seite=3;antworten=a,b"
        rows = {row.lesson_id: row.status for row in db.session.scalars(select(LessonProgress)
                .where(LessonProgress.user_id == scorm_walk["learner_id"]))}
        assert rows[LESSON_12] == "done" and rows[LESSON_2004] == "done"
        progress = db.session.scalar(select(CourseProgress).where(
            CourseProgress.user_id == scorm_walk["learner_id"],
            CourseProgress.course_id == scorm_walk["course_id"]))
        assert progress.completed_at is not None and progress.percent == 100
        assert db.session.scalar(select(Certificate).where(
            Certificate.user_id == scorm_walk["learner_id"])) is not None

    page.goto(f"/learn/{SLUG}/{LESSON_12}")
    expect(page.get_by_text("Kursfortschritt: 100 %")).to_be_visible()
    assert page.console_errors == []
