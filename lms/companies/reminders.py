"""Reminder mails: learners before the due date and when overdue, managers a weekly digest.

``atlas companies remind`` runs this from cron (daily is right); every mail sent is
recorded in ``sent_reminders`` so running it again sends nothing twice.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.accounts.inbox import send_to_user
from lms.accounts.models import Membership, Organisation, User
from lms.companies.assignments import assignment_statuses
from lms.companies.models import Assignment, SentReminder
from lms.extensions import db
from lms.formatting import format_date
from lms.learning.models import CourseProgress, Enrolment
from lms.local_time import local_day

DUE_SOON = timedelta(days=7)


def _already_sent(user_id: int, kind: str, key: str) -> bool:
    return db.session.scalar(
        select(SentReminder.id).where(
            SentReminder.user_id == user_id, SentReminder.kind == kind, SentReminder.key == key
        )
    ) is not None


def _record(user_id: int, kind: str, key: str, now: datetime) -> None:
    db.session.add(SentReminder(user_id=user_id, kind=kind, key=key, sent_at=now))


def _silenced() -> set[tuple[int, int, int | None, int | None]]:
    """(organisation, course, department, user) of assignments without reminders."""
    return {
        (a.organisation_id, a.course_id, a.department_id, a.user_id)
        for a in db.session.scalars(select(Assignment).where(Assignment.has_reminders.is_(False)))
    }


def remind_learners(now: datetime) -> int:
    """Mail members whose assigned course is due within 7 days or overdue; return the count."""
    silenced = _silenced()
    rows = db.session.execute(
        select(Enrolment, Membership)
        .join(Membership, Membership.user_id == Enrolment.user_id)
        .outerjoin(CourseProgress, (CourseProgress.user_id == Enrolment.user_id)
                   & (CourseProgress.course_id == Enrolment.course_id))
        .where(Enrolment.status == "active", Enrolment.due_on.is_not(None),
               Enrolment.due_on <= local_day(now + DUE_SOON),
               CourseProgress.completed_at.is_(None))
        .options(joinedload(Enrolment.user), joinedload(Enrolment.course_version))
        .order_by(Enrolment.id)
    ).all()
    sent = 0
    for enrolment, membership in rows:
        keys = {(membership.organisation_id, enrolment.course_id, membership.department_id, None),
                (membership.organisation_id, enrolment.course_id, None, enrolment.user_id)}
        if keys & silenced:
            continue
        kind = "overdue" if enrolment.due_on < local_day(now) else "due_soon"
        key = f"{enrolment.course_id}:{enrolment.due_on.isoformat()}"
        if _already_sent(enrolment.user_id, kind, key):
            continue
        _mail_learner(enrolment, kind, now)
        _record(enrolment.user_id, kind, key, now)
        sent += 1
    db.session.flush()
    return sent


def _mail_learner(enrolment: Enrolment, kind: str, now: datetime) -> None:
    user = enrolment.user
    with force_locale(user.locale):
        title = enrolment.course_version.title(user.locale)
        due = format_date(enrolment.due_on, "medium")
        link = url_for("catalog.show_course", slug=enrolment.course.slug, _external=True)
        if kind == "overdue":
            subject = _("Überfällig: %(course)s – ATLAS Campus", course=title)
            body = _(
                "Hallo %(name)s,\n\nder Kurs „%(course)s“ sollte bis %(due)s abgeschlossen sein. "
                "Hier geht es weiter:\n%(link)s\n\nFragen zur Frist klären Sie bitte mit Ihrem "
                "Unternehmen.",
                name=user.name, course=title, due=due, link=link,
            )
        else:
            subject = _("Erinnerung: %(course)s bis %(due)s – ATLAS Campus", course=title,
                        due=due)
            body = _(
                "Hallo %(name)s,\n\nIhr Unternehmen hat Ihnen den Kurs „%(course)s“ bis %(due)s "
                "zugewiesen. Hier geht es weiter:\n%(link)s",
                name=user.name, course=title, due=due, link=link,
            )
    send_to_user(user, subject, body, now)


def send_digests(now: datetime) -> int:
    """Mail each manager of a company with assignments a weekly summary; return the count."""
    year, week, _day = now.isocalendar()
    key = f"{year}-W{week:02d}"
    organisations = db.session.scalars(
        select(Organisation).where(
            Organisation.id.in_(select(Assignment.organisation_id).distinct())
        ).order_by(Organisation.id)
    ).all()
    sent = 0
    for organisation in organisations:
        managers = db.session.scalars(
            select(User).join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == organisation.id, Membership.role == "manager")
        ).all()
        for manager in managers:
            if _already_sent(manager.id, "digest", key):
                continue
            with force_locale(manager.locale):
                statuses = assignment_statuses(organisation, now, manager.locale)
                body = _digest_body(manager, organisation, statuses)
                subject = _("Wochenübersicht Zuweisungen – %(org)s", org=organisation.name)
            send_to_user(manager, subject, body, now)
            _record(manager.id, "digest", key, now)
            sent += 1
    db.session.flush()
    return sent


def _digest_body(manager: User, organisation: Organisation, statuses) -> str:
    per_course = defaultdict(lambda: defaultdict(int))
    overdue = []
    for status in statuses:
        per_course[status.course_title][status.status] += 1
        if status.status == "overdue":
            overdue.append(status)
    lines = [_("Hallo %(name)s,", name=manager.name), "",
             _("so steht es um die Kurszuweisungen von %(org)s:", org=organisation.name), ""]
    for course, counts in sorted(per_course.items()):
        lines.append(
            _("%(course)s: %(completed)s abgeschlossen, %(progress)s in Bearbeitung, "
              "%(open)s nicht begonnen, %(overdue)s überfällig",
              course=course, completed=counts["completed"], progress=counts["in_progress"],
              open=counts["not_started"], overdue=counts["overdue"])
        )
    if overdue:
        lines += ["", _("Überfällig:")]
        lines += [f"- {s.name}: {s.course_title}" for s in overdue]
    lines += ["", url_for("companies.list_assignments", _external=True)]
    return "\n".join(lines)


def run_reminders(now: datetime) -> dict:
    """Learner reminders and manager digests; returns the counts (flush only)."""
    return {"learners": remind_learners(now), "digests": send_digests(now)}

