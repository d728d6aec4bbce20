"""The admin form for the legal pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional


class SitePageForm(FlaskForm):
    body_de = TextAreaField(_l("Text auf Deutsch (Markdown)"),
                            validators=[Optional(), Length(max=60_000)])
    body_en = TextAreaField(_l("Text auf Englisch (Markdown, leer = deutscher Text)"),
                            validators=[Optional(), Length(max=60_000)])
