"""The progress projection: folded from platform statements and from other LRS clients."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from lms.catalog.version_content import content_for
from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.extensions import db
from lms.learning import enrolment as enrolments
from lms.learning import projection
from lms.learning import statements as builders
from lms.learning.models import CourseProgress, LessonProgress
from lms.lrs import services as lrs_services
from lms.lrs.embedded import platform_authority, record_statement, record_statements
from tests.fixtures.lrs import XapiCaller
from tests.lms.learning.conftest import stored_statements


def _rows(user, course):
    progress = db.session.scalar(select(CourseProgress).where(
        CourseProgress.user_id == user.id, CourseProgress.course_id == course.id))
    lessons = {row.lesson_id: row for row in db.session.scalars(select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.course_id == course.id))}
    return progress, lessons


def _model(enrolment):
    return content_for(enrolment.course_version).course


def _record(enrolment, verb, lesson, now, result=None):
    model = _model(enrolment)
    return record_statement(builders.lesson_statement(
        enrolment.user, verb, model, enrolment.course_version.version, enrolment.registration,
        lesson, now, result=result), now)


def complete_everything(enrolment, now):
    """Write the statements that meet e-mobility's completion rule."""
    model = _model(enrolment)
    for lesson in model.lessons("lesson"):
        _record(enrolment, "completed", lesson, now)
    for lesson in [*model.lessons("quiz"), *model.lessons("assessment")]:
        _record(enrolment, "passed", lesson, now, builders.scaled_result(90, True, 9, 10))
    record_statement(builders.attended_statement(
        enrolment.user, model, enrolment.course_version.version, enrolment.registration,
        987654, "Workshop", 90, now), now)


def test_platform_statements_fold_into_progress(emobility, learner, now):
    enrolment = enrolments.enrol(learner, emobility, learner, now)
    model = _model(enrolment)
    first, second = list(model.lessons("lesson"))[:2]
    _record(enrolment, "launched", first, now)
    _record(enrolment, "completed", first, now)
    _record(enrolment, "completed", first, now)  # twice counts once
    _record(enrolment, "launched", second, now)
    progress, lessons = _rows(learner, emobility)
    assert lessons[first.id].status == "done" and lessons[second.id].status == "started"
    assert progress.lessons_done == 1
    assert progress.lessons_total == len(list(model.lessons("lesson")))
    assert progress.self_paced_minutes == first.minutes
    assert 0 < progress.percent < 100 and progress.completed_at is None


def test_quiz_attempts_best_score_and_passed_is_final(emobility, learner, now):
    enrolment = enrolments.enrol(learner, emobility, learner, now)
    quiz = next(_model(enrolment).lessons("quiz"))
    _record(enrolment, "failed", quiz, now, builders.scaled_result(40, False, 4, 10))
    _record(enrolment, "passed", quiz, now, builders.scaled_result(80, True, 8, 10))
    _record(enrolment, "failed", quiz, now, builders.scaled_result(50, False, 5, 10))
    progress, lessons = _rows(learner, emobility)
    row = lessons[quiz.id]
    assert (row.status, row.attempts, row.best_percent) == ("passed", 3, 80.0)
    assert progress.quizzes_passed == 1


def test_attendance_counts_sessions_and_synchronous_minutes(emobility, learner, now):
    enrolment = enrolments.enrol(learner, emobility, learner, now)
    model = _model(enrolment)
    for _ in range(2):  # the same session twice counts once
        record_statement(builders.attended_statement(
            learner, model, enrolment.course_version.version, enrolment.registration,
            41, "Workshop", 90, now), now)
    progress, _lessons = _rows(learner, emobility)
    assert progress.sessions_attended == 1 and progress.synchronous_minutes == 90


def _attack_batch(enrolment, now):
    """Every statement that meets e-mobility's completion rule, as a client would send them.

    The batch even claims the platform as its authority: the LRS replaces it with the
    client's own.
    """
    model, user = _model(enrolment), enrolment.user
    version, registration = enrolment.course_version.version, enrolment.registration
    batch = [builders.lesson_statement(user, "completed", model, version, registration,
                                       lesson, now) for lesson in model.lessons("lesson")]
    batch += [builders.lesson_statement(user, "passed", model, version, registration, lesson,
                                        now, builders.scaled_result(100, True, 10, 10))
              for lesson in [*model.lessons("quiz"), *model.lessons("assessment")]]
    batch.append(builders.attended_statement(user, model, version, registration, 987654,
                                             "Workshop", 480, now))
    for statement in batch:
        statement["authority"] = platform_authority()
    return batch


def _certificates(user):
    return db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)).all()


