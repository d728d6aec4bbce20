"""Forms of the course studio."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

ID_RULE = Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$",
                 message=_l("Nur Kleinbuchstaben, Ziffern und einzelne Bindestriche."))


class EditorForm(FlaskForm):
    path = HiddenField()
    content = TextAreaField(_l("Quelltext"))


class NewModuleForm(FlaskForm):
    module_id = StringField(_l("Modul-ID"), validators=[DataRequired(), Length(max=60), ID_RULE])
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])


class NewLessonForm(FlaskForm):
    module = SelectField(_l("Modul"), validators=[DataRequired()])
    kind = SelectField(_l("Art"), choices=[
        SelectChoice("lesson", _l("Lektion")), SelectChoice("quiz", _l("Quiz")),
        SelectChoice("session", _l("Präsenztermin"))])
    lesson_id = StringField(_l("Lektions-ID"),
                            validators=[DataRequired(), Length(max=60), ID_RULE])
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])


class PublishForm(FlaskForm):
    version = StringField(_l("Neue Version"), validators=[
        DataRequired(), Regexp(r"^\d+\.\d+\.\d+$", message=_l("Form 1.2.3"))])


class UploadForm(FlaskForm):
    file = FileField(_l("Datei"), validators=[FileRequired(_l("Bitte wählen Sie eine Datei."))])


class NewCourseForm(FlaskForm):
    course_id = StringField(_l("Kurs-ID"), validators=[DataRequired(), Length(max=64), ID_RULE])
