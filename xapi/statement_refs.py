"""Statements about statements: voiding, and the closure of StatementRef chains for queries."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.engine import Connection

from xapi.store_sql import insert_ignore, statement_refs, statements, where_in

CHUNK = 500
VOIDERS_OF = (
    "SELECT authority_key, object_statement_ref FROM xapi_statements "
    "WHERE is_voiding = ? AND object_statement_ref IN ({in})"
)


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _closure(start: str, direct: Mapping[str, str], known: Mapping[str, set[str]]) -> set[str]:
    """Every statement id reachable from ``start`` through StatementRef objects."""
    found: set[str] = set()
    pending = [start]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.add(current)
        if current in direct:
            pending.append(direct[current])
        found |= known.get(current, set())
    return found


def save_ref_closure(conn: Connection, written: Sequence[tuple[int, dict[str, Any]]]) -> None:
    """Maintain xapi_statement_refs for new StatementRef statements, in both directions.

    A statement may arrive after statements that target it; their closure then grows
    by whatever the newcomer targets, so filters keep matching along the whole chain.
    """
    direct: dict[str, str] = {}
    seq_by_id: dict[str, int] = {}
    for seq, stored in written:
        obj = stored.get("object") or {}
        if obj.get("objectType") == "StatementRef":
            direct[stored["id"]] = str(obj.get("id", "")).lower()
            seq_by_id[stored["id"]] = seq
    if not direct:
        return
    known: dict[str, set[str]] = {}
    targets = sorted(set(direct.values()) - set(direct))
    for chunk in _chunks(targets):
        rows = conn.execute(
            select(statements.c.id, statement_refs.c.target_id)
            .join(statement_refs, statement_refs.c.statement_seq == statements.c.seq)
            .where(statements.c.id.in_(chunk))
        )
        for row in rows:
            known.setdefault(row.id, set()).add(row.target_id)
    rows_out: list[dict[str, Any]] = []
    closures: dict[str, set[str]] = {}
    for statement_id, seq in seq_by_id.items():
        closures[statement_id] = _closure(direct[statement_id], direct, known) - {statement_id}
        rows_out += [{"statement_seq": seq, "target_id": t} for t in closures[statement_id]]
    for chunk in _chunks(sorted(seq_by_id)):
        earlier = conn.execute(
            select(statement_refs.c.statement_seq, statement_refs.c.target_id).where(
                statement_refs.c.target_id.in_(chunk),
                statement_refs.c.statement_seq.not_in([seq_by_id[i] for i in chunk]),
            )
        )
        for row in earlier:
            rows_out += [
                {"statement_seq": row.statement_seq, "target_id": t}
                for t in closures[row.target_id]
            ]
    if rows_out:
        conn.execute(insert_ignore(conn, statement_refs, ["statement_seq", "target_id"]), rows_out)


def apply_voiding(
    conn: Connection, rows: Sequence[Mapping[str, Any]], *, own_only: bool = False
) -> None:
    """Mark voided the targets of new voiding statements, and new statements already voided.

    A voiding statement may arrive before its target; a voiding statement never
    becomes voided itself.

    :param own_only: a voiding statement voids only a target stored under the same
        authority (the rule of an LRS whose clients must not undo each other's records);
        otherwise any voiding statement voids its target, as the specification allows.
    """
    pairs = [(r["authority_key"], r["object_statement_ref"]) for r in rows if r["is_voiding"]]
    plain = sorted(r["id"] for r in rows if not r["is_voiding"])
    # new statements that a voiding statement stored earlier already targets
    pairs += [tuple(row) for row in where_in(conn, VOIDERS_OF, plain, True)]
    targets = sorted({target for _voider, target in pairs})
    if own_only and targets:
        owner: dict[str, str | None] = {}
        for chunk in _chunks(targets):
            rows = conn.execute(
                select(statements.c.id, statements.c.authority_key).where(
                    statements.c.id.in_(chunk)
                )
            )
            owner.update({row.id: row.authority_key for row in rows})
        targets = sorted({t for voider, t in pairs if t in owner and owner[t] == voider})
    for chunk in _chunks(targets):
        conn.execute(
            update(statements)
            .where(statements.c.id.in_(chunk), statements.c.is_voiding.is_(False))
            .values(is_voided=True)
        )


def voiding_refused(
    conn: Connection, voiding: Iterable[tuple[str, str]], authority_key: str | None
) -> list[tuple[str, str | None]]:
    """The targets of voiding statements that ``authority_key`` may not void, with their owner.

    For an LRS that voids only a statement's own authority's statements: lets the binding
    refuse such a request with a message rather than store a voiding that does nothing.

    :param voiding: ``(voiding statement id, target id)`` pairs of a request.
    """
    wanted = sorted({str(target).lower() for _id, target in voiding})
    refused: list[tuple[str, str | None]] = []
    for chunk in _chunks(wanted):
        rows = conn.execute(
            select(statements.c.id, statements.c.authority_key).where(statements.c.id.in_(chunk))
        )
        refused += [(r.id, r.authority_key) for r in rows if r.authority_key != authority_key]
    return sorted(refused)


def unvoid_orphans(conn: Connection, target_ids: Iterable[str]) -> None:
    """Clear ``is_voided`` on targets whose voiding statements are gone (after erasure)."""
    wanted = sorted(set(target_ids))
    for chunk in _chunks(wanted):
        still_voided = select(statements.c.object_statement_ref).where(
            statements.c.is_voiding.is_(True), statements.c.object_statement_ref.in_(chunk)
        )
        conn.execute(
            update(statements)
            .where(and_(statements.c.id.in_(chunk), statements.c.id.not_in(still_voided)))
            .values(is_voided=False)
        )
