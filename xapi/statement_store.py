"""Writing statements: ids, conflicts, index rows, voiding and the StatementRef closure."""

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import bindparam, delete, insert
from sqlalchemy.engine import Connection

from xapi import jsontext, outbox
from xapi.activities import DefinitionCollector, save_definitions, statement_activity_index
from xapi.agents import agent_key, statement_agent_index
from xapi.comparison import statements_equivalent
from xapi.isotime import format_timestamp, parse_timestamp
from xapi.spec import VOIDED_VERB, with_context_activity_arrays
from xapi.statement_refs import apply_voiding, save_ref_closure
from xapi.store_errors import BadRequestError, ConflictError
from xapi.store_sql import (
    attachments,
    bulk_insert,
    insert_ignore,
    insert_new_returning,
    statement_activities,
    statement_agents,
    statement_attachments,
    statements,
    where_in,
)

CHUNK = 500
#: Lookups by statement id, run straight on the driver (see store_sql.fetch_all): the seqs
#: of rows just written (SQLite), and held statements whose id a batch brings again.
SEQS_BY_ID = "SELECT id, seq FROM xapi_statements WHERE id IN ({in})"
EXISTING_BY_ID = (
    "SELECT id, statement, has_client_timestamp FROM xapi_statements WHERE id IN ({in})"
)
STATEMENT_COLUMNS = tuple(c.name for c in statements.c if c.name != "seq")
_statement_values = itemgetter(*STATEMENT_COLUMNS)
INDEX_COLUMNS = {
    "agents": ("agent_key", "is_direct", "statement_seq", "roles"),
    "activities": ("activity_id", "is_direct", "statement_seq", "roles"),
}


@dataclass(frozen=True)
class AttachmentData:
    """Raw data of one attachment received in a multipart request, keyed by its sha2."""

    sha2: str
    content_type: str
    content: bytes


@dataclass
class StoreResult:
    """What a store call did.

    ``ids`` follow the request order (the POST response body); ``statements`` are the
    stored forms of the statements actually written, for hooks such as the progress
    projection, and leave out resends of statements already held.
    """

    ids: list[str]
    stored: datetime
    statements: list[dict[str, Any]] = field(default_factory=list)

    @property
    def created(self) -> bool:
        """Whether anything new was written (False for an identical resend)."""
        return bool(self.statements)


