"""Open answers end to end through HTTP: submit with a photo, pending, graded by a trainer
from the queue, the result as a platform statement with the trainer as instructor, the
learner told and shown the feedback, the course completed; and who may see what."""

import copy
import dataclasses
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.companies.models import AccessLogEntry
from lms.db import utcnow
from lms.errors import ValidationFailedError
from lms.extensions import db
from lms.learning import answer_files, quiz_services
from lms.learning import statements as builders
from lms.learning.answer_models import QuizAnswer
from lms.learning.enrolment import active_enrolment
from lms.learning.models import CourseProgress, LessonProgress, QuizAttempt
from lms.learning.personal_data import learning_sections
from lms.lrs.crediting import is_platform_statement
from lms.teaching.grading_queue import waiting_count
from tests.factories import make_member, make_organisation, make_user
from tests.fixtures.courses import tiny_png
from tests.lms.learning.conftest import stored_statements
from tests.lms.learning.quiz_helpers import QuizPage, enrol_directly
from tests.lms.teaching.grading_helpers import POOL, SLUG, TRANSFER, make_trainer

pytest_plugins = ["tests.lms.teaching.grading_fixtures"]


def quiz_url(lesson_id):
    return f"/learn/{SLUG}/{lesson_id}/quiz"


def submit_transfer(client, text="Das gelbe Dreieck warnt vor Spannung.", file=None,
                    right=True):
    page = QuizPage(client.get(quiz_url(TRANSFER)).get_data(as_text=True))
    data = page.form(**{"q-hv-foto": text,
                        "q-farbe": page.options("q-farbe")["Orange" if right else "Grün"]})
    if file is not None:
        data["q-hv-foto-file"] = file
    return client.post(quiz_url(TRANSFER), data=data, content_type="multipart/form-data")


def pass_pool(client):
    page = QuizPage(client.get(quiz_url(POOL)).get_data(as_text=True))
    shown = re.findall(r'name="q-(p\d)"', page.html)
    fields = {f"q-{qid}": page.options(f"q-{qid}")["ja"] for qid in dict.fromkeys(shown)}
    response = client.post(quiz_url(POOL), data=page.form(**fields))
    assert response.status_code == 302
    return list(dict.fromkeys(shown))


@pytest.fixture
def learner(grading_course, auth):
    organisation = make_organisation()
    user = make_member(organisation, name="Lena Lernend", locale="de")
    enrol_directly(user, grading_course)
    auth.login(user.email)
    return user


def only_answer(course):
    return db.session.scalar(select(QuizAnswer).where(
        QuizAnswer.course_id == course.id, QuizAnswer.kind == "open"))


