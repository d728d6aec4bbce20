"""Admin forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional


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
