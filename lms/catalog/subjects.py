"""The managed list of subjects (Themenfelder): keys course sources name, labels DE/EN.

Admins add subjects, rename their labels and retire them (the studio's subject page).
A course names a subject by its key in ``course.yml``; the validator accepts every key on
the list, retired ones too, so a course keeps building after its subject was retired, while
the choice lists (new course, catalogue filter) offer only the active ones.

Services take the acting user and the time, flush but never commit.
"""

import re
from datetime import datetime

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from lms.accounts.models import User
from lms.db import UTCDateTime
from lms.errors import PermissionDeniedError, ValidationFailedError
from lms.extensions import db

KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_KEY = 40
MAX_LABEL = 80


class Subject(db.Model):
    """One subject: its key (as in ``course.yml``) and its labels in German and English."""

    __tablename__ = "subjects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(MAX_KEY), unique=True, nullable=False)
    label_de: Mapped[str] = mapped_column(String(MAX_LABEL), nullable=False)
    label_en: Mapped[str] = mapped_column(String(MAX_LABEL), nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    def label(self, language: str = "de") -> str:
        return self.label_en if language == "en" and self.label_en else self.label_de


def all_subjects() -> list[Subject]:
    """Every subject, active ones first, in list order."""
    return list(db.session.scalars(select(Subject).order_by(
        Subject.retired_at.is_not(None), Subject.position, Subject.key)))


def active_subjects() -> list[Subject]:
    return [subject for subject in all_subjects() if not subject.is_retired]


def subject_keys() -> list[str]:
    """The keys a course source may name (active and retired), for the validator."""
    return list(db.session.scalars(select(Subject.key).order_by(Subject.key)))


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "de"


def subject_labels(include_retired: bool = True) -> dict[str, str]:
    """``{key: label}`` in the page's language."""
    language = _language()
    return {subject.key: subject.label(language) for subject in all_subjects()
            if include_retired or not subject.is_retired}


def _ensure_admin(actor: User | None) -> None:
    if actor is not None and not actor.is_admin:
        raise PermissionDeniedError(_("Nur die Administration darf das."))


def _labels(label_de: str, label_en: str) -> tuple[str, str]:
    label_de, label_en = " ".join((label_de or "").split()), " ".join((label_en or "").split())
    if not label_de:
        raise ValidationFailedError(_("Bitte geben Sie die deutsche Bezeichnung an."),
                                    field="label_de")
    if len(label_de) > MAX_LABEL or len(label_en) > MAX_LABEL:
        raise ValidationFailedError(_("Eine Bezeichnung darf höchstens %(max)d Zeichen haben.",
                                      max=MAX_LABEL), field="label_de")
    return label_de, label_en or label_de


def find_subject(key: str) -> Subject | None:
    return db.session.scalar(select(Subject).where(Subject.key == key))


def add_subject(actor: User | None, key: str, label_de: str, label_en: str,
                now: datetime) -> Subject:
    """Put a new subject on the list.

    :raises ValidationFailedError: the key is malformed or taken, a label is missing.
    """
    _ensure_admin(actor)
    key = (key or "").strip()
    if not KEY.match(key) or len(key) > MAX_KEY:
        raise ValidationFailedError(
            _("Der Schlüssel darf nur Kleinbuchstaben, Ziffern und einzelne Bindestriche "
              "enthalten (höchstens %(max)d Zeichen), z. B. robotik.", max=MAX_KEY), field="key")
    if find_subject(key) is not None:
        raise ValidationFailedError(_("Den Schlüssel %(key)s gibt es schon.", key=key),
                                    field="key")
    label_de, label_en = _labels(label_de, label_en)
    position = (db.session.scalar(select(func.max(Subject.position))) or 0) + 1
    subject = Subject(key=key, label_de=label_de, label_en=label_en, position=position,
                      created_at=now)
    db.session.add(subject)
    db.session.flush()
    return subject


def rename_subject(actor: User | None, subject: Subject, label_de: str, label_en: str) -> None:
    """Change a subject's labels; its key stays, so no course source changes."""
    _ensure_admin(actor)
    subject.label_de, subject.label_en = _labels(label_de, label_en)
    db.session.flush()


def retire_subject(actor: User | None, subject: Subject, now: datetime,
                   retired: bool = True) -> None:
    """Take a subject off the choice lists (or put it back); courses naming it stay valid."""
    _ensure_admin(actor)
    subject.retired_at = now if retired else None
    db.session.flush()
