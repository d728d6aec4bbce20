"""Demo data: the demo learner is enrolled, with real statements behind her progress."""

from sqlalchemy import select

from lms.accounts.services import find_user_by_email
from lms.extensions import db
from lms.learning.models import CourseProgress, Enrolment
from tests.lms.learning.conftest import stored_statements


def test_demo_seed_enrols_the_learner(runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    lena = find_user_by_email("lena@sauerland-metall.example")
    enrolments = {e.course.slug: e for e in db.session.scalars(
        select(Enrolment).where(Enrolment.user_id == lena.id))}
    assert enrolments["e-mobility"].source == "self"
    production = enrolments["digital-production"]
    assert production.source == "assigned" and production.due_on is not None
    progress = db.session.scalar(select(CourseProgress).where(
        CourseProgress.user_id == lena.id,
        CourseProgress.course_id == enrolments["e-mobility"].course_id))
    assert progress.lessons_done == 3 and progress.percent > 0
    assert len(stored_statements(lena, "completed")) == 3
    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 0
    assert len(stored_statements(lena, "completed")) == 3
