"""What the course page shows of a course model: outline, sessions, rules in plain words.

Built from the model in one language; holds no quiz question, answer or feedback,
so the page cannot leak solutions even by accident.
"""

import re
from dataclasses import dataclass, field

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from authoring.model import DEFAULT_LANGUAGE, GRADED_KINDS
from authoring.model import Course as CourseModel


class LangText(str):
    """A text that knows its language, so the page can mark German fallbacks ``lang="de"``."""

    lang: str = DEFAULT_LANGUAGE

    def __new__(cls, text: str, lang: str):
        value = super().__new__(cls, text)
        value.lang = lang
        return value


def localized(texts: dict, language: str) -> LangText:
    """Pick ``language`` from a ``{language: text}`` mapping, else German."""
    if texts.get(language):
        return LangText(texts[language], language)
    return LangText(texts.get(DEFAULT_LANGUAGE) or "", DEFAULT_LANGUAGE)


def localized_list(lists: dict, language: str) -> list[LangText]:
    chosen = language if lists.get(language) else DEFAULT_LANGUAGE
    return [LangText(item, chosen) for item in lists.get(chosen) or []]


@dataclass
class LessonEntry:
    id: str
    title: str
    kind: str
    minutes: int | None
    question_count: int = 0
    pass_mark: int | None = None
    session_format: str | None = None


@dataclass
class ModuleEntry:
    id: str
    title: str
    description: str
    lessons: list[LessonEntry] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes or 0 for lesson in self.lessons)


@dataclass
class SessionEntry:
    id: str
    title: str
    module_title: str
    format: str
    duration_minutes: int
    agenda: list[tuple[str, str]]
    bring: list[str]
    trainer_checks: list[str]
    lang: str = DEFAULT_LANGUAGE


@dataclass
class CourseOutline:
    title: str
    description: str
    target_group: str
    prerequisites: list[str]
    objectives: list[str]
    duration_hours: float | None
    languages: list[str]
    modules: list[ModuleEntry]
    sessions: list[SessionEntry]
    completion: list[str]
    certificate_enabled: bool
    certificate_statement: str
    certificate_validity_months: int | None

    @property
    def total_minutes(self) -> int:
        return sum(module.minutes for module in self.modules)

    @property
    def lesson_count(self) -> int:
        return sum(len(module.lessons) for module in self.modules)


_AGENDA_TIME = re.compile(r"^(\d{1,2}[:.]\d{2}(?:\s*[–-]\s*\d{1,2}[:.]\d{2})?)\s+(.+)$")


def split_agenda_item(item: str) -> tuple[str, str]:
    """Split ``"09:00 Begrüßung"`` into time and text (time empty when there is none)."""
    match = _AGENDA_TIME.match(item.strip())
    return (match.group(1), match.group(2)) if match else ("", item.strip())


def format_hours(hours: float) -> str:
    """Return e.g. ``18 Stunden`` or ``1,5 Stunden`` (in the user's language)."""
    return ngettext("%(hours)s Stunde", "%(hours)s Stunden", 1 if hours == 1 else 2,
                    hours=format_decimal(hours))


def format_minutes(minutes: int) -> str:
    """Return e.g. ``2 Std. 30 Min.`` (in the user's language)."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(hours)d Std. %(minutes)d Min.", hours=hours, minutes=rest)
    if hours:
        return _("%(hours)d Std.", hours=hours)
    return _("%(minutes)d Min.", minutes=rest)


def _pass_marks(model: CourseModel, kind: str) -> list[int]:
    return sorted({lesson.pass_mark for lesson in model.lessons(kind)
                   if lesson.pass_mark is not None})


def completion_sentences(model: CourseModel) -> list[str]:
    """Say what the completion rule demands, one condition per sentence."""
    rule = model.completion
    sentences = []
    lesson_count = sum(1 for _lesson in model.lessons("lesson"))
    if rule.lessons == "all" and lesson_count:
        sentences.append(ngettext("Sie bearbeiten die Lektion des Kurses.",
                                  "Sie bearbeiten alle %(num)d Lektionen des Kurses.",
                                  lesson_count))
    elif isinstance(rule.lessons, int) and rule.lessons > 0:
        sentences.append(ngettext("Sie bearbeiten mindestens eine Lektion.",
                                  "Sie bearbeiten mindestens %(num)d Lektionen.", rule.lessons))
    quiz_count = sum(1 for _lesson in model.lessons("quiz"))
    if rule.quizzes == "passed" and quiz_count:
        marks = _pass_marks(model, "quiz")
        mark = marks[0] if len(marks) == 1 else model.pass_mark
        sentences.append(ngettext(
            "Sie bestehen den Modultest mit mindestens %(mark)d %% der Punkte.",
            "Sie bestehen alle %(num)d Modultests mit jeweils mindestens %(mark)d %% der Punkte.",
            quiz_count, mark=mark))
    if rule.assessment == "passed" and any(True for _lesson in model.lessons("assessment")):
        marks = _pass_marks(model, "assessment")
        mark = marks[0] if marks else model.pass_mark
        sentences.append(_("Sie bestehen den Abschlusstest mit mindestens %(mark)d %% der Punkte.",
                           mark=mark))
    if rule.sessions:
        sentences.append(ngettext(
            "Sie nehmen an einem Termin (Workshop oder Online-Sitzung) teil.",
            "Sie nehmen an mindestens %(num)d Terminen (Workshops oder Online-Sitzungen) teil.",
            rule.sessions))
    return sentences


def build_outline(model: CourseModel, language: str) -> CourseOutline:
    """Return the course page's view of ``model`` in ``language`` (German as fallback)."""
    modules, sessions = [], []
    for module in model.modules:
        entry = ModuleEntry(module.id, localized(module.title, language),
                            localized(module.description, language))
        for lesson in module.lessons:
            content = lesson.variant(language)
            entry.lessons.append(LessonEntry(
                id=lesson.id, title=LangText(content.title, content.language), kind=lesson.kind,
                minutes=lesson.minutes,
                question_count=len(content.questions) if lesson.kind in GRADED_KINDS else 0,
                pass_mark=lesson.pass_mark,
                session_format=content.session.format if content.session else None,
            ))
            if lesson.kind == "session" and content.session is not None:
                spec = content.session
                sessions.append(SessionEntry(
                    id=lesson.id, title=LangText(content.title, content.language),
                    module_title=entry.title,
                    format=spec.format, duration_minutes=spec.duration_minutes,
                    agenda=[split_agenda_item(item) for item in spec.agenda],
                    bring=list(spec.bring),
                    trainer_checks=list(spec.trainer_checks),
                    lang=content.language,
                ))
        modules.append(entry)
    certificate = model.certificate
    return CourseOutline(
        title=localized(model.title, language),
        description=localized(model.description, language),
        target_group=localized(model.target_group, language),
        prerequisites=localized_list(model.prerequisites, language),
        objectives=localized_list(model.objectives, language),
        duration_hours=model.duration_hours,
        languages=list(model.languages),
        modules=modules,
        sessions=sessions,
        completion=completion_sentences(model),
        certificate_enabled=certificate.enabled,
        certificate_statement=localized(certificate.statement, language),
        certificate_validity_months=certificate.validity_months,
    )
