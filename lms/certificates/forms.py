"""Certificate forms: revoke with a reason, list filters, the trainer's signature upload."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SearchField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

STATUS_LABELS = {
    "valid": _l("Gültig"),
    "expiring": _l("Läuft bald ab"),
    "expired": _l("Abgelaufen"),
    "revoked": _l("Widerrufen"),
    "superseded": _l("Ersetzt"),
}


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Grund des Widerrufs"),
        validators=[DataRequired(_l("Bitte geben Sie einen Grund an.")), Length(max=2000)],
    )


class CertificateFilterForm(FlaskForm):
    """Read from the query string (GET), so no CSRF token: it changes nothing."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name oder Zertifikatsnummer"), validators=[Optional(), Length(max=100)])
    course = SelectField(_l("Kurs"), validators=[Optional()], coerce=str)
    status = SelectField(
        _l("Status"), validators=[Optional()],
        choices=[SelectChoice("", _l("Alle")),
                 *(SelectChoice(key, label) for key, label in STATUS_LABELS.items())],
    )


class SignatureForm(FlaskForm):
    image = FileField(_l("Unterschrift als PNG-Bild"),
                      validators=[FileRequired(_l("Bitte wählen Sie eine Datei."))])
