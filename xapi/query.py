"""GET statements: parameters → a query object → SQL, and the signed ``more`` token for paging."""

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, exists, select, union, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from xapi import jsontext
from xapi.agents import require_agent_key
from xapi.isotime import format_timestamp, parse_timestamp
from xapi.store_errors import BadRequestError
from xapi.store_sql import (
    insert_ignore,
    more_queries,
    statement_activities,
    statement_agents,
    statement_refs,
    statements,
)

FILTER_PARAMS = (
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "ascending",
)
SHARED_PARAMS = ("format", "attachments")
SINGLE_PARAMS = ("statementId", "voidedStatementId")

# Aliases are built once: constructing them copies every column, which costs more than
# compiling the (cached) query itself.
_S = statements.alias("s")
_SRC = statements.alias("src")
_TARGET = statements.alias("t")
_REFS = statement_refs.alias("r")
_AGENT_DRIVER = statement_agents.alias("d")
_ACTIVITY_DRIVER = statement_activities.alias("d")
_AGENT_FILTER = statement_agents.alias("fa")
_ACTIVITY_FILTER = statement_activities.alias("fx")
FORMATS = ("exact", "ids", "canonical")
# How much later than its ``stored`` time a request may insert a statement (see
# stored_seq_range); a storing transaction that takes longer may be missed by since/until.
STORED_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class SingleStatementQuery:
    """GET statements with statementId or voidedStatementId."""

    statement_id: str | None = None
    voided_statement_id: str | None = None
    format: str = "exact"
    attachments: bool = False


@dataclass(frozen=True)
class StatementQuery:
    """GET statements with filters; ``agent`` is the parsed JSON object."""

    agent: dict[str, Any] | None = None
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 0
    format: str = "exact"
    attachments: bool = False
    ascending: bool = False

    def to_params(self) -> dict[str, str]:
        """The query as request parameters (the inverse of :func:`parse_statement_params`)."""
        params: dict[str, str] = {}
        for name, value in asdict(self).items():
            if value is None or value is False or (name == "limit" and value == 0):
                continue
            if name == "format" and value == "exact":
                continue
            if isinstance(value, bool):
                params[name] = "true"
            elif isinstance(value, datetime):
                params[name] = format_timestamp(value)
            elif isinstance(value, dict):
                params[name] = json.dumps(value, sort_keys=True, separators=(",", ":"))
            else:
                params[name] = str(value)
        return params


def _boolean(params: Mapping[str, str], name: str) -> bool:
    value = params.get(name)
    if value is None:
        return False
    if value not in ("true", "false"):
        raise BadRequestError(f"{name} must be true or false")
    return value == "true"


def normalize_uuid(value: str, name: str) -> str:
    """``value`` as a lower-case UUID string.

    :raises BadRequestError: when it is not a UUID in the standard string form.
    """
    text = value.strip().lower()
    parts = text.split("-")
    if [len(p) for p in parts] != [8, 4, 4, 4, 12] or any(
        c not in "0123456789abcdef" for c in text.replace("-", "")
    ):
        raise BadRequestError(f"{name} must be a UUID")
    return text


