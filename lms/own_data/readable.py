"""The "Meine Daten" page: the same sections as the JSON download, made readable.

Plugins hand in JSON-safe sections (``lms_personal_data``); this module turns their keys
into labels, codes into words, ISO instants into Berlin time and course slugs into titles.
Keys it does not know are shown as they are, so no plugin's data is ever hidden.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms import labels
from lms.catalog.models import Course
from lms.extensions import db
from lms.formatting import format_date, format_datetime

#: sections with at most this many entries show each entry as a card, longer ones a table
CARD_LIMIT = 2
#: the order a person reads their data in: who they are, what they learn, who looked
SECTION_ORDER = ("account", "enrolments", "course_progress", "lesson_progress",
                 "quiz_attempts", "certificates", "session_registrations",
                 "session_attendance", "consents", "access_log")
#: codes that the page says in words in another column (the download keeps them)
HIDDEN_KEYS = {"action"}

FIELD_LABELS = {
    # account
    "name": _l("Name"), "email": _l("E-Mail-Adresse"), "language": _l("Sprache"),
    "pseudonym": _l("Pseudonym in Lernaufzeichnungen"), "created_at": _l("Registriert am"),
    "last_login_at": _l("Letzte Anmeldung"), "roles": _l("Rollen"),
    "organisation": _l("Unternehmen"), "department": _l("Abteilung"),
    "role_in_organisation": _l("Rolle im Unternehmen"),
    "personnel_number": _l("Personalnummer"),
    # enrolments and progress
    "course": _l("Kurs"), "version": _l("Version"), "status": _l("Status"),
    "source": _l("Einschreibung"), "assigned_by": _l("Zugewiesen von"), "due_at": _l("Fällig"),
    "enrolled_at": _l("Angemeldet am"), "withdrawn_at": _l("Abgemeldet am"),
    "registration": _l("Registrierungs-ID (xAPI)"), "last_lesson": _l("Zuletzt geöffnet"),
    "last_visited_at": _l("Zuletzt besucht"), "percent": _l("Fortschritt"),
    "lessons_done": _l("Lektionen erledigt"), "lessons_total": _l("Lektionen insgesamt"),
    "quizzes_passed": _l("Tests bestanden"), "quizzes_total": _l("Tests insgesamt"),
    "assessment_passed": _l("Abschlusstest bestanden"),
    "sessions_attended": _l("Termine besucht"), "sessions_required": _l("Termine nötig"),
    "self_paced_minutes": _l("Selbstlernzeit (geplant)"),
    "synchronous_minutes": _l("Präsenzzeit"), "started_at": _l("Begonnen am"),
    "last_activity_at": _l("Letzte Aktivität"), "completed_at": _l("Abgeschlossen am"),
    "lesson": _l("Lektion"), "attempts": _l("Versuche"), "best_percent": _l("Bestes Ergebnis"),
    "first_seen_at": _l("Zuerst geöffnet"), "done_at": _l("Erledigt am"),
    "number": _l("Nummer"), "score": _l("Punkte"), "max_score": _l("Höchstpunktzahl"),
    "passed": _l("Bestanden"), "submitted_at": _l("Abgegeben am"),
    "responses": _l("Antworten"),
    # certificates
    "name_on_certificate": _l("Name auf dem Zertifikat"), "issued_at": _l("Ausgestellt am"),
    "expires_at": _l("Gültig bis"), "revoked_at": _l("Widerrufen am"),
    "reminded_at": _l("Erinnert am"),
    # consent and access log
    "scope": _l("Gegenstand"), "granted": _l("Eingewilligt"), "decided_at": _l("Entschieden am"),
    "text": _l("Wortlaut"), "at": _l("Zeitpunkt"), "by": _l("Wer"), "role": _l("Rolle"),
    "action": _l("Vorgang (Code)"), "description": _l("Vorgang"), "concerns": _l("Betrifft"),
    "detail": _l("Details"),
    # sessions
    "session": _l("Termin"), "starts_at": _l("Beginn"), "ends_at": _l("Ende"),
    "location": _l("Ort"), "cancelled_at": _l("Abgesagt am"),
    "registered_at": _l("Angemeldet am"),
    "registration_cancelled_at": _l("Anmeldung storniert am"), "minutes": _l("Dauer"),
    "method": _l("Erfasst durch"), "recorded_at": _l("Erfasst am"),
    # LTI
    "platform": _l("Plattform"),
}

VALUE_LABELS = {
    "status": {
        "active": _l("angemeldet"), "withdrawn": _l("abgemeldet"),
        "completed": _l("abgeschlossen"), "started": _l("begonnen"), "done": _l("erledigt"),
        "passed": _l("bestanden"), "failed": _l("nicht bestanden"),
        "registered": _l("angemeldet"), "waitlisted": _l("Warteliste"),
        "cancelled": _l("storniert"), "valid": _l("gültig"), "expiring": _l("läuft bald ab"),
        "expired": _l("abgelaufen"), "revoked": _l("widerrufen"), "superseded": _l("ersetzt"),
    },
    "source": {"self": _l("selbst angemeldet"), "assigned": _l("vom Unternehmen zugewiesen")},
    "method": {"qr": _l("QR-Check-in"), "roster": _l("Anwesenheitsliste")},
    "concerns": {"you": _l("Sie"), "everyone": _l("alle Beschäftigten")},
    "language": {"de": "Deutsch", "en": "English"},
    "scope": {"scores": _l("Testergebnisse an das Unternehmen")},
    "role_in_organisation": labels.ORG_ROLE_LABELS,
    "roles": labels.ROLE_LABELS,
    "role": {"manager": _l("Unternehmensverwaltung"), "works_council": _l("Betriebsrat"),
             "admin": _l("Administration"), "api": _l("Schnittstelle (API)")},
}
MINUTE_KEYS = {"self_paced_minutes", "synchronous_minutes", "minutes"}
PERCENT_KEYS = {"percent", "best_percent"}


@dataclass
class ReadableSection:
    key: str
    title: str
    employer_sees: str
    count: int
    columns: list[tuple[str, str]] = field(default_factory=list)  # (key, label)
    rows: list[dict[str, Markup]] = field(default_factory=list)
    #: per entry, only the fields it has: (label, value)
    cards: list[list[tuple[str, Markup]]] = field(default_factory=list)

    @property
    def as_cards(self) -> bool:
        return self.count <= CARD_LIMIT


def _instant(value: str) -> datetime | date | None:
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        if len(value) >= 19 and value[4] == "-" and value[10] == "T":
            return datetime.fromisoformat(value)
    except ValueError:
        return None
    return None


def format_value(key: str, value: Any, course_titles: dict[str, str]) -> Markup:
    """One value as the person should read it (escaped Markup)."""
    if value is None or value == "" or value == []:
        return Markup("–")
    if isinstance(value, bool):
        return Markup(escape(_("ja") if value else _("nein")))
    if key in VALUE_LABELS and isinstance(value, str):
        return Markup(escape(str(VALUE_LABELS[key].get(value, value))))
    if key in VALUE_LABELS and isinstance(value, list):
        return Markup(escape(", ".join(str(VALUE_LABELS[key].get(v, v)) for v in value)))
    if key == "course" and isinstance(value, str):
        return Markup(escape(course_titles.get(value, value)))
    if key in MINUTE_KEYS and isinstance(value, int | float):
        return Markup(escape(_("%(hours)s Std.", hours=format_decimal(value / 60,
                                                                      format="#,##0.#"))
                             if value >= 60 else _("%(minutes)d Min.", minutes=value)))
    if key in PERCENT_KEYS and isinstance(value, int | float):
        return Markup(escape(f"{format_decimal(value, format='#,##0')} %"))
    if isinstance(value, int | float):
        return Markup(escape(format_decimal(value)))
    if isinstance(value, str):
        moment = _instant(value)
        if isinstance(moment, datetime):
            return Markup('<time datetime="{0}">{1}</time>').format(
                value, format_datetime(moment, "short"))
        if isinstance(moment, date):
            return Markup('<time datetime="{0}">{1}</time>').format(
                value, format_date(moment, "medium"))
        return Markup(escape(value))
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return Markup(escape(", ".join(str(v) for v in value)))
    raw = json.dumps(value, ensure_ascii=False, indent=1)
    return Markup('<details><summary>{0}</summary><pre class="data-raw">{1}</pre></details>'
                  ).format(_("anzeigen"), raw)


def readable_sections(sections: list[dict[str, Any]]) -> list[ReadableSection]:
    """The sections of ``personal_data`` with labelled columns and formatted values."""
    course_titles = _course_titles()
    rank = {key: n for n, key in enumerate(SECTION_ORDER)}
    ordered = sorted(sections, key=lambda s: rank.get(s["key"], len(rank)))
    result = []
    for section in ordered:
        items = section.get("items") or []
        keys: list[str] = []
        for item in items:
            keys.extend(k for k in item if k not in keys and k not in HIDDEN_KEYS)
        label = {k: str(FIELD_LABELS.get(k, k.replace("_", " "))) for k in keys}
        rows = [{k: format_value(k, item.get(k), course_titles) for k in keys} for item in items]
        cards = [[(label[k], format_value(k, item[k], course_titles))
                  for k in keys if k in item] for item in items]
        result.append(ReadableSection(
            key=section["key"], title=section["title"], employer_sees=section["employer_sees"],
            count=len(items), columns=[(k, label[k]) for k in keys], rows=rows, cards=cards,
        ))
    return result


def _course_titles() -> dict[str, str]:
    language = str(get_locale() or "de")
    return {
        course.slug: course.published_version.title(language) if course.published_version
        else course.slug
        for course in db.session.scalars(
            select(Course).options(selectinload(Course.published_version)))
    }
