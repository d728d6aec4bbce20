"""Forms of the LRS admin page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from lms.lrs.scopes import SCOPES
from xapi.versions import LATEST_VERSION, SUPPORTED_VERSIONS

SCOPE_LABELS = {
    "statements/write": _l("Statements schreiben"),
    "statements/read": _l("Alle Statements lesen (mit den Pseudonymen der Lernenden)"),
    "statements/read/mine": _l("Nur eigene Statements lesen"),
    "state": _l("State-Dokumente"),
    "define": _l("Aktivitäten und Agenten definieren"),
    "profile": _l("Profil-Dokumente"),
    "all/read": _l("Alles lesen (mit den Pseudonymen der Lernenden)"),
    "all": _l("Voller Zugriff (mit den Pseudonymen der Lernenden)"),
}


class ClientForm(FlaskForm):
    name = StringField(_l("Name des Clients"), validators=[DataRequired(), Length(max=100)])
    scopes = SelectMultipleField(
        _l("Berechtigungen (Scopes)"),
        choices=[SelectChoice(scope, SCOPE_LABELS[scope]) for scope in SCOPES],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    xapi_version = SelectField(
        _l("xAPI-Version"),
        choices=[SelectChoice(version, version) for version in reversed(SUPPORTED_VERSIONS)],
        default=LATEST_VERSION,
        description=_l("Die Version, die der Client spricht. Anfragen ohne gültige "
                       "Versionsangabe werden abgelehnt; die Antwort nennt diese Version."),
    )

    def validate_scopes(self, field):
        # Not DataRequired: its "required" flag would make the browser demand every box.
        if not field.data:
            raise ValidationError(_l("Bitte wählen Sie mindestens einen Scope."))


class GrantForm(FlaskForm):
    """Let a client credit one course (its ungraded lessons) or the activities under an IRI."""

    client = SelectField(_l("Client"), validators=[DataRequired()])
    course = SelectField(_l("Kurs"), choices=[])
    activity_prefix = StringField(
        _l("oder Aktivitäts-IRI-Präfix"), validators=[Length(max=500)],
        description=_l("Die Aktivität selbst und alles unterhalb davon."),
    )


class RevokeForm(FlaskForm):
    """A button that posts with a CSRF token."""
