"""The progress projection: folded from platform statements and from other LRS clients."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from lms.catalog.version_content import content_for
from lms.extensions import db
from lms.learning import enrolment as enrolments
from lms.learning import projection
from lms.learning import statements as builders
from lms.learning.models import CourseProgress, LessonProgress
from lms.lrs.embedded import record_statement
from tests.lms.learning.conftest import stored_statements
from tests.lms.lrs.conftest import XapiCaller


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


def test_statement_from_another_lrs_client_counts(client, make_client, emobility, learner,
                                                  now):
    enrolment = enrolments.enrol(learner, emobility, learner, now)
    lesson = next(_model(enrolment).lessons("lesson"))
    _lrs_client, auth = make_client("all", name="Simulator")
    db.session.commit()
    iri = builders.lesson_activity(_model(enrolment), lesson)["id"]
    statement = {
        "actor": builders.learner(learner),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"objectType": "Activity", "id": iri},
    }
    response = XapiCaller(client, auth).post("statements", json=statement)
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.expire_all()
    _progress, lessons = _rows(learner, emobility)
    assert lessons[lesson.id].status == "done"


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
