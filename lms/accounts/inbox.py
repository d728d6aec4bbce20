"""Messages to a person: by mail when they have an address, else in their platform inbox.

Shop-floor workers (and single sign-on accounts without a verified address) have no
e-mail; what the platform would mail them (course assigned, reminders, session changes,
certificate expiry) is stored as an :class:`InboxMessage` instead, listed on
``/account/messages`` and counted on the start page. Either way nothing leaves or stays
unless the request commits: the mail is queued on the session, the message is a row.
"""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from lms.accounts.models import InboxMessage, User
from lms.db import utcnow
from lms.extensions import db
from lms.mail import queue_mail

#: Kept per person; older messages are dropped when a new one arrives.
KEEP_MESSAGES = 200


def send_to_user(user: User, subject: str, body: str, now: datetime | None = None) -> None:
    """Mail ``user``, or put the message in their inbox when they have no address.

    :param now: the time the message is dated with (default: now).
    """
    if user.email:
        queue_mail(db.session, user.email, subject, body)
        return
    if user.anonymised_at:
        return
    db.session.add(InboxMessage(user_id=user.id, subject=subject[:300], body=body,
                                created_at=now or utcnow()))
    db.session.flush()
    stale = select(InboxMessage.id).where(InboxMessage.user_id == user.id).order_by(
        InboxMessage.id.desc()).offset(KEEP_MESSAGES)
    stale_ids = list(db.session.scalars(stale))
    if stale_ids:
        db.session.execute(InboxMessage.__table__.delete().where(
            InboxMessage.id.in_(stale_ids)))


def messages(user: User, limit: int = 100) -> list[InboxMessage]:
    return list(db.session.scalars(
        select(InboxMessage).where(InboxMessage.user_id == user.id)
        .order_by(InboxMessage.id.desc()).limit(limit)))


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(InboxMessage.id)).where(
        InboxMessage.user_id == user.id, InboxMessage.read_at.is_(None))) or 0


def mark_all_read(user: User, now: datetime) -> int:
    """Mark every unread message of ``user`` read; return how many were."""
    result = db.session.execute(update(InboxMessage).where(
        InboxMessage.user_id == user.id, InboxMessage.read_at.is_(None)).values(read_at=now))
    return result.rowcount or 0


def personal_data_sections(user: User) -> list[dict]:
    """The user's inbox for "Meine Daten"."""
    found = messages(user, limit=KEEP_MESSAGES)
    if not found:
        return []
    return [{
        "key": "inbox_messages",
        "title": _("Nachrichten in der Plattform"),
        "employer_sees": _("Ihr Unternehmen sieht Ihre Nachrichten nicht."),
        "items": [{"subject": m.subject, "body": m.body, "created_at": m.created_at.isoformat(),
                   "read_at": m.read_at.isoformat() if m.read_at else None} for m in found],
    }]
