"""QR check-in codes: an HMAC over the session and a five-minute window, keyed per session.

The trainer's screen shows the code of the current window; a scan is accepted in that
window and the one before, so a code photographed and passed on stops working within
ten minutes. Check-in is open only from shortly before the start until the end (or the
trainer's close of the roster), so nobody marks a future session; a check-in is a mark,
credited when the roster closes (``lms.sessions.attendance``).
"""

import hashlib
import hmac
from datetime import datetime, timedelta

from flask_babel import gettext as _

from lms.errors import ValidationFailedError
from lms.sessions.models import CourseSession

WINDOW_SECONDS = 300
#: how early before the start people may check in (arriving, coffee)
OPENS_BEFORE = timedelta(minutes=15)
TOKEN_LENGTH = 24  # hex digits: 96 bits, short enough for a small QR code


def _window(now: datetime) -> int:
    return int(now.timestamp()) // WINDOW_SECONDS


def _token_for(session: CourseSession, window: int) -> str:
    message = f"{session.id}:{window}".encode()
    digest = hmac.new(session.checkin_secret.encode(), message, hashlib.sha256).hexdigest()
    return digest[:TOKEN_LENGTH]


def make_token(session: CourseSession, now: datetime) -> str:
    """The check-in token of the window ``now`` falls in."""
    return _token_for(session, _window(now))


def is_valid_token(session: CourseSession, token: str, now: datetime) -> bool:
    """Whether ``token`` belongs to the current or the previous window of ``session``."""
    current = _window(now)
    return any(hmac.compare_digest(_token_for(session, window), token or "")
               for window in (current, current - 1))


def opens_at(session: CourseSession) -> datetime:
    return session.starts_at - OPENS_BEFORE


def is_open(session: CourseSession, now: datetime) -> bool:
    return (session.cancelled_at is None and session.roster_closed_at is None
            and opens_at(session) <= now <= session.ends_at)


def ensure_open(session: CourseSession, token: str, now: datetime) -> None:
    """:raises ValidationFailedError: the session is cancelled, check-in has not opened or
        is over, or the token is wrong or expired (each with its own message)."""
    if session.cancelled_at is not None:
        raise ValidationFailedError(_("Dieser Termin wurde abgesagt."))
    if now < opens_at(session):
        raise ValidationFailedError(
            _("Der Check-in öffnet erst 15 Minuten vor Beginn des Termins."))
    if session.roster_closed_at is not None and now <= session.ends_at:
        raise ValidationFailedError(_("Die Trainerin oder der Trainer hat die "
                                      "Anwesenheitsliste bereits abgeschlossen; ein Check-in "
                                      "ist nicht mehr möglich. Bitte wenden Sie sich an sie "
                                      "oder ihn."))
    if now > session.ends_at:
        raise ValidationFailedError(_("Der Termin ist vorbei; ein Check-in ist nicht mehr "
                                      "möglich. Bitte wenden Sie sich an die Trainerin oder "
                                      "den Trainer."))
    if not is_valid_token(session, token, now):
        raise ValidationFailedError(_("Dieser QR-Code ist abgelaufen oder ungültig. Bitte "
                                      "scannen Sie den aktuellen Code erneut."))


def seconds_left(now: datetime) -> int:
    """Seconds until the current code is replaced on the trainer's screen."""
    return WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS
