"""Translated labels for the codes of course packages (subjects, levels, lesson kinds)."""

from flask_babel import lazy_gettext as _l

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


def label_context() -> dict:
    """The code labels the course templates use (catalogue, player, quiz, admin pages)."""
    return {
        "subject_labels": SUBJECT_LABELS,
        "level_labels": LEVEL_LABELS,
        "language_labels": LANGUAGE_LABELS,
        "lesson_kind_labels": LESSON_KIND_LABELS,
        "session_format_labels": SESSION_FORMAT_LABELS,
        "session_kind_labels": SESSION_KIND_LABELS,
    }