def parse_statement_params(params: Mapping[str, str]) -> StatementQuery | SingleStatementQuery:
    """Check GET statements parameters and build the query.

    :raises BadRequestError: for an unknown parameter (also a known one in the wrong
        case), both statementId and voidedStatementId, either of them with a filter,
        or a value of the wrong form.
    """
    known = (*FILTER_PARAMS, *SHARED_PARAMS, *SINGLE_PARAMS)
    for name in params:
        if name not in known:
            raise BadRequestError(f"unknown parameter {name!r}")
    fmt = params.get("format", "exact")
    if fmt not in FORMATS:
        raise BadRequestError("format must be ids, exact or canonical")
    attachments = _boolean(params, "attachments")
    single = [p for p in SINGLE_PARAMS if p in params]
    if single:
        if len(single) == 2:
            raise BadRequestError("statementId and voidedStatementId cannot be used together")
        others = [p for p in params if p not in (*SINGLE_PARAMS, *SHARED_PARAMS)]
        if others:
            raise BadRequestError(f"{single[0]} cannot be combined with {', '.join(others)}")
        value = normalize_uuid(params[single[0]], single[0])
        if single[0] == "statementId":
            return SingleStatementQuery(statement_id=value, format=fmt, attachments=attachments)
        return SingleStatementQuery(voided_statement_id=value, format=fmt, attachments=attachments)
    agent = None
    if "agent" in params:
        try:
            agent = jsontext.loads(params["agent"], what="the agent parameter")
        except jsontext.JsonTextError as exc:
            if exc.rule == jsontext.SYNTAX_RULE:
                raise BadRequestError("agent must be JSON") from None
            raise BadRequestError(exc.message) from None
        require_agent_key(agent)
    try:
        limit = int(params.get("limit", "0"))
    except ValueError as exc:
        raise BadRequestError("limit must be a non-negative integer") from exc
    if limit < 0:
        raise BadRequestError("limit must be a non-negative integer")
    return StatementQuery(
        agent=agent,
        verb=params.get("verb"),
        activity=params.get("activity"),
        registration=normalize_uuid(params["registration"], "registration")
        if "registration" in params
        else None,
        related_activities=_boolean(params, "related_activities"),
        related_agents=_boolean(params, "related_agents"),
        since=parse_timestamp(params["since"], name="since") if "since" in params else None,
        until=parse_timestamp(params["until"], name="until") if "until" in params else None,
        limit=limit,
        format=fmt,
        attachments=attachments,
        ascending=_boolean(params, "ascending"),
    )


def _has_filters(query: StatementQuery) -> bool:
    return any(x is not None for x in (query.agent, query.verb, query.activity, query.registration))


def _lanes(related: bool) -> list[bool]:
    """Index lanes to search: direct rows only, or both (``related_agents``/``_activities``)."""
    return [True, False] if related else [True]


def _matches(target, query: StatementQuery, *, skip_agent=False, skip_activity=False) -> list:
    """Conditions for ``target`` (a statements alias) to meet the non-time filters."""
    conditions: list[ColumnElement[bool]] = []
    if query.verb is not None:
        conditions.append(target.c.verb_id == query.verb)
    if query.registration is not None:
        conditions.append(target.c.registration == query.registration)
    if query.agent is not None and not skip_agent:
        a = _AGENT_FILTER
        conditions.append(
            exists().where(
                a.c.agent_key == require_agent_key(query.agent),
                a.c.is_direct.in_(_lanes(query.related_agents)),
                a.c.statement_seq == target.c.seq,
            )
        )
    if query.activity is not None and not skip_activity:
        x = _ACTIVITY_FILTER
        conditions.append(
            exists().where(
                x.c.activity_id == query.activity,
                x.c.is_direct.in_(_lanes(query.related_activities)),
                x.c.statement_seq == target.c.seq,
            )
        )
    return conditions


@dataclass(frozen=True)
class SeqRange:
    """The seqs a page may come from: above ``floor`` (if any), at most ``bound``, past
    ``cursor`` in the page direction."""

    bound: int
    floor: int | None = None
    cursor: int | None = None


def _window(seq_col, source, query: StatementQuery, seqs: SeqRange) -> tuple[list, list]:
    """Conditions on the returned statement (not voided, stored in the time window) and on
    its seq (the range, which lets an index scan start and stop near the window)."""
    on_statement = [source.c.is_voided.is_(False)]
    if query.since is not None:
        on_statement.append(source.c.stored > query.since)
    if query.until is not None:
        on_statement.append(source.c.stored <= query.until)
    on_seq = [seq_col <= seqs.bound]
    if seqs.floor is not None:
        on_seq.append(seq_col > seqs.floor)
    if seqs.cursor is not None:
        on_seq.append(seq_col > seqs.cursor if query.ascending else seq_col < seqs.cursor)
    return on_statement, on_seq


