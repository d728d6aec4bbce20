"""Visibility profiles: which company role sees which fields of an employee's record.

The rules live in a TOML file (``visibility_profiles.toml`` in this package, or the file
named by ``ATLAS_VISIBILITY_PROFILES``) so an operator can change and lock them without
code, and print them as an annex to a works agreement.
"""

import tomllib
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.accounts.models import Organisation, User
from lms.companies.models import PrivacySetting
from lms.errors import PermissionDeniedError, ValidationFailedError
from lms.extensions import db

#: every field a profile may name, in the order pages and the annex show them
FIELDS = (
    "enrolment", "completion", "completion_date", "hours", "certificates", "scores",
    "attempts", "time_on_task",
)
ROLES = ("manager", "works_council", "admin")
DEFAULT_PROFILE = "standard"
SHIPPED_PROFILES = Path(__file__).with_name("visibility_profiles.toml")

FIELD_LABELS = {
    "enrolment": _l("Einschreibung (Kurs, Datum, Fälligkeit)"),
    "completion": _l("Abschluss (ja/nein, Fortschritt in Prozent)"),
    "completion_date": _l("Abschlussdatum"),
    "hours": _l("Lernstunden (selbstgesteuert und in Präsenz)"),
    "certificates": _l("Zertifikate (Nummer, Gültigkeit)"),
    "scores": _l("Testergebnisse (Prozent)"),
    "attempts": _l("Anzahl der Testversuche"),
    "time_on_task": _l("Bearbeitungszeiten und Aktivitätsverlauf"),
}
ROLE_LABELS = {
    "manager": _l("Unternehmensverwaltung (Personalverantwortliche)"),
    "works_council": _l("Betriebsrat"),
    "admin": _l("Plattformbetrieb (Administration)"),
}


class ProfileError(RuntimeError):
    """The visibility profile file is unreadable or names unknown fields or roles."""


@lru_cache(maxsize=4)
def _load(path: str) -> dict:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    never = frozenset(data.get("never", []))
    profiles = {}
    for name, profile in data.get("profiles", {}).items():
        roles = {}
        for role in ROLES:
            rules = profile.get(role, {})
            always = frozenset(rules.get("always", []))
            with_consent = frozenset(rules.get("with_consent", []))
            unknown = (always | with_consent | never) - set(FIELDS)
            if unknown:
                raise ProfileError(f"{path}: unknown fields {sorted(unknown)} in {name}.{role}")
            roles[role] = (always - never, with_consent - never - always)
        profiles[name] = {
            "roles": roles,
            "label_de": profile.get("label_de", name),
            "label_en": profile.get("label_en", name),
        }
    if DEFAULT_PROFILE not in profiles:
        raise ProfileError(f"{path}: no [profiles.{DEFAULT_PROFILE}]")
    return {"never": never, "profiles": profiles}


def profiles() -> dict:
    """The configured profiles: ``{"never": frozenset, "profiles": {name: {...}}}``."""
    return _load(str(current_app.config.get("ATLAS_VISIBILITY_PROFILES") or SHIPPED_PROFILES))


def is_locked() -> bool:
    """True when the operator locked the profiles: companies cannot choose another."""
    return bool(current_app.config.get("ATLAS_VISIBILITY_LOCKED"))


def min_group_size() -> int:
    """Groups smaller than this get no counts or charts (``ATLAS_MIN_GROUP_SIZE``, default 5)."""
    return int(current_app.config.get("ATLAS_MIN_GROUP_SIZE", 5))


def active_profile_name(organisation: Organisation | None = None) -> str:
    """The profile that applies to ``organisation``: its choice, or the default when locked."""
    if organisation is None or is_locked():
        return DEFAULT_PROFILE
    setting = _setting(organisation)
    name = setting.profile if setting else DEFAULT_PROFILE
    return name if name in profiles()["profiles"] else DEFAULT_PROFILE


def _setting(organisation: Organisation) -> PrivacySetting | None:
    return db.session.scalar(
        select(PrivacySetting).where(PrivacySetting.organisation_id == organisation.id)
    )


def fields_visible(role: str, consented: bool, organisation: Organisation | None = None
                   ) -> frozenset[str]:
    """The fields ``role`` may see of one employee who did (not) consent to share scores.

    :param organisation: the employer, whose stricter choice applies; None for the default.
    """
    if role not in ROLES:
        return frozenset()
    always, with_consent = profiles()["profiles"][active_profile_name(organisation)]["roles"][
        role
    ]
    return always | with_consent if consented else always


def profile_table(organisation: Organisation | None = None) -> list[dict]:
    """The active profile as rows for the annex: field, label and what each role sees.

    Each role's cell is ``always``, ``consent`` or ``never``.
    """
    data = profiles()
    roles = data["profiles"][active_profile_name(organisation)]["roles"]
    rows = []
    for field in FIELDS:
        cells = {}
        for role in ROLES:
            always, with_consent = roles[role]
            if field in always:
                cells[role] = "always"
            elif field in with_consent:
                cells[role] = "consent"
            else:
                cells[role] = "never"
        rows.append({"field": field, "label": FIELD_LABELS[field], "roles": cells})
    return rows


def choose_profile(actor: User, organisation: Organisation, name: str, now: datetime) -> None:
    """Let a company manager choose a profile for their company (flush only).

    :raises PermissionDeniedError: the operator locked the profiles, or not a manager.
    :raises ValidationFailedError: unknown profile.
    """
    if is_locked():
        raise PermissionDeniedError(
            _("Der Plattformbetrieb hat die Sichtbarkeitsregeln festgelegt; sie können nicht "
              "geändert werden.")
        )
    if not (actor.is_company_manager and actor.membership.organisation_id == organisation.id):
        raise PermissionDeniedError(_("Nur die Unternehmensverwaltung darf das ändern."))
    if name not in profiles()["profiles"]:
        raise ValidationFailedError(_("Unbekanntes Profil."), field="profile")
    setting = _setting(organisation) or PrivacySetting(organisation_id=organisation.id)
    setting.profile = name
    setting.changed_by_id = actor.id
    setting.changed_at = now
    db.session.add(setting)
    db.session.flush()
