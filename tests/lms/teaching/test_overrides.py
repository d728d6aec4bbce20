"""Extra attempts, reset attempts, completion marked by a trainer (a ``waived`` statement with
the trainer as authority) and its undoing; forged overrides count for nothing."""

import json
import uuid

import pytest
from sqlalchemy import select

from lms.catalog.trainers import grant_course_trainer
from lms.db import utcnow
from lms.extensions import db
from lms.learning import statements as builders
from lms.learning.models import CourseProgress, LessonProgress, QuizAttemptGrant
from lms.lrs import services as lrs_services
from lms.lrs.embedded import acting_authority, record_statements
from lms.teaching.models import CompletionOverride
from tests.factories import make_user
from tests.lms.learning.quiz_helpers import ASSESSMENT, QUIZ, SLUG, open_quiz
from tests.lms.teaching.cockpit_helpers import text
from xapi import vocabulary as v
from xapi.store_sql import statements as statement_table

pytest_plugins = ["tests.lms.teaching.cockpit_fixtures"]

PARTICIPANTS = f"/teaching/courses/{SLUG}/participants"


def progress(user) -> CourseProgress | None:
    db.session.expire_all()
    return db.session.scalar(select(CourseProgress).where(CourseProgress.user_id == user.id))


def lesson_row(user, lesson_id) -> LessonProgress | None:
    db.session.expire_all()
    return db.session.scalar(select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson_id))


def stored(statement_id: str) -> dict:
    row = db.session.execute(select(statement_table.c.statement).where(
        statement_table.c.id == statement_id)).scalar_one()
    return json.loads(row)


def participant_token(client, learner) -> str:
    from tests.conftest import csrf_token_from

    return csrf_token_from(client.get(f"{PARTICIPANTS}/{learner.id}").get_data(as_text=True))


def test_trainer_grants_an_attempt_from_the_participant_page(client, auth, trainer,
                                                             stuck_learner):
    auth.login(trainer.email)
    page = text(client.get(f"{PARTICIPANTS}/{stuck_learner.id}").get_data(as_text=True))
    assert "2 von 2 Versuchen genutzt" in page and "keine Versuche mehr" in page
    token = participant_token(client, stuck_learner)
    response = client.post(f"{PARTICIPANTS}/{stuck_learner.id}/attempts", data={
        "csrf_token": token, "lesson_id": ASSESSMENT, "extra": "1",
        "reason": "Krank beim zweiten Versuch"})
    assert response.status_code == 302
    grant = db.session.scalar(select(QuizAttemptGrant))
    assert (grant.user_id, grant.lesson_id, grant.extra_attempts, grant.granted_by_id) == (
        stuck_learner.id, ASSESSMENT, 1, trainer.id)
    bad = client.post(f"{PARTICIPANTS}/{stuck_learner.id}/attempts", follow_redirects=True,
                      data={"csrf_token": token, "lesson_id": ASSESSMENT, "extra": "zwei",
                            "reason": "x"})
    assert "ganze Zahl" in text(bad.get_data(as_text=True))
    auth.logout()
    auth.login(stuck_learner.email)
    assert 'class="quiz-form"' in open_quiz(client, ASSESSMENT).html


def test_reset_attempt_voids_its_result_and_gives_it_back(client, auth, trainer, stuck_learner):
    assert lesson_row(stuck_learner, ASSESSMENT).attempts == 2
    auth.login(trainer.email)
    token = participant_token(client, stuck_learner)
    response = client.post(
        f"{PARTICIPANTS}/{stuck_learner.id}/attempts/{ASSESSMENT}/2/reset",
        data={"csrf_token": token, "reason": "Technische Störung"})
    assert response.status_code == 302
    assert lesson_row(stuck_learner, ASSESSMENT).attempts == 1  # the voided result is gone
    grant = db.session.scalar(select(QuizAttemptGrant))
    assert grant.extra_attempts == 1 and "Technische Störung" in grant.reason
    again = client.post(f"{PARTICIPANTS}/{stuck_learner.id}/attempts/{ASSESSMENT}/2/reset",
                        follow_redirects=True, data={"csrf_token": token, "reason": "noch mal"})
    assert "bereits zurückgesetzt" in text(again.get_data(as_text=True))
    assert db.session.scalar(select(db.func.count(QuizAttemptGrant.id))) == 1


