"""The access log: every view and export of employee data by someone of a company.

The employee sees their own entries at /me/access-log; the works council sees all
entries of its company.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from lms.accounts.models import Organisation, User
from lms.companies.access import company_role
from lms.companies.models import AccessLogEntry
from lms.extensions import db
from lms.paging import Paged

ACTION_LABELS = {
    "view_employees": _l("Mitarbeitendenliste angesehen"),
    "view_employee": _l("Lerndaten einer Person angesehen"),
    "trainer_view_open_answer": _l("Offene Antwort zur Bewertung angesehen (Trainer/in)"),
    "trainer_view_answer_file": _l("Foto oder PDF einer offenen Antwort angesehen (Trainer/in)"),
    "view_assignments": _l("Zuweisungsstatus angesehen"),
    "view_join_requests": _l("Beitrittsanfragen angesehen"),
    "export_csv": _l("Export (CSV)"),
    "export_xlsx": _l("Export (Excel)"),
    "export_json": _l("Export (JSON)"),
    "export_xapi": _l("Export (xAPI-Abschlüsse)"),
    "view_certificates": _l("Zertifikatsliste angesehen"),
    "export_certificates": _l("Zertifikate heruntergeladen"),
    "export_funding": _l("Förder-Nachweispaket erstellt"),
    "api_people": _l("API: Personen abgerufen"),
    "api_assignments": _l("API: Zuweisungen abgerufen"),
    "api_completions": _l("API: Abschlüsse abgerufen"),
    "api_qualification_matrix": _l("API: Qualifikationsmatrix abgerufen"),
    "api_qualification_evidence": _l("API: Qualifikationsnachweise abgerufen oder erfasst"),
    "profile_changed": _l("Sichtbarkeitsprofil geändert (kein Betriebsrat)"),
    "profile_change_requested": _l("Änderung des Sichtbarkeitsprofils beantragt"),
    "profile_change_withdrawn": _l("Antrag auf Profiländerung zurückgezogen"),
    "profile_change_approved": _l("Betriebsrat hat die Profiländerung genehmigt"),
    "profile_change_rejected": _l("Betriebsrat hat die Profiländerung abgelehnt"),
    "trainer_view_participants": _l("Kursbetreuung: Teilnehmendenliste mit Ihren Ergebnissen"),
    "trainer_view_participant": _l("Kursbetreuung: Ihre Ergebnisse im Kurs angesehen"),
    "trainer_view_stuck": _l("Kursbetreuung: Startseite zeigte, dass Sie im Kurs feststecken"),
    "trainer_export_csv": _l("Kursbetreuung: Export der Teilnehmenden (CSV)"),
    "trainer_export_xlsx": _l("Kursbetreuung: Export der Teilnehmenden (Excel)"),
    "view_qualification_matrix": _l("Qualifikationsmatrix angesehen"),
    "view_qualification_evidence": _l("Qualifikationen und Nachweise einer Person angesehen"),
    "export_qualifications_xlsx": _l("Qualifikationsmatrix exportiert (Excel)"),
    "export_qualifications_pdf": _l("Qualifikationsmatrix als Audit-PDF erstellt"),
    "qualification_changed": _l("Eigene Qualifikation geändert"),
    "qualification_archived": _l("Eigene Qualifikation archiviert"),
    "qualification_restored": _l("Eigene Qualifikation wiederhergestellt"),
}

#: page views of the same data by the same person within this window make one entry
VIEW_DEDUPE_WINDOW = timedelta(minutes=10)
#: entries per page of the access log
PAGE_SIZE = 50


@dataclass
class LogPage(Paged):
    """One page of the access log, newest first."""

    items: list[AccessLogEntry]
    page: int
    per_page: int
    total: int


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def record_access(actor: User, organisation: Organisation, action: str, now: datetime,
                  subject: User | None = None, detail: str = "") -> None:
    """Write one access-log entry (flush only).

    Page views (``view_*``) of the same data by the same person within
    ``VIEW_DEDUPE_WINDOW`` make one entry: a reload or a click back is not a new look at
    someone's data, and a log full of repeats hides what matters. Exports and API calls
    are always written.

    :param action: what happened, e.g. ``view_employee``, ``export_csv``, ``api_completions``.
    :param subject: the employee whose data was seen; None for lists and exports of many
        (``detail`` then says what, e.g. the filters).
    """
    if action.startswith("view_") and actor is not None and _seen_recently(
            actor, organisation, action, subject, now):
        return
    db.session.add(
        AccessLogEntry(
            organisation_id=organisation.id, actor_id=actor.id if actor else None,
            actor_name=actor.name if actor else "API",
            actor_role=(company_role(actor) if actor else "") or "api",
            subject_id=subject.id if subject else None, action=action, detail=detail[:500],
            at=now,
        )
    )
    db.session.flush()


def _seen_recently(actor: User, organisation: Organisation, action: str,
                   subject: User | None, now: datetime) -> bool:
    subject_is = (AccessLogEntry.subject_id == subject.id if subject is not None
                  else AccessLogEntry.subject_id.is_(None))
    return db.session.scalar(
        select(AccessLogEntry.id).where(
            AccessLogEntry.organisation_id == organisation.id,
            AccessLogEntry.actor_id == actor.id, AccessLogEntry.action == action, subject_is,
            AccessLogEntry.at > now - VIEW_DEDUPE_WINDOW,
        ).limit(1)
    ) is not None


def _subject_filter(user: User):
    concerns = AccessLogEntry.subject_id == user.id
    membership = user.membership
    if membership is not None:
        concerns = or_(
            concerns,
            and_(
                AccessLogEntry.subject_id.is_(None),
                AccessLogEntry.organisation_id == membership.organisation_id,
                AccessLogEntry.at >= membership.created_at,
            ),
        )
    return concerns


def _page(condition, page: int, per_page: int) -> LogPage:
    total = db.session.scalar(select(func.count(AccessLogEntry.id)).where(condition)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    items = list(db.session.scalars(
        select(AccessLogEntry).where(condition)
        .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
        .offset((page - 1) * per_page).limit(per_page)
    ))
    return LogPage(items=items, page=page, per_page=per_page, total=total)


def subject_log_page(user: User, page: int = 1, per_page: int = PAGE_SIZE) -> LogPage:
    """One page of the entries that concern ``user`` (see ``entries_for_subject``)."""
    return _page(_subject_filter(user), page, per_page)


def organisation_log_page(organisation: Organisation, page: int = 1,
                          per_page: int = PAGE_SIZE) -> LogPage:
    """One page of the organisation's entries, newest first."""
    return _page(AccessLogEntry.organisation_id == organisation.id, page, per_page)


def entries_for_subject(user: User, limit: int = 500) -> list[AccessLogEntry]:
    """The entries that concern ``user``, newest first.

    That is every entry naming them, plus the company-wide lists and exports of their
    current employer since they joined (those include their data too).
    """
    return list(
        db.session.scalars(
            select(AccessLogEntry).where(_subject_filter(user))
            .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc()).limit(limit)
        )
    )

