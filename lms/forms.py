"""Forms and form helpers that several areas share (admin, companies, catalog, API tokens)."""

from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from lms.accounts.forms import InvitationForm
from lms.accounts.models import Organisation


class ActionForm(FlaskForm):
    """An empty form: a button that posts with a CSRF token."""


def invitation_details(form: Any) -> dict[str, Any]:
    """The keyword arguments of ``accounts.services.invite_person`` from an ``InvitationForm``.

    The company portal and the organisation admin page invite through the same form.
    """
    return {
        "email": form.email.data, "name": form.name.data or "", "role": form.role.data,
        "department_id": form.department_id.data or None,
        "personnel_number": form.personnel_number.data or "",
    }


def invitation_form(organisation: Organisation) -> InvitationForm:
    """The invitation form with the organisation's departments to choose from."""
    form = InvitationForm()
    form.department_id.choices = [SelectChoice(0, _("– keine –"))] + [
        SelectChoice(d.id, d.name) for d in organisation.departments
    ]
    return form
