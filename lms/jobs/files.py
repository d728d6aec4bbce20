"""Prepared downloads: a job fills the file, its owner fetches it from any node until it expires."""

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from lms.extensions import db
from lms.jobs.models import PreparedFile

#: How long a prepared file stays downloadable (``ATLAS_DOWNLOAD_DAYS``).
DEFAULT_DAYS = 7


def start_file(owner_id: int, title: str, filename: str, media_type: str,
               now: datetime) -> PreparedFile:
    """Add a pending file for ``owner_id`` (flushed, so its id can go into the job)."""
    days = int(current_app.config.get("ATLAS_DOWNLOAD_DAYS", DEFAULT_DAYS))
    row = PreparedFile(token=secrets.token_urlsafe(32), owner_id=owner_id, title=title[:200],
                       filename=filename[:200], media_type=media_type, status="pending",
                       created_at=now, expires_at=now + timedelta(days=days))
    db.session.add(row)
    db.session.flush()
    return row


def fill_file(file_id: int, data: bytes, now: datetime) -> PreparedFile | None:
    """Store the job's result; None when the file was deleted meanwhile."""
    row = db.session.get(PreparedFile, file_id)
    if row is None:
        return None
    row.data = data
    row.size = len(data)
    row.status = "ready"
    row.ready_at = now
    db.session.flush()
    return row


def mark_failed(file_id: int) -> None:
    row = db.session.get(PreparedFile, file_id)
    if row is not None:
        row.status = "failed"
        db.session.flush()


def owned_file(token: str, owner_id: int, now: datetime) -> PreparedFile | None:
    """The owner's unexpired file by its token; None for anyone else (the view answers 404)."""
    row = db.session.scalar(select(PreparedFile).where(PreparedFile.token == token))
    if row is None or row.owner_id != owner_id or row.expires_at <= now:
        return None
    return row


def files_of(owner_id: int, now: datetime) -> list[PreparedFile]:
    return list(db.session.scalars(
        select(PreparedFile).where(PreparedFile.owner_id == owner_id,
                                   PreparedFile.expires_at > now)
        .order_by(PreparedFile.created_at.desc())))


def delete_expired(now: datetime) -> int:
    result = db.session.execute(delete(PreparedFile).where(PreparedFile.expires_at <= now))
    return result.rowcount or 0
