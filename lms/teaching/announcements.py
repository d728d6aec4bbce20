"""Trainers' announcements to a course or a session: stored, shown on "Mein Lernen", mailed.

The Markdown is rendered once and sanitised through the lessons' allowlist
(``authoring.sanitize``). Mail leaves after commit (``lms.accounts.inbox.send_to_user``,
which keeps it in the platform inbox for accounts without e-mail), and only to learners who
have not turned announcement e-mails off; the dashboard keeps every announcement either way.
"""

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markdown import Markdown
from sqlalchemy import insert, select

from authoring.sanitize import sanitize_html
from lms.accounts.inbox import send_to_user
from lms.accounts.models import User
from lms.catalog.models import Course
from lms.catalog.trainers import is_course_trainer
from lms.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.learning.models import Enrolment
from lms.sessions.models import CourseSession, SessionRegistration
from lms.teaching.models import Announcement, AnnouncementMailChoice, AnnouncementRecipient

SUBJECT_MAX = 200
BODY_MAX = 20_000
#: announcements the dashboard panel lists
PANEL_SIZE = 10


def render_body(text: str) -> str:
    """Markdown to sanitised HTML: no scripts, no styles, no event handlers."""
    html = Markdown(extensions=["sane_lists", "nl2br"], output_format="html").convert(text)
    return sanitize_html(html)


def _recipients(course: Course, session: CourseSession | None) -> list[User]:
    query = (select(User).join(Enrolment, Enrolment.user_id == User.id)
             .where(Enrolment.course_id == course.id, Enrolment.status == "active"))
    if session is not None:
        query = query.where(User.id.in_(
            select(SessionRegistration.user_id).where(
                SessionRegistration.session_id == session.id,
                SessionRegistration.status == "registered")))
    return list(db.session.scalars(query.order_by(User.id)))


def mail_is_off(user: User) -> bool:
    return bool(db.session.scalar(select(AnnouncementMailChoice.is_mail_off).where(
        AnnouncementMailChoice.user_id == user.id)))


def post_announcement(actor: User, course: Course, session_id: int | None, subject: str,
                      body: str, now: datetime, dashboard_url: str) -> Announcement:
    """Store an announcement for the course's (or the session's) participants and queue
    the e-mails (flush only).

    :param dashboard_url: where the e-mail sends the reader ("Mein Lernen").
    :raises PermissionDeniedError: ``actor`` does not train the course.
    :raises NotFoundError: the session is not one of the course's.
    :raises ValidationFailedError: an empty or overlong subject or text.
    """
    if not (actor.is_admin or is_course_trainer(actor, course)):
        raise PermissionDeniedError(_("Nur Trainerinnen und Trainer dieses Kurses dürfen das."))
    session = None
    if session_id is not None:
        session = db.session.get(CourseSession, session_id)
        if session is None or session.course_id != course.id:
            raise NotFoundError(_("Diesen Termin gibt es in diesem Kurs nicht."))
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        raise ValidationFailedError(_("Bitte geben Sie einen Betreff an."), field="subject")
    if len(subject) > SUBJECT_MAX:
        raise ValidationFailedError(_("Der Betreff ist länger als %(max)d Zeichen.",
                                      max=SUBJECT_MAX), field="subject")
    if not body:
        raise ValidationFailedError(_("Bitte schreiben Sie einen Text."), field="body")
    if len(body) > BODY_MAX:
        raise ValidationFailedError(_("Der Text ist länger als %(max)d Zeichen.",
                                      max=BODY_MAX), field="body")
    recipients = _recipients(course, session)
    announcement = Announcement(
        course_id=course.id, session_id=session.id if session else None, author_id=actor.id,
        author_name=actor.name, subject=subject, body=body, body_html=render_body(body),
        recipients=len(recipients), created_at=now)
    db.session.add(announcement)
    db.session.flush()
    off = set(db.session.scalars(select(AnnouncementMailChoice.user_id).where(
        AnnouncementMailChoice.is_mail_off.is_(True),
        AnnouncementMailChoice.user_id.in_([u.id for u in recipients])))) if recipients else set()
    if recipients:
        db.session.execute(insert(AnnouncementRecipient), [
            {"announcement_id": announcement.id, "user_id": user.id,
             "is_mailed": user.id not in off} for user in recipients])
    title = course.published_version.title if course.published_version else None
    for user in recipients:
        if user.id in off:
            continue
        with force_locale(user.locale or "de"):
            course_title = title(user.locale or "de") if title else course.slug
            mail_subject = _("[%(course)s] %(subject)s", course=course_title, subject=subject)
            text = _("%(author)s schreibt an die Teilnehmenden von „%(course)s“:\n\n%(body)s\n\n"
                     "Sie finden diese Nachricht auch unter „Mein Lernen“: %(url)s\n\n"
                     "E-Mails zu Ankündigungen können Sie dort abbestellen.",
                     author=actor.name, course=course_title, body=body, url=dashboard_url)
        send_to_user(user, mail_subject, text, now)
    db.session.flush()
    current_app.logger.info("announcement %s to %d learners", announcement.id, len(recipients))
    return announcement


def course_announcements(course: Course) -> list[Announcement]:
    """The course's announcements, newest first (the trainer's list)."""
    return list(db.session.scalars(
        select(Announcement).where(Announcement.course_id == course.id)
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())))


def my_announcements(user: User, limit: int = PANEL_SIZE) -> list[Announcement]:
    """The announcements ``user`` received, newest first."""
    return list(db.session.scalars(
        select(Announcement).join(AnnouncementRecipient,
                                  AnnouncementRecipient.announcement_id == Announcement.id)
        .where(AnnouncementRecipient.user_id == user.id)
        .order_by(Announcement.created_at.desc(), Announcement.id.desc()).limit(limit)))


def set_mail_choice(user: User, is_mail_off: bool, now: datetime) -> None:
    """Turn announcement e-mails off or on for ``user`` (flush only)."""
    choice = db.session.get(AnnouncementMailChoice, user.id)
    if choice is None:
        choice = AnnouncementMailChoice(user_id=user.id, changed_at=now)
        db.session.add(choice)
    choice.is_mail_off = is_mail_off
    choice.changed_at = now
    db.session.flush()