def test_open_answer_with_photo_is_graded_and_completes_the_course(
        grading_course, learner, client, auth, mails):
    pass_pool(client)
    response = submit_transfer(client, file=(io.BytesIO(tiny_png()), "../../etc/passwd.png"))
    assert response.status_code == 302
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.lesson_id == TRANSFER))
    assert attempt.is_pending and not attempt.is_passed
    # no verdict yet: the quiz is not passed, the course not complete
    assert not stored_statements(learner, "passed")[1:]  # only the pool quiz passed
    progress = db.session.scalar(select(LessonProgress).where(
        LessonProgress.user_id == learner.id, LessonProgress.lesson_id == TRANSFER))
    assert progress is None or progress.status != "passed"
    course_row = db.session.scalar(select(CourseProgress).where(
        CourseProgress.user_id == learner.id))
    assert course_row.completed_at is None
    result_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "In Bewertung" in result_page and "RUBRIC-MARKER" not in result_page

    answer = only_answer(grading_course)
    assert answer.text == "Das gelbe Dreieck warnt vor Spannung."
    assert (answer.file_type, answer.file_name) == ("image/png", "passwd.png")
    stored = answer_files.path_of(answer.file_token)
    assert stored.read_bytes() == tiny_png()
    assert stored.parent == Path(client.application.instance_path) / "uploads" / "answers"
    # the learner sees their own file
    own = client.get(f"/learn/{SLUG}/answer-files/{answer.file_token}")
    assert own.status_code == 200 and own.data == tiny_png()
    assert own.headers["X-Content-Type-Options"] == "nosniff"
    assert waiting_count([grading_course.id]) == 1

    trainer = make_trainer(grading_course, name="Tom Trainer")
    auth.logout()
    auth.login(trainer.email)
    queue = client.get("/teaching/grading").get_data(as_text=True)
    assert "Lena Lernend" in queue and 'data-waiting="1"' in queue
    page = client.get(f"/teaching/grading/answers/{answer.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "RUBRIC-MARKER" in html
    assert "Das gelbe Dreieck" in html
    photo = client.get(f"/teaching/grading/answers/{answer.id}/file")
    assert photo.status_code == 200 and photo.data == tiny_png()
    logged = db.session.scalars(select(AccessLogEntry.action).where(
        AccessLogEntry.subject_id == learner.id, AccessLogEntry.actor_id == trainer.id)).all()
    assert sorted(logged) == ["trainer_view_answer_file", "trainer_view_open_answer"]
    # the learner's own log (read at /me/access-log), not the employer's company log
    assert set(db.session.scalars(select(AccessLogEntry.organisation_id).where(
        AccessLogEntry.subject_id == learner.id, AccessLogEntry.actor_id == trainer.id))) == {None}

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    too_many = client.post(f"/teaching/grading/answers/{answer.id}",
                           data={"csrf_token": token, "points": "5", "feedback": "x"})
    assert too_many.status_code == 422
    assert db.session.get(QuizAnswer, answer.id).is_pending
    graded = client.post(f"/teaching/grading/answers/{answer.id}", data={
        "csrf_token": token, "points": "3",
        "feedback": "Gut erkannt. <script>alert(1)</script>\nBedeutung genauer erklären."})
    assert graded.status_code == 302

    db.session.expire_all()
    attempt = db.session.get(QuizAttempt, attempt.id)
    # 3 of 4 points for the open question + 1 for the colour = 4 of 5 = 80 % ≥ 60 %
    assert (attempt.is_pending, attempt.is_passed, attempt.score, attempt.percent) == (
        False, True, 4.0, 80.0)
    verdict = stored_statements(learner, "passed")[-1]
    assert verdict["object"]["id"].endswith(f"/lesson/{TRANSFER}")
    assert verdict["context"]["instructor"] == builders.learner(trainer)
    assert is_platform_statement(verdict)  # so the crediting rule lets it count
    assert verdict["result"]["score"]["raw"] == 4.0
    course_row = db.session.scalar(select(CourseProgress).where(
        CourseProgress.user_id == learner.id))
    assert course_row.completed_at is not None
    assert waiting_count([grading_course.id]) == 0
    sent = mails()
    assert any(learner.email in mail["To"] and "Transferaufgabe" in mail["Subject"]
               for mail in sent)

    auth.logout()
    auth.login(learner.email)
    dashboard = client.get("/").get_data(as_text=True)
    assert "Neue Bewertungen" in dashboard
    shown = client.get(f"/learn/{SLUG}/{TRANSFER}/quiz/attempts/{attempt.number}")
    text = shown.get_data(as_text=True)
    assert "Bedeutung genauer erklären." in text and "Tom Trainer" in text
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    assert "RUBRIC-MARKER" not in text
    assert "Neue Bewertungen" not in client.get("/").get_data(as_text=True)
    (section,) = [s for s in learning_sections(learner) if s["key"] == "open_answers"]
    (item,) = section["items"]
    assert (item["file"], item["points"], item["graded_by"]) == ("passwd.png", 3.0, "Tom Trainer")


def test_trainer_of_another_course_sees_no_answers_or_files(
        grading_course, learner, client, auth, import_real):
    submit_transfer(client, file=(io.BytesIO(tiny_png()), "foto.png"))
    answer = only_answer(grading_course)
    other_course = import_real("e-mobility")[0].version.course
    stranger = make_trainer(other_course)
    auth.logout()
    auth.login(stranger.email)
    assert client.get(f"/teaching/grading/answers/{answer.id}").status_code == 404
    assert client.get(f"/teaching/grading/answers/{answer.id}/file").status_code == 404
    assert client.get(f"/teaching/grading?course={grading_course.id}").status_code == 404
    assert "Lena Lernend" not in client.get("/teaching/grading").get_data(as_text=True)
    assert client.get(f"/teaching/courses/{SLUG}/item-analysis/{POOL}").status_code == 403
    assert client.get(f"/learn/{SLUG}/answer-files/{answer.file_token}").status_code == 404
    assert db.session.scalar(select(AccessLogEntry.id).where(
        AccessLogEntry.actor_id == stranger.id)) is None


def test_a_learner_cannot_open_another_learners_file(grading_course, learner, client, auth):
    submit_transfer(client, file=(io.BytesIO(tiny_png()), "foto.png"))
    answer = only_answer(grading_course)
    other = make_user()
    enrol_directly(other, grading_course)
    auth.logout()
    auth.login(other.email)
    assert client.get(f"/learn/{SLUG}/answer-files/{answer.file_token}").status_code == 404
    assert client.get(f"/teaching/grading/answers/{answer.id}/file").status_code == 404
    assert client.get(f"/learn/{SLUG}/answer-files/..%2F..%2Fsecret").status_code == 404


@pytest.mark.parametrize("content, name", [
    (b"GIF89a not accepted", "bild.png"),
    (b"<html><script>alert(1)</script></html>", "foto.jpg"),
])
def test_a_file_that_is_not_a_photo_or_pdf_is_refused(
        grading_course, learner, client, content, name):
    response = submit_transfer(client, file=(io.BytesIO(content), name))
    assert response.status_code == 302
    page = client.get(quiz_url(TRANSFER)).get_data(as_text=True)
    assert "kein Foto (JPEG, PNG, WebP) und kein PDF" in page
    assert db.session.scalar(select(QuizAttempt.id)) is None
    assert only_answer(grading_course) is None


def test_a_file_over_the_limit_is_refused(grading_course, learner, client, app, monkeypatch):
    # a small limit keeps the request body in memory (werkzeug spools larger ones to disk)
    monkeypatch.setitem(app.config, "ATLAS_ANSWER_FILE_MAX_BYTES", 100 * 1024)
    big = b"%PDF-1.4\n" + b"0" * (100 * 1024)
    submit_transfer(client, file=(io.BytesIO(big), "gross.pdf"))
    page = client.get(quiz_url(TRANSFER)).get_data(as_text=True)
    assert "größer als 100 KB" in page
    assert db.session.scalar(select(QuizAttempt.id)) is None


def test_no_new_attempt_while_one_waits_for_its_grade(grading_course, learner, client):
    submit_transfer(client)
    page = client.get(quiz_url(TRANSFER)).get_data(as_text=True)
    assert "wird noch von einer Trainerin" in page and 'name="q-hv-foto"' not in page


def test_pool_draw_is_stored_and_named_in_the_statements(grading_course, learner, client):
    shown = pass_pool(client)
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.lesson_id == POOL))
    assert len(shown) == 2 and attempt.question_ids == sorted(shown)
    answers = db.session.scalars(select(QuizAnswer.question_id).where(
        QuizAnswer.attempt_id == attempt.id)).all()
    assert sorted(answers) == sorted(shown)
    verdict = stored_statements(learner, "passed")[-1]
    drawn = [value for key, value in verdict["context"]["extensions"].items()
             if key.endswith("/drawn-questions")]
    assert drawn == [attempt.question_ids]
    assert attempt.max_score == 2  # graded over the drawn questions only


