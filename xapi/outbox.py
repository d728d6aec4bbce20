"""Forwarding outbox: upstream LRSs, a row per statement per upstream, claims and back-off."""

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from xapi.activities import statement_activity_index
from xapi.store_errors import BadRequestError, NotFoundError
from xapi.store_sql import fetch_all, outbox, statement_attachments, statements, upstreams

BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=6)
LEASE = timedelta(minutes=5)
ANY_ENABLED_UPSTREAM = "SELECT 1 FROM xapi_upstreams WHERE is_enabled = ? LIMIT 1"


@dataclass(frozen=True)
class Upstream:
    """An upstream LRS and what it receives."""

    id: int
    name: str
    endpoint: str
    username: str
    password: str
    version: str
    is_enabled: bool
    verbs: tuple[str, ...] = ()
    activity_prefixes: tuple[str, ...] = ()
    include_results: bool = True

    def accepts(self, statement: Mapping[str, Any]) -> bool:
        """Whether the filters let ``statement`` through.

        Empty lists mean no restriction. An activity prefix matches the object or any
        context activity, so a course prefix catches all of its lessons.
        """
        if self.verbs and (statement.get("verb") or {}).get("id") not in self.verbs:
            return False
        if self.activity_prefixes:
            ids = statement_activity_index(statement)
            if not any(i.startswith(p) for i in ids for p in self.activity_prefixes):
                return False
        return True

    def outgoing(self, statement: Mapping[str, Any]) -> dict[str, Any]:
        """The statement as this upstream receives it.

        ``stored`` is the upstream's to set; without ``include_results`` the result is
        left out, so the upstream holds a reduced copy under the same id.
        """
        result = {k: v for k, v in statement.items() if k != "stored"}
        if not self.include_results:
            result.pop("result", None)
        return result


@dataclass(frozen=True)
class OutboxItem:
    """One claimed statement for one upstream, ready to send."""

    id: int
    statement_id: str
    statement: dict[str, Any]
    attempts: int
    attachment_sha2s: tuple[str, ...] = field(default_factory=tuple)


def _upstream(row: Any) -> Upstream:
    filters = json.loads(row.filters or "{}")
    return Upstream(
        id=row.id,
        name=row.name,
        endpoint=row.endpoint,
        username=row.username,
        password=row.password,
        version=row.version,
        is_enabled=row.is_enabled,
        verbs=tuple(filters.get("verbs") or ()),
        activity_prefixes=tuple(filters.get("activity_prefixes") or ()),
        include_results=bool(filters.get("include_results", True)),
    )


def add_upstream(
    conn: Connection,
    name: str,
    endpoint: str,
    *,
    now: datetime,
    username: str = "",
    password: str = "",
    version: str = "2.0.0",
    verbs: Iterable[str] = (),
    activity_prefixes: Iterable[str] = (),
    include_results: bool = True,
    is_enabled: bool = True,
) -> Upstream:
    """Register an upstream; statements stored from now on are queued for it.

    :raises BadRequestError: when the name is taken or the endpoint is not http(s).
    """
    if not endpoint.startswith(("http://", "https://")):
        raise BadRequestError("the upstream endpoint must be an http(s) URL")
    if conn.execute(select(upstreams.c.id).where(upstreams.c.name == name)).first():
        raise BadRequestError(f"an upstream named {name!r} exists already")
    filters = {
        "verbs": list(verbs),
        "activity_prefixes": list(activity_prefixes),
        "include_results": include_results,
    }
    conn.execute(
        insert(upstreams).values(
            name=name,
            endpoint=endpoint if endpoint.endswith("/") else endpoint + "/",
            username=username,
            password=password,
            version=version,
            filters=json.dumps(filters),
            is_enabled=is_enabled,
            created_at=now,
        )
    )
    return get_upstream(conn, name)


def get_upstream(conn: Connection, name: str) -> Upstream:
    """The upstream called ``name``.

    :raises NotFoundError: when there is none.
    """
    row = conn.execute(select(upstreams).where(upstreams.c.name == name)).first()
    if row is None:
        raise NotFoundError(f"no upstream named {name!r}")
    return _upstream(row)


def list_upstreams(conn: Connection) -> list[Upstream]:
    """Every upstream, enabled or not, by name."""
    return [_upstream(r) for r in conn.execute(select(upstreams).order_by(upstreams.c.name))]


def set_upstream_enabled(conn: Connection, name: str, is_enabled: bool) -> None:
    """Start or stop queueing statements for an upstream (queued ones stay queued)."""
    get_upstream(conn, name)
    conn.execute(update(upstreams).where(upstreams.c.name == name).values(is_enabled=is_enabled))


