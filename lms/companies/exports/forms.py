"""Forms of the exports page: the completion export and the funding evidence pack."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from lms.companies.exports.rows import STATUS_LABELS

FORMATS = [
    SelectChoice("csv", _l("CSV (UTF-8)")),
    SelectChoice("xlsx", _l("Excel (XLSX)")),
    SelectChoice("json", _l("JSON")),
    SelectChoice("xapi", _l("xAPI-Statements der Abschlüsse (JSON)")),
]


def _period_in_order(form, field):
    if form.date_from.data and field.data and field.data < form.date_from.data:
        raise ValidationError(_l("Das Ende liegt vor dem Beginn."))


class ExportForm(FlaskForm):
    date_from = DateField(_l("Abgeschlossen ab"), validators=[Optional()])
    date_to = DateField(_l("Abgeschlossen bis"), validators=[Optional(), _period_in_order])
    course = SelectField(_l("Kurs"), coerce=int, default=0)
    department = SelectField(_l("Abteilung"), coerce=int, default=0)
    status = SelectField(_l("Status"), default="", choices=[SelectChoice("", _l("alle"))] + [
        SelectChoice(key, label) for key, label in STATUS_LABELS.items()])
    format = RadioField(_l("Format"), choices=FORMATS, default="csv")
    semicolon = BooleanField(_l("Semikolon als Trennzeichen (deutsches Excel)"))


class FundingPackForm(FlaskForm):
    course = SelectField(_l("Kurs"), coerce=int, validators=[DataRequired()])
    date_from = DateField(_l("Zeitraum von"), validators=[DataRequired()])
    date_to = DateField(_l("Zeitraum bis"), validators=[DataRequired(), _period_in_order])
    measure_number = StringField(_l("Maßnahmennummer (optional)"),
                                 validators=[Optional(), Length(max=80)])
