"""Dead letters: jobs that failed on their last try, for admins to retry or discard."""

from flask_babel import gettext as _
from sqlalchemy import select

from lms.errors import NotFoundError
from lms.extensions import db
from lms.jobs.models import DeadLetter
from lms.jobs.queue import enqueue


def recent(limit: int = 50) -> list[DeadLetter]:
    return list(db.session.scalars(
        select(DeadLetter).order_by(DeadLetter.failed_at.desc(), DeadLetter.id.desc())
        .limit(limit)))


def _get(letter_id: int) -> DeadLetter:
    letter = db.session.get(DeadLetter, letter_id)
    if letter is None:
        raise NotFoundError(_("Dieser Eintrag ist schon erledigt."))
    return letter


def retry(letter_id: int) -> DeadLetter:
    """Enqueue the job again with its arguments (tries count afresh) and remove the letter."""
    letter = _get(letter_id)
    enqueue(letter.job_name, **letter.arguments)
    db.session.delete(letter)
    db.session.flush()
    return letter


def discard(letter_id: int) -> DeadLetter:
    letter = _get(letter_id)
    db.session.delete(letter)
    db.session.flush()
    return letter
