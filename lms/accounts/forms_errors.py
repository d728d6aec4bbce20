"""Domain errors onto the form fields they concern, and the form-to-service step they share."""

from flask import flash
from flask_babel import gettext as _

from lms.accounts import services
from lms.errors import DomainError
from lms.extensions import db


def show_error(form, error: DomainError) -> None:
    """Attach ``error`` to its field when the form has it, else flash it for the page."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message] if isinstance(field.errors, list) else [
            error.message
        ]
    else:
        flash(error.message, "error")


def invite_from_form(form, actor, organisation, now) -> bool:
    """Send the invitation a manager filled in; commit and flash on success.

    Shared by the company portal and the organisation admin page. On a domain error the
    transaction is rolled back and the message is attached to its field.

    :returns: whether the invitation went out (the caller redirects) or not (re-render).
    """
    try:
        services.invite_person(
            actor, organisation, email=form.email.data, name=form.name.data or "",
            role=form.role.data, department_id=form.department_id.data or None,
            personnel_number=form.personnel_number.data or "", now=now,
        )
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return False
    db.session.commit()
    flash(_("Einladung an %(email)s gesendet.", email=form.email.data), "success")
    return True
