"""The ending of a view that ran one service call: commit and confirm, or roll back and explain."""

from flask import flash

from lms.errors import DomainError
from lms.extensions import db


def commit_or_flash(action, success: str | None = None) -> bool:
    """Run ``action()``; commit and flash ``success``, or roll back and flash the error.

    One unit of work per request: a domain error leaves nothing half-written and
    tells the user why. Returns whether the action succeeded.
    """
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return False
    db.session.commit()
    if success:
        flash(success, "success")
    return True