def enqueue(
    conn: Connection, written: Sequence[tuple[int, Mapping[str, Any]]], now: datetime
) -> int:
    """Queue newly stored statements for every enabled upstream whose filters accept them.

    Runs inside the storing transaction, so a statement is queued if and only if it is
    stored. Filters apply at this moment: changing them later does not re-queue.
    """
    if not written:
        return 0
    if not fetch_all(conn, ANY_ENABLED_UPSTREAM, (True,)):
        return 0  # the usual case: one indexed probe instead of loading the upstreams
    active = [
        _upstream(r)
        for r in conn.execute(select(upstreams).where(upstreams.c.is_enabled.is_(True)))
    ]
    rows = [
        {
            "upstream_id": upstream.id,
            "statement_seq": seq,
            "statement_id": statement["id"],
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for upstream in active
        for seq, statement in written
        if upstream.accepts(statement)
    ]
    if rows:
        conn.execute(insert(outbox), rows)
    return len(rows)


def claim_batch(
    conn: Connection,
    upstream: Upstream,
    *,
    now: datetime,
    limit: int = 50,
    lease: timedelta = LEASE,
) -> list[OutboxItem]:
    """Claim up to ``limit`` due items for ``upstream`` for the length of ``lease``.

    The UPDATE re-checks the claim on each row, so two workers never get the same
    item (PostgreSQL re-evaluates the condition after waiting on a row lock; SQLite
    has one writer). An item whose worker died is claimable again once the lease ends.
    """
    token = uuid.uuid4().hex
    claimable = or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now)
    due = (
        select(outbox.c.id)
        .where(
            outbox.c.upstream_id == upstream.id,
            outbox.c.status == "pending",
            outbox.c.next_attempt_at <= now,
            claimable,
        )
        .order_by(outbox.c.id)
        .limit(limit)
    )
    conn.execute(
        update(outbox)
        .where(outbox.c.id.in_(due), outbox.c.status == "pending", claimable)
        .values(claim_token=token, claimed_until=now + lease)
    )
    rows = conn.execute(
        select(
            outbox.c.id,
            outbox.c.statement_id,
            outbox.c.attempts,
            statements.c.statement,
            statements.c.seq,
        )
        .join(statements, statements.c.seq == outbox.c.statement_seq)
        .where(outbox.c.claim_token == token)
        .order_by(outbox.c.id)
    ).all()
    seqs = [r.seq for r in rows]
    sha2s: dict[int, list[str]] = {}
    if seqs:
        for link in conn.execute(
            select(statement_attachments).where(statement_attachments.c.statement_seq.in_(seqs))
        ):
            sha2s.setdefault(link.statement_seq, []).append(link.sha2)
    return [
        OutboxItem(
            id=r.id,
            statement_id=r.statement_id,
            statement=upstream.outgoing(json.loads(r.statement)),
            attempts=r.attempts,
            attachment_sha2s=tuple(sha2s.get(r.seq, ())),
        )
        for r in rows
    ]


def mark_sent(conn: Connection, item_ids: Sequence[int], *, now: datetime) -> None:
    """Record that the upstream accepted these items."""
    if item_ids:
        conn.execute(
            update(outbox)
            .where(outbox.c.id.in_(item_ids))
            .values(
                status="sent", sent_at=now, claim_token=None, claimed_until=None, last_error=None
            )
        )


def retry_delay(
    attempts: int, base: timedelta = BASE_DELAY, cap: timedelta = MAX_DELAY
) -> timedelta:
    """Exponential back-off after the ``attempts``-th failure: 30 s, 1 min, 2 min, … 6 h."""
    return min(cap, base * (2 ** max(0, min(attempts - 1, 20))))


def mark_failed(
    conn: Connection,
    item_ids: Sequence[int],
    error: str,
    *,
    now: datetime,
    permanent: bool = False,
) -> None:
    """Record a failed attempt: retry later with back-off, or park for good.

    A permanent failure (the upstream refused the statement itself) sets status
    'failed' and keeps the row, so an operator can see it and requeue it.
    """
    if not item_ids:
        return
    attempts = dict(
        conn.execute(select(outbox.c.id, outbox.c.attempts).where(outbox.c.id.in_(item_ids))).all()
    )
    conn.execute(
        update(outbox)
        .where(outbox.c.id == bindparam("b_id"))
        .values(
            status=bindparam("b_status"),
            attempts=bindparam("b_attempts"),
            next_attempt_at=bindparam("b_next"),
            last_error=bindparam("b_error"),
            claim_token=None,
            claimed_until=None,
        ),
        [
            {
                "b_id": item_id,
                "b_status": "failed" if permanent else "pending",
                "b_attempts": count + 1,
                "b_next": now + retry_delay(count + 1),
                "b_error": error[:2000],
            }
            for item_id, count in attempts.items()
        ],
    )


def requeue_failed(conn: Connection, upstream: Upstream, *, now: datetime) -> int:
    """Put an upstream's permanently failed items back in the queue (after a fix upstream)."""
    result = conn.execute(
        update(outbox)
        .where(outbox.c.upstream_id == upstream.id, outbox.c.status == "failed")
        .values(status="pending", next_attempt_at=now, attempts=0)
    )
    return result.rowcount


def queue_counts(conn: Connection, upstream: Upstream) -> dict[str, int]:
    """Number of items per status for one upstream (for the admin page and monitoring)."""
    rows = conn.execute(
        select(outbox.c.status, func.count())
        .where(outbox.c.upstream_id == upstream.id)
        .group_by(outbox.c.status)
    )
    counts = {"pending": 0, "sent": 0, "failed": 0}
    counts.update({status: count for status, count in rows})
    return counts


def last_error(conn: Connection, upstream: Upstream) -> str | None:
    """The newest error recorded for one upstream's items, if any (for the admin page)."""
    return conn.execute(
        select(outbox.c.last_error)
        .where(outbox.c.upstream_id == upstream.id, outbox.c.last_error.is_not(None))
        .order_by(outbox.c.id.desc())
        .limit(1)
    ).scalar()


def purge_sent(conn: Connection, *, before: datetime) -> int:
    """Delete items sent before ``before``; the statements themselves stay."""
    result = conn.execute(
        delete(outbox).where(outbox.c.status == "sent", outbox.c.sent_at < before)
    )
    return result.rowcount
