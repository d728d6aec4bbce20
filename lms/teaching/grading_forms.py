"""The form a trainer grades an open answer with."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, TextAreaField
from wtforms.validators import InputRequired, Length

from lms.teaching.grading import MAX_FEEDBACK


class GradeForm(FlaskForm):
    """Points (0 to the question's points, halves allowed) and written feedback."""

    points = DecimalField(_l("Punkte"), places=None, validators=[
        InputRequired(_l("Bitte geben Sie die Punkte an."))])
    feedback = TextAreaField(_l("Rückmeldung an die lernende Person"), validators=[
        Length(max=MAX_FEEDBACK)])
