"""In a real browser: a learner submits an open answer with a photo, the trainer grades it
with feedback from the grading queue, the learner sees the feedback and the course completes.

The course is the grading test course (a transfer quiz with an open question and a pool quiz;
completion needs both quizzes passed), imported into the live app.
"""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.test_trainer_studio import SCREENSHOTS, login, logout
from tests.fixtures.courses import tiny_png
from tests.lms.teaching.grading_helpers import POOL, SLUG, TRANSFER, write_grading_course

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def grading_walk(live_app, tmp_path_factory):
    from lms.catalog import services as catalog
    from lms.catalog.models import CourseTrainer
    from lms.db import utcnow
    from lms.extensions import db
    from tests.factories import make_user

    folder = write_grading_course(tmp_path_factory.mktemp("grading-walk"))
    with live_app.app_context(), live_app.test_request_context():
        now = utcnow()
        course = catalog.import_course(folder, None, now, publish=True).version.course
        trainer = make_user(name="Greta Gutachterin", email="greta@example.org", is_trainer=True)
        db.session.add(CourseTrainer(course_id=course.id, user_id=trainer.id, granted_at=now))
        learner = make_user(name="Paula Praxis", email="paula@example.org")
        db.session.commit()
        return {"course_id": course.id, "learner_id": learner.id}


def test_open_answer_with_photo_graded_by_the_trainer_completes_the_course(
        live_app, grading_walk, new_page, tmp_path):
    from lms.extensions import db
    from lms.learning.models import CourseProgress

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    photo = tmp_path / "hv-kennzeichnung.png"
    photo.write_bytes(tiny_png())

    learner = new_page()
    login(learner, "paula@example.org", "correct horse battery")
    learner.goto(f"/courses/{SLUG}")
    learner.get_by_role("button", name="Zum Kurs anmelden").click()

    # the pool quiz shows two of its four questions; all are answered "ja"
    learner.goto(f"/learn/{SLUG}/{POOL}/quiz")
    questions = learner.locator("fieldset.quiz-question")
    expect(questions).to_have_count(2)
    for index in range(2):
        questions.nth(index).get_by_label("ja", exact=True).check()
    learner.get_by_role("button", name="Antworten abgeben").click()
    expect(learner.get_by_text("Quiz bestanden")).to_be_visible()

    # the transfer quiz: text, photo and the colour question
    learner.goto(f"/learn/{SLUG}/{TRANSFER}/quiz")
    learner.get_by_label("Ihre Antwort").fill(
        "Gelbes Dreieck mit Blitz am Prüfplatz: Warnung vor elektrischer Spannung.")
    learner.get_by_label("Foto oder PDF (optional)").set_input_files(str(photo))
    learner.get_by_label("Orange").check()
    learner.get_by_role("button", name="Antworten abgeben").click()
    expect(learner.get_by_role("heading", name="In Bewertung")).to_be_visible()
    learner.screenshot(path=str(SCREENSHOTS / "grading-1-pending.png"), full_page=True)
    logout(learner)

    trainer = new_page()
    login(trainer, "greta@example.org", "correct horse battery")
    trainer.goto("/teaching/grading")
    expect(trainer.get_by_role("row", name="Paula Praxis")).to_be_visible()
    trainer.get_by_role("row", name="Paula Praxis").get_by_role("link", name="Bewerten").click()
    image = trainer.locator("img.grading-photo")
    expect(image).to_be_visible()
    assert trainer.evaluate("img => img.naturalWidth", image.element_handle()) == 1
    trainer.screenshot(path=str(SCREENSHOTS / "grading-2-answer.png"), full_page=True)
    trainer.get_by_label("Punkte").fill("4")
    trainer.get_by_label("Rückmeldung an die lernende Person").fill(
        "Richtig erkannt. Achten Sie darauf, beschädigte Kennzeichnungen zu melden.")
    trainer.get_by_role("button", name="Bewertung speichern").click()
    expect(trainer.get_by_text("Nichts zu bewerten")).to_be_visible()

    login(learner, "paula@example.org", "correct horse battery")
    learner.get_by_role("link", name="Ihre Antworten sind bewertet").click()
    expect(learner.get_by_role("heading", name="Quiz bestanden")).to_be_visible()
    expect(learner.get_by_text("Achten Sie darauf, beschädigte Kennzeichnungen")).to_be_visible()
    expect(learner.get_by_text("Rückmeldung von Greta Gutachterin:")).to_be_visible()
    learner.screenshot(path=str(SCREENSHOTS / "grading-3-feedback.png"), full_page=True)

    with live_app.app_context():
        progress = db.session.scalar(select(CourseProgress).where(
            CourseProgress.user_id == grading_walk["learner_id"],
            CourseProgress.course_id == grading_walk["course_id"]))
        assert progress is not None and progress.completed_at is not None
