"""Admin forms for platform registrations; the rules live in lms.lti.registrations."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from lms.accounts.models import Organisation
from lms.extensions import db


def organisation_choices() -> list[tuple[int, str]]:
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name))
    return [(0, _l("– bitte wählen –"))] + [(o.id, o.name) for o in organisations]


class RegistrationForm(FlaskForm):
    name = StringField(_l("Name (z. B. Moodle der Firma Müller)"), validators=[Length(max=200)])
    issuer = StringField(_l("Issuer (Plattform-ID)"), validators=[Length(max=500)])
    client_id = StringField(_l("Client-ID"), validators=[Length(max=200)])
    auth_login_url = StringField(
        _l("OIDC-Login-Adresse der Plattform (Authentication Request URL)"),
        validators=[Length(max=500)])
    auth_token_url = StringField(_l("Token-Adresse der Plattform (Access Token URL)"),
                                 validators=[Length(max=500)])
    key_set_url = StringField(_l("JWKS-Adresse der Plattform (Public Keyset URL)"),
                              validators=[Length(max=500)])
    deployment_ids = TextAreaField(_l("Deployment-IDs (eine pro Zeile)"),
                                   validators=[Length(max=5000)])
    organisation_id = SelectField(_l("Organisation der Teilnehmenden"), coerce=int)
    instructors_train = BooleanField(
        _l("Lehrende (Instructor) der Plattform werden Trainer/in des verlinkten Kurses"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = organisation_choices()


class InviteForm(FlaskForm):
    name = StringField(_l("Name der Plattform"), validators=[Length(max=200)])
    organisation_id = SelectField(_l("Organisation der Teilnehmenden"), coerce=int)
    instructors_train = BooleanField(
        _l("Lehrende (Instructor) der Plattform werden Trainer/in des verlinkten Kurses"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = organisation_choices()


class PickForm(FlaskForm):
    item = StringField(_l("Inhalt"), validators=[Length(max=300)])
