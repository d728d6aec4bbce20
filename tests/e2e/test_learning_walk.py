"""A learner's whole course in a real browser: enrol, lesson, quiz twice, session, completion.

The course is the scaffold of ``atlas course new`` (a lesson, a quiz, a session lesson and a
final assessment; completion needs all four), imported into the live app with a session
starting in ten minutes. The trainer ticks the learner on the roster and closes it once the
workshop has begun (only a closed roster credits attendance); at the end the
statements in the LRS and the progress on "Mein Lernen" must tell the same story.
"""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from authoring.scaffold import new_course
from tests.e2e.test_trainer_studio import SCREENSHOTS, login, logout

pytestmark = pytest.mark.e2e
SLUG = "e2e-hochvolt"
TITLE = "Hochvolt kompakt (E2E)"


@pytest.fixture(scope="module")
def walk_course(live_app, tmp_path_factory, demo_logins):
    """Import the scaffold course, make the demo trainer its trainer, schedule a session."""
    from lms.accounts.models import User
    from lms.catalog import services as catalog
    from lms.catalog.trainers import grant_course_trainer
    from lms.db import utcnow
    from lms.extensions import db
    from lms.sessions.services import SessionDetails, schedule_session
    from tests.factories import make_user

    folder = new_course(tmp_path_factory.mktemp("walk") / SLUG, SLUG, title=TITLE)
    with live_app.app_context(), live_app.test_request_context():
        now = utcnow()
        course = catalog.import_course(folder, None, now, publish=True).version.course
        trainer = db.session.scalar(select(User).where(
            User.email == "trainer@atlas-campus.example"))
        grant_course_trainer(None, course, trainer, now)
        session = schedule_session(None, course, SessionDetails(
            title="Praxistermin Hochvolt", lesson_id=f"{SLUG}-praxis",
            starts_at=now + timedelta(minutes=10), ends_at=now + timedelta(hours=2),
            location="Lernfabrik Siegen, Halle 2", video_url="", capacity=8, notes="",
            trainer_id=trainer.id), [f"{SLUG}-praxis"], now)
        learner = make_user(name="Walter Weiterbildung", email="walter@example.org")
        db.session.commit()
        return {"session_id": session.id, "course_id": course.id, "learner_id": learner.id}


def _start_session_now(app, session_id: int) -> None:
    """Move the session's start into the past: the workshop has begun."""
    from lms.db import utcnow
    from lms.extensions import db
    from lms.sessions.models import CourseSession

    with app.app_context():
        session = db.session.get(CourseSession, session_id)
        session.starts_at = utcnow() - timedelta(minutes=1)
        db.session.commit()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"walk-{name}.png"), full_page=True)


def answer_quiz(page, option: str) -> None:
    page.get_by_role("link", name="Test beginnen").or_(
        page.get_by_role("link", name="Zum Test")).or_(
        page.get_by_role("link", name="Erneut versuchen")).first.click()
    page.get_by_label(option).check()
    page.get_by_role("button", name="Antworten abgeben").click()


def learner_statements(live_app, learner_id: int) -> list[dict]:
    from lms.accounts.models import User
    from lms.extensions import db
    from lms.learning import statements as builders
    from xapi.agents import agent_key
    from xapi.store_sql import statements as table

    with live_app.app_context():
        user = db.session.get(User, learner_id)
        key = agent_key(builders.learner(user))
        rows = db.session.execute(select(table.c.statement).where(
            table.c.actor_key == key, table.c.is_voided.is_(False)).order_by(table.c.seq))
        return [json.loads(text) for text in rows.scalars()]


def test_learner_walks_a_blended_course_to_completion(new_page, live_app, walk_course,
                                                       demo_logins):
    learner = new_page()
    errors = []
    learner.on("console", lambda m: m.type == "error" and errors.append(m.text))

    # enrol from the course page
    login(learner, "walter@example.org", "correct horse battery")
    learner.goto(f"/courses/{SLUG}")
    learner.get_by_role("button", name="Zum Kurs anmelden").click()

    # enrolling opens the first lesson; it is marked as done
    expect(learner.get_by_role("heading", name="Einstieg", level=1)).to_be_visible()
    learner.get_by_role("button", name="Als erledigt markieren").click()
    shot(learner, "1-lesson")

    # book the session (starts in ten minutes) on the course page
    learner.goto(f"/courses/{SLUG}")
    expect(learner.get_by_text("Sie sind für diesen Kurs angemeldet.")).to_be_visible()
    learner.get_by_role("button", name="Platz buchen").click()
    expect(learner.get_by_text("Sie sind angemeldet", exact=True)).to_be_visible()

    # the quiz: a wrong attempt, then a right one
    learner.goto(f"/learn/{SLUG}/{SLUG}-quiz")
    answer_quiz(learner, "Mit einer Tabelle")
    expect(learner.get_by_text("Quiz nicht bestanden")).to_be_visible()
    shot(learner, "2-quiz-failed")
    answer_quiz(learner, "Mit einer Überschrift der Ebene 1")
    expect(learner.get_by_text("Quiz bestanden")).to_be_visible()
    shot(learner, "3-quiz-passed")

    # the trainer records attendance on the roster
    trainer = new_page()
    login(trainer, "trainer@atlas-campus.example", demo_logins["trainer"])
    trainer.goto(f"/sessions/{walk_course['session_id']}/roster")
    trainer.get_by_label("Walter Weiterbildung anwesend").check()
    trainer.get_by_role("button", name="Anwesenheit speichern").click()
    expect(trainer.get_by_label("Walter Weiterbildung anwesend")).to_be_checked()
    # a tick counts only once the roster is closed, which is possible from the start on:
    # let the workshop begin, then the trainer closes the list
    _start_session_now(live_app, walk_course["session_id"])
    trainer.goto(f"/sessions/{walk_course['session_id']}/roster")
    trainer.get_by_role("button", name="Speichern und Liste abschließen").click()
    expect(trainer.get_by_text("Die Anwesenheitsliste wurde am")).to_be_visible()
    shot(trainer, "4-roster")
    logout(trainer)

    # the final assessment completes the course
    learner.goto(f"/learn/{SLUG}/{SLUG}-abschlusstest/quiz")
    learner.locator("input[type=text]").first.fill("Quellen")
    learner.get_by_role("button", name="Antworten abgeben").click()
    expect(learner.get_by_text("Abschlusstest bestanden")).to_be_visible()
    shot(learner, "5-assessment")

    learner.goto("/")
    shot(learner, "6-dashboard")
    done = learner.get_by_role("region", name="Abgeschlossene Kurse")
    assert TITLE in done.inner_text() and "Fortschritt: 100 %" in done.inner_text()
    certificates = learner.get_by_role("region", name="Meine Zertifikate")
    assert TITLE in certificates.inner_text() and "Gültig" in certificates.inner_text()
    learner.goto(f"/courses/{SLUG}")
    expect(learner.get_by_text("Abgeschlossen am")).to_be_visible()
    assert errors == []

    # the LRS holds the whole story, in the platform's profile
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in
             learner_statements(live_app, walk_course["learner_id"])]
    for verb in ("registered", "launched", "completed", "answered", "failed", "passed",
                 "attended"):
        assert verb in verbs, (verb, verbs)
    assert verbs.count("failed") == 1
    assert verbs[-1] == "completed"  # the course itself, after the assessment's "passed"
    course_completions = [
        s for s in learner_statements(live_app, walk_course["learner_id"])
        if s["verb"]["id"].endswith("/completed")
        and s["object"]["id"].endswith(f"/xapi/activities/course/{SLUG}")]
    assert len(course_completions) == 1
    assert Path(SCREENSHOTS / "walk-6-dashboard.png").exists()
