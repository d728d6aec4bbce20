"""Forms of the learning area that are not quiz answers: a trainer's grant of attempts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from lms.learning.quiz_services import MAX_EXTRA_ATTEMPTS


class GrantAttemptsForm(FlaskForm):
    """Extra attempts for one learner at one quiz; the reason is kept with the grant."""

    user_id = HiddenField(validators=[DataRequired()])
    lesson_id = HiddenField(validators=[DataRequired()])
    extra = IntegerField(_l("Zusätzliche Versuche"), default=1, validators=[
        InputRequired(_l("Bitte geben Sie die Zahl der Versuche an.")),
        NumberRange(min=1, max=MAX_EXTRA_ATTEMPTS,
                    message=_l("Bitte eine Zahl von 1 bis %(max)d.", max=MAX_EXTRA_ATTEMPTS))])
    reason = TextAreaField(_l("Grund"), validators=[
        DataRequired(_l("Bitte geben Sie einen Grund an; er wird mit der Freigabe "
                        "gespeichert.")), Length(max=1000)])
