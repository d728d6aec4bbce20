"""The xAPI ``completed`` statements behind the exported completions, as a JSON array.

Only course completion facts leave the platform this way: each statement comes from the
platform's own LRS under the enrolment's registration, and any ``result.score`` or
``result.response`` is dropped (scores are not part of company exports).
"""

import json
from collections.abc import Iterable, Iterator

from flask import current_app
from sqlalchemy import select

from lms.accounts.models import User
from lms.companies.exports.rows import CompletionRow
from lms.extensions import db
from lms.lrs.embedded import platform_authority
from xapi import reads
from xapi import vocabulary as v
from xapi.agents import agent_key

BATCH = 500
COMPLETED = v.verb("completed")["id"]


def completion_fact(statement: dict) -> dict:
    """The statement without scores or responses: a completion fact, nothing more."""
    result = statement.get("result")
    if isinstance(result, dict):
        result = {key: value for key, value in result.items() if key not in ("score", "response")}
        if result:
            statement["result"] = result
        else:
            statement.pop("result")
    return statement


def _statements_for(batch: list[CompletionRow]) -> list[dict]:
    base = current_app.config["ATLAS_BASE_URL"]
    pseudonyms = dict(db.session.execute(
        select(User.id, User.pseudonym).where(User.id.in_({row.person_id for row in batch}))
    ).all())
    expected = {
        row.registration: (
            agent_key(v.learner_actor(base, pseudonyms[row.person_id])),
            v.course_iri(base, row.course_slug),
        )
        for row in batch
    }
    statements = []
    for found in reads.find_statements(
        db.session.connection(), verb_id=COMPLETED, registrations=list(expected),
        authority=platform_authority(),  # the platform's own completions, never a client's
    ):
        if expected.get(found.registration) == (found.actor_key, found.activity_id):
            statements.append(completion_fact(found.statement))
    return statements


def xapi_chunks(rows: Iterable[CompletionRow]) -> Iterator[bytes]:
    """Yield a JSON array of the completed statements of the completed ``rows``."""
    yield b"["
    first = True
    batch: list[CompletionRow] = []

    def flush() -> Iterator[bytes]:
        nonlocal first
        for statement in _statements_for(batch):
            text = json.dumps(statement, ensure_ascii=False, separators=(",", ":"))
            yield (text if first else ",\n" + text).encode("utf-8")
            first = False

    for row in rows:
        if row.status != "completed":
            continue
        batch.append(row)
        if len(batch) >= BATCH:
            yield from flush()
            batch = []
    if batch:
        yield from flush()
    yield b"]\n"
