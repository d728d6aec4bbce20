"""Domain errors onto the form fields they concern (for views that render their own form)."""

from flask import flash

from lms.errors import DomainError


def show_error(form, error: DomainError) -> None:
    """Attach ``error`` to its field when the form has it, else flash it for the page."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message] if isinstance(field.errors, list) else [
            error.message
        ]
    else:
        flash(error.message, "error")
