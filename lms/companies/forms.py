"""Forms of the company portal."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional


class CsvUploadForm(FlaskForm):
    file = FileField(_l("CSV-Datei"), validators=[FileRequired(_l("Bitte wählen Sie eine Datei."))])


class CsvConfirmForm(FlaskForm):
    """Carries the checked file back (base64) so confirming needs no server-side state."""

    content = HiddenField(validators=[DataRequired()])


class AssignmentForm(FlaskForm):
    course_id = SelectField(_l("Kurs"), coerce=int, validators=[DataRequired()])
    department_id = SelectField(_l("Abteilung (alle jetzigen und künftigen Mitglieder)"),
                                coerce=int, default=0)
    user_ids = SelectMultipleField(_l("Personen"), coerce=int, validators=[Optional()])
    due_date = DateField(_l("Fällig am"), validators=[Optional()])
    has_reminders = BooleanField(
        _l("Erinnerungen per E-Mail (7 Tage vorher und bei Überfälligkeit)"), default=True
    )


class ConsentForm(FlaskForm):
    decision = HiddenField(validators=[DataRequired()])


class ProfileChoiceForm(FlaskForm):
    profile = SelectField(_l("Sichtbarkeitsprofil"))


class ProfileDecisionForm(FlaskForm):
    """The works council's decision on a pending profile change, with an optional note."""

    decision = HiddenField(validators=[DataRequired()])
    note = StringField(_l("Begründung (optional, erscheint im Zugriffsprotokoll)"),
                       validators=[Optional(), Length(max=300)])
