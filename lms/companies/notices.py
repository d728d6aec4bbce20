"""Mail to an employee when their company assigns them a course (leaves after commit)."""

from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from lms.accounts.inbox import send_to_user
from lms.accounts.models import Organisation, User
from lms.catalog.models import Course
from lms.formatting import format_date


def _due_day(due_at: datetime | date | None) -> date | None:
    """The calendar day a due date names (stored as a date, or as the end of that day in UTC)."""
    if due_at is None:
        return None
    return due_at.date() if isinstance(due_at, datetime) else due_at


def mail_assignment(learner: User, course: Course, organisation: Organisation,
                    due_at: datetime | date | None) -> None:
    """Queue the "course assigned" mail to ``learner`` in their language.

    ``queue_mail`` sends it only when the assigning transaction commits, so a refused
    assignment never mails anybody.
    """
    version = course.published_version
    language = learner.locale or "de"
    link = f"{current_app.config['ATLAS_BASE_URL'].rstrip('/')}/courses/{course.slug}"
    with force_locale(language):
        title = version.title(language) if version else course.slug
        day = _due_day(due_at)
        subject = _("Neuer Kurs für Sie: %(course)s – ATLAS Campus", course=title)
        if day is not None:
            deadline = _("Bitte schließen Sie ihn bis zum %(date)s ab.",
                         date=format_date(day, "long"))
        else:
            deadline = _("Eine Frist gibt es nicht.")
        body = _(
            "Hallo %(name)s,\n\n%(organisation)s hat Ihnen den Kurs „%(course)s“ zugewiesen. "
            "%(deadline)s\n\nZum Kurs:\n%(link)s\n\nFragen zur Zuweisung klären Sie bitte "
            "mit Ihrem Unternehmen.",
            name=learner.name, organisation=organisation.name, course=title,
            deadline=deadline, link=link,
        )
    send_to_user(learner, subject, body)
