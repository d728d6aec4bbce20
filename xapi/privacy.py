"""Erasure and export of everything the LRS holds about one agent (GDPR Articles 15, 17 and 20)."""

import base64
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from xapi.agents import ROLE_AUTHORITY, require_agent_key
from xapi.isotime import format_timestamp
from xapi.statement_refs import unvoid_orphans
from xapi.statement_store import delete_index_rows
from xapi.store_sql import (
    attachments,
    documents,
    outbox,
    statement_agents,
    statement_attachments,
    statement_refs,
    statements,
)

log = logging.getLogger(__name__)
CHUNK = 500


@dataclass(frozen=True)
class ErasureReport:
    """What :func:`erase_agent` deleted, and what it deliberately kept.

    ``authority_only`` counts statements where the agent appears only as the
    authority: they are kept, because they are other people's records that this
    agent's credential asserted.
    """

    statements: int
    documents: int
    authority_only: int


def _statement_roles(conn: Connection, key: str) -> list[tuple[int, int]]:
    rows = conn.execute(
        select(statement_agents.c.statement_seq, statement_agents.c.roles).where(
            statement_agents.c.agent_key == key
        )
    )
    return [(r.statement_seq, r.roles) for r in rows]


def erase_agent(conn: Connection, agent: Mapping[str, Any]) -> ErasureReport:
    """Delete every statement mentioning ``agent`` and every document stored for it.

    A statement goes when the agent is its actor or object, a member of either group,
    an instructor, team or context agent or group, or any of these inside a
    SubStatement. Statements that only carry the agent as authority stay (see
    :class:`ErasureReport`). Statements voided by an erased voiding statement become
    visible again unless another voiding statement remains. Upstream LRSs keep their
    copies: erasure there is the upstream operator's duty.

    :raises BadRequestError: ``agent`` has no single IFI.
    """
    key = require_agent_key(agent)
    roles = _statement_roles(conn, key)
    doomed = sorted(seq for seq, role in roles if role & ~ROLE_AUTHORITY)
    authority_only = sum(1 for _seq, role in roles if not role & ~ROLE_AUTHORITY)
    voided_targets: list[str] = []
    sha2s: set[str] = set()
    for start in range(0, len(doomed), CHUNK):
        chunk = doomed[start : start + CHUNK]
        voided_targets += (
            conn.execute(
                select(statements.c.object_statement_ref).where(
                    statements.c.seq.in_(chunk), statements.c.is_voiding.is_(True)
                )
            )
            .scalars()
            .all()
        )
        sha2s |= set(
            conn.execute(
                select(statement_attachments.c.sha2).where(
                    statement_attachments.c.statement_seq.in_(chunk)
                )
            ).scalars()
        )
        conn.execute(delete(outbox).where(outbox.c.statement_seq.in_(chunk)))
        for table in (statement_attachments, statement_refs):
            conn.execute(delete(table).where(table.c.statement_seq.in_(chunk)))
        stored = conn.execute(
            select(statements.c.seq, statements.c.statement).where(statements.c.seq.in_(chunk))
        )
        delete_index_rows(conn, [(row.seq, json.loads(row.statement)) for row in stored])
        conn.execute(delete(statements).where(statements.c.seq.in_(chunk)))
    unvoid_orphans(conn, voided_targets)
    if sha2s:
        still_used = select(statement_attachments.c.sha2).where(
            statement_attachments.c.sha2.in_(sorted(sha2s))
        )
        conn.execute(
            delete(attachments).where(
                attachments.c.sha2.in_(sorted(sha2s)), attachments.c.sha2.not_in(still_used)
            )
        )
    erased_documents = conn.execute(delete(documents).where(documents.c.agent_key == key)).rowcount
    log.info(
        "erased agent: %d statements, %d documents, %d kept as authority only",
        len(doomed),
        erased_documents,
        authority_only,
    )
    return ErasureReport(
        statements=len(doomed), documents=erased_documents, authority_only=authority_only
    )


def _document_json(row: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "kind": row.kind,
        "id": row.doc_id,
        "contentType": row.content_type,
        "updated": format_timestamp(row.updated_at),
    }
    if row.activity_id:
        entry["activityId"] = row.activity_id
    if row.registration:
        entry["registration"] = row.registration
    if row.content_type.split(";")[0].strip().lower() == "application/json":
        try:
            entry["content"] = json.loads(row.content)
            return entry
        except (UnicodeDecodeError, ValueError):
            pass
    entry["contentBase64"] = base64.b64encode(row.content).decode()
    return entry


def export_agent(conn: Connection, agent: Mapping[str, Any]) -> dict[str, Any]:
    """Every statement mentioning ``agent`` (in any role, voided ones too) and its documents.

    The result is JSON-serialisable: statements in their stored form, oldest first;
    JSON documents inline, others base64-encoded.

    :raises BadRequestError: ``agent`` has no single IFI.
    """
    key = require_agent_key(agent)
    rows = conn.execute(
        select(statements.c.statement)
        .join(statement_agents, statement_agents.c.statement_seq == statements.c.seq)
        .where(statement_agents.c.agent_key == key)
        .order_by(statements.c.seq)
    )
    docs = conn.execute(
        select(documents).where(documents.c.agent_key == key).order_by(documents.c.id)
    )
    return {
        "agent": dict(agent),
        "statements": [json.loads(r.statement) for r in rows],
        "documents": [_document_json(d) for d in docs],
    }
