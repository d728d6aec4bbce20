"""Translated labels for codes shown in templates (roles, statuses)."""

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "learner": _l("Lernende/r"),
    "trainer": _l("Trainer/in"),
    "company_manager": _l("Unternehmensverwaltung"),
    "works_council": _l("Betriebsrat"),
    "admin": _l("Administration"),
}

ORG_ROLE_LABELS = {
    "employee": _l("Beschäftigte/r"),
    "manager": _l("Unternehmensverwaltung"),
    "works_council": _l("Betriebsrat (nur lesen)"),
}

INVITATION_LABELS = {
    "pending": _l("offen"),
    "accepted": _l("angenommen"),
    "revoked": _l("zurückgezogen"),
    "expired": _l("abgelaufen"),
}
