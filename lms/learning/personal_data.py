"""The learning area's sections of a person's own data: enrolments, progress, quiz attempts.

Contributed through ``lms_personal_data`` like every area's; the page that shows them and
the downloads are in ``lms/own_data/``.
"""

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.extensions import db
from lms.learning.answer_models import QuizAnswer
from lms.learning.models import CourseProgress, Enrolment, LessonProgress, QuizAttempt


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def learning_sections(user: User) -> list[dict[str, Any]]:
    """Enrolments, course progress, lesson progress and quiz attempts."""
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.user_id == user.id)
        .options(selectinload(Enrolment.course), selectinload(Enrolment.course_version),
                 selectinload(Enrolment.assigned_by))
        .order_by(Enrolment.enrolled_at)).all()
    slugs = {row.id: row.slug for row in db.session.scalars(select(Course))}
    progress = db.session.scalars(select(CourseProgress).where(
        CourseProgress.user_id == user.id).order_by(CourseProgress.course_id)).all()
    lessons = db.session.scalars(select(LessonProgress).where(
        LessonProgress.user_id == user.id)
        .order_by(LessonProgress.course_id, LessonProgress.first_seen_at)).all()
    attempts = db.session.scalars(select(QuizAttempt).where(
        QuizAttempt.user_id == user.id)
        .order_by(QuizAttempt.submitted_at, QuizAttempt.id)).all()
    open_answers = db.session.scalars(select(QuizAnswer).where(
        QuizAnswer.user_id == user.id, QuizAnswer.kind == "open")
        .order_by(QuizAnswer.submitted_at, QuizAnswer.id)).all()
    return [
        {
            "key": "enrolments",
            "title": _("Kursanmeldungen"),
            "employer_sees": _("Ihr Unternehmen sieht, für welche Kurse Sie angemeldet sind, "
                               "wer Sie angemeldet hat, Fälligkeiten und Abmeldungen mit Datum."),
            "items": [{
                "course": e.course.slug, "version": e.course_version.version,
                "status": e.status, "source": e.source,
                "assigned_by": e.assigned_by.name if e.assigned_by else None,
                "due_at": e.due_on.isoformat() if e.due_on else None,
                "enrolled_at": _iso(e.enrolled_at),
                "withdrawn_at": _iso(e.withdrawn_at), "registration": e.registration,
                "last_lesson": e.last_lesson_id, "last_visited_at": _iso(e.last_visited_at),
            } for e in enrolments],
        },
        {
            "key": "course_progress",
            "title": _("Lernfortschritt je Kurs"),
            "employer_sees": _("Ihr Unternehmen sieht, ob und wann Sie einen Kurs abgeschlossen "
                               "haben, den Fortschritt in Prozent und die anrechenbaren Stunden "
                               "(Präsenz und Selbstlernen, nach der geplanten Dauer der "
                               "Lektionen, nicht Ihre tatsächliche Lernzeit). Testergebnisse "
                               "sieht es nur mit Ihrer Zustimmung."),
            "items": [{
                "course": slugs.get(p.course_id), "percent": p.percent,
                "lessons_done": p.lessons_done, "lessons_total": p.lessons_total,
                "quizzes_passed": p.quizzes_passed, "quizzes_total": p.quizzes_total,
                "assessment_passed": p.is_assessment_passed,
                "sessions_attended": p.sessions_attended,
                "sessions_required": p.sessions_required,
                "self_paced_minutes": p.self_paced_minutes,
                "synchronous_minutes": p.synchronous_minutes,
                "started_at": _iso(p.started_at), "last_activity_at": _iso(p.last_activity_at),
                "completed_at": _iso(p.completed_at),
            } for p in progress],
        },
        {
            "key": "lesson_progress",
            "title": _("Bearbeitete Lektionen"),
            "employer_sees": _("Nichts: einzelne Lektionen sieht Ihr Unternehmen nicht."),
            "items": [{
                "course": slugs.get(row.course_id), "lesson": row.lesson_id,
                "status": row.status, "attempts": row.attempts,
                "best_percent": row.best_percent, "first_seen_at": _iso(row.first_seen_at),
                "done_at": _iso(row.done_at),
            } for row in lessons],
        },
        {
            "key": "quiz_attempts",
            "title": _("Testversuche"),
            "employer_sees": _("Ohne Ihre Zustimmung nichts: Ihr Unternehmen sieht weder "
                               "Antworten noch Punkte."),
            "items": [{
                "course": slugs.get(a.course_id), "lesson": a.lesson_id, "number": a.number,
                "score": a.score, "max_score": a.max_score, "percent": a.percent,
                "passed": a.is_passed, "submitted_at": _iso(a.submitted_at),
                "responses": a.responses, "pending_grading": a.is_pending,
            } for a in attempts],
        },
        {
            "key": "open_answers",
            "title": _("Offene Antworten und ihre Bewertung"),
            "employer_sees": _("Nichts. Ihre Antworten und Dateien sehen nur Sie, die "
                               "Trainerinnen und Trainer des Kurses und Admins."),
            "items": [{
                "course": slugs.get(a.course_id), "lesson": a.lesson_id,
                "question": a.question_id, "text": a.text, "file": a.file_name,
                "file_type": a.file_type, "submitted_at": _iso(a.submitted_at),
                "points": a.score if a.graded_at else None, "max_points": a.max_score,
                "feedback": a.feedback, "graded_at": _iso(a.graded_at),
                "graded_by": a.graded_by.name if a.graded_by else None,
            } for a in open_answers],
        },
    ]
