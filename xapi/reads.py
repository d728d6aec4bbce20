"""Reads of the statement store for its consumers: the progress projection, exports.

They return stored statements as JSON objects, so callers never touch the library's tables
(``xapi.store_sql``); an import-linter contract keeps ``lms`` away from those.
"""

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from xapi.agents import agent_key
from xapi.store_sql import outbox, statement_agents, statements, upstreams, where_in

VOIDED_AMONG = "SELECT id FROM xapi_statements WHERE is_voided = ? AND id IN ({in})"


@dataclass(frozen=True)
class StoredStatement:
    """A stored statement with the columns a consumer filters or groups by."""

    seq: int
    stored: datetime
    registration: str | None
    actor_key: str | None
    activity_id: str | None
    statement: dict[str, Any]


def voided_ids(conn: Connection, ids: Iterable[str]) -> set[str]:
    """Those of ``ids`` that are stored and voided."""
    wanted = sorted({str(i).lower() for i in ids})
    if not wanted:
        return set()
    return {row[0] for row in where_in(conn, VOIDED_AMONG, wanted, True)}


def statements_by_id(conn: Connection, ids: Iterable[str]) -> list[dict[str, Any]]:
    """The stored statements with these ids (voided ones included), in storage order."""
    wanted = sorted({str(i).lower() for i in ids})
    if not wanted:
        return []
    rows = conn.execute(select(statements.c.statement).where(statements.c.id.in_(wanted))
                        .order_by(statements.c.seq))
    return [json.loads(text) for text in rows.scalars()]


def find_statements(
    conn: Connection,
    *,
    verb_id: str,
    registrations: Iterable[str] | None = None,
    activity_id: str | None = None,
    actor: Mapping[str, Any] | None = None,
    authority: Mapping[str, Any] | None = None,
    limit: int | None = None,
) -> list[StoredStatement]:
    """Unvoided statements with this verb, oldest first, narrowed by the other filters.

    :param registrations: any of these ``context.registration`` values.
    :param activity_id: the object is exactly this Activity.
    :param actor: the statement's actor is this agent (not merely mentioned).
    :param authority: stored under exactly this authority (e.g. the platform's own).
    """
    query = select(statements.c.seq, statements.c.stored, statements.c.registration,
                   statements.c.actor_key, statements.c.object_activity_id,
                   statements.c.statement).where(
        statements.c.verb_id == verb_id, statements.c.is_voided.is_(False))
    if registrations is not None:
        query = query.where(statements.c.registration.in_(
            sorted({r.lower() for r in registrations if r})))
    if activity_id is not None:
        query = query.where(statements.c.object_activity_id == activity_id)
    if actor is not None:
        query = query.where(statements.c.actor_key == agent_key(actor))
    if authority is not None:
        query = query.where(statements.c.authority_key == agent_key(authority))
    query = query.order_by(statements.c.seq)
    if limit is not None:
        query = query.limit(limit)
    return [StoredStatement(r.seq, r.stored, r.registration, r.actor_key,
                            r.object_activity_id, json.loads(r.statement))
            for r in conn.execute(query)]


def iter_statements_about(
    conn: Connection,
    prefixes: Sequence[str],
    *,
    actors: Sequence[Mapping[str, Any]] | None = None,
    page: int = 1000,
) -> Iterator[list[dict[str, Any]]]:
    """Pages of unvoided, non-voiding statements whose object's id starts with a prefix.

    Oldest first, for consumers that fold the store again (rebuilding the progress
    projection). With ``actors`` only statements whose actor is one of them.
    """
    if not prefixes:
        return
    about = or_(*[statements.c.object_activity_id.startswith(prefix, autoescape=True)
                  for prefix in prefixes])
    for actor in actors if actors is not None else [None]:
        key = agent_key(actor) if actor is not None else None
        last = 0
        while True:
            query = select(statements.c.seq, statements.c.statement).where(
                statements.c.seq > last, statements.c.is_voided.is_(False),
                statements.c.is_voiding.is_(False), about)
            if key is not None:
                query = query.join(statement_agents, and_(
                    statement_agents.c.statement_seq == statements.c.seq,
                    statement_agents.c.agent_key == key,
                    statement_agents.c.is_direct.is_(True),
                )).where(statements.c.actor_key == key)
            rows = conn.execute(query.order_by(statements.c.seq).limit(page)).all()
            if not rows:
                break
            last = rows[-1].seq
            yield [json.loads(row.statement) for row in rows]


def activity_times(
    conn: Connection,
    registrations: Sequence[str],
    verb_ids: Sequence[str],
    *,
    authority: Mapping[str, Any] | None = None,
) -> Iterator[tuple[str, datetime]]:
    """``(registration, timestamp)`` of unvoided statements with these verbs, in time order.

    Ordered by registration, then timestamp: what a consumer measuring time between a
    learner's events (self-study hours) folds. With ``authority`` only statements stored
    under exactly that authority.
    """
    query = select(statements.c.registration, statements.c.timestamp).where(
        statements.c.registration.in_(list(registrations)),
        statements.c.verb_id.in_(list(verb_ids)),
        statements.c.is_voided.is_(False))
    if authority is not None:
        query = query.where(statements.c.authority_key == agent_key(authority))
    rows = conn.execute(query.order_by(statements.c.registration, statements.c.timestamp))
    yield from ((row.registration, row.timestamp) for row in rows)


@dataclass(frozen=True)
class Delivery:
    """How far one statement got to one upstream LRS (from the forwarding outbox)."""

    upstream: str
    status: str
    attempts: int
    last_error: str | None


def deliveries(conn: Connection, statement_ids: Iterable[str]) -> dict[str, list[Delivery]]:
    """The outbox rows of these statements by statement id, upstreams by name.

    A statement without rows was stored while no upstream took it (none enabled, or
    its filters left it out), or its rows were purged after delivery.
    """
    wanted = sorted({i.lower() for i in statement_ids})
    found: dict[str, list[Delivery]] = {i: [] for i in wanted}
    if not wanted:
        return found
    rows = conn.execute(
        select(outbox.c.statement_id, upstreams.c.name, outbox.c.status, outbox.c.attempts,
               outbox.c.last_error)
        .join(upstreams, upstreams.c.id == outbox.c.upstream_id)
        .where(outbox.c.statement_id.in_(wanted))
        .order_by(upstreams.c.name)
    )
    for row in rows:
        found[row.statement_id].append(
            Delivery(row.name, row.status, row.attempts, row.last_error)
        )
    return found


def referring_ids(conn: Connection, statement_id: str) -> list[str]:
    """Ids of the statements whose StatementRef object is this statement (voiding ones
    included), oldest first."""
    return list(conn.execute(
        select(statements.c.id)
        .where(statements.c.object_statement_ref == statement_id.lower())
        .order_by(statements.c.seq)
    ).scalars())
