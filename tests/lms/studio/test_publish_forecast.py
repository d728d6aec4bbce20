"""Before publishing, the studio says what the new version does to the learners."""

import html

from sqlalchemy import select

from lms.catalog.version_content import content_for
from lms.db import utcnow
from lms.extensions import db
from lms.learning import enrolment as enrolments
from lms.learning import player
from lms.learning.models import Enrolment
from lms.studio import drafts
from tests.factories import make_user

LESSON = "modules/01-einfuehrung/01-einstieg.md"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_overview_forecasts_the_move_and_publishing_moves_the_learner(client, auth, people,
                                                                      courses, studio):
    course = courses["kurs-a"]
    learner = make_user()
    enrolment = enrolments.enrol(learner, course, people["admin"], utcnow())
    state = player.lesson_state(enrolment)
    plain = [lesson for lesson in state.lessons if lesson.kind == "lesson"]
    player.mark_lesson_done(state, plain[0].id, "de", utcnow())
    db.session.commit()
    total = len(list(content_for(course.published_version).course.lessons()))

    auth.login("trainer@example.org")
    page = text_of(client.get("/studio/kurs-a"))
    assert "Lernende sehen sie sofort" not in page
    assert "Wenn Sie als 0.1.1 veröffentlichen:" in page
    assert "1 Lernende(r) wechselt beim nächsten Besuch auf 0.1.1." in page
    assert f"{total} Lektionen bleiben erledigt, 0 werden wieder geöffnet." in page

    source = text_of(client.get(f"/studio/kurs-a/edit?path={LESSON}"))
    assert "Einstieg" in source
    original = drafts.read_text(course, LESSON)
    studio.save("kurs-a", LESSON, original.replace("\n## ", "\nEin neuer Satz.\n\n## ", 1))
    page = text_of(client.get("/studio/kurs-a"))
    assert (f"{total - 1} Lektionen bleiben erledigt, 1 wird wieder geöffnet "
            f"({plain[0].title('de')}).") in page

    # a new major version: the trainer's choice decides, and the preview says so
    token = auth.csrf("/studio/kurs-a")
    preview = text_of(client.post("/studio/kurs-a/publish", data={
        "csrf_token": token, "version": "1.0.0", "learner_policy": "stay",
        "action": "preview"}))
    assert "1 Lernende(r) behält die bisherige Hauptversion." in preview
    preview = text_of(client.post("/studio/kurs-a/publish", data={
        "csrf_token": token, "version": "1.0.0", "learner_policy": "move",
        "action": "preview"}))
    assert "1 Lernende(r) wechselt beim nächsten Besuch auf 1.0.0." in preview

    published = client.post("/studio/kurs-a/publish", data={
        "csrf_token": token, "version": "0.1.1"}, follow_redirects=True)
    assert "1 Lernende(r) wechselt beim nächsten Besuch auf 0.1.1." in text_of(published)
    auth.logout()
    auth.login(learner.email)
    page = text_of(client.get("/learn/kurs-a", follow_redirects=True))
    assert "Der Kurs wurde auf Version 0.1.1 aktualisiert." in page
    db.session.expire_all()
    moved = db.session.scalar(select(Enrolment).where(Enrolment.user_id == learner.id))
    assert moved.course_version.version == "0.1.1"

