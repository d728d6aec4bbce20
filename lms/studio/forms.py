"""Forms of the course studio."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from authoring.ids import is_valid_id, slugify

ID_HINT = _l("Nur Kleinbuchstaben (a–z), Ziffern und einzelne Bindestriche, ohne Leerzeichen "
             "und Umlaute, z. B. ladesaeulen-quiz. Leer lassen: die ID wird aus dem Titel "
             "gebildet.")


def suggest_id(text: str) -> str:
    """A valid id made from ``text`` (``Mein Test Quiz`` → ``mein-test-quiz``, ä → ae), or ""."""
    slug = slugify(text or "")[:60].strip("-")
    return slug if is_valid_id(slug) and (slug != "section" or "section" in text.lower()) else ""


class SlugId:
    """Accept only ids the authoring library accepts; say what is wrong and suggest one.

    The suggestion is also put into the field, so the re-shown form is one click from valid.
    """

    def __call__(self, form, field):
        value = (field.data or "").strip()
        field.data = value
        if not value or is_valid_id(value):
            return
        suggestion = suggest_id(value)
        if suggestion:
            field.data = suggestion
            raise ValidationError(_(
                "„%(value)s“ ist als ID nicht erlaubt: nur Kleinbuchstaben, Ziffern und einzelne "
                "Bindestriche. Vorschlag: %(suggestion)s (eingetragen, bitte prüfen und erneut "
                "absenden).", value=value, suggestion=suggestion))
        raise ValidationError(_(
            "„%(value)s“ ist als ID nicht erlaubt: nur Kleinbuchstaben, Ziffern und einzelne "
            "Bindestriche.", value=value))


ID_RULE = SlugId()


class EditorForm(FlaskForm):
    path = HiddenField()
    content = TextAreaField(_l("Quelltext"))


class NewModuleForm(FlaskForm):
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    module_id = StringField(_l("Modul-ID"), validators=[Optional(strip_whitespace=False),
                                                       ID_RULE, Length(max=60)])


class NewLessonForm(FlaskForm):
    module = SelectField(_l("Modul"), validators=[DataRequired()])
    kind = SelectField(_l("Art"), choices=[
        SelectChoice("lesson", _l("Lektion")), SelectChoice("quiz", _l("Quiz")),
        SelectChoice("session", _l("Präsenztermin"))])
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    lesson_id = StringField(_l("Lektions-ID"), validators=[Optional(strip_whitespace=False),
                                                          ID_RULE, Length(max=60)])


class PublishForm(FlaskForm):
    version = StringField(_l("Neue Version"), validators=[
        DataRequired(), Regexp(r"^\d+\.\d+\.\d+$", message=_l("Form 1.2.3"))])
    learner_policy = RadioField(
        _l("Bei einer neuen Hauptversion (z. B. 2.0.0): Lernende, die den Kurs begonnen haben"),
        choices=[SelectChoice("stay", _l("behalten ihre Version; nur neue Anmeldungen "
                                         "erhalten die neue")),
                 SelectChoice("move", _l("wechseln beim nächsten Besuch auf diese Version"))],
        default="stay")


class UploadForm(FlaskForm):
    file = FileField(_l("Datei"), validators=[FileRequired(_l("Bitte wählen Sie eine Datei."))])


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NewCourseForm(FlaskForm):
    """A new course from the scaffold; choices of subject and trainer are set by the view."""

    course_id = StringField(_l("Kurs-ID"), validators=[DataRequired(), ID_RULE, Length(max=64)])
    title = StringField(_l("Titel (deutsch)"), validators=[DataRequired(), Length(max=200)])
    subject = SelectField(_l("Themenfeld"), validators=[DataRequired()])
    languages = CheckboxList(_l("Sprachen"), choices=[
        SelectChoice("de", _l("Deutsch (immer)")), SelectChoice("en", _l("Englisch"))],
        default=["de"], validate_choice=False)
    trainer_id = SelectField(_l("Trainer/in des Kurses"), coerce=int, default=0)

    def validate_languages(self, field):
        unknown = [code for code in field.data or [] if code not in ("de", "en")]
        if unknown:
            raise ValidationError(_("Unbekannte Sprache: %(codes)s. Möglich sind Deutsch und "
                                    "Englisch.", codes=", ".join(unknown)))


class SubjectForm(FlaskForm):
    """A new subject (key and labels) or new labels of one (``key`` then not used)."""

    key = StringField(_l("Schlüssel"), validators=[Optional(), Length(max=40)])
    label_de = StringField(_l("Bezeichnung (deutsch)"), validators=[DataRequired(),
                                                                   Length(max=80)])
    label_en = StringField(_l("Bezeichnung (englisch)"), validators=[Optional(),
                                                                    Length(max=80)])
