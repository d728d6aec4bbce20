"""SQLAlchemy Core tables of the LRS, on their own MetaData for the LMS's Alembic to include."""

from collections.abc import Sequence
from datetime import UTC
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    event,
    insert,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# A 64-bit key everywhere, but INTEGER on SQLite so that it becomes the rowid alias
# (the clustered key there) and AUTOINCREMENT never reuses the number of an erased row.
SeqType = BigInteger().with_variant(Integer, "sqlite")


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend.

    SQLite drops the offset; this type stores UTC and hands back aware values so
    comparisons never mix naive and aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to an xapi table")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


statements = Table(
    "xapi_statements",
    metadata,
    # seq orders and pages results; it is the clustered key, the uuid is a unique column.
    Column("seq", SeqType, Identity(), primary_key=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("stored", UTCDateTime(), nullable=False),
    Column("timestamp", UTCDateTime(), nullable=False),
    Column("has_client_timestamp", Boolean(), nullable=False),
    Column("verb_id", String(), nullable=False),
    Column("actor_key", String()),
    Column("object_type", String(16), nullable=False),
    Column("object_activity_id", String()),
    Column("object_agent_key", String()),
    Column("object_statement_ref", String(36)),
    Column("registration", String(36)),
    Column("authority_key", String()),
    Column("version", String(16), nullable=False),
    Column("is_voided", Boolean(), nullable=False, default=False),
    Column("is_voiding", Boolean(), nullable=False, default=False),
    # The statement as stored: the received JSON plus id, timestamp, stored, authority, version.
    Column("statement", Text(), nullable=False),
    Index(None, "verb_id", "seq"),
    # Partial: most statements have neither, and a NULL-heavy index misleads the planners.
    Index(
        None,
        "registration",
        "seq",
        sqlite_where=text("registration IS NOT NULL"),
        postgresql_where=text("registration IS NOT NULL"),
    ),
    Index(None, "stored"),
    Index(
        None,
        "object_statement_ref",
        sqlite_where=text("object_statement_ref IS NOT NULL"),
        postgresql_where=text("object_statement_ref IS NOT NULL"),
    ),
    CheckConstraint(
        "object_type IN ('Activity', 'Agent', 'Group', 'StatementRef', 'SubStatement')",
        name="object_type",
    ),
    sqlite_autoincrement=True,
)

# One row per (agent, statement), clustered by key: is_direct splits a key's rows into two
# lanes, what the agent filter matches without related_agents (actor, object, their
# members) and the rest; each lane is in seq order, so a filtered page is a short range
# scan. roles is a bit mask (xapi.agents.ROLE_*). No other index and no foreign key: each
# would cost a random page write per row on the hottest path; erasure recomputes the keys
# of the statements it deletes from their JSON.
statement_agents = Table(
    "xapi_statement_agents",
    metadata,
    Column("agent_key", String(), primary_key=True),
    Column("is_direct", Boolean(), primary_key=True),
    Column("statement_seq", SeqType, primary_key=True),
    Column("roles", Integer(), nullable=False),
    sqlite_with_rowid=False,
)

# The same for activities: is_direct when the activity is the statement's object.
statement_activities = Table(
    "xapi_statement_activities",
    metadata,
    Column("activity_id", String(), primary_key=True),
    Column("is_direct", Boolean(), primary_key=True),
    Column("statement_seq", SeqType, primary_key=True),
    Column("roles", Integer(), nullable=False),
    sqlite_with_rowid=False,
)

# Transitive closure of StatementRef objects: statement -> every statement it targets,
# directly or through a chain. The target need not be stored (yet).
statement_refs = Table(
    "xapi_statement_refs",
    metadata,
    Column("statement_seq", SeqType, ForeignKey(statements.c.seq), primary_key=True),
    Column("target_id", String(36), primary_key=True),
    Index(None, "target_id"),
    sqlite_with_rowid=False,
)

activities = Table(
    "xapi_activities",
    metadata,
    Column("id", String(), primary_key=True),
    Column("definition", Text(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

attachments = Table(
    "xapi_attachments",
    metadata,
    Column("sha2", String(128), primary_key=True),
    Column("content_type", String(), nullable=False),
    Column("length", BigInteger(), nullable=False),
    Column("content", LargeBinary(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

statement_attachments = Table(
    "xapi_statement_attachments",
    metadata,
    Column("statement_seq", SeqType, ForeignKey(statements.c.seq), primary_key=True),
    Column("sha2", String(128), ForeignKey(attachments.c.sha2), primary_key=True),
    Index(None, "sha2"),
    sqlite_with_rowid=False,
)

# Long query parameters of ``more`` links (see xapi.query.encode_more), by their digest.
more_queries = Table(
    "xapi_more_queries",
    metadata,
    Column("digest", String(32), primary_key=True),
    Column("params", Text(), nullable=False),
    Column("used_at", UTCDateTime(), nullable=False),
    Index(None, "used_at"),
)

# Absent parts of a document's key are '' rather than NULL so the unique constraint holds.
documents = Table(
    "xapi_documents",
    metadata,
    Column("id", SeqType, Identity(), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("activity_id", String(), nullable=False, default=""),
    Column("agent_key", String(), nullable=False, default=""),
    Column("registration", String(36), nullable=False, default=""),
    Column("doc_id", String(), nullable=False),
    Column("content", LargeBinary(), nullable=False),
    Column("content_type", String(), nullable=False),
    Column("etag", String(40), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("kind", "activity_id", "agent_key", "registration", "doc_id"),
    Index(None, "agent_key"),
    CheckConstraint("kind IN ('state', 'activity_profile', 'agent_profile')", name="kind"),
)

upstreams = Table(
    "xapi_upstreams",
    metadata,
    Column("id", Integer(), Identity(), primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("endpoint", String(), nullable=False),
    Column("username", String(), nullable=False, default=""),
    Column("password", String(), nullable=False, default=""),
    Column("version", String(16), nullable=False, default="2.0.0"),
    # JSON: {"verbs": [...], "activity_prefixes": [...], "include_results": bool}
    Column("filters", Text(), nullable=False, default="{}"),
    Column("is_enabled", Boolean(), nullable=False, default=True),
    Column("created_at", UTCDateTime(), nullable=False),
)

outbox = Table(
    "xapi_outbox",
    metadata,
    Column("id", SeqType, Identity(), primary_key=True),
    Column("upstream_id", Integer(), ForeignKey(upstreams.c.id), nullable=False),
    Column("statement_seq", SeqType, ForeignKey(statements.c.seq), nullable=False),
    Column("statement_id", String(36), nullable=False),
    Column("status", String(16), nullable=False, default="pending"),
    Column("attempts", Integer(), nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("claimed_until", UTCDateTime()),
    Column("claim_token", String(32)),
    Column("last_error", Text()),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime()),
    Index(None, "upstream_id", "status", "next_attempt_at"),
    Index(None, "statement_seq"),
    CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
)


def insert_ignore(conn: Connection, table: Table, index_elements: list[str]):
    """An INSERT … ON CONFLICT DO NOTHING for ``table``.

    SQLite and PostgreSQL share this exact syntax; SQLAlchemy only offers it through
    each dialect's own ``insert``, hence the choice by dialect name here and nowhere else.
    """
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    return dialect_insert(table).on_conflict_do_nothing(index_elements=index_elements)


_DRIVER_SQL: dict[tuple[str, str, int], str] = {}


def driver_sql(conn: Connection, template: str, count: int = 0) -> str:
    """``template`` in the driver's parameter style, with ``{in}`` as ``count`` placeholders.

    Templates are written with ``?`` (SQLite's style); psycopg gets ``%s``. The text is
    cached, and the same text each time lets both drivers reuse their prepared statement
    (sqlite3's statement cache; psycopg prepares after a few executions).
    """
    key = (conn.dialect.paramstyle, template, count)
    sql = _DRIVER_SQL.get(key)
    if sql is None:
        sql = template.replace("{in}", ",".join("?" * count))
        if conn.dialect.paramstyle != "qmark":
            sql = sql.replace("?", "%s")
        if len(_DRIVER_SQL) < 4096:
            _DRIVER_SQL[key] = sql
    return sql


def fetch_all(conn: Connection, template: str, params: Sequence[Any], count: int = 0) -> list:
    """Rows of a fixed SELECT, run on the driver's cursor in the caller's transaction.

    For the store's hot path: no statement construction, compilation or result
    processing, so values come back as the driver gives them (on SQLite booleans are
    0/1 and datetimes text: select only columns where that does not matter).
    """
    cursor = conn.connection.cursor()
    try:
        cursor.execute(driver_sql(conn, template, count), tuple(params))
        return cursor.fetchall()
    finally:
        cursor.close()


def where_in(conn: Connection, template: str, values: Sequence[Any], *before: Any,
             chunk: int = 500) -> list:
    """:func:`fetch_all` of ``template`` (``… IN ({in})``) for ``values``, in chunks.

    ``before`` are parameters that come before the IN list in the template.
    """
    rows: list = []
    for start in range(0, len(values), chunk):
        part = values[start : start + chunk]
        rows += fetch_all(conn, template, (*before, *part), len(part))
    return rows


_BULK_CACHE: dict[tuple, Any] = {}


def _bind_processors(dialect, table: Table, columns: Sequence[str]) -> list[tuple[int, Any]]:
    """``(position, processor)`` of the columns whose type converts values for the driver."""
    return [
        (index, processor)
        for index, name in enumerate(columns)
        if (processor := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]


_MISSING = object()


def _process(rows: list[tuple], processors: list[tuple[int, Any]]) -> list[tuple]:
    """Rows with each column type's bind processor applied.

    A column's repeated values (the booleans, the batch's ``stored`` instant) are
    converted once per call: the processors are plain functions of the value.
    """
    if not processors:
        return rows
    memos: list[dict] = [{} for _ in processors]
    processed = []
    for row in rows:
        values = list(row)
        for (index, processor), memo in zip(processors, memos, strict=True):
            value = values[index]
            try:
                converted = memo.get(value, _MISSING)
            except TypeError:  # unhashable: convert without the memo
                converted = processor(value)
            else:
                if converted is _MISSING:
                    converted = memo[value] = processor(value)
            values[index] = converted
        processed.append(tuple(values))
    return processed


def bulk_insert(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: list[tuple],
    *,
    ignore_conflicts_on: Sequence[str] | None = None,
) -> int:
    """executemany of plain tuples; returns how many rows were inserted.

    It skips SQLAlchemy's per-row parameter handling and sends one short statement
    that the driver prepares once (psycopg) instead of a many-VALUES INSERT whose
    text changes with the batch: on the hot path that handling and parsing cost more
    than the inserts. Values still go through each column type's bind processor.

    :param ignore_conflicts_on: make it INSERT … ON CONFLICT (these columns) DO NOTHING.
    """
    if not rows:
        return 0
    dialect = conn.dialect
    cache_key = (
        dialect.name,
        dialect.driver,
        table.name,
        tuple(columns),
        tuple(ignore_conflicts_on or ()),
    )
    cached = _BULK_CACHE.get(cache_key)
    if cached is None:
        stmt = (
            insert_ignore(conn, table, list(ignore_conflicts_on))
            if ignore_conflicts_on
            else insert(table)
        )
        compiled = stmt.values({c: bindparam(c) for c in columns}).compile(dialect=dialect)
        processors = _bind_processors(dialect, table, columns)
        order = None
        if compiled.positional and list(compiled.positiontup) != list(columns):
            order = [columns.index(name) for name in compiled.positiontup]
        cached = _BULK_CACHE[cache_key] = (compiled, processors, order)
    compiled, processors, order = cached
    rows = _process(rows, processors)
    if not compiled.positional:
        params: list = [dict(zip(columns, row, strict=True)) for row in rows]
    elif order is not None:
        params = [tuple(row[i] for i in order) for row in rows]
    else:
        params = rows
    # One row: a plain execute, which spares psycopg its pipeline round trips.
    return conn.exec_driver_sql(compiled.string, params[0] if len(params) == 1 else params).rowcount


_RETURNING_CACHE: dict[tuple, Any] = {}


def insert_new_returning(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: list[tuple],
    *,
    unique: Sequence[str],
    returning: Sequence[str],
    chunk: int = 500,
) -> list:
    """INSERT rows that are new by ``unique``, skip the others; ``returning`` of those inserted.

    One multi-row ``INSERT … VALUES … ON CONFLICT (unique) DO NOTHING RETURNING …``
    per ``chunk`` rows on the driver's cursor (SQLite ≥ 3.35 and PostgreSQL share the
    syntax): the rows left out are exactly those already held (or stored by a
    concurrent transaction that committed first), so no SELECT before or after is
    needed to tell new rows from resends or to learn generated keys. The text is the
    same for the same row count, so both drivers reuse their prepared statement.
    Values go through each column type's bind processor, as with SQLAlchemy.
    """
    if not rows:
        return []
    dialect = conn.dialect
    cache_key = (dialect.name, dialect.driver, table.name, tuple(columns), tuple(unique),
                 tuple(returning))
    cached = _RETURNING_CACHE.get(cache_key)
    if cached is None:
        quote = dialect.identifier_preparer.quote
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        head = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
                "VALUES ")
        tail = (f" ON CONFLICT ({', '.join(quote(c) for c in unique)}) DO NOTHING "
                f"RETURNING {', '.join(quote(c) for c in returning)}")
        one = "(" + ",".join([mark] * len(columns)) + ")"
        cached = _RETURNING_CACHE[cache_key] = (
            head, tail, one, _bind_processors(dialect, table, columns), {}
        )
    head, tail, one, processors, texts = cached
    rows = _process(rows, processors)
    found: list = []
    cursor = conn.connection.cursor()
    try:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            sql = texts.get(len(part))
            if sql is None:
                sql = head + ",".join([one] * len(part)) + tail
                if len(texts) < 64:
                    texts[len(part)] = sql
            cursor.execute(sql, [value for row in part for value in row])
            found += cursor.fetchall()
    finally:
        cursor.close()
    return found


def configure_sqlite(engine: Engine, *, wal_autocheckpoint: int = 10000) -> None:
    """Give every new SQLite connection of ``engine`` the settings the store is tuned for.

    WAL lets readers run while a request writes; ``synchronous=NORMAL`` is durable
    against application crashes in WAL mode and skips an fsync per commit; a larger
    auto-checkpoint (in pages) writes hot index pages back less often; the busy
    timeout makes a second writer wait instead of failing; foreign keys are enforced.
    Call it once on the LMS's engine when the database is SQLite; a no-op otherwise.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "busy_timeout=5000",
            "foreign_keys=ON",
            f"wal_autocheckpoint={int(wal_autocheckpoint)}",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()


def create_all_for_tests(engine: Engine) -> None:
    """Create the tables directly; production schemas come from the LMS's Alembic migrations."""
    metadata.create_all(engine)
