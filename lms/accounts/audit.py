"""The audit log of administrative actions on accounts (who, what, whom, when)."""

from datetime import datetime

from sqlalchemy import select

from lms.accounts.models import AdminAuditEntry, User
from lms.extensions import db


def record(actor: User | None, target: User | None, action: str, detail: str,
           now: datetime) -> None:
    db.session.add(AdminAuditEntry(
        created_at=now, actor_id=actor.id if actor else None,
        target_user_id=target.id if target else None, action=action, detail=detail[:500],
    ))


def entries(target: User | None = None, limit: int = 100) -> list[AdminAuditEntry]:
    statement = select(AdminAuditEntry).order_by(AdminAuditEntry.id.desc()).limit(limit)
    if target is not None:
        statement = statement.where(AdminAuditEntry.target_user_id == target.id)
    return list(db.session.scalars(statement))
