"""The round trip: an ATLAS course exported as cmi5 is imported into ATLAS Campus again as a
package course, and a learner completes it there in chromium. The exported AUs are remote
AUs on the same platform; the platform's own cmi5 launch (fetch URL, /xapi/) drives them."""

import zipfile

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.export_quiz import answer_quiz_correctly
from tests.e2e.test_learning_walk import learner_statements
from tests.e2e.test_trainer_studio import login
from tests.fixtures.export_course import write_export_course

pytestmark = pytest.mark.e2e
SLUG = "export-demo-wieder"


@pytest.fixture(scope="module")
def reimported(live_app, tmp_path_factory):
    from lms.catalog import services as catalog
    from lms.catalog.models import Course
    from lms.db import utcnow
    from lms.extensions import db
    from lms.packages import export_services
    from tests.factories import make_user

    folder = tmp_path_factory.mktemp("round-trip")
    archive = folder / "export-demo-cmi5.zip"
    with live_app.app_context(), live_app.test_request_context():
        version = catalog.import_course(write_export_course(folder), None, utcnow(),
                                        publish=True).version
        db.session.commit()
        archive.write_bytes(export_services.export_package(
            version, "cmi5", live_app.config["LIVE_URL"], live_app.config["SECRET_KEY"]))
    assert zipfile.ZipFile(archive).namelist() == ["cmi5.xml"]
    result = live_app.test_cli_runner().invoke(
        args=["course", "import-package", str(archive), "--new-course", SLUG])
    assert result.exit_code == 0, result.output
    with live_app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == SLUG))
        model = catalog.load_version_model(course.published_version)
        lessons = [lesson.id for lesson in model.lessons()]
        learner = make_user(name="Rita Rundreise", email="rita@example.org")
        db.session.commit()
        return {"course_id": course.id, "learner_id": learner.id, "lessons": lessons}


def test_the_exported_cmi5_package_reimports_and_completes(new_page, live_app, reimported):
    from lms.extensions import db
    from lms.learning.models import CourseProgress

    assert reimported["lessons"] == ["grundlagen", "vertiefung"]
    page = new_page()
    login(page, "rita@example.org", "correct horse battery")
    page.goto(f"/courses/{SLUG}")
    page.get_by_role("button", name="Zum Kurs anmelden").click()

    # the graded module: its quiz is graded by ATLAS, passed and completed go to /xapi/
    page.goto(f"/learn/{SLUG}/grundlagen")
    page.get_by_role("button", name="Starten: Grundlagen").click()
    frame = page.frame_locator("iframe.cmi5-frame")
    expect(frame.get_by_role("heading", name="Grundlagen", level=1)).to_be_visible()
    frame.get_by_role("link", name="Test Grundlagen").click()
    answer_quiz_correctly(frame)
    frame.get_by_role("button", name="Antworten abgeben").click()
    expect(frame.locator(".atlas-summary")).to_have_text("Ergebnis: 100 % – Bestanden")
    frame.get_by_role("button", name="Beenden").click()
    # framed by the platform (AnyWindow), the AU stays after terminated instead of going
    # to returnURL; its statements were sent in order, terminated last
    expect(frame.get_by_text("Sie können dieses Fenster jetzt schließen.")).to_be_visible()
    page.goto(f"/learn/{SLUG}/grundlagen")
    expect(page.get_by_text("Erfüllt", exact=True)).to_be_visible()

    # the module without a quiz: seeing its lesson completes it
    page.goto(f"/learn/{SLUG}/vertiefung")
    page.get_by_role("button", name="Starten: Vertiefung").click()
    frame = page.frame_locator("iframe.cmi5-frame")
    expect(frame.get_by_role("heading", name="Weiterlesen")).to_be_visible()
    frame.get_by_role("button", name="Beenden").click()
    expect(frame.get_by_text("Sie können dieses Fenster jetzt schließen.")).to_be_visible()
    page.goto(f"/learn/{SLUG}/vertiefung")
    expect(page.get_by_text("Erfüllt", exact=True)).to_be_visible()
    expect(page.get_by_text("Kursfortschritt: 100 %")).to_be_visible()
    assert page.console_errors == []

    # the platform's LRS holds the AU's statements (under the package's authority) and the
    # satisfied statements the cmi5 rules wrote for both AUs
    statements = learner_statements(live_app, reimported["learner_id"])
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in statements]
    assert verbs.count("initialized") == verbs.count("terminated") == 2
    assert verbs.count("passed") == 1 and "failed" not in verbs
    passed = next(s for s in statements if s["verb"]["id"].endswith("/passed"))
    assert passed["result"]["score"] == {"scaled": 1, "raw": 100, "min": 0, "max": 100}
    assert passed["object"]["id"].endswith("/lesson/grundlagen")  # the activityId ATLAS gave
    assert verbs.count("satisfied") >= 2

    with live_app.app_context():
        progress = db.session.scalar(select(CourseProgress).where(
            CourseProgress.user_id == reimported["learner_id"],
            CourseProgress.course_id == reimported["course_id"]))
        assert progress.lessons_done == progress.lessons_total == 2
        assert progress.percent == 100 and progress.completed_at is not None
