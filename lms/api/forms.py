"""The manager's form for a new API token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from lms.api.models import NETWORK_SCOPES

SCOPE_LABELS = [
    SelectChoice("people:read", _l("Personen lesen (people:read)")),
    SelectChoice("assignments:read", _l("Zuweisungen lesen (assignments:read)")),
    SelectChoice("assignments:write", _l("Kurse zuweisen (assignments:write)")),
    SelectChoice("completions:read", _l("Abschlüsse lesen (completions:read)")),
    SelectChoice("qualifications:read",
                 _l("Qualifikationen, Rollen, Matrix und Nachweise lesen (qualifications:read)")),
    SelectChoice("qualifications:write",
                 _l("Qualifikationen, Rollen und Nachweise schreiben (qualifications:write)")),
    SelectChoice("network:read", _l("Netzwerkbild lesen, nur Netzwerk-Team (network:read)")),
]


class TokenForm(FlaskForm):
    name = StringField(_l("Name (z. B. das HR-System)"),
                       validators=[DataRequired(), Length(max=100)])
    scopes = SelectMultipleField(
        _l("Berechtigungen"), choices=SCOPE_LABELS, validators=[DataRequired()],
        widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput(),
    )
    expires_on = DateField(_l("Gültig bis"), validators=[DataRequired()])


def token_form(user, **arguments) -> TokenForm:
    """The form, offering the network's scope only to the network's staff."""
    form = TokenForm(**arguments)
    if not user.is_network_staff:
        form.scopes.choices = [choice for choice in SCOPE_LABELS
                               if choice.value not in NETWORK_SCOPES]
    return form
