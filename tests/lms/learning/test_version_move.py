"""A new version moves enrolled learners on at their next visit, keeping what still holds."""

import html
import shutil

import pytest
from sqlalchemy import select

from lms.catalog import services
from lms.catalog.version_content import content_for
from lms.db import utcnow
from lms.extensions import db
from lms.learning import enrolment as enrolments
from lms.learning import player, version_move
from lms.learning.models import CourseProgress, Enrolment, LessonProgress, VersionMove
from lms.learning.reopened import reopened_lessons
from tests.factories import make_user
from tests.fixtures.courses import COURSES, edit
from tests.lms.learning.conftest import login


def _done(user, course) -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(LessonProgress.lesson_id).where(
        LessonProgress.user_id == user.id, LessonProgress.course_id == course.id,
        LessonProgress.status.in_(("done", "passed")))))


def _enrolment(user, course) -> Enrolment:
    db.session.expire_all()
    return db.session.scalar(select(Enrolment).where(
        Enrolment.user_id == user.id, Enrolment.course_id == course.id))


@pytest.fixture
def source(tmp_path):
    """A copy of the e-mobility folder the test may change and import again."""
    copy = tmp_path / "e-mobility"
    shutil.copytree(COURSES / "e-mobility", copy)
    return copy


def _halfway(learner, course) -> list:
    """Enrol ``learner`` and mark the first half of the plain lessons done."""
    enrolments.enrol(learner, course, learner, utcnow())
    state = player.lesson_state(enrolments.active_enrolment(learner, course))
    plain = [lesson for lesson in state.lessons if lesson.kind == "lesson"]
    for lesson in plain[: len(plain) // 2]:
        player.mark_lesson_done(player.lesson_state(state.enrolment), lesson.id, "de",
                                utcnow())
    db.session.commit()
    return plain


def _publish(source, version: str, change: str | None = None, policy=None):
    """Change the first lesson's text (when ``change``), set ``version``, import and publish."""
    if change:
        lesson_file = next(p for p in sorted(source.glob("modules/01-*/01-*.md"))
                           if ".en." not in p.name)
        text = lesson_file.read_text(encoding="utf-8")
        lesson_file.write_text(text.rstrip("\n") + f"\n\n{change}\n", encoding="utf-8")
    course_yml = source / "course.yml"
    current = next(line for line in course_yml.read_text().splitlines()
                   if line.startswith("version:"))
    edit(course_yml, current, f"version: {version}")
    result = services.import_course(source, None, utcnow(), learner_policy=policy)
    db.session.commit()
    assert result.version.is_published
    return result.version


def test_learner_halfway_moves_to_the_patch_keeping_unchanged_lessons(client, auth, source):
    course = services.import_course(source, None, utcnow()).version.course
    learner = make_user()
    plain = _halfway(learner, course)
    done_before = _done(learner, course)
    changed = plain[0].id
    assert changed in done_before and len(done_before) >= 3
    before, minutes = db.session.execute(select(
        CourseProgress.lessons_done, CourseProgress.self_paced_minutes).where(
        CourseProgress.user_id == learner.id)).one()

    new = _publish(source, "1.0.1", change="Ein neuer Absatz zur Ladeinfrastruktur.")
    assert services.changed_lessons(_enrolment(learner, course).course_version, new) == [changed]
    assert _enrolment(learner, course).course_version.version == "1.0.0"  # until next visit

    login(client, auth, learner)
    response = client.get("/learn/e-mobility", follow_redirects=True)
    page = html.unescape(response.get_data(as_text=True))
    enrolment = _enrolment(learner, course)
    assert enrolment.course_version_id == new.id
    assert _done(learner, course) == done_before - {changed}
    assert "Der Kurs wurde auf Version 1.0.1 aktualisiert." in page
    assert f"1 Lektion hat sich geändert und ist wieder offen: {plain[0].title('de')}" in page
    assert db.session.execute(select(
        CourseProgress.lessons_done, CourseProgress.self_paced_minutes).where(
        CourseProgress.user_id == learner.id)).one() == (before - 1,
                                                         minutes - (plain[0].minutes or 0))
    move = db.session.scalar(select(VersionMove))
    assert move.reopened == [changed] and changed not in move.carried
    assert reopened_lessons(enrolment) == {changed: move.moved_at}
    # the player shows the new text; the next visit moves nothing again
    lesson_page = client.get(f"/learn/e-mobility/{changed}").get_data(as_text=True)
    assert "Ein neuer Absatz zur Ladeinfrastruktur." in lesson_page
    assert db.session.scalar(select(VersionMove.id).where(VersionMove.id != move.id)) is None


def test_completed_learners_keep_their_version(app, source):
    course = services.import_course(source, None, utcnow()).version.course
    learner = make_user()
    _halfway(learner, course)
    progress = db.session.scalar(select(CourseProgress).where(
        CourseProgress.user_id == learner.id))
    progress.completed_at = utcnow()
    db.session.commit()
    _publish(source, "1.1.0", change="Neu.")
    enrolment = _enrolment(learner, course)
    assert version_move.move_if_due(enrolment, utcnow()) is None
    assert enrolment.course_version.version == "1.0.0"


@pytest.mark.parametrize(("policy", "moves"), [(None, False), ("stay", False), ("move", True)])
def test_a_major_version_moves_learners_only_when_the_trainer_chose_so(app, source, policy,
                                                                        moves):
    course = services.import_course(source, None, utcnow()).version.course
    learner = make_user()
    _halfway(learner, course)
    _publish(source, "2.0.0", change="Neu.", policy=policy)
    moved = version_move.move_if_due(_enrolment(learner, course), utcnow())
    assert (moved is not None) is moves
    assert _enrolment(learner, course).course_version.version == ("2.0.0" if moves else "1.0.0")


def test_rolling_back_moves_nobody(app, source):
    first = services.import_course(source, None, utcnow()).version
    course = first.course
    _publish(source, "1.0.1", change="Neu.")
    learner = make_user()
    enrolments.enrol(learner, course, learner, utcnow())
    services.publish_version(first, None, utcnow())
    db.session.commit()
    assert version_move.move_if_due(_enrolment(learner, course), utcnow()) is None


def test_forecast_counts_who_moves_and_which_lessons_stay(app, source):
    course = services.import_course(source, None, utcnow()).version.course
    movers = [make_user() for _ in range(2)]
    for learner in movers:
        _halfway(learner, course)
    finished = make_user()
    _halfway(finished, course)
    db.session.scalar(select(CourseProgress).where(
        CourseProgress.user_id == finished.id)).completed_at = utcnow()
    lesson_file = next(p for p in sorted(source.glob("modules/01-*/01-*.md"))
                       if ".en." not in p.name)
    lesson_file.write_text(lesson_file.read_text(encoding="utf-8") + "\nNeu.\n",
                           encoding="utf-8")
    model = services.build_model(source)
    patch = version_move.forecast(course, model, "1.0.1", None)
    assert (patch.moving, patch.completed, patch.staying_by_policy) == (2, 1, 0)
    assert len(patch.changed) == 1 and not patch.added and not patch.removed
    assert len(patch.unchanged) == len(list(content_for(course.published_version)
                                            .course.lessons())) - 1
    major = version_move.forecast(course, model, "2.0.0", None)
    assert major.is_major and (major.moving, major.staying_by_policy) == (0, 2)


def test_a_rebuild_keeps_a_reopened_lesson_open(app, source):
    """Statements about the old content of a reopened lesson never count again."""
    from lms.learning import projection

    course = services.import_course(source, None, utcnow()).version.course
    learner = make_user()
    plain = _halfway(learner, course)
    _publish(source, "1.0.1", change="Ein neuer Absatz.")
    assert version_move.move_if_due(_enrolment(learner, course), utcnow()) is not None
    db.session.commit()
    done_after_move = _done(learner, course)
    assert plain[0].id not in done_after_move

    projection.rebuild(utcnow(), user_ids=[learner.id], course_ids=[course.id])
    db.session.commit()
    assert _done(learner, course) == done_after_move