def _direct_matches(query: StatementQuery, seqs: SeqRange, limit: int) -> list[Select]:
    """Statements that meet the filters themselves, as one SELECT per index lane.

    The scan is driven by the agent or activity index when one is filtered on: each lane
    yields rows in seq order, so the LIMIT stops the scan early on any backend.
    """
    s = _S
    if query.agent is not None:
        driver, key = _AGENT_DRIVER, _AGENT_DRIVER.c.agent_key == require_agent_key(query.agent)
        lanes, skip = _lanes(query.related_agents), {"skip_agent": True}
    elif query.activity is not None:
        driver, key = _ACTIVITY_DRIVER, _ACTIVITY_DRIVER.c.activity_id == query.activity
        lanes, skip = _lanes(query.related_activities), {"skip_activity": True}
    else:
        on_statement, on_seq = _window(s.c.seq, s, query, seqs)
        order = s.c.seq.asc() if query.ascending else s.c.seq.desc()
        return [
            select(s.c.seq.label("seq"))
            .where(*_matches(s, query), *on_statement, *on_seq)
            .order_by(order)
            .limit(limit)
        ]
    seq_col = driver.c.statement_seq
    on_statement, on_seq = _window(seq_col, s, query, seqs)
    order = seq_col.asc() if query.ascending else seq_col.desc()
    return [
        select(seq_col.label("seq"))
        .select_from(driver.join(s, s.c.seq == seq_col))
        .where(
            key, driver.c.is_direct.is_(lane), *on_seq, *_matches(s, query, **skip), *on_statement
        )
        .order_by(order)
        .limit(limit)
        for lane in lanes
    ]


def _ref_matches(query: StatementQuery, seqs: SeqRange, limit: int) -> Select:
    """Statements whose StatementRef chain reaches a statement that meets the filters.

    The target may itself be voided; the time window applies to the referring statement.
    The refs table is the only FROM: the scan follows it (StatementRef statements are few)
    whatever the planner's statistics say, and stops at the LIMIT.
    """
    r, target, s = _REFS, _TARGET, _SRC
    seq_col = r.c.statement_seq
    order = seq_col.asc() if query.ascending else seq_col.desc()
    target_matches = exists().where(target.c.id == r.c.target_id, *_matches(target, query))
    on_statement, on_seq = _window(seq_col, s, query, seqs)
    referrer_visible = exists().where(s.c.seq == seq_col, *on_statement)
    return (
        select(seq_col.label("seq"))
        .where(*on_seq, target_matches, referrer_visible)
        .group_by(seq_col)
        .order_by(order)
        .limit(limit)
    )


def page_select(query: StatementQuery, seqs: SeqRange, *, limit: int) -> Select:
    """SELECT seq, statement, stored of one page (``limit`` rows at most)."""
    candidates = _direct_matches(query, seqs, limit)
    if _has_filters(query):
        candidates.append(_ref_matches(query, seqs, limit))
    if len(candidates) == 1:
        matched = candidates[0].subquery("matched")
    else:
        parts = [c.subquery(f"part{i}") for i, c in enumerate(candidates)]
        matched = union(*(select(p.c.seq) for p in parts)).subquery("matched")
    order = statements.c.seq.asc() if query.ascending else statements.c.seq.desc()
    return (
        select(statements.c.seq, statements.c.statement, statements.c.stored)
        .where(statements.c.seq.in_(select(matched.c.seq)))
        .order_by(order)
        .limit(limit)
    )


def stored_seq_range(
    conn: Connection, query: StatementQuery, bound: int, *, skew: timedelta = STORED_SKEW
) -> SeqRange:
    """The seq range that holds every statement stored within ``since``/``until``.

    Pages are scanned in seq order, so a time window far from now would otherwise mean
    scanning every statement stored after it. Seq order follows stored order except
    for requests that took their ``stored`` time before another's but inserted after
    it; ``skew`` is how long such a request may take (two indexed lookups).
    """
    floor = None
    if query.since is not None:
        floor = conn.execute(
            select(statements.c.seq)
            .where(statements.c.stored <= query.since - skew)
            .order_by(statements.c.stored.desc())
            .limit(1)
        ).scalar()
    if query.until is not None:
        ceiling = conn.execute(
            select(statements.c.seq)
            .where(statements.c.stored > query.until + skew)
            .order_by(statements.c.stored)
            .limit(1)
        ).scalar()
        if ceiling is not None:
            bound = min(bound, ceiling - 1)
    return SeqRange(bound=bound, floor=floor)


