"""Outgoing mail, sent by the job ``mail.send`` after the transaction that caused it commits.

Without an SMTP server configured, each mail is written to ``instance/mail/`` as an
.eml file (and logged), so demo and development installs can read them. A refused or
unreachable SMTP server is tried again with a doubling wait (``ATLAS_MAIL_MAX_ATTEMPTS``,
``ATLAS_MAIL_RETRY_SECONDS``); after the last try the mail is a dead letter on /admin.
"""

import logging
import smtplib
import time
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from lms.jobs import enqueue, job

log = logging.getLogger(__name__)


def queue_mail(session: Session, to: str | None, subject: str, body: str) -> None:
    """Queue a mail on ``session``; it leaves when the session commits, never on rollback.

    Mail to a person goes through ``lms.accounts.inbox.send_to_user``, which keeps it in the
    platform for accounts without an address. No address, or a reserved ``.invalid`` one
    (RFC 2606), sends nothing.
    """
    if not to or to.strip().lower().endswith(".invalid"):
        log.info("no mail sent to an account without mailbox: subject=%r", subject)
        return
    enqueue("mail.send", session, to=to, subject=subject, body=body)


@job("mail.send", max_attempts=5, backoff_seconds=60)
def send_mail(to: str, subject: str, body: str) -> None:
    """The job: build the message and deliver it (raises when the server refuses)."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    deliver(current_app, message)


def deliver(app, message: EmailMessage) -> None:
    """Send one message over SMTP, or write it to the mail folder."""
    config = app.config
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_STARTTLS", True):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return
    folder = Path(config["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{time.time_ns()}.eml"
    path.write_bytes(bytes(message))
    log.info("mail to=%s subject=%r written to %s", message["To"], message["Subject"], path)


def read_mail_folder(folder: str | Path) -> list[EmailMessage]:
    """Return the mails written to ``folder``, oldest first (for tests and the demo)."""
    from email import policy
    from email.parser import BytesParser

    paths = sorted(Path(folder).glob("*.eml"))
    return [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in paths]
