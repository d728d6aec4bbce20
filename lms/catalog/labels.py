"""Translated labels for the codes of course packages (subjects, levels, lesson kinds)."""

from collections.abc import Iterator, Mapping

from flask_babel import lazy_gettext as _l

from lms.catalog.subjects import subject_labels

#: Labels of the three original subjects, for where no database is at hand; pages use the
#: managed list (``lms.catalog.subjects``), which the migration seeded with these.
SUBJECT_LABELS = {
    "e-mobility": _l("E-Mobilität"),
    "digital-production": _l("Digitale Produktion"),
    "sustainability": _l("Nachhaltigkeit"),
}

LEVEL_LABELS = {
    "beginner": _l("Einstieg"),
    "intermediate": _l("Fortgeschritten"),
    "advanced": _l("Vertiefung"),
}

LANGUAGE_LABELS = {
    "de": _l("Deutsch"),
    "en": _l("Englisch"),
}

LESSON_KIND_LABELS = {
    "lesson": _l("Lektion"),
    "quiz": _l("Modultest"),
    "assessment": _l("Abschlusstest"),
    "session": _l("Termin"),
    "package": _l("Lernpaket"),
}

SESSION_FORMAT_LABELS = {
    "on-site": _l("Präsenz"),
    "virtual": _l("Online"),
    "hybrid": _l("Hybrid"),
}

#: The kind label of a session lesson says where it takes place.
SESSION_KIND_LABELS = {
    "on-site": _l("Präsenztermin"),
    "virtual": _l("Online-Termin"),
    "hybrid": _l("Hybrid-Termin"),
}

#: Upper limits offered by the catalogue's duration filter, in hours.
DURATION_LIMITS = (4, 8, 16, 24, 40)


class ManagedSubjectLabels(Mapping):
    """``{key: label}`` of the managed subject list, read on first use (not on every page)."""

    def __init__(self, include_retired: bool = True):
        self.include_retired = include_retired
        self._labels: dict[str, str] | None = None

    def _load(self) -> dict[str, str]:
        if self._labels is None:
            self._labels = subject_labels(self.include_retired)
        return self._labels

    def __getitem__(self, key: str) -> str:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def label_context() -> dict:
    """The code labels the course templates use (catalogue, player, quiz, admin pages)."""
    return {
        "subject_labels": ManagedSubjectLabels(),
        "level_labels": LEVEL_LABELS,
        "language_labels": LANGUAGE_LABELS,
        "lesson_kind_labels": LESSON_KIND_LABELS,
        "session_format_labels": SESSION_FORMAT_LABELS,
        "session_kind_labels": SESSION_KIND_LABELS,
    }
