"""Forms of the package upload pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


class PackageLessonForm(FlaskForm):
    """A package zip as one lesson in a module of the course's draft."""

    file = FileField(_l("Paket (ZIP)"),
                     validators=[FileRequired(_l("Bitte wählen Sie eine ZIP-Datei."))])
    module = SelectField(_l("Modul"), validators=[DataRequired(_l("Bitte wählen Sie ein "
                                                                   "Modul."))])
    title = StringField(_l("Titel der Lektion"), validators=[Optional(), Length(max=200)])


class PackageCourseForm(FlaskForm):
    """A package zip as a new course: one module, one lesson per SCO/AU."""

    file = FileField(_l("Paket (ZIP)"),
                     validators=[FileRequired(_l("Bitte wählen Sie eine ZIP-Datei."))])
    course_id = StringField(_l("Kurs-ID"), validators=[
        DataRequired(_l("Bitte geben Sie eine Kurs-ID an.")), Length(max=64)])
    title = StringField(_l("Titel"), validators=[Optional(), Length(max=200)])
