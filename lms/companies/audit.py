"""The access log: every view and export of employee data by someone of a company.

The employee sees their own entries at /me/access-log; the works council sees all
entries of its company.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from lms.accounts.models import Organisation, User
from lms.companies.access import company_role
from lms.companies.models import AccessLogEntry
from lms.extensions import db

ACTION_LABELS = {
    "view_employees": _l("Mitarbeitendenliste angesehen"),
    "view_employee": _l("Lerndaten einer Person angesehen"),
    "view_assignments": _l("Zuweisungsstatus angesehen"),
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
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def record_access(actor: User, organisation: Organisation, action: str, now: datetime,
                  subject: User | None = None, detail: str = "") -> None:
    """Write one access-log entry (flush only).

    :param action: what happened, e.g. ``view_employee``, ``export_csv``, ``api_completions``.
    :param subject: the employee whose data was seen; None for lists and exports of many
        (``detail`` then says what, e.g. the filters).
    """
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


def entries_for_subject(user: User, limit: int = 500) -> list[AccessLogEntry]:
    """The entries that concern ``user``, newest first.

    That is every entry naming them, plus the company-wide lists and exports of their
    current employer since they joined (those include their data too).
    """
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
    return list(
        db.session.scalars(
            select(AccessLogEntry).where(concerns)
            .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc()).limit(limit)
        )
    )


def entries_for_organisation(organisation: Organisation, page: int = 1, per_page: int = 100
                             ) -> list[AccessLogEntry]:
    """The organisation's entries, newest first, one page."""
    return list(
        db.session.scalars(
            select(AccessLogEntry).where(AccessLogEntry.organisation_id == organisation.id)
            .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
            .offset((page - 1) * per_page).limit(per_page + 1)
        )
    )