def test_studio_preview_shows_the_open_question_with_its_rubric(
        grading_course, client, auth):
    admin = make_user(is_admin=True, is_trainer=True)
    auth.login(admin.email)
    page = client.get(f"/studio/{SLUG}/edit?path=modules/01-einfuehrung/02-transfer.md")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Offene Frage, von Hand bewertet; Foto oder PDF möglich" in html
    assert "RUBRIC-MARKER" in html


def test_a_required_file_is_asked_for_and_nothing_is_stored(grading_course, learner):
    quiz = quiz_services.quiz_lesson(grading_course, grading_course.published_version, TRANSFER)
    lesson = copy.deepcopy(quiz.lesson)
    lesson.question("hv-foto").upload = "required"
    quiz = dataclasses.replace(quiz, lesson=lesson)
    enrolment = active_enrolment(learner, grading_course)
    with pytest.raises(ValidationFailedError, match="gehört ein Foto oder PDF"):
        quiz_services.submit_attempt(learner, enrolment, quiz, {"hv-foto": "Text"}, "de",
                                     utcnow())
    assert db.session.scalar(select(QuizAttempt.id)) is None
    attempt = quiz_services.submit_attempt(
        learner, enrolment, quiz, {"hv-foto": "Text"}, "de", utcnow(),
        files={"hv-foto": answer_files.Upload("scan.pdf", b"%PDF-1.4\n%%EOF\n")})
    answer = only_answer(grading_course)
    assert attempt.is_pending and answer.file_type == "application/pdf"
    assert answer.file_name == "scan.pdf"


def test_anonymising_a_learner_erases_their_open_answers_and_files(
        grading_course, learner, client, auth):
    from lms.learning import answer_files
    from tests.conftest import csrf_token_from

    submit_transfer(client, text="Mein Arbeitsplatz in Halle 3", file=(io.BytesIO(tiny_png()),
                                                                       "foto.png"))
    answer = only_answer(grading_course)
    stored = answer_files.path_of(answer.file_token)
    assert stored.exists()
    auth.logout()
    admin = make_user(is_admin=True)
    auth.login(admin.email)
    page = client.get(f"/admin/users/{learner.id}").get_data(as_text=True)
    response = client.post(f"/admin/users/{learner.id}/anonymise", data={
        "csrf_token": csrf_token_from(page), "confirmation": learner.name})
    assert response.status_code == 302
    db.session.expire_all()
    erased = db.session.get(QuizAnswer, answer.id)
    assert erased.text == "" and erased.file_token is None and erased.file_name is None
    assert not stored.exists()  # the job ran after the commit (inline without Redis)
