"""Admin forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.accounts.forms import LANGUAGE_CHOICES
from lms.accounts.regions import REGIONS


class UserRolesForm(FlaskForm):
    is_admin = BooleanField(_l("Administration"))
    is_trainer = BooleanField(_l("Trainer/in"))
    is_network_staff = BooleanField(
        _l("Netzwerk-Team (sieht das Netzwerkbild der Qualifikationen)"))
    is_active = BooleanField(_l("Konto aktiv"))


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    city = StringField(_l("Ort"), validators=[Optional(), Length(max=120)])


class NetworkClassificationForm(FlaskForm):
    region = SelectField(_l("Region (Kreis)"), choices=[SelectChoice("", _l("nicht zugeordnet"))]
                         + [SelectChoice(region, region) for region in REGIONS], default="")
    employee_count = IntegerField(_l("Beschäftigte im Unternehmen insgesamt"),
                                  validators=[Optional(), NumberRange(min=0, max=10_000_000)])


class DepartmentForm(FlaskForm):
    name = StringField(_l("Abteilung"), validators=[DataRequired(), Length(max=200)])
    cost_centre = StringField(_l("Kostenstelle"), validators=[Optional(), Length(max=50)])


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


class NewUserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = StringField(_l("E-Mail-Adresse"), validators=[DataRequired(), Length(max=254)])
    is_admin = BooleanField(_l("Administration"))
    is_trainer = BooleanField(_l("Trainer/in"))
    locale = SelectField(_l("Sprache"), choices=LANGUAGE_CHOICES, default="de")


class AnonymiseForm(FlaskForm):
    confirmation = StringField(_l("Zur Bestätigung den Namen des Kontos eingeben"),
                               validators=[DataRequired(), Length(max=200)])


class IdentityProviderForm(FlaskForm):
    protocol = SelectField(_l("Protokoll"), choices=[
        SelectChoice("oidc", "OpenID Connect"), SelectChoice("saml", "SAML 2.0")],
        default="oidc")
    issuer = StringField(_l("Issuer-URL (OpenID Connect) oder Metadaten-URL (SAML)"),
                         validators=[DataRequired(), Length(max=500)])
    client_id = StringField(_l("Client-ID (nur OpenID Connect)"),
                            validators=[Optional(), Length(max=200)])
    client_secret = PasswordField(_l("Client-Secret (leer lassen: unverändert)"),
                                  validators=[Optional(), Length(max=500)])
    email_domains = StringField(_l("E-Mail-Domains des Unternehmens (durch Komma getrennt)"),
                                validators=[Optional(), Length(max=500)])
    claim_email = StringField(_l("Claim für die E-Mail-Adresse"),
                              validators=[Optional(), Length(max=100)], default="email")
    claim_name = StringField(_l("Claim für den Namen"),
                             validators=[Optional(), Length(max=100)], default="name")
    claim_personnel_number = StringField(_l("Claim für die Personalnummer"),
                                         validators=[Optional(), Length(max=100)],
                                         default="employee_number")
    claim_department = StringField(_l("Claim für die Abteilung"),
                                   validators=[Optional(), Length(max=100)],
                                   default="department")
    is_enabled = BooleanField(_l("Single Sign-on eingeschaltet"), default=True)


class JoinDomainsForm(FlaskForm):
    join_domains = StringField(_l("Firmen-E-Mail-Domains (durch Komma getrennt)"),
                               validators=[Optional(), Length(max=500)])
