"""The cmi5 export: cmi5.xml read back as an LMS reads it, and its remote AU played in
chromium, launched by a simulated LMS (fetch URL and LRS on 127.0.0.1)."""

import json
import re
import time
import uuid
import zipfile
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import pytest

from authoring.export.cmi5 import NAMESPACE
from tests.e2e.cmi5_lms import Cmi5Lms
from tests.e2e.export_quiz import answer_quiz_correctly, choose, question
from tests.fixtures.export_course import write_export_course

pytestmark = pytest.mark.e2e
CMI5 = "{" + NAMESPACE + "}"
CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/"
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
WAIT_SECONDS = 60


@pytest.fixture(scope="module")
def course_structure(live_app, tmp_path_factory):
    """The export-demo course imported into the live app and exported as cmi5."""
    from lms.catalog import services as catalog
    from lms.db import utcnow
    from lms.extensions import db
    from lms.packages import export_services

    folder = tmp_path_factory.mktemp("cmi5-export")
    with live_app.app_context(), live_app.test_request_context():
        version = catalog.import_course(write_export_course(folder), None, utcnow(),
                                        publish=True).version
        db.session.commit()
        content = export_services.export_package(version, "cmi5", live_app.config["LIVE_URL"],
                                                 live_app.config["SECRET_KEY"])
    archive = folder / "cmi5.zip"
    archive.write_bytes(content)
    return ET.fromstring(zipfile.ZipFile(archive).read("cmi5.xml"))


def au_of(structure, module_id: str) -> ET.Element:
    return next(au for au in structure.iter(f"{CMI5}au")
                if au.get("id").endswith(f"/au/{module_id}"))


def test_cmi5_xml_is_a_course_structure_of_remote_aus(course_structure, live_app):
    assert course_structure.tag == f"{CMI5}courseStructure"
    course = course_structure.find(f"{CMI5}course")
    assert course.get("id").endswith("/xapi/activities/course/export-demo/cmi5/1.0.0")
    blocks = course_structure.findall(f"{CMI5}block")
    assert [b.findtext(f"{CMI5}title/{CMI5}langstring") for b in blocks] == [
        "Grundlagen", "Vertiefung"]
    graded = au_of(course_structure, "grundlagen")
    assert (graded.get("moveOn"), graded.get("masteryScore"), graded.get("launchMethod")) == (
        "CompletedAndPassed", "0.7", "AnyWindow")
    assert au_of(course_structure, "vertiefung").get("moveOn") == "Completed"
    for au in course_structure.iter(f"{CMI5}au"):
        assert au.findtext(f"{CMI5}url").startswith(
            live_app.config["LIVE_URL"] + "/packages/cmi5-au/export-demo/")


def launch(page, lms: Cmi5Lms, au: ET.Element, registration: str, actor: dict) -> None:
    """Open the AU as a cmi5 LMS does: its URL plus the launch parameters."""
    parameters = urlencode({"endpoint": f"{lms.url}/xapi/", "fetch": f"{lms.url}/fetch",
                            "actor": json.dumps(actor), "registration": registration,
                            "activityId": au.get("id")})
    page.goto(f"{au.findtext(f'{CMI5}url')}&{parameters}")


def launch_data(course_structure, au, session_id: str, lms_url: str) -> dict:
    return {
        "contextTemplate": {
            "contextActivities": {"grouping": [{"id": course_structure.find(
                f"{CMI5}course").get("id")}]},
            "extensions": {SESSION: session_id},
        },
        "launchMode": "Normal",
        "moveOn": au.get("moveOn"),
        "masteryScore": float(au.get("masteryScore")),
        "returnURL": f"{lms_url}/returned",
    }


