"""Enrolment rules: self-enrolment, assignment by a manager, withdrawal, retake."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.learning import enrolment as enrolments
from lms.learning.models import CourseProgress, LessonProgress
from tests.factories import make_member, make_organisation, make_user
from tests.lms.learning.conftest import stored_statements


def test_self_enrolment_writes_registered_statement(emobility, learner, now):
    enrolment = enrolments.enrol(learner, emobility, learner, now)
    assert enrolment.status == "active" and enrolment.source == "self"
    assert enrolment.course_version_id == emobility.published_version_id
    registered = stored_statements(learner, "registered")
    assert len(registered) == 1
    assert registered[0]["context"]["registration"] == enrolment.registration
    assert registered[0]["object"]["id"].endswith("/xapi/activities/course/e-mobility")
    assert enrolments.active_enrolment(learner, emobility) is enrolment


def test_enrol_is_idempotent(emobility, learner, now):
    first = enrolments.enrol(learner, emobility, learner, now)
    again = enrolments.enrol(learner, emobility, learner, now)
    assert again.id == first.id and again.registration == first.registration
    assert len(stored_statements(learner, "registered")) == 1


def test_self_enrolment_refused_when_course_does_not_allow_it(emobility, learner, now,
                                                                monkeypatch):
    monkeypatch.setattr(enrolments, "may_self_enrol", lambda course: False)
    with pytest.raises(PermissionDeniedError):
        enrolments.enrol(learner, emobility, learner, now)


def test_stranger_may_not_enrol_someone_else(emobility, learner, now):
    with pytest.raises(PermissionDeniedError):
        enrolments.enrol(learner, emobility, make_user(), now)


def test_manager_of_other_company_may_not_assign(emobility, now):
    employee = make_member(make_organisation())
    manager = make_member(make_organisation(), role="manager")
    with pytest.raises(PermissionDeniedError):
        enrolments.enrol(employee, emobility, manager, now)


def test_manager_assigns_with_due_date_and_upgrades_self_enrolment(emobility, now):
    company = make_organisation()
    employee, manager = make_member(company), make_member(company, role="manager")
    own = enrolments.enrol(employee, emobility, employee, now)
    due = (now + timedelta(days=21)).date()
    assigned = enrolments.enrol(employee, emobility, manager, now, due_on=due)
    assert assigned.id == own.id
    assert (assigned.source, assigned.assigned_by_id, assigned.due_on) == (
        "assigned", manager.id, due)


def test_admin_and_trainer_may_enrol_others(emobility, now):
    from lms.catalog.trainers import grant_course_trainer

    trainer = make_user(is_trainer=True)
    grant_course_trainer(None, emobility, trainer, now)
    walk_in = make_user()
    assert enrolments.enrol(walk_in, emobility, trainer, now).status == "active"
    assert enrolments.enrol(make_user(), emobility, make_user(is_admin=True), now).is_active


def test_course_without_published_version_is_not_found(emobility, learner, now):
    emobility.published_version = None
    emobility.published_version_id = None
    db.session.flush()
    with pytest.raises(NotFoundError):
        enrolments.enrol(learner, emobility, learner, now)


def test_withdraw_records_date_and_reenrol_starts_new_cycle(emobility, learner, now):
    enrolment = enrolments.enrol(learner, emobility, learner, now)
    first_registration = enrolment.registration
    later = now + timedelta(days=3)
    enrolments.withdraw(learner, emobility, learner, later)
    assert enrolment.status == "withdrawn" and enrolment.withdrawn_at == later
    assert stored_statements(learner, "unregistered")[0]["context"]["registration"] == \
        first_registration
    assert enrolments.active_enrolment(learner, emobility) is None
    again = enrolments.enrol(learner, emobility, learner, later + timedelta(days=1))
    assert again.id == enrolment.id and again.is_active and again.withdrawn_at is None
    assert again.registration != first_registration


def test_only_learner_or_admin_may_withdraw(emobility, learner, now):
    enrolments.enrol(learner, emobility, learner, now)
    with pytest.raises(PermissionDeniedError):
        enrolments.withdraw(learner, emobility, make_user(), now)
    enrolments.withdraw(learner, emobility, make_user(is_admin=True), now)


def test_retake_needs_completion_then_resets_progress(emobility, learner, now):
    enrolment = enrolments.enrol(learner, emobility, learner, now)
    with pytest.raises(ValidationFailedError):
        enrolments.retake_course(learner, emobility, learner, now)
    db.session.add(CourseProgress(user_id=learner.id, course_id=emobility.id, percent=100,
                                  completed_at=now, attended_sessions=[]))
    db.session.add(LessonProgress(user_id=learner.id, course_id=emobility.id, lesson_id="x",
                                  status="done", first_seen_at=now))
    db.session.flush()
    old = enrolment.registration
    enrolments.retake_course(learner, emobility, learner, now + timedelta(days=400))
    assert enrolment.registration != old
    for model in (CourseProgress, LessonProgress):
        assert db.session.scalar(select(func.count()).select_from(model).where(
            model.user_id == learner.id)) == 0
    assert [s["context"]["registration"] for s in stored_statements(learner, "registered")] == [
        old, enrolment.registration]


def test_enrolment_changed_hook_fires(app, emobility, learner, now):
    from lms.plugins import hookimpl

    seen = []

    class Listener:
        @hookimpl
        def lms_enrolment_changed(self, enrolment, now):
            seen.append(enrolment.status)

    manager = app.extensions["atlas_plugins"]
    manager.register(Listener(), name="test-enrolment-listener")
    try:
        enrolments.enrol(learner, emobility, learner, now)
        enrolments.withdraw(learner, emobility, learner, now)
    finally:
        manager.unregister(name="test-enrolment-listener")
    assert seen == ["active", "withdrawn"]