def _sign(payload: bytes, secret: bytes) -> str:
    return hmac.new(secret, payload, hashlib.sha256).hexdigest()[:32]


#: How long a ``more`` link works: the spec asks for at least 24 hours (Data 2.4.4.s1 of
#: StatementResult: "usable for at least 24 hours").
MORE_LIFETIME = timedelta(hours=24)
#: Query parameters up to this many bytes of JSON travel in the token itself; longer
#: ones (an agent with a long account name, long IRIs) are kept in ``xapi_more_queries``
#: and the token carries their digest, so a link stays under about 400 characters.
INLINE_PARAMS_LIMIT = 200
#: A stored query's ``used_at`` is refreshed at most this often (most GETs write nothing).
_REFRESH = timedelta(hours=1)


def encode_more(
    query: StatementQuery,
    *,
    cursor: int,
    bound: int,
    secret: bytes,
    conn: Connection,
    now: datetime,
    lifetime: timedelta = MORE_LIFETIME,
) -> str:
    """An opaque token for the next page: the query, the last seq served, the upper bound
    and the expiry.

    The bound is the highest seq when the first page was served; later pages never
    include statements stored after it, so paging is stable while new ones arrive.
    It is signed so a client cannot edit filters the binding may have imposed. Long
    queries are stored (``xapi_more_queries``, keyed by their digest) in the caller's
    transaction, so the caller must commit.
    """
    params = json.dumps(query.to_params(), sort_keys=True, separators=(",", ":"))
    body: dict[str, Any] = {"c": cursor, "b": bound, "x": int((now + lifetime).timestamp())}
    if len(params.encode()) <= INLINE_PARAMS_LIMIT:
        body["p"] = json.loads(params)
    else:
        body["q"] = _store_params(conn, params, now, lifetime)
    payload = json.dumps(body, separators=(",", ":")).encode()
    encoded = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{encoded}.{_sign(payload, secret)}"


def _store_params(conn: Connection, params: str, now: datetime, lifetime: timedelta) -> str:
    digest = hashlib.sha256(params.encode()).hexdigest()[:32]
    used_at = conn.execute(
        select(more_queries.c.used_at).where(more_queries.c.digest == digest)
    ).scalar()
    if used_at is None:
        conn.execute(
            delete(more_queries).where(more_queries.c.used_at < now - lifetime - _REFRESH)
        )
        conn.execute(
            insert_ignore(conn, more_queries, ["digest"]).values(
                digest=digest, params=params, used_at=now
            )
        )
    elif now - used_at > _REFRESH:
        conn.execute(
            update(more_queries).where(more_queries.c.digest == digest).values(used_at=now)
        )
    return digest


def decode_more(
    token: str, *, secret: bytes, conn: Connection, now: datetime
) -> tuple[StatementQuery, int, int]:
    """The query, cursor and bound in a ``more`` token.

    :raises BadRequestError: when the token is malformed, was not made with ``secret``,
        or has expired.
    """
    body, _, signature = token.partition(".")
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as exc:
        raise BadRequestError("invalid more token") from exc
    if not hmac.compare_digest(_sign(payload, secret), signature):
        raise BadRequestError("invalid more token")
    data = json.loads(payload)
    if "x" not in data or now.timestamp() > data["x"]:
        raise BadRequestError(
            f"the more link has expired (links work for {MORE_LIFETIME.total_seconds() / 3600:g} "
            "hours); run the query again"
        )
    if "q" in data:
        stored = conn.execute(
            select(more_queries.c.params).where(more_queries.c.digest == data["q"])
        ).scalar()
        if stored is None:
            raise BadRequestError("the more link has expired; run the query again")
        params = json.loads(stored)
    else:
        params = data["p"]
    query = parse_statement_params(params)
    assert isinstance(query, StatementQuery)
    return query, int(data["c"]), int(data["b"])
