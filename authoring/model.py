"""The typed course model and its round trip to plain JSON-able dicts."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

DEFAULT_LANGUAGE = "de"
#: the languages a course may be written in (the platform's pages speak them)
LANGUAGES = ("de", "en")

LESSON_KINDS = ("lesson", "quiz", "assessment", "session", "package")
GRADED_KINDS = ("quiz", "assessment")
QUESTION_KINDS = (
    "single", "multiple", "truefalse", "gap", "numeric", "ordering", "matching", "open",
)
SESSION_FORMATS = ("on-site", "virtual", "hybrid")
#: the package standards a ``type: package`` lesson may play
PACKAGE_STANDARDS = ("scorm12", "scorm2004", "cmi5")
#: the subjects a course may name when nobody gives a list (the LMS passes its managed list,
#: ``python -m authoring validate`` reads ``$ATLAS_SUBJECTS``)
SUBJECTS = ("e-mobility", "digital-production", "sustainability")
LEVELS = ("beginner", "intermediate", "advanced")


class LocalizedText(dict):
    """Text per language code, e.g. ``{"de": "Antriebe", "en": "Powertrains"}``.

    A plain ``dict`` subclass so it serialises to JSON unchanged.
    """

    def text(self, language: str = DEFAULT_LANGUAGE, fallback: str = DEFAULT_LANGUAGE) -> str:
        """Return the text in ``language``, else in ``fallback``, else ``""``."""
        return self.get(language) or self.get(fallback) or ""


class LocalizedList(dict):
    """A list of texts per language, e.g. the objectives of a course."""

    def items_in(self, language: str = DEFAULT_LANGUAGE, fallback: str = DEFAULT_LANGUAGE) -> list:
        """Return the list in ``language``, else in ``fallback``, else ``[]``."""
        return list(self.get(language) or self.get(fallback) or [])


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _typed(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(options) == 1:
            return _typed(options[0], value)
        return value
    if origin is list:
        (item_hint,) = typing.get_args(hint)
        return [_typed(item_hint, item) for item in value]
    if origin is dict:
        _, item_hint = typing.get_args(hint)
        return {key: _typed(item_hint, item) for key, item in value.items()}
    if isinstance(hint, type) and issubclass(hint, Record):
        return hint.from_dict(value)
    if isinstance(hint, type) and issubclass(hint, dict):
        return hint(value)
    if hint is float and isinstance(value, int):
        return float(value)
    return value


def _default_of(f: dataclasses.Field) -> Any:
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return f.default


class Record:
    """Mixin giving dataclasses ``to_dict``/``from_dict`` for the JSON package."""

    _hints: ClassVar[dict[type, dict[str, Any]]] = {}

    #: fields left out of ``to_dict`` while they hold their default: fields added later,
    #: so the packages (and content hashes) of courses that do not use them stay the same
    _omit_default: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict:
        omit = self._omit_default
        return {
            f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)
            if not (f.name in omit and getattr(self, f.name) == _default_of(f))
        }

    @classmethod
    def from_dict(cls, data: dict) -> Any:
        hints = Record._hints.get(cls)
        if hints is None:
            hints = Record._hints[cls] = typing.get_type_hints(cls)
        return cls(
            **{
                f.name: _typed(hints[f.name], data[f.name])
                for f in dataclasses.fields(cls)
                if f.name in data
            }
        )


@dataclass
class CompletionRule(Record):
    """What a learner must achieve to complete the course; all conditions apply.

    :param lessons: ``"all"`` lessons of type lesson done, a number of them, or ``None``.
    :param quizzes: ``"passed"`` when every quiz lesson must be passed.
    :param assessment: ``"passed"`` when the final assessment must be passed.
    :param sessions: number of attended sessions required.
    """

    lessons: str | int | None = "all"
    quizzes: str | None = None
    assessment: str | None = None
    sessions: int = 0


@dataclass
class CertificateSettings(Record):
    enabled: bool = False
    validity_months: int | None = None
    template: str = "default"
    statement: LocalizedText = field(default_factory=LocalizedText)


@dataclass
class GlossaryTerm(Record):
    """A glossary entry; ``slug`` makes the ``#glossary-<slug>`` anchor."""

    term: str
    slug: str
    definition: LocalizedText = field(default_factory=LocalizedText)
    definition_html: LocalizedText = field(default_factory=LocalizedText)
    aliases: list[str] = field(default_factory=list)


