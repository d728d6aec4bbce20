"""Admin forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from lms.accounts.forms import LANGUAGE_CHOICES


class UserRolesForm(FlaskForm):
    is_admin = BooleanField(_l("Administration"))
    is_trainer = BooleanField(_l("Trainer/in"))
    is_active = BooleanField(_l("Konto aktiv"))


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    city = StringField(_l("Ort"), validators=[Optional(), Length(max=120)])


class DepartmentForm(FlaskForm):
    name = StringField(_l("Abteilung"), validators=[DataRequired(), Length(max=200)])
    cost_centre = StringField(_l("Kostenstelle"), validators=[Optional(), Length(max=50)])


class ActionForm(FlaskForm):
    """An empty form: a button that posts with a CSRF token."""


class OrganisationCodeForm(FlaskForm):
    code = StringField(_l("Firmenkürzel"), validators=[DataRequired(), Length(max=30)])


class ShopFloorPersonForm(FlaskForm):
    personnel_number = StringField(_l("Personalnummer"),
                                   validators=[DataRequired(), Length(max=50)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    department = StringField(_l("Abteilung (optional)"), validators=[Optional(), Length(max=200)])


class ShopFloorCsvForm(FlaskForm):
    file = FileField(_l("CSV-Datei: Personalnummer;Name;Abteilung"),
                     validators=[FileRequired()])


class UserAccountForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = StringField(_l("E-Mail-Adresse"), validators=[Optional(), Length(max=254)])
    is_admin = BooleanField(_l("Administration"))
    is_trainer = BooleanField(_l("Trainer/in"))
    is_active = BooleanField(_l("Konto aktiv"))


class NewUserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = StringField(_l("E-Mail-Adresse"), validators=[DataRequired(), Length(max=254)])
    is_admin = BooleanField(_l("Administration"))
    is_trainer = BooleanField(_l("Trainer/in"))
    locale = SelectField(_l("Sprache"), choices=LANGUAGE_CHOICES, default="de")


class AnonymiseForm(FlaskForm):
    confirmation = StringField(_l("Zur Bestätigung den Namen des Kontos eingeben"),
                               validators=[DataRequired(), Length(max=200)])
