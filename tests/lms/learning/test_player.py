"""The lesson player, the course page's enrolment box, the dashboard and own data pages."""

import json
from datetime import timedelta

from sqlalchemy import event, select

from lms.catalog.version_content import content_for
from lms.extensions import db
from lms.learning import enrolment as enrolments
from lms.learning.models import Enrolment, LessonProgress
from tests.conftest import csrf_token_from
from tests.factories import make_member, make_organisation, make_user
from tests.lms.learning.conftest import login, stored_statements


def _lessons(course):
    return list(content_for(course.published_version).course.lessons())


def _enrolment(user, course):
    db.session.expire_all()
    return db.session.scalar(select(Enrolment).where(
        Enrolment.user_id == user.id, Enrolment.course_id == course.id))


def test_enrol_from_course_page_and_resume(client, auth, emobility, learner):
    login(client, auth, learner)
    page = client.get("/courses/e-mobility").get_data(as_text=True)
    assert "Zum Kurs anmelden" in page
    response = client.post("/learn/e-mobility/enrol", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302 and response.location.endswith("/learn/e-mobility")
    first = _lessons(emobility)[0]
    response = client.get("/learn/e-mobility")
    assert response.location.endswith(f"/learn/e-mobility/{first.id}")
    page = client.get("/courses/e-mobility").get_data(as_text=True)
    assert "Vom Kurs abmelden" in page and "Fortschritt: 0 %" in page


def test_enrol_needs_csrf(client, auth, emobility, learner):
    login(client, auth, learner)
    assert client.post("/learn/e-mobility/enrol").status_code == 400
    assert _enrolment(learner, emobility) is None


def test_player_launches_once_marks_done_and_moves_on(client, auth, emobility, learner, now):
    enrolments.enrol(learner, emobility, learner, now)
    db.session.commit()
    login(client, auth, learner)
    first, second = _lessons(emobility)[:2]
    page = client.get(f"/learn/e-mobility/{first.id}").get_data(as_text=True)
    assert first.title("de") in page and "Als erledigt markieren" in page
    assert page.count("<h1") == 1  # the lesson's own "# Title" is not repeated
    client.get(f"/learn/e-mobility/{first.id}")  # a reload launches nothing more
    assert len(stored_statements(learner, "launched")) == 1
    response = client.post(f"/learn/e-mobility/{first.id}/done",
                           data={"csrf_token": csrf_token_from(page)})
    assert response.location.endswith(f"/learn/e-mobility/{second.id}")
    assert len(stored_statements(learner, "completed")) == 1
    db.session.expire_all()
    row = db.session.scalar(select(LessonProgress).where(
        LessonProgress.user_id == learner.id, LessonProgress.lesson_id == first.id))
    assert row.status == "done"
    assert _enrolment(learner, emobility).last_lesson_id == first.id
    page = client.get(f"/learn/e-mobility/{first.id}").get_data(as_text=True)
    assert "(erledigt)" in page and "Als erledigt markieren" not in page


def test_player_renders_the_enrolled_version(client, auth, emobility, learner, now,
                                             import_real, tmp_path):
    import shutil

    from lms.catalog import services
    from tests.fixtures.courses import COURSES, edit

    enrolment = enrolments.enrol(learner, emobility, learner, now)
    old_version_id = enrolment.course_version_id
    copy = tmp_path / "e-mobility"
    shutil.copytree(COURSES / "e-mobility", copy)
    first = _lessons(emobility)[0]
    lesson_file = next(p for p in sorted(copy.glob("modules/01-*/01-*.md"))
                       if ".en." not in p.name)
    edit(lesson_file, "title: ", "title: NEUE FASSUNG ")
    services.import_course(copy, None, now + timedelta(minutes=1))
    db.session.commit()
    assert emobility.published_version_id != old_version_id
    login(client, auth, learner)
    page = client.get(f"/learn/e-mobility/{first.id}").get_data(as_text=True)
    assert "NEUE FASSUNG" not in page and first.title("de") in page


def test_not_enrolled_is_sent_to_course_page(client, auth, emobility, learner):
    login(client, auth, learner)
    first = _lessons(emobility)[0]
    response = client.get(f"/learn/e-mobility/{first.id}")
    assert response.status_code == 302 and response.location.endswith("/courses/e-mobility")
    # the old preview stays for people not enrolled, enrolled ones go to the player
    assert client.get(f"/courses/e-mobility/{first.id}").status_code == 200


def test_enrolled_preview_redirects_to_player(client, auth, emobility, learner, now):
    enrolments.enrol(learner, emobility, learner, now)
    db.session.commit()
    login(client, auth, learner)
    first = _lessons(emobility)[0]
    response = client.get(f"/courses/e-mobility/{first.id}")
    assert response.location.endswith(f"/learn/e-mobility/{first.id}")


def test_position_needs_csrf_and_is_stored(client, auth, emobility, learner, now):
    enrolments.enrol(learner, emobility, learner, now)
    db.session.commit()
    login(client, auth, learner)
    first = _lessons(emobility)[0]
    page = client.get(f"/learn/e-mobility/{first.id}").get_data(as_text=True)
    url = f"/learn/e-mobility/{first.id}/position"
    assert client.post(url, json={"position": 0.5}).status_code == 400
    token = csrf_token_from(page)
    response = client.post(url, json={"position": 0.5}, headers={"X-CSRFToken": token})
    assert response.status_code == 204
    assert _enrolment(learner, emobility).last_position == 0.5
    page = client.get(f"/learn/e-mobility/{first.id}").get_data(as_text=True)
    assert 'data-resume-position="0.5"' in page


def test_another_learner_cannot_touch_my_progress(client, auth, emobility, learner, now):
    enrolments.enrol(learner, emobility, learner, now)
    db.session.commit()
    other = make_user()
    login(client, auth, other)
    first = _lessons(emobility)[0]
    page = client.get("/courses/e-mobility").get_data(as_text=True)
    token = csrf_token_from(page)
    response = client.post(f"/learn/e-mobility/{first.id}/position", json={"position": 0.9},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 404
    assert _enrolment(learner, emobility).last_position == 0.0
    data = client.get("/me/data.json").get_json()
    sections = {section["key"]: section for section in data["sections"]}
    assert sections["enrolments"]["items"] == []
    assert learner.email not in json.dumps(data)


def test_withdraw_with_confirmation(client, auth, emobility, learner, now):
    enrolments.enrol(learner, emobility, learner, now)
    db.session.commit()
    login(client, auth, learner)
    page = client.get("/learn/e-mobility/withdraw").get_data(as_text=True)
    assert "Vom Kurs abmelden?" in page
    client.post("/learn/e-mobility/withdraw", data={"csrf_token": csrf_token_from(page)})
    enrolment = _enrolment(learner, emobility)
    assert enrolment.status == "withdrawn" and enrolment.withdrawn_at is not None


def test_retake_route_refuses_uncompleted_course(client, auth, emobility, learner, now):
    enrolment = enrolments.enrol(learner, emobility, learner, now)
    registration = enrolment.registration
    db.session.commit()
    login(client, auth, learner)
    page = client.get("/courses/e-mobility").get_data(as_text=True)
    client.post("/learn/e-mobility/retake", data={"csrf_token": csrf_token_from(page)})
    assert _enrolment(learner, emobility).registration == registration


def test_print_view(client, auth, emobility, learner, now):
    enrolments.enrol(learner, emobility, learner, now)
    db.session.commit()
    login(client, auth, learner)
    first = _lessons(emobility)[0]
    page = client.get(f"/learn/e-mobility/{first.id}/print").get_data(as_text=True)
    assert "data-print-button" in page and first.title("de") in page


def test_quiz_lesson_shows_attempts(client, auth, emobility, learner, now):
    enrolments.enrol(learner, emobility, learner, now)
    db.session.commit()
    login(client, auth, learner)
    quiz = next(lesson for lesson in _lessons(emobility) if lesson.kind == "quiz")
    page = client.get(f"/learn/e-mobility/{quiz.id}").get_data(as_text=True)
    assert "Versuche" in page and "Als erledigt markieren" not in page


def test_dashboard_lists_courses_with_due_date(client, auth, emobility, import_real, now):
    company = make_organisation()
    employee, manager = make_member(company), make_member(company, role="manager")
    enrolments.enrol(employee, emobility, employee, now)
    production = import_real("digital-production")[0].version.course
    enrolments.enrol(employee, production, manager, now, due_on=(now + timedelta(days=21)).date())
    db.session.commit()
    login(client, auth, employee)
    page = client.get("/").get_data(as_text=True)
    assert "Von Ihrem Unternehmen zugewiesen" in page and "fällig bis" in page
    assert "Meine Kurse" in page and "Kurs beginnen" in page
    assert "/me/data" in page


def _count_queries(client, path):
    engine = db.session.get_bind()
    count = [0]

    def before(*_args, **_kwargs):
        count[0] += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return count[0]


def test_dashboard_queries_do_not_grow_with_enrolments(client, auth, import_real, now):
    courses = [result.version.course for result in import_real()]
    one, three = make_user(), make_user()
    enrolments.enrol(one, courses[0], one, now)
    for course in courses:
        enrolments.enrol(three, course, three, now)
    db.session.commit()
    login(client, auth, one)
    client.get("/")
    queries_one = _count_queries(client, "/")
    auth.logout()
    login(client, auth, three)
    client.get("/")
    assert _count_queries(client, "/") == queries_one


def test_player_queries_do_not_grow_with_progress(client, auth, emobility, learner, now):
    enrolments.enrol(learner, emobility, learner, now)
    db.session.commit()
    login(client, auth, learner)
    lessons = [lesson for lesson in _lessons(emobility) if lesson.kind == "lesson"]
    client.get(f"/learn/e-mobility/{lessons[0].id}")
    few = _count_queries(client, f"/learn/e-mobility/{lessons[0].id}")
    page = client.get(f"/learn/e-mobility/{lessons[0].id}").get_data(as_text=True)
    for lesson in lessons[1:6]:
        client.post(f"/learn/e-mobility/{lesson.id}/done",
                    data={"csrf_token": csrf_token_from(page)})
    assert _count_queries(client, f"/learn/e-mobility/{lessons[0].id}") == few


def test_personal_data_page_and_downloads(client, auth, emobility, learner, now):
    enrolments.enrol(learner, emobility, learner, now)
    db.session.commit()
    login(client, auth, learner)
    page = client.get("/me/data").get_data(as_text=True)
    assert "Was Ihr Arbeitgeber sieht" in page and "Kursanmeldungen" in page
    data = client.get("/me/data.json").get_json()
    keys = [section["key"] for section in data["sections"]]
    assert {"account", "enrolments", "course_progress", "quiz_attempts"} <= set(keys)
    response = client.get("/me/statements.json")
    statements = json.loads(response.get_data(as_text=True))
    assert [s["verb"]["id"].rsplit("/", 1)[-1] for s in statements] == ["registered"]
    assert statements[0]["actor"]["account"]["name"] == learner.pseudonym
