"""Forms of qualification planning."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class RoleForm(FlaskForm):
    name = StringField(_l("Name der Rolle"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Beschreibung"), validators=[Optional(), Length(max=2000)])
    sso_department = StringField(_l("Abteilung (aus Single Sign-on oder Personalstamm)"),
                                 validators=[Optional(), Length(max=200)])


class TemplateForm(FlaskForm):
    template_id = SelectField(_l("Vorlage des Netzwerks"), coerce=int,
                              validators=[DataRequired()])


class RequirementForm(FlaskForm):
    qualification_id = SelectField(_l("Qualifikation"), coerce=int, validators=[DataRequired()])
    level = IntegerField(_l("Stufe"), default=1, validators=[DataRequired(), NumberRange(1, 20)])


class HoldersForm(FlaskForm):
    user_ids = SelectMultipleField(_l("Personen"), coerce=int, validators=[DataRequired()])


class CsvForm(FlaskForm):
    file = FileField(_l("CSV-Datei (E-Mail oder Personalnummer; Rolle)"),
                     validators=[FileRequired(_l("Bitte wählen Sie eine Datei."))])


class QualificationForm(FlaskForm):
    title_de = StringField(_l("Titel (deutsch)"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Titel (englisch)"), validators=[Optional(), Length(max=200)])
    description_de = TextAreaField(_l("Beschreibung"), validators=[Optional(), Length(max=2000)])
    levels = StringField(_l("Stufen (durch Komma getrennt, niedrigste zuerst)"),
                         default="Grundlagen", validators=[DataRequired(), Length(max=500)])
    validity_months = IntegerField(_l("Gültigkeit in Monaten (leer: unbegrenzt)"),
                                   validators=[Optional(), NumberRange(1, 240)])
    course_slug = SelectField(_l("Kurs, dessen Zertifikat nachweist (optional)"),
                              validators=[Optional()])


class QualificationEditForm(FlaskForm):
    """A company's own qualification: titles, validity and the course whose certificate
    counts (external certificates and confirmations on the job always count)."""

    title_de = StringField(_l("Titel (deutsch)"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Titel (englisch)"), validators=[Optional(), Length(max=200)])
    validity_months = IntegerField(_l("Gültigkeit in Monaten (leer: unbegrenzt)"),
                                   validators=[Optional(), NumberRange(1, 240)])
    course_slug = SelectField(_l("Kurs, dessen Zertifikat nachweist (optional)"),
                              validators=[Optional()])


class GapForm(FlaskForm):
    qualification_id = SelectField(_l("Qualifikation"), coerce=int, validators=[DataRequired()])
    user_ids = SelectMultipleField(_l("Personen"), coerce=int, validators=[DataRequired()])
    due_date = DateField(_l("Fällig am"), validators=[Optional()])


class ExternalForm(FlaskForm):
    qualification_id = SelectField(_l("Qualifikation"), coerce=int, validators=[DataRequired()])
    level = IntegerField(_l("Stufe"), default=1, validators=[DataRequired(), NumberRange(1, 20)])
    issued_on = DateField(_l("Ausgestellt am"), validators=[DataRequired()])
    valid_until = DateField(_l("Gültig bis (leer: nach der Gültigkeit der Qualifikation)"),
                            validators=[Optional()])
    file = FileField(_l("Zertifikat (PDF oder Foto)"),
                     validators=[FileRequired(_l("Bitte wählen Sie eine Datei."))])
    note = StringField(_l("Aussteller und Bemerkung"), validators=[Optional(), Length(max=500)])


class OnTheJobForm(FlaskForm):
    qualification_id = SelectField(_l("Qualifikation"), coerce=int, validators=[DataRequired()])
    level = IntegerField(_l("Stufe"), default=1, validators=[DataRequired(), NumberRange(1, 20)])
    issued_on = DateField(_l("Beobachtet am"), validators=[DataRequired()])
    note = TextAreaField(_l("Was haben Sie beobachtet?"),
                         validators=[DataRequired(), Length(max=2000)])


class LeadDaysForm(FlaskForm):
    lead_days = IntegerField(_l("Vorlaufzeit für Auffrischungen (Tage)"),
                             validators=[DataRequired(), NumberRange(1, 365)])


class PathStepForm(FlaskForm):
    course_slug = SelectField(_l("Kurs"), validators=[DataRequired()])
    module_id = StringField(_l("Modul (optional, z. B. hochvolt-sicherheit)"),
                            validators=[Optional(), Length(max=120)])