def test_a_write_only_client_cannot_complete_a_course(client, make_client, emobility, learner,
                                                      now, completions):
    """The attack of issue 21: passed/completed/attended about a learner, one POST."""
    enrolment = enrolments.enrol(learner, emobility, learner, now)
    _lrs_client, auth = make_client("statements/write", name="Attacker")
    db.session.commit()
    response = XapiCaller(client, auth).post("statements", json=_attack_batch(enrolment, now))
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.expire_all()
    progress, lessons = _rows(learner, emobility)
    assert progress is None and lessons == {}
    assert completions.calls == [] and _certificates(learner) == []
    # stored and queryable all the same, under the client's authority
    stored = [s for s in stored_statements(learner) if s["verb"]["id"].endswith("/passed")]
    assert stored and all(s["authority"]["account"]["name"] == _lrs_client.key for s in stored)
    # and a rebuild applies the same rule
    projection.rebuild(now, user_ids=[learner.id])
    assert _rows(learner, emobility) == (None, {})
    assert completions.calls == [] and _certificates(learner) == []


def test_the_same_statements_from_the_platform_complete_the_course(emobility, learner, now,
                                                                   completions):
    """The control of the attack test: the platform's own statements do issue."""
    enrolment = enrolments.enrol(learner, emobility, learner, now)
    record_statements(_attack_batch(enrolment, now), now)
    progress, _lessons = _rows(learner, emobility)
    assert progress.completed_at is not None
    assert len(completions.calls) == 1 and len(_certificates(learner)) == 1


def test_a_granted_client_credits_only_ungraded_lessons_of_its_grant(
        client, make_client, emobility, learner, now):
    enrolment = enrolments.enrol(learner, emobility, learner, now)
    model = _model(enrolment)
    simulator, auth = make_client("statements/write", name="Simulator")
    lrs_services.grant_credit(None, simulator.key, course_slug="e-mobility", now=now)
    other = "another-course"
    db.session.commit()
    lesson = next(model.lessons("lesson"))
    quiz = next(model.lessons("quiz"))
    iri = builders.lesson_activity(model, lesson)["id"]
    statements = [
        {"actor": builders.learner(learner),
         "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
         "object": {"objectType": "Activity", "id": iri}},
        builders.lesson_statement(learner, "passed", model, enrolment.course_version.version,
                                  enrolment.registration, quiz, now,
                                  builders.scaled_result(100, True, 10, 10)),
        builders.attended_statement(learner, model, enrolment.course_version.version,
                                    enrolment.registration, 4711, "Workshop", 90, now),
        {"actor": builders.learner(learner),
         "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
         "object": {"objectType": "Activity", "id": iri.replace("/e-mobility/", f"/{other}/")}},
    ]
    response = XapiCaller(client, auth).post("statements", json=statements)
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.expire_all()
    progress, lessons = _rows(learner, emobility)
    assert lessons[lesson.id].status == "done"  # granted: an ungraded lesson
    assert quiz.id not in lessons and progress.quizzes_passed == 0  # only the platform grades
    assert progress.sessions_attended == 0  # only the platform's rosters
    rebuilt = projection.rebuild(now, user_ids=[learner.id])
    assert rebuilt.pairs == 1
    progress, lessons = _rows(learner, emobility)
    assert set(lessons) == {lesson.id} and progress.sessions_attended == 0


def test_a_grant_counts_from_its_time_on_and_not_for_other_clients(
        client, make_client, emobility, learner, now):
    enrolment = enrolments.enrol(learner, emobility, learner, now)
    model = _model(enrolment)
    first, second = list(model.lessons("lesson"))[:2]
    granted, granted_auth = make_client("statements/write", name="Simulator")
    _other, other_auth = make_client("statements/write", name="Other tool")
    db.session.commit()

    def experienced(lesson):
        return {"actor": builders.learner(learner),
                "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                "object": {"objectType": "Activity",
                           "id": builders.lesson_activity(model, lesson)["id"]}}

    assert XapiCaller(client, granted_auth).post(
        "statements", json=experienced(first)).status_code == 200  # before the grant
    lrs_services.grant_credit(None, granted.key, activity_prefix=builders.lesson_activity(
        model, second)["id"], now=utcnow())
    db.session.commit()
    for auth in (granted_auth, other_auth):
        for lesson in (first, second):
            assert XapiCaller(client, auth).post(
                "statements", json=experienced(lesson)).status_code == 200
    db.session.expire_all()
    _progress, lessons = _rows(learner, emobility)
    assert lessons[second.id].status == "done" and first.id not in lessons
    projection.rebuild(utcnow(), user_ids=[learner.id])
    _progress, lessons = _rows(learner, emobility)
    assert set(lessons) == {second.id}
    # withdrawn: a rebuild no longer counts it
    lrs_services.withdraw_credit(None, granted.key, activity_prefix=builders.lesson_activity(
        model, second)["id"])
    projection.rebuild(utcnow(), user_ids=[learner.id])
    assert _rows(learner, emobility) == (None, {})