def test_course_marked_complete_by_trainer_completes_and_undo_folds_back(
        client, auth, trainer, stuck_learner):
    assert progress(stuck_learner).completed_at is None
    auth.login(trainer.email)
    token = participant_token(client, stuck_learner)
    response = client.post(f"{PARTICIPANTS}/{stuck_learner.id}/complete", data={
        "csrf_token": token, "target": "course:", "reason": "Gleichwertige Prüfung bei der IHK"})
    assert response.status_code == 302
    assert progress(stuck_learner).completed_at is not None
    assert progress(stuck_learner).percent == 100
    override = db.session.scalar(select(CompletionOverride))
    statement = stored(override.statement_id)
    assert statement["verb"]["id"] == v.VERBS["waived"].id
    members = statement["authority"]["member"]
    assert statement["authority"]["objectType"] == "Group"
    assert members[1]["account"]["name"] == trainer.pseudonym
    assert "Gleichwertige Prüfung bei der IHK" in json.dumps(statement["result"],
                                                            ensure_ascii=False)

    auth.logout()
    auth.login(stuck_learner.email)
    dashboard = text(client.get("/").get_data(as_text=True))
    assert "Von Ihrer Kursbetreuung als erledigt markiert" in dashboard
    assert "Gleichwertige Prüfung bei der IHK" in dashboard and "Tina Trainerin" in dashboard

    auth.logout()
    auth.login(trainer.email)
    token = participant_token(client, stuck_learner)
    response = client.post(f"/teaching/courses/{SLUG}/overrides/{override.id}/undo",
                           data={"csrf_token": token})
    assert response.status_code == 302
    assert progress(stuck_learner).completed_at is None
    db.session.expire_all()
    assert db.session.get(CompletionOverride, override.id).undone_at is not None
    voided = db.session.execute(select(statement_table.c.is_voided).where(
        statement_table.c.id == override.statement_id)).scalar_one()
    assert voided is True


def test_module_marked_complete_marks_its_lessons(client, auth, trainer, learner, quiz_course):
    model_module = quiz_course.published_version
    from lms.catalog.version_content import content_for

    model = content_for(model_module).course
    module = model.modules[0]
    auth.login(trainer.email)
    token = participant_token(client, learner)
    client.post(f"{PARTICIPANTS}/{learner.id}/complete", data={
        "csrf_token": token, "target": f"module:{module.id}", "reason": "Vorkenntnisse"})
    for lesson in module.lessons:
        row = lesson_row(learner, lesson.id)
        if lesson.kind == "session":
            assert row is None or row.status not in ("done", "passed")
        else:
            assert row.status == ("passed" if lesson.kind in ("quiz", "assessment") else "done")
    assert progress(learner).completed_at is None  # the session is still missing
    missing = client.post(f"{PARTICIPANTS}/{learner.id}/complete", follow_redirects=True, data={
        "csrf_token": token, "target": "module:gibt-es-nicht", "reason": "x"})
    assert "Dieses Modul gibt es" in text(missing.get_data(as_text=True))
    no_reason = client.post(f"{PARTICIPANTS}/{learner.id}/complete", follow_redirects=True,
                            data={"csrf_token": token, "target": "course:", "reason": " "})
    assert "Bitte geben Sie einen Grund an" in text(no_reason.get_data(as_text=True))
    assert db.session.scalar(select(db.func.count(CompletionOverride.id))) == 1


def _waived_by(learner, person_agent, quiz_course, enrolment_registration) -> dict:
    from lms.catalog.version_content import content_for

    version = quiz_course.published_version
    model = content_for(version).course
    statement = builders.waived_statement(learner, model, version.version,
                                          enrolment_registration, "course", "", "forged",
                                          utcnow())
    statement["authority"] = acting_authority(person_agent)
    return statement


@pytest.fixture
def enrolment(learner, quiz_course):
    from lms.learning.enrolment import active_enrolment

    return active_enrolment(learner, quiz_course)


