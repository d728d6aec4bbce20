"""The SCORM 1.2 export played in chromium inside the tests' SCORM 1.2 runtime."""

import re
import zipfile
from xml.etree import ElementTree as ET

import pytest

from authoring.build import build_package
from authoring.export.scorm12 import build_scorm12
from tests.e2e.conftest import ACTION_TIMEOUT_MS, NAVIGATION_TIMEOUT_MS
from tests.e2e.export_quiz import answer_quiz_correctly, choose, question
from tests.e2e.scorm12_runtime import cmi_fragment, serve_folder, write_runtime
from tests.fixtures.export_course import write_export_course

IMSCP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"


@pytest.fixture(scope="module")
def unzipped(tmp_path_factory):
    """The export of the test course, unzipped and served with the runtime page."""
    folder = tmp_path_factory.mktemp("scorm12")
    package = build_package(write_export_course(folder / "source"))
    media = {path: file.read_bytes() for path, file in package.media_files.items()}
    target = folder / "served"
    (target / "pkg").mkdir(parents=True)
    archive = folder / "export.zip"
    archive.write_bytes(build_scorm12(package.course, media))
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(target / "pkg")
    with serve_folder(target) as url:
        yield target, url


def launch_of_first_sco(root) -> str:
    """The launch file of the first item, read from the manifest as an LMS does."""
    manifest = ET.parse(root / "pkg" / "imsmanifest.xml").getroot()
    item = manifest.find(f"{IMSCP}organizations/{IMSCP}organization/{IMSCP}item")
    ref = item.get("identifierref")
    resource = next(r for r in manifest.iter(f"{IMSCP}resource") if r.get("identifier") == ref)
    return "pkg/" + resource.get("href")


def open_runtime(browser, unzipped, cmi=None, launch=None):
    root, url = unzipped
    runtime = write_runtime(root, launch or launch_of_first_sco(root))
    context = browser.new_context(locale="de-DE")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # every file the package refers to is in it (the browser's own favicon request aside)
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
            and errors.append(f"{r.status} {r.url}"))
    page.goto(f"{url}/{runtime}" + (cmi_fragment(cmi) if cmi else ""))
    return context, page, page.frame_locator("#sco"), errors


def cmi(page) -> dict:
    return page.evaluate("window.cmi")


def test_a_right_answer_passes_with_the_score_and_resumes(browser, unzipped):
    from playwright.sync_api import expect

    context, page, frame, errors = open_runtime(browser, unzipped)
    try:
        expect(frame.get_by_role("heading", name="Grundlagen")).to_be_visible()
        expect(frame.locator(".atlas-lesson img")).to_have_attribute("src", "media/schema.png")
        assert page.evaluate("window.initialized") is True
        assert cmi(page)["cmi.core.lesson_status"] == "incomplete"

        frame.get_by_role("link", name="Test Grundlagen").click()
        expect(question(frame, "q-open")).to_contain_text("nicht bewertet")
        answer_quiz_correctly(frame)
        frame.get_by_role("button", name="Antworten abgeben").click()
        expect(frame.locator(".atlas-summary")).to_have_text("Ergebnis: 100 % – Bestanden")

        data = cmi(page)
        assert data["cmi.core.lesson_status"] == "passed"
        assert (data["cmi.core.score.raw"], data["cmi.core.score.min"],
                data["cmi.core.score.max"]) == ("100", "0", "100")
        assert data["cmi.core.lesson_location"] == "test-grundlagen"
        assert '"test-grundlagen"' in data["cmi.suspend_data"]

        frame.get_by_role("button", name="Beenden").click()
        expect(frame.get_by_text("Sie können dieses Fenster jetzt schließen.")).to_be_visible()
        assert page.evaluate("window.finished") is True
        assert re.fullmatch(r"\d{4}:\d{2}:\d{2}\.\d{2}", cmi(page)["cmi.core.session_time"])
        calls = [call[0] for call in page.evaluate("window.scormCalls")]
        assert calls[0] == "LMSInitialize" and calls[-1] == "LMSFinish"
        assert errors == []
        saved = cmi(page)
    finally:
        context.close()

    # the LMS launches the SCO again with what it kept: the player resumes at the quiz
    resumed = {key: saved[key] for key in ("cmi.core.lesson_status", "cmi.suspend_data",
                                           "cmi.core.lesson_location")}
    context, page, frame, errors = open_runtime(browser, unzipped, {**resumed,
                                                                    "cmi.core.entry": "resume"})
    try:
        expect(frame.locator(".atlas-nav a[aria-current]")).to_have_text("Test Grundlagen ✓")
        expect(frame.locator(".atlas-nav a").first).to_have_text("Einstieg ✓")
        assert cmi(page)["cmi.core.lesson_status"] == "passed"
    finally:
        context.close()


def test_a_wrong_answer_fails(browser, unzipped):
    from playwright.sync_api import expect

    context, page, frame, errors = open_runtime(browser, unzipped)
    try:
        frame.get_by_role("link", name="Test Grundlagen").click()
        choose(frame, "q-single", "24 V")
        choose(frame, "q-truefalse", "falsch")
        frame.get_by_role("button", name="Antworten abgeben").click()
        expect(frame.locator(".atlas-summary")).to_contain_text("Nicht bestanden")
        expect(question(frame, "q-single")).to_have_class(re.compile("atlas-wrong"))
        expect(question(frame, "q-truefalse")).to_have_class(re.compile("atlas-right"))
        data = cmi(page)
        assert data["cmi.core.lesson_status"] == "failed"
        # 1 point of 10 (the open question counts for nothing in the package)
        assert data["cmi.core.score.raw"] == "14.29"
    finally:
        context.close()


def test_the_english_player_shows_english_content_and_figures(browser, unzipped):
    from playwright.sync_api import expect

    context, page, frame, errors = open_runtime(browser, unzipped)
    try:
        frame.locator("#atlas-language").select_option("en")
        expect(frame.get_by_role("heading", name="Basics")).to_be_visible()
        expect(frame.locator(".atlas-lesson img")).to_have_attribute("src", "media/schema.en.png")
        frame.locator(".atlas-lesson a.glossary-term").click()
        expect(frame.locator(".atlas-glossary dd")).to_have_text(
            "Voltage above 60 V DC or 30 V AC.")
        frame.get_by_role("link", name="Basics test").click()
        question(frame, "q-numeric").locator("input[data-gap-id]").fill("59.6")
        frame.get_by_role("button", name="Submit answers").click()
        expect(question(frame, "q-numeric")).to_have_class(re.compile("atlas-right"))
        expect(frame.locator(".atlas-summary")).to_contain_text("Not passed")
    finally:
        context.close()


def test_a_module_without_a_quiz_completes_when_its_lessons_are_seen(browser, unzipped):
    from playwright.sync_api import expect

    context, page, frame, errors = open_runtime(browser, unzipped,
                                                launch="pkg/sco-vertiefung.html")
    try:
        expect(frame.get_by_role("heading", name="Vertiefung")).to_be_visible()
        expect(frame.locator(".atlas-nav a")).to_have_text(["Weiterlesen ✓"])
        data = cmi(page)
        assert data["cmi.core.lesson_status"] == "completed"
        assert "cmi.core.score.raw" not in data
        assert errors == []
    finally:
        context.close()