@dataclass
class MediaRef(Record):
    """A course file a lesson uses; ``kind`` is image, video, audio, captions, poster,
    download or link."""

    path: str
    kind: str
    alt: str | None = None
    caption: str | None = None


@dataclass
class Choice(Record):
    """An answer option, ordering item or matching side, identified by a text hash."""

    id: str
    text: str
    is_correct: bool = False
    feedback: str = ""


@dataclass
class Gap(Record):
    """A fill-in gap and its accepted answers (compared case-insensitively)."""

    id: str
    answers: list[str] = field(default_factory=list)


@dataclass
class NumericAnswer(Record):
    value: float
    tolerance: float = 0.0
    unit: str = ""


@dataclass
class MatchPair(Record):
    left: Choice
    right: Choice


@dataclass
class Question(Record):
    """A quiz question with its solution; the solution never leaves the server.

    ``choices`` holds single/multiple options and, for ordering, the items in
    the correct order. Texts (``stem``, ``text``, ``feedback``, ``explanation``)
    are sanitized HTML.

    An open question (kind ``open``, ``:::open``) has no solution: a trainer grades
    it by hand. ``rubric`` is the graders' hint (HTML, never shown to learners) and
    ``upload`` says whether the learner may (``optional``) or must (``required``)
    attach a file (a photo or PDF); empty for no file.
    """

    _omit_default: ClassVar[tuple[str, ...]] = ("rubric", "upload")

    id: str
    kind: str
    points: int = 1
    stem: str = ""
    choices: list[Choice] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    numeric: NumericAnswer | None = None
    pairs: list[MatchPair] = field(default_factory=list)
    answer: bool | None = None
    feedback: str = ""
    explanation: str = ""
    content_hash: str = ""
    rubric: str = ""
    upload: str = ""


@dataclass
class SessionSpec(Record):
    """The practical side of a blended-learning session lesson."""

    format: str
    duration_minutes: int
    agenda: list[str] = field(default_factory=list)
    bring: list[str] = field(default_factory=list)
    trainer_checks: list[str] = field(default_factory=list)


@dataclass
class PackageItem(Record):
    """One SCO (SCORM) or AU (cmi5) of an imported package, as a player launches it.

    ``launch`` is course-relative (``packages/<name>/sco1/index.html``, a query string kept
    as the manifest wrote it) or, for a remote cmi5 AU, an absolute URL. ``mastery_score``
    is 0..1 (SCORM 1.2 ``masteryscore``/100, 2004 ``minNormalizedMeasure``, cmi5
    ``masteryScore``).
    """

    _omit_default: ClassVar[tuple[str, ...]] = ("scorm_type", "entitlement_key", "blocks")

    identifier: str
    title: str
    launch: str
    #: SCORM item ``parameters`` / cmi5 ``launchParameters``
    parameters: str = ""
    mastery_score: float | None = None
    #: cmi5 only: Passed, Completed, CompletedAndPassed, CompletedOrPassed, NotApplicable
    move_on: str | None = None
    #: cmi5 only: AnyWindow or OwnWindow
    launch_method: str | None = None
    #: SCORM 1.2 ``adlcp:prerequisites`` as written (simple expressions of identifiers)
    prerequisites: str | None = None
    #: SCORM ``timelimitaction``/``timeLimitAction``, lowercased (``exit,message`` …)
    time_limit_action: str | None = None
    #: SCORM ``datafromlms``/``dataFromLMS``: cmi.launch_data
    data_from_lms: str | None = None
    #: SCORM only: ``sco`` (talks to the runtime API) or ``asset`` (just shown: a player
    #: counts it completed when launched)
    scorm_type: str | None = None
    #: cmi5 only: the AU's ``entitlementKey`` (courseStructure value)
    entitlement_key: str | None = None
    #: cmi5 only: the ids (from ``cmi5.xml``) of the blocks the AU sits in, outermost
    #: first; the LMS writes "satisfied" for a block once all its AUs are satisfied
    blocks: list[str] = field(default_factory=list)


@dataclass
class PackageRef(Record):
    """The package a ``type: package`` lesson plays: folder ``packages/<name>/`` of the
    course, its standard and the items the lesson plays, in order (one when the lesson
    names an ``item``, else all of the package)."""

    name: str
    standard: str
    version_label: str
    items: list[PackageItem] = field(default_factory=list)
    #: the package's own title (SCORM organisation title, cmi5 course title)
    title: str = ""

    def item(self, identifier: str) -> PackageItem | None:
        return next((item for item in self.items if item.identifier == identifier), None)


