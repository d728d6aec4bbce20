"""The one way a view ends its work: commit once, or roll back and show the domain error.

Services flush and never commit; the view that called them decides, here, whether the
request's changes stand. A :class:`~lms.errors.DomainError` rolls everything back, so
nothing is half-written, and its message reaches the user: on the form field it names
(``error.field``) when the form has one, else as a flashed message.

::

    with unit_of_work(form, success=_("Gespeichert.")) as work:
        services.save_thing(current_user, form.data, utcnow())
    if work.failed:
        return render_template("thing.html", form=form), 400
    return redirect(url_for("things.list_things"))
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import flash

from lms.errors import DomainError
from lms.extensions import db


@dataclass
class Work:
    """What became of one unit of work: the error that ended it, or the message to confirm."""

    form: Any = None
    success: str | None = None
    error: DomainError | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def message(self) -> str | None:
        """The refusal's text for pages that show it themselves (``flash_error=False``)."""
        return self.error.message if self.error is not None else None


def put_error_on_form(form: Any, error: DomainError) -> bool:
    """Append ``error`` to the form field it names; tell whether there was such a field."""
    field = getattr(form, error.field or "", None) if form is not None else None
    if field is None or not hasattr(field, "errors"):
        return False
    field.errors = [*field.errors, error.message]
    return True


def report_refusal(form: Any, error: DomainError) -> None:
    """Show ``error`` on the form field it names, else as a flashed message.

    For the few views that must do work between the service call and the commit (the
    shop-floor cards render their PDF first: no start codes without their cards) and so
    roll back and report by hand.
    """
    if not put_error_on_form(form, error):
        flash(error.message, "error")


@contextmanager
def unit_of_work(form: Any = None, *, success: str | None = None, flash_error: bool = True,
                 refusals: type[DomainError] | tuple[type[DomainError], ...] = DomainError,
                 ) -> Iterator[Work]:
    """Commit the request's changes when the block ends, or roll back on a domain error.

    :param form: the form whose field a domain error names, if any.
    :param success: flashed after the commit; the block may set ``work.success`` instead.
    :param flash_error: False when the page shows ``work.message`` itself.
    :param refusals: the domain errors this page reports itself; any other propagates to
        the error handlers (a page that only logs its reading passes ``()``, so a
        ``NotFoundError`` still answers 404) and the session is rolled back at teardown.
    """
    work = Work(form=form, success=success)
    try:
        yield work
    except refusals as error:
        db.session.rollback()
        work.error = error
        if not put_error_on_form(form, error) and flash_error:
            flash(error.message, "error")
        return
    db.session.commit()
    if work.success:
        flash(work.success, "success")


def commit_or_flash(action: Callable[[], Any], success: str | None = None) -> bool:
    """Run ``action()`` as one unit of work; return whether it succeeded.

    The short form of :func:`unit_of_work` for a view that runs one service call.
    """
    with unit_of_work(success=success) as work:
        action()
    return not work.failed


def discard() -> None:
    """Drop the request's changes: the error path of a view that answers with an error itself.

    For error handlers that turn an exception into a response (the REST API's JSON errors,
    the xAPI binding's problem documents): nothing of a refused request is kept.
    """
    db.session.rollback()