def statement_version(version: str) -> str:
    """The statement ``version`` property for a request's X-Experience-API-Version."""
    return "2.0.0" if version.startswith("2.") else "1.0.0"


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _prepare(
    received: Mapping[str, Any],
    statement_id: str,
    *,
    authority: Mapping[str, Any],
    authority_key: str | None,
    trust_authority: bool,
    version: str,
    now: datetime,
    stored_at: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored form of one statement and its xapi_statements row.

    ``authority_key`` is the key of ``authority``, worked out once per batch.
    """
    stored = with_context_activity_arrays(dict(received))
    stored["id"] = statement_id
    has_timestamp = "timestamp" in received
    if not has_timestamp:
        stored["timestamp"] = stored_at
    stored["stored"] = stored_at
    if trust_authority and "authority" in received:
        authority_key = agent_key(stored["authority"])
    else:
        stored["authority"] = dict(authority)
    stored.setdefault("version", version)
    obj = received.get("object") or {}
    kind = obj.get("objectType", "Activity")
    context = received.get("context") or {}
    registration = context.get("registration")
    verb_id = (received.get("verb") or {}).get("id", "")
    actor = received.get("actor")
    row = {
        "id": statement_id,
        "stored": now,
        "timestamp": parse_timestamp(received["timestamp"]) if has_timestamp else now,
        "has_client_timestamp": has_timestamp,
        "verb_id": verb_id,
        "actor_key": agent_key(actor) if isinstance(actor, dict) else None,
        "object_type": kind,
        "object_activity_id": obj.get("id") if kind == "Activity" else None,
        "object_agent_key": agent_key(obj) if kind in ("Agent", "Group") else None,
        "object_statement_ref": str(obj.get("id", "")).lower() if kind == "StatementRef" else None,
        "registration": registration.lower() if isinstance(registration, str) else None,
        "authority_key": authority_key,
        "version": str(stored["version"]),
        "is_voided": False,
        "is_voiding": verb_id == VOIDED_VERB and kind == "StatementRef",
        "statement": jsontext.dumps(stored),
    }
    return stored, row


def _insert_statements(conn: Connection, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Insert the rows whose id is not stored yet; ``{id: seq}`` of those this call wrote.

    INSERT … ON CONFLICT (id) DO NOTHING: a row left out is held already, or was stored
    by a concurrent request that committed first (ON CONFLICT waited for it);
    :func:`store_statements` then compares it with what is held.

    PostgreSQL: one multi-row INSERT … RETURNING id, seq (one round trip). SQLite:
    executemany, cheaper there than RETURNING, and one read of the seqs by id. A
    transaction on SQLite is the only writer from its first write to its commit, and
    AUTOINCREMENT seqs only grow, so the rows this call wrote hold the largest seqs
    among the batch's ids: no comparison with what was held before is needed.
    """
    values = list(map(_statement_values, rows))
    if conn.dialect.name != "sqlite":
        return dict(
            insert_new_returning(
                conn, statements, STATEMENT_COLUMNS, values, unique=("id",),
                returning=("id", "seq"),
            )
        )
    inserted = bulk_insert(conn, statements, STATEMENT_COLUMNS, values, ignore_conflicts_on=["id"])
    found = where_in(conn, SEQS_BY_ID, [row["id"] for row in rows])
    if inserted < len(rows):
        found = sorted(found, key=lambda id_seq: id_seq[1], reverse=True)[:inserted]
    return dict(found)


def _check_existing(conn: Connection, candidates: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """Ids among ``candidates`` already stored with a matching statement.

    :raises ConflictError: when one is stored with a different statement.
    """
    held: set[str] = set()
    for row_id, text, has_client_timestamp in where_in(conn, EXISTING_BY_ID, sorted(candidates)):
        stored = json.loads(text)
        if not has_client_timestamp:
            # The LRS assigned it: a difference there is no conflict (Data 2.3.1).
            del stored["timestamp"]
        if not statements_equivalent(stored, candidates[row_id]):
            raise ConflictError(
                f"statement {row_id} is already stored with different content; "
                "statements cannot be changed"
            )
        held.add(row_id)
    return held


def _insert_index_rows(
    conn: Connection, written: Sequence[tuple[int, dict[str, Any]]]
) -> DefinitionCollector:
    """Write the agent and activity index rows; return the definitions met on the way."""
    definitions = DefinitionCollector()
    agent_rows, activity_rows = [], []
    for seq, stored in written:
        for key, (roles, direct) in statement_agent_index(stored).items():
            agent_rows.append((key, direct, seq, roles))
        for activity_id, (roles, direct) in statement_activity_index(stored, definitions).items():
            activity_rows.append((activity_id, direct, seq, roles))
    # ON CONFLICT: two requests storing the identical statement at the same millisecond
    # both index it (see _insert_statements); the rows are the same, keep one.
    agent_columns, activity_columns = INDEX_COLUMNS["agents"], INDEX_COLUMNS["activities"]
    bulk_insert(
        conn, statement_agents, agent_columns, agent_rows, ignore_conflicts_on=agent_columns[:3]
    )
    bulk_insert(
        conn,
        statement_activities,
        activity_columns,
        activity_rows,
        ignore_conflicts_on=activity_columns[:3],
    )
    return definitions


def delete_index_rows(conn: Connection, doomed: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """Delete the index rows of statements about to be deleted, found from their JSON."""
    agent_rows = [
        {"b_key": key, "b_direct": direct, "b_seq": seq}
        for seq, stored in doomed
        for key, (_roles, direct) in statement_agent_index(stored).items()
    ]
    activity_rows = [
        {"b_key": key, "b_direct": direct, "b_seq": seq}
        for seq, stored in doomed
        for key, (_roles, direct) in statement_activity_index(stored).items()
    ]
    for table, key_column, rows in (
        (statement_agents, statement_agents.c.agent_key, agent_rows),
        (statement_activities, statement_activities.c.activity_id, activity_rows),
    ):
        if rows:
            conn.execute(
                delete(table).where(
                    key_column == bindparam("b_key"),
                    table.c.is_direct == bindparam("b_direct"),
                    table.c.statement_seq == bindparam("b_seq"),
                ),
                rows,
            )


def _save_attachments(
    conn: Connection,
    written: Sequence[tuple[int, dict[str, Any]]],
    data: Mapping[str, AttachmentData],
    now: datetime,
) -> None:
    pairs: set[tuple[int, str]] = set()
    for seq, stored in written:
        for attachment in stored.get("attachments") or ():
            sha2 = attachment.get("sha2") if isinstance(attachment, Mapping) else None
            if sha2 in data:
                pairs.add((seq, sha2))
    if not pairs:
        return
    links = [{"statement_seq": seq, "sha2": sha2} for seq, sha2 in sorted(pairs)]
    used = {sha2: data[sha2] for _seq, sha2 in pairs}
    conn.execute(
        insert_ignore(conn, attachments, ["sha2"]),
        [
            {
                "sha2": a.sha2,
                "content_type": a.content_type,
                "length": len(a.content),
                "content": a.content,
                "created_at": now,
            }
            for a in used.values()
        ],
    )
    conn.execute(insert(statement_attachments), links)


def store_statements(
    conn: Connection,
    received: Sequence[Mapping[str, Any]],
    *,
    authority: Mapping[str, Any],
    version: str,
    now: datetime,
    attachment_data: Mapping[str, AttachmentData] | None = None,
    trust_authority: bool = False,
    void_own_only: bool = False,
) -> StoreResult:
    """Store a batch of validated statements, all or nothing, in the caller's transaction.

    :param void_own_only: a voiding statement voids only statements of its own authority
        (see :func:`xapi.statement_refs.apply_voiding`).
    :raises BadRequestError: when two statements in the batch share an id.
    :raises ConflictError: when an id is already stored with a different statement.
    """
    stmt_version = statement_version(version)
    ids: list[str] = []
    by_id: dict[str, Mapping[str, Any]] = {}
    for statement in received:
        statement_id = str(statement.get("id") or uuid.uuid4()).lower()
        if statement_id in by_id:
            raise BadRequestError(f"statement id {statement_id} appears twice in the batch")
        by_id[statement_id] = statement
        ids.append(statement_id)
    stored_at = format_timestamp(now)
    authority_key = agent_key(authority)
    prepared = [
        _prepare(
            by_id[i],
            i,
            authority=authority,
            authority_key=authority_key,
            trust_authority=trust_authority,
            version=stmt_version,
            now=now,
            stored_at=stored_at,
        )
        for i in ids
    ]
    rows = [row for _stored, row in prepared]
    seq_by_id = _insert_statements(conn, rows)
    if len(seq_by_id) < len(rows):
        # Ids stored before, by an earlier request or a concurrent one that committed
        # first: the same statement again is a no-op, a different one a conflict.
        _check_existing(conn, {i: by_id[i] for i in ids if i not in seq_by_id})
        if not seq_by_id:
            return StoreResult(ids=ids, stored=now)
    written = [(seq_by_id[s["id"]], s) for s, _row in prepared if s["id"] in seq_by_id]
    written_rows = [row for row in rows if row["id"] in seq_by_id]
    definitions = _insert_index_rows(conn, written)
    save_ref_closure(conn, written)
    apply_voiding(conn, written_rows, own_only=void_own_only)
    save_definitions(conn, definitions.merged, now)
    if attachment_data:
        _save_attachments(conn, written, attachment_data, now)
    outbox.enqueue(conn, written, now)
    return StoreResult(ids=ids, stored=now, statements=[s for _seq, s in written])