@dataclass
class LessonContent(Record):
    """One language of a lesson: rendered, sanitized HTML and what it refers to."""

    language: str
    title: str
    source: str
    html: str = ""
    description: str = ""
    minutes: int | None = None
    objectives: list[str] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    session: SessionSpec | None = None
    media: list[MediaRef] = field(default_factory=list)
    glossary: list[str] = field(default_factory=list)
    #: ungraded understanding checks (``:::check``): graded in place, never counted
    checks: list[Question] = field(default_factory=list)
    #: the date this language was last checked against its sources (ISO ``YYYY-MM-DD``)
    reviewed: str | None = None
    content_hash: str = ""

    def check(self, check_id: str) -> Question | None:
        return next((q for q in self.checks if q.id == check_id), None)


@dataclass
class Lesson(Record):
    """A lesson in all its languages; ``pass_mark`` is resolved for graded kinds.

    ``draw`` (graded kinds only): each attempt shows that many questions drawn at
    random from the lesson's questions, its pool; ``None`` shows them all.
    """

    _omit_default: ClassVar[tuple[str, ...]] = ("draw", "package")

    id: str
    kind: str
    module_id: str
    order: int
    content: dict[str, LessonContent] = field(default_factory=dict)
    minutes: int | None = None
    pass_mark: int | None = None
    attempts: int | None = None
    #: the German lesson's review date (ISO) and interval; not part of the content hash
    reviewed: str | None = None
    review_every_months: int = 12
    #: the lesson explains a legal duty (and so carries a ``:::applies`` box)
    legal: bool = False
    content_hash: str = ""
    draw: int | None = None
    #: ``type: package`` only: the imported package (SCORM/cmi5) the lesson plays
    package: PackageRef | None = None

    @property
    def languages(self) -> list[str]:
        """The languages this lesson is written in, German first."""
        return sorted(self.content, key=lambda lang: (lang != DEFAULT_LANGUAGE, lang))

    def variant(self, language: str = DEFAULT_LANGUAGE) -> LessonContent:
        """Return the content in ``language``, falling back to the default language."""
        return self.content.get(language) or self.content[DEFAULT_LANGUAGE]

    def title(self, language: str = DEFAULT_LANGUAGE) -> str:
        return self.variant(language).title

    def questions(self, language: str = DEFAULT_LANGUAGE) -> list[Question]:
        return self.variant(language).questions

    def question(self, question_id: str, language: str = DEFAULT_LANGUAGE) -> Question | None:
        return next((q for q in self.questions(language) if q.id == question_id), None)


@dataclass
class Module(Record):
    id: str
    title: LocalizedText
    order: int
    folder: str
    description: LocalizedText = field(default_factory=LocalizedText)
    lessons: list[Lesson] = field(default_factory=list)


@dataclass
class Course(Record):
    """A whole course version as the LMS stores and serves it."""

    id: str
    version: str
    title: LocalizedText
    description: LocalizedText = field(default_factory=LocalizedText)
    subject: str = ""
    level: str = ""
    target_group: LocalizedText = field(default_factory=LocalizedText)
    duration_hours: float | None = None
    languages: list[str] = field(default_factory=lambda: [DEFAULT_LANGUAGE])
    default_language: str = DEFAULT_LANGUAGE
    self_enrolment: bool = True
    prerequisites: LocalizedList = field(default_factory=LocalizedList)
    objectives: LocalizedList = field(default_factory=LocalizedList)
    pass_mark: int = 70
    #: minutes a learner waits after a failed quiz attempt before the next (``retry_wait``)
    retry_wait_minutes: int | None = None
    completion: CompletionRule = field(default_factory=CompletionRule)
    certificate: CertificateSettings = field(default_factory=CertificateSettings)
    modules: list[Module] = field(default_factory=list)
    glossary: list[GlossaryTerm] = field(default_factory=list)

    def lessons(self, kind: str | None = None) -> Iterator[Lesson]:
        """Yield lessons in course order, optionally only those of ``kind``."""
        for module in self.modules:
            for lesson in module.lessons:
                if kind is None or lesson.kind == kind:
                    yield lesson

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons() if lesson.id == lesson_id), None)

    def glossary_term(self, slug: str) -> GlossaryTerm | None:
        return next((term for term in self.glossary if term.slug == slug), None)
