"""The learner's notice on "Mein Lernen" that a trainer graded their open answers."""

from flask import render_template
from markupsafe import Markup
from sqlalchemy import select

from lms.catalog.models import Course
from lms.extensions import db
from lms.learning.answer_models import QuizAnswer
from lms.learning.models import QuizAttempt


def graded_unseen(user) -> list[tuple[Course, QuizAttempt]]:
    """The learner's attempts graded by a trainer since they last opened them, newest first."""
    attempt_ids = db.session.scalars(
        select(QuizAnswer.attempt_id)
        .where(QuizAnswer.user_id == user.id, QuizAnswer.graded_at.is_not(None),
               QuizAnswer.feedback_seen_at.is_(None))
        .order_by(QuizAnswer.graded_at.desc())).all()
    found = []
    for attempt_id in dict.fromkeys(attempt_ids):
        attempt = db.session.get(QuizAttempt, attempt_id)
        if attempt is not None and not attempt.is_pending:
            found.append((db.session.get(Course, attempt.course_id), attempt))
    return found


def graded_panel(user) -> Markup | None:
    """The panel, or ``None`` when nothing new was graded."""
    graded = graded_unseen(user)
    if not graded:
        return None
    return Markup(render_template("learning/_graded_panel.html", graded=graded))