def wait_for(condition, what: str):
    """Poll ``condition`` until it holds (the AU posts in the background)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_the_au_reports_passed_and_completed_to_the_launching_lms(course_structure, page):
    from playwright.sync_api import expect

    au = au_of(course_structure, "grundlagen")
    actor = {"objectType": "Agent", "name": "Erika Muster",
             "account": {"homePage": "https://lms.example", "name": "erika"}}
    registration = str(uuid.uuid4())
    with Cmi5Lms({}) as lms:
        lms.launch_data = launch_data(course_structure, au, "session-1", lms.url)
        launch(page, lms, au, registration, actor)
        expect(page.get_by_role("heading", name="Grundlagen")).to_be_visible()
        expect(page.locator(".atlas-lesson img")).to_have_attribute(
            "src", re.compile(r"/media/schema\.png\?k="))
        wait_for(lambda: lms.verbs() == ["initialized"], "initialized")
        assert lms.fetches == 1
        assert lms.state_queries[0]["registration"] == registration

        page.get_by_role("link", name="Test Grundlagen").click()
        answer_quiz_correctly(page)
        page.get_by_role("button", name="Antworten abgeben").click()
        expect(page.locator(".atlas-summary")).to_have_text("Ergebnis: 100 % – Bestanden")
        wait_for(lambda: lms.verbs() == ["initialized", "passed", "completed"], "passed")

        page.get_by_role("button", name="Beenden").click()
        expect(page).to_have_url(f"{lms.url}/returned")
        wait_for(lambda: lms.verbs()[-1:] == ["terminated"], "terminated")

    assert lms.verbs() == ["initialized", "passed", "completed", "terminated"]
    assert lms.refused == []
    initialized, passed, completed, terminated = lms.statements
    for statement in lms.statements:
        assert statement["actor"] == actor
        assert statement["object"] == {"id": au.get("id"), "objectType": "Activity"}
        assert statement["context"]["registration"] == registration
        assert statement["context"]["extensions"][SESSION] == "session-1"
        assert statement["context"]["contextActivities"]["grouping"] == [
            {"id": course_structure.find(f"{CMI5}course").get("id")}]
        categories = [c["id"] for c in statement["context"]["contextActivities"]["category"]]
        moveon = CATEGORY + "moveon" in categories
        assert CATEGORY + "cmi5" in categories
        assert moveon == (statement in (passed, completed))
    assert passed["result"]["score"] == {"scaled": 1, "raw": 100, "min": 0, "max": 100}
    assert passed["result"]["success"] is True and passed["result"]["duration"].startswith("PT")
    assert passed["context"]["extensions"][
        "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"] == 0.7
    assert completed["result"]["completion"] is True
    assert terminated["result"]["duration"].startswith("PT")
    assert "result" not in initialized


def test_a_wrong_answer_reports_failed_and_a_later_pass_passed(course_structure, page):
    from playwright.sync_api import expect

    au = au_of(course_structure, "grundlagen")
    with Cmi5Lms({}) as lms:
        lms.launch_data = launch_data(course_structure, au, "session-2", lms.url)
        launch(page, lms, au, str(uuid.uuid4()),
               {"objectType": "Agent", "account": {"homePage": "https://lms.example",
                                                   "name": "max"}})
        page.get_by_role("link", name="Test Grundlagen").click()
        choose(page, "q-single", "24 V")
        page.get_by_role("button", name="Antworten abgeben").click()
        expect(page.locator(".atlas-summary")).to_contain_text("Nicht bestanden")
        expect(question(page, "q-single")).to_have_class(re.compile("atlas-wrong"))
        # completed too: the learner has seen every lesson (cmi5's completed is not passed)
        wait_for(lambda: lms.verbs() == ["initialized", "failed", "completed"], "failed")
        failed = lms.statements[1]
        assert failed["result"]["success"] is False
        assert failed["result"]["score"]["scaled"] < 0.7

        # a new attempt that passes is reported once; completed is not sent again
        page.get_by_role("button", name="Neuer Versuch").click()
        answer_quiz_correctly(page)
        page.get_by_role("button", name="Antworten abgeben").click()
        expect(page.locator(".atlas-summary")).to_contain_text("Bestanden")
        wait_for(lambda: len(lms.statements) == 4, "passed")
        assert lms.verbs() == ["initialized", "failed", "completed", "passed"]
