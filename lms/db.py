"""Declarative base with a naming convention, and the timestamp mixin."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: Bytes the SQLite WAL file is truncated to after a checkpoint (about 1.5 checkpoints' worth).
JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024


def tune_sqlite(dbapi_connection, _record) -> None:
    """Per-connection SQLite settings for a server with several worker processes.

    WAL lets readers run while one process writes; synchronous=NORMAL is durable across
    application crashes in WAL mode and avoids an fsync per commit; the busy timeout
    makes a writer wait for the lock instead of failing at once; the page cache and the
    auto-checkpoint (pages) keep the LRS's index pages hot, as ``xapi.store_sql`` is
    tuned for. The journal size limit makes a checkpoint truncate the WAL back to 64 MiB
    after a large write (a big course upload), instead of keeping its peak size for good.
    Unlike ``xapi.store_sql.configure_sqlite``, foreign keys stay off: Alembic's
    batch migrations recreate tables on SQLite, and with enforcement on, dropping a parent
    table would cascade into its children.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT:d}")
    cursor.close()


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (services take it as an argument)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend.

    SQLite drops the offset; this type stores UTC and hands back aware values so
    that comparisons never mix naive and aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use lms.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )
