"""Catalogue filter form and the admin's trainer form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from lms.catalog.labels import DURATION_LIMITS, LANGUAGE_LABELS, LEVEL_LABELS
from lms.catalog.subjects import subject_labels


def _choices(labels: dict, empty) -> list[SelectChoice]:
    return [SelectChoice("", empty), *(SelectChoice(code, label) for code, label in labels.items())]


class CatalogFilterForm(FlaskForm):
    """Read from the query string (GET), so no CSRF token: it changes nothing."""

    class Meta:
        csrf = False

    q = SearchField(_l("Suche"), validators=[Optional(), Length(max=100)])
    subject = SelectField(_l("Themenfeld"), validators=[Optional()],
                          choices=[])
    level = SelectField(_l("Niveau"), validators=[Optional()],
                        choices=_choices(LEVEL_LABELS, _l("Alle")))
    language = SelectField(_l("Sprache"), validators=[Optional()],
                           choices=_choices(LANGUAGE_LABELS, _l("Alle")))
    max_hours = SelectField(
        _l("Dauer"), validators=[Optional()],
        choices=[SelectChoice("", _l("Beliebig"))]
        + [SelectChoice(str(h), _l("bis %(hours)d Stunden", hours=h)) for h in DURATION_LIMITS],
    )


    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the managed list: retired subjects are no longer offered
        self.subject.choices = _choices(subject_labels(include_retired=False), _l("Alle"))


class TrainerGrantForm(FlaskForm):
    user_id = SelectField(_l("Trainer/in"), coerce=int)
