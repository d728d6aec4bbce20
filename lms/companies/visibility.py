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

from lms.accounts.models import Membership, Organisation, User
from lms.companies.audit import record_access
from lms.companies.models import PrivacySetting, ProfileChange
from lms.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
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


def has_works_council(organisation: Organisation) -> bool:
    """True when someone of ``organisation`` holds the works council role."""
    return db.session.scalar(
        select(Membership.id).where(Membership.organisation_id == organisation.id,
                                    Membership.role == "works_council").limit(1)
    ) is not None


def pending_change(organisation: Organisation) -> ProfileChange | None:
    """The profile change waiting for the works council, if any (at most one)."""
    return db.session.scalar(
        select(ProfileChange).where(ProfileChange.organisation_id == organisation.id,
                                    ProfileChange.status == "pending")
        .order_by(ProfileChange.requested_at.desc(), ProfileChange.id.desc()).limit(1)
    )


def profile_changes(organisation: Organisation, limit: int = 20) -> list[ProfileChange]:
    """The organisation's profile changes, newest first (the record of co-determination)."""
    return list(db.session.scalars(
        select(ProfileChange).where(ProfileChange.organisation_id == organisation.id)
        .order_by(ProfileChange.requested_at.desc(), ProfileChange.id.desc()).limit(limit)
    ))


def profile_label(name: str, language: str = "de") -> str:
    profile = profiles()["profiles"].get(name)
    if profile is None:
        return name
    return profile["label_en" if language == "en" else "label_de"]


def _detail(change: ProfileChange) -> str:
    # the log is read by the works council of a German company: German labels
    return f"{profile_label(change.from_profile)} → {profile_label(change.to_profile)}"


def _apply(organisation: Organisation, name: str, actor: User, now: datetime) -> None:
    setting = _setting(organisation) or PrivacySetting(organisation_id=organisation.id)
    setting.profile = name
    setting.changed_by_id = actor.id
    setting.changed_at = now
    db.session.add(setting)


def choose_profile(actor: User, organisation: Organisation, name: str, now: datetime
                   ) -> ProfileChange:
    """A company manager asks to switch the visibility profile (flush only).

    Where the organisation has a works council the change waits for its decision
    (co-determination, § 87 (1) no. 6 BetrVG); without one it applies at once. Either
    way the request lands in the access log. A new request replaces a pending one.

    :raises PermissionDeniedError: the operator locked the profiles, or not a manager.
    :raises ValidationFailedError: unknown profile, or the profile applies already.
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
    current = active_profile_name(organisation)
    waiting = pending_change(organisation)
    if name == current and waiting is None:
        raise ValidationFailedError(_("Dieses Profil gilt bereits."), field="profile")
    if waiting is not None:
        if waiting.to_profile == name:
            raise ValidationFailedError(
                _("Diese Änderung wartet bereits auf die Zustimmung des Betriebsrats."),
                field="profile")
        _close(waiting, "withdrawn", actor, now)
        record_access(actor, organisation, "profile_change_withdrawn", now,
                      detail=_detail(waiting))
        if name == current:
            db.session.flush()
            return waiting
    change = ProfileChange(
        organisation_id=organisation.id, from_profile=current, to_profile=name,
        requested_by_id=actor.id, requested_by_name=actor.name, requested_at=now,
    )
    db.session.add(change)
    if has_works_council(organisation):
        change.status = "pending"
        record_access(actor, organisation, "profile_change_requested", now,
                      detail=_detail(change))
    else:
        change.status = "applied"
        change.decided_at = now
        _apply(organisation, name, actor, now)
        record_access(actor, organisation, "profile_changed", now, detail=_detail(change))
    db.session.flush()
    return change


def _close(change: ProfileChange, status: str, actor: User, now: datetime,
           note: str = "") -> None:
    change.status = status
    change.decided_by_id = actor.id
    change.decided_by_name = actor.name
    change.decided_at = now
    change.note = note[:500]


def withdraw_profile_change(actor: User, organisation: Organisation, now: datetime
                            ) -> ProfileChange:
    """The manager takes back the pending request (flush only).

    :raises PermissionDeniedError: not a manager of ``organisation``.
    :raises NotFoundError: nothing pending.
    """
    if not (actor.is_company_manager and actor.membership.organisation_id == organisation.id):
        raise PermissionDeniedError(_("Nur die Unternehmensverwaltung darf das ändern."))
    change = pending_change(organisation)
    if change is None:
        raise NotFoundError(_("Es wartet keine Änderung des Sichtbarkeitsprofils."))
    _close(change, "withdrawn", actor, now)
    record_access(actor, organisation, "profile_change_withdrawn", now, detail=_detail(change))
    db.session.flush()
    return change


def decide_profile_change(actor: User, organisation: Organisation, change_id: int,
                          approve: bool, now: datetime, note: str = "") -> ProfileChange:
    """The works council approves (the profile applies now) or rejects a change (flush only).

    :raises PermissionDeniedError: ``actor`` is not on this organisation's works council.
    :raises NotFoundError: no such pending change of this organisation.
    """
    membership = actor.membership
    if not (actor.is_works_council and membership is not None
            and membership.organisation_id == organisation.id):
        raise PermissionDeniedError(_("Darüber entscheidet der Betriebsrat."))
    change = db.session.get(ProfileChange, change_id)
    if change is None or change.organisation_id != organisation.id or change.status != "pending":
        raise NotFoundError(_("Diese Änderung wartet nicht (mehr) auf eine Entscheidung."))
    if approve:
        _close(change, "approved", actor, now, note)
        _apply(organisation, change.to_profile, actor, now)
        record_access(actor, organisation, "profile_change_approved", now,
                      detail=_detail(change) + (f" – {note}" if note else ""))
    else:
        _close(change, "rejected", actor, now, note)
        record_access(actor, organisation, "profile_change_rejected", now,
                      detail=_detail(change) + (f" – {note}" if note else ""))
    db.session.flush()
    return change