def test_statements_of_an_earlier_cycle_do_not_count(emobility, learner, now):
    enrolment = enrolments.enrol(learner, emobility, learner, now)
    lesson = next(_model(enrolment).lessons("lesson"))
    record_statement(builders.lesson_statement(
        learner, "completed", _model(enrolment), "1", str(uuid.uuid4()), lesson, now), now)
    _progress, lessons = _rows(learner, emobility)
    assert lesson.id not in lessons


def test_voiding_undoes_a_completed_lesson(emobility, learner, now):
    enrolment = enrolments.enrol(learner, emobility, learner, now)
    lesson = next(_model(enrolment).lessons("lesson"))
    statement_id = _record(enrolment, "completed", lesson, now)
    assert _rows(learner, emobility)[1][lesson.id].status == "done"
    record_statement({
        "actor": {"objectType": "Agent", "account": {"homePage": "http://localhost",
                                                     "name": "atlas-admin"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en": "voided"}},
        "object": {"objectType": "StatementRef", "id": statement_id},
    }, now + timedelta(minutes=1))
    db.session.expire_all()
    progress, lessons = _rows(learner, emobility)
    assert lesson.id not in lessons and progress is None or progress.lessons_done == 0


def test_completion_fires_once_and_writes_completed(emobility, learner, now, completions):
    enrolment = enrolments.enrol(learner, emobility, learner, now)
    complete_everything(enrolment, now)
    progress, _lessons = _rows(learner, emobility)
    assert progress.completed_at is not None and progress.percent == 100
    assert completions.calls == [(learner.id, emobility.id, progress.completed_at)]
    completed = [s for s in stored_statements(learner, "completed")
                 if s["object"]["id"].endswith("/course/e-mobility")]
    assert len(completed) == 1
    # more statements after completion fire nothing again
    _record(enrolment, "completed", next(_model(enrolment).lessons("lesson")), now)
    assert len(completions.calls) == 1


def test_rebuild_reproduces_the_same_rows(emobility, learner, now, completions):
    enrolment = enrolments.enrol(learner, emobility, learner, now)
    model = _model(enrolment)
    lessons = list(model.lessons("lesson"))
    _record(enrolment, "launched", lessons[0], now)
    _record(enrolment, "completed", lessons[0], now + timedelta(minutes=5))
    quiz = next(model.lessons("quiz"))
    _record(enrolment, "failed", quiz, now, builders.scaled_result(30, False, 3, 10))
    other = enrolments.enrol(learner, enrolment.course, learner, now)  # same enrolment
    assert other.id == enrolment.id
    complete_everything(enrolment, now + timedelta(minutes=10))

    def snapshot():
        db.session.expire_all()
        progress, rows = _rows(learner, emobility)
        columns = [c.key for c in CourseProgress.__table__.columns if c.key != "id"]
        lesson_columns = [c.key for c in LessonProgress.__table__.columns if c.key != "id"]
        return ({c: getattr(progress, c) for c in columns},
                {k: {c: getattr(r, c) for c in lesson_columns} for k, r in rows.items()})

    before = snapshot()
    result = projection.rebuild(now + timedelta(hours=1), user_ids=[learner.id])
    assert result.pairs == 1 and result.completed_now == 0
    assert snapshot() == before
    assert len(completions.calls) == 1


def test_rebuild_command(runner, emobility, learner, now):
    enrolment = enrolments.enrol(learner, emobility, learner, now)
    _record(enrolment, "completed", next(_model(enrolment).lessons("lesson")), now)
    db.session.execute(LessonProgress.__table__.delete())
    result = runner.invoke(args=["progress", "rebuild", "--user", learner.email,
                                 "--course", "e-mobility"])
    assert result.exit_code == 0, result.output
    assert "statements folded: 1" in result.output  # the lesson, not the course
    db.session.expire_all()
    assert _rows(learner, emobility)[0].lessons_done == 1


def test_duration_minutes():
    assert projection.duration_minutes("PT90M") == 90
    assert projection.duration_minutes("PT1H30M") == 90
    assert projection.duration_minutes("PT5400S") == 90
    assert projection.duration_minutes("nonsense") == 0
