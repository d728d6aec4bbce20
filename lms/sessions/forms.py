"""Session forms: scheduling (local Berlin time in, UTC out), walk-ins, simple confirmations."""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from lms.sessions.services import LOCAL_ZONE, MAX_CAPACITY, SessionDetails, is_https_url


def local(value: datetime) -> datetime:
    return value.astimezone(LOCAL_ZONE)


class _OwnMessage:
    """Replace WTForms' built-in (untranslated) parse message with the field's own."""

    invalid_message = _l("Bitte prüfen Sie diese Angabe.")

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(self.invalid_message)) from error


class LocalDateField(_OwnMessage, DateField):
    invalid_message = _l("Bitte geben Sie ein Datum an (TT.MM.JJJJ).")


class LocalTimeField(_OwnMessage, TimeField):
    invalid_message = _l("Bitte geben Sie eine Uhrzeit an (HH:MM).")


class ChoiceField(_OwnMessage, SelectField):
    invalid_message = _l("Bitte wählen Sie einen Eintrag aus der Liste.")

    def pre_validate(self, form):
        if self.choices is not None and self.data not in {
                self.coerce(value) for value, *_rest in self.choices}:
            raise ValidationError(str(self.invalid_message))


class SessionForm(FlaskForm):
    title = StringField(_l("Titel"), validators=[
        DataRequired(_l("Bitte geben Sie einen Titel ein.")), Length(max=200)])
    lesson_id = ChoiceField(_l("Gehört zur Lerneinheit"), validators=[Optional()])
    date = LocalDateField(_l("Datum"),
                          validators=[InputRequired(_l("Bitte wählen Sie ein Datum."))])
    start_time = LocalTimeField(_l("Beginn (Uhrzeit)"),
                                validators=[InputRequired(_l("Bitte geben Sie den Beginn an."))])
    end_time = LocalTimeField(_l("Ende (Uhrzeit)"),
                              validators=[InputRequired(_l("Bitte geben Sie das Ende an."))])
    location = StringField(_l("Ort (Adresse, Raum)"), validators=[Length(max=300)])
    video_url = URLField(_l("Videolink"), validators=[Optional(), Length(max=500)])
    capacity = IntegerField(_l("Plätze"), validators=[
        InputRequired(_l("Bitte geben Sie die Zahl der Plätze an.")),
        NumberRange(min=1, max=MAX_CAPACITY,
                                     message=_l("Bitte eine Zahl von 1 bis %(max)d.",
                                                max=MAX_CAPACITY))])
    notes = TextAreaField(_l("Hinweise für die Teilnehmenden"), validators=[Length(max=4000)])
    trainer_id = ChoiceField(_l("Trainer/in"), coerce=int)

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError(_l("Das Ende muss nach dem Beginn liegen."))

    def validate_video_url(self, field):
        if field.data and not is_https_url(field.data.strip()):
            raise ValidationError(_l("Der Videolink muss mit https:// beginnen."))

    def validate_location(self, field):
        if not (field.data or "").strip() and not (self.video_url.data or "").strip():
            raise ValidationError(_l("Bitte geben Sie einen Ort oder einen Videolink an."))

    def _utc(self, time) -> datetime:
        return datetime.combine(self.date.data, time, tzinfo=LOCAL_ZONE).astimezone(UTC)

    def details(self) -> SessionDetails:
        """The validated input as the service takes it (times in UTC)."""
        return SessionDetails(
            title=self.title.data or "", lesson_id=self.lesson_id.data or None,
            starts_at=self._utc(self.start_time.data), ends_at=self._utc(self.end_time.data),
            location=self.location.data or "", video_url=self.video_url.data or "",
            capacity=self.capacity.data, notes=self.notes.data or "",
            trainer_id=self.trainer_id.data or None,
        )

    def fill_from(self, session) -> None:
        """Show a stored session in local time."""
        starts, ends = local(session.starts_at), local(session.ends_at)
        self.title.data = session.title
        self.lesson_id.data = session.lesson_id or ""
        self.date.data = starts.date()
        self.start_time.data = starts.time().replace(second=0, microsecond=0)
        self.end_time.data = ends.time().replace(second=0, microsecond=0)
        self.location.data = session.location
        self.video_url.data = session.video_url
        self.capacity.data = session.capacity
        self.notes.data = session.notes
        self.trainer_id.data = session.trainer_id or 0


class WalkInForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse des Kontos"),
                       validators=[DataRequired(), Length(max=254)])
    minutes = IntegerField(_l("Minuten anwesend (leer: ganzer Termin)"),
                           validators=[Optional(), NumberRange(min=1, max=24 * 60)])


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