def test_a_forged_trainer_authority_from_an_lrs_client_completes_nothing(
        app, client, xapi, make_client, trainer, learner, quiz_course, enrolment):
    lrs_client, auth_header = make_client("all", name="Fremdes Tool")
    # even a client allowed to credit this course's activities
    lrs_services.grant_credit(None, lrs_client.key, now=utcnow(), course_slug=SLUG)
    db.session.commit()
    xapi.auth = auth_header
    statement = _waived_by(learner, builders.learner(trainer), quiz_course,
                           enrolment.registration)
    response = xapi.post("statements", json=[statement])
    assert response.status_code == 200, response.get_data(as_text=True)
    kept = stored(statement["id"])
    assert kept["authority"] != statement["authority"]  # the LRS set it from the credential
    assert kept["authority"]["objectType"] == "Agent"
    row = progress(learner)
    assert row is None or row.completed_at is None


def test_the_platform_credits_an_override_only_from_a_trainer_of_the_course(
        app, trainer, learner, quiz_course, enrolment):
    outsider = make_user(name="Nicht Trainer", is_trainer=True)
    db.session.flush()
    record_statements([_waived_by(learner, builders.learner(outsider), quiz_course,
                                  enrolment.registration)], utcnow(),
                      authority=acting_authority(builders.learner(outsider)))
    row = progress(learner)
    assert row is None or row.completed_at is None
    grant_course_trainer(None, quiz_course, outsider, utcnow())
    statement = _waived_by(learner, builders.learner(outsider), quiz_course,
                           enrolment.registration)
    statement["id"] = str(uuid.uuid4())
    record_statements([statement], utcnow(), authority=acting_authority(builders.learner(outsider)))
    assert progress(learner).completed_at is not None


def test_other_verbs_under_a_trainer_authority_count_for_nothing(app, trainer, learner,
                                                                 quiz_course, enrolment):
    from lms.catalog.version_content import content_for

    version = quiz_course.published_version
    model = content_for(version).course
    quiz = model.lesson(QUIZ)
    passed = builders.lesson_statement(learner, "passed", model, version.version,
                                       enrolment.registration, quiz, utcnow(),
                                       builders.scaled_result(100, True, 8, 8))
    record_statements([passed], utcnow(), authority=acting_authority(builders.learner(trainer)))
    row = lesson_row(learner, QUIZ)
    assert row is None or row.status != "passed"


def test_rebuild_keeps_an_override_and_forgets_an_undone_one(app, client, auth, trainer,
                                                            learner, runner):
    auth.login(trainer.email)
    token = participant_token(client, learner)
    client.post(f"{PARTICIPANTS}/{learner.id}/complete", data={
        "csrf_token": token, "target": "course:", "reason": "Anerkennung"})
    assert progress(learner).completed_at is not None
    result = runner.invoke(args=["progress", "rebuild"])
    assert result.exit_code == 0, result.output
    assert progress(learner).completed_at is not None
    override = db.session.scalar(select(CompletionOverride))
    client.post(f"/teaching/courses/{SLUG}/overrides/{override.id}/undo",
                data={"csrf_token": token})
    runner.invoke(args=["progress", "rebuild"])
    row = progress(learner)  # nothing else happened in the course: no row at all
    assert row is None or row.completed_at is None



def test_undo_by_an_admin_after_the_trainer_left_the_course_folds_back(
        client, auth, trainer, learner, quiz_course):
    from lms.catalog.trainers import revoke_course_trainer

    auth.login(trainer.email)
    token = participant_token(client, learner)
    client.post(f"{PARTICIPANTS}/{learner.id}/complete", data={
        "csrf_token": token, "target": "course:", "reason": "Anerkennung"})
    assert progress(learner).completed_at is not None
    auth.logout()
    revoke_course_trainer(None, quiz_course, trainer, utcnow())
    admin = make_user(name="Ada Admin", is_admin=True)
    db.session.commit()
    auth.login(admin.email)
    override = db.session.scalar(select(CompletionOverride))
    token = participant_token(client, learner)
    client.post(f"/teaching/courses/{SLUG}/overrides/{override.id}/undo",
                data={"csrf_token": token})
    row = progress(learner)
    assert row is None or row.completed_at is None
