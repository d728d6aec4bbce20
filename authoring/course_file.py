"""Reading ``course.yml`` and ``module.yml`` into the model, with diagnostics."""

from __future__ import annotations

import re

from authoring.diagnostic import DiagnosticSink
from authoring.model import (
    DEFAULT_LANGUAGE,
    LEVELS,
    SUBJECTS,
    CertificateSettings,
    CompletionRule,
    Course,
    LocalizedText,
    Module,
)
from authoring.reader import FieldReader
from authoring.yaml_loader import LocatedMap, Position, load_yaml

SEMVER_PARTS = 3
COMPLETION_KEYS = ("lessons", "quizzes", "assessment", "sessions")
#: ``retry_wait: 24h`` – a number and a unit: minutes, hours or days
RETRY_WAIT = re.compile(r"^\s*(\d{1,4})\s*(min|m|h|d)\s*$")
RETRY_WAIT_UNITS = {"min": 1, "m": 1, "h": 60, "d": 24 * 60}
MAX_RETRY_WAIT_MINUTES = 90 * 24 * 60


def _version(reader: FieldReader) -> str:
    value = reader.raw("version", required=True)
    if value is None:
        return "0.0.0"
    text = str(value)
    parts = text.split(".")
    if not isinstance(value, str) or len(parts) != SEMVER_PARTS or not all(
        part.isdigit() for part in parts
    ):
        pos = reader.position("version")
        reader.sink.error(
            pos.line, pos.column, "course-version",
            f"version must be a semantic version like 1.0.0, got {text!r}",
        )
    return text


def _completion(reader: FieldReader) -> tuple[CompletionRule, dict[str, Position]]:
    rule = CompletionRule()
    section = reader.mapping("completion", "completion")
    if section is None:
        return rule, {}
    lessons = section.raw("lessons")
    if lessons is None or lessons == "all" or (
        isinstance(lessons, int) and not isinstance(lessons, bool) and lessons >= 0
    ):
        rule.lessons = lessons
    else:
        pos = section.position("lessons")
        reader.sink.error(
            pos.line, pos.column, "completion-value",
            f"completion.lessons must be 'all' or a number, got {lessons!r}",
        )
    rule.quizzes = section.choice("quizzes", ("passed",))
    rule.assessment = section.choice("assessment", ("passed",))
    rule.sessions = section.integer("sessions", default=0, minimum=0) or 0
    section.finish()
    return rule, {key: section.position(key) for key in COMPLETION_KEYS if key in section.data}


def _retry_wait(reader: FieldReader) -> int | None:
    """``retry_wait`` in minutes: the pause after a failed quiz attempt, e.g. ``24h``."""
    value = reader.raw("retry_wait")
    if value is None:
        return None
    match = RETRY_WAIT.match(value) if isinstance(value, str) else None
    minutes = int(match[1]) * RETRY_WAIT_UNITS[match[2]] if match else None
    if minutes is None or not 0 < minutes <= MAX_RETRY_WAIT_MINUTES:
        pos = reader.position("retry_wait")
        reader.sink.error(
            pos.line, pos.column, "retry-wait",
            f"retry_wait must be a duration like 30min, 24h or 2d (at most 90d), got {value!r}",
        )
        return None
    return minutes


def _certificate(reader: FieldReader) -> CertificateSettings:
    section = reader.mapping("certificate", "certificate")
    if section is None:
        return CertificateSettings()
    settings = CertificateSettings(
        enabled=section.boolean("enabled", True),
        validity_months=section.integer("validity_months", minimum=1),
        template=section.text("template", default="default") or "default",
        statement=section.localized("statement"),
    )
    section.finish()
    return settings


def read_course_file(text: str, sink: DiagnosticSink,
                     subjects: tuple[str, ...] = SUBJECTS) -> tuple[Course, dict[str, Position]]:
    """Read ``course.yml``.

    :param subjects: the subject keys ``subject:`` may name (an unknown one is an error at
        its line).

    :return: the course without modules and glossary, and the positions of
        fields later checks point at (``id``, ``languages``, ``completion.*``).
    """
    data = load_yaml(text, sink)
    reader = FieldReader(data if data is not None else LocatedMap(), sink, "course.yml")
    if data is None:
        return Course(id="", version="0.0.0", title=LocalizedText()), {}
    languages = reader.text_list("languages") or [DEFAULT_LANGUAGE]
    if DEFAULT_LANGUAGE not in languages:
        pos = reader.position("languages")
        sink.error(
            pos.line, pos.column, "course-languages",
            f"languages must include '{DEFAULT_LANGUAGE}', the default language",
        )
    course = Course(
        id=reader.identifier("id") or "",
        version=_version(reader),
        title=reader.localized("title", required=True),
        description=reader.localized("description", required=True),
        subject=reader.choice("subject", subjects, required=True) or "",
        level=reader.choice("level", LEVELS, required=True) or "",
        target_group=reader.localized("target_group"),
        duration_hours=reader.number("duration_hours"),
        languages=[DEFAULT_LANGUAGE] + [lang for lang in languages if lang != DEFAULT_LANGUAGE],
        self_enrolment=reader.boolean("self_enrolment", True),
        prerequisites=reader.localized_list("prerequisites"),
        objectives=reader.localized_list("objectives"),
        pass_mark=reader.integer("pass_mark", default=70, minimum=0, maximum=100),
        retry_wait_minutes=_retry_wait(reader),
        certificate=_certificate(reader),
    )
    course.completion, positions = _completion(reader)
    for key in ("id", "languages", "title", "description"):
        positions[key] = reader.position(key)
    reader.finish()
    return course, {f"completion.{k}" if k in COMPLETION_KEYS else k: v
                    for k, v in positions.items()}


def read_module_file(
    text: str, sink: DiagnosticSink, order: int, folder: str
) -> tuple[Module, Position]:
    """Read ``module.yml`` of the module in ``folder`` (course-relative).

    :return: the module without lessons and the position of its ``id``.
    """
    data = load_yaml(text, sink)
    reader = FieldReader(data if data is not None else LocatedMap(), sink, "module.yml")
    module = Module(
        id=(reader.identifier("id") or "") if data is not None else "",
        title=reader.localized("title", required=data is not None),
        order=order,
        folder=folder,
        description=reader.localized("description"),
    )
    reader.finish()
    return module, reader.position("id")
