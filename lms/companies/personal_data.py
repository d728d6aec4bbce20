"""The company portal's part of a learner's own data: consent history and access log."""

from flask_babel import gettext as _

from lms.accounts.models import User
from lms.companies.audit import action_label, entries_for_subject
from lms.companies.consent import consent_history


def company_sections(user: User) -> list[dict]:
    consents = consent_history(user)
    entries = entries_for_subject(user, limit=10_000)
    return [
        {
            "key": "consents",
            "title": _("Einwilligungen gegenüber Ihrem Unternehmen"),
            "employer_sees": _("Ihr Unternehmen sieht nur, ob Sie derzeit eingewilligt haben "
                               "(dann Ihre Testergebnisse), nicht den Verlauf."),
            "items": [{
                "scope": c.scope, "granted": c.is_granted, "decided_at": c.decided_at.isoformat(),
                "organisation": c.organisation.name if c.organisation else None,
                "language": c.language, "text": c.text,
            } for c in consents],
        },
        {
            "key": "access_log",
            "title": _("Zugriffe Ihres Unternehmens auf Ihre Daten"),
            "employer_sees": _("Der Betriebsrat Ihres Unternehmens sieht das vollständige "
                               "Zugriffsprotokoll des Unternehmens."),
            "items": [{
                "at": e.at.isoformat(), "by": e.actor_name, "role": e.actor_role,
                "action": e.action, "description": action_label(e.action),
                "concerns": "you" if e.subject_id == user.id else "everyone",
                "detail": e.detail,
            } for e in entries],
        },
    ]
