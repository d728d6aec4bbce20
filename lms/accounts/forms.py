"""Account forms (Flask-WTF: every form carries a CSRF token)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

LANGUAGE_CHOICES = [SelectChoice("de", "Deutsch"), SelectChoice("en", "English")]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Passwort"), validators=[DataRequired()])
    remember = BooleanField(_l("Angemeldet bleiben"))


class RegisterForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        _l("Passwort (mindestens 10 Zeichen)"), validators=[DataRequired(), Length(max=200)]
    )
    locale = SelectField(_l("Sprache"), choices=LANGUAGE_CHOICES, default="de")


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Neues Passwort (mindestens 10 Zeichen)"), validators=[DataRequired(), Length(max=200)]
    )


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    locale = SelectField(_l("Sprache"), choices=LANGUAGE_CHOICES)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Aktuelles Passwort"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("Neues Passwort (mindestens 10 Zeichen)"), validators=[DataRequired(), Length(max=200)]
    )


class ChangeEmailForm(FlaskForm):
    new_email = EmailField(
        _l("Neue E-Mail-Adresse"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    password = PasswordField(_l("Passwort zur Bestätigung"), validators=[DataRequired()])


class AcceptInvitationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(
        _l("Passwort (mindestens 10 Zeichen)"), validators=[DataRequired(), Length(max=200)]
    )
    locale = SelectField(_l("Sprache"), choices=LANGUAGE_CHOICES, default="de")


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Sprache"), choices=LANGUAGE_CHOICES)


class InvitationForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(
        _l("Rolle"),
        choices=[
            SelectChoice("employee", _l("Beschäftigte/r")),
            SelectChoice("manager", _l("Unternehmensverwaltung")),
            SelectChoice("works_council", _l("Betriebsrat (nur lesen)")),
        ],
        default="employee",
    )
    department_id = SelectField(_l("Abteilung"), coerce=int, default=0)
    personnel_number = StringField(_l("Personalnummer (optional)"),
                                   validators=[Optional(), Length(max=50)])


class PersonnelLoginForm(FlaskForm):
    """Shop-floor login: company code and personnel number instead of an e-mail address."""

    org_code = StringField(_l("Firmenkürzel"), validators=[DataRequired(), Length(max=30)])
    personnel_number = StringField(_l("Personalnummer"),
                                   validators=[DataRequired(), Length(max=50)])
    password = PasswordField(_l("Passwort"), validators=[DataRequired()])
    remember = BooleanField(_l("Angemeldet bleiben"))


class StartCodeForm(FlaskForm):
    org_code = StringField(_l("Firmenkürzel"), validators=[DataRequired(), Length(max=30)])
    personnel_number = StringField(_l("Personalnummer"),
                                   validators=[DataRequired(), Length(max=50)])
    start_code = StringField(_l("Startcode von der Anmeldekarte"),
                             validators=[DataRequired(), Length(max=20)])
    password = PasswordField(
        _l("Neues Passwort (mindestens 10 Zeichen)"), validators=[DataRequired(), Length(max=200)]
    )


class SecondFactorForm(FlaskForm):
    code = StringField(_l("Code aus der Authenticator-App oder Wiederherstellungscode"),
                       validators=[DataRequired(), Length(max=20)])


class SsoDiscoveryForm(FlaskForm):
    identifier = StringField(_l("Firmen-E-Mail-Adresse oder Firmenkürzel"),
                             validators=[DataRequired(), Length(max=254)])
