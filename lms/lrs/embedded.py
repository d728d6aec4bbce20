"""The platform's own LRS: statements the platform writes, in the transaction of the action.

A learning service calls :func:`record_statement` next to the change it makes (a lesson
opened, a quiz answered); both commit together or neither does. Forwarding to upstream
LRSs is queued in the same transaction and sent later by ``atlas lrs forward``.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app

from lms.extensions import db
from lms.jobs.metrics import STATEMENTS_STORED
from lms.lrs import credentials
from lms.plugins import hooks
from xapi.client import EmbeddedClient
from xapi.isotime import truncate_ms
from xapi.lrs import LRS
from xapi.validation import validate_statement

#: The account name of the platform's authority; client keys are hex, so they never clash.
PLATFORM_ACCOUNT = "atlas-campus"
PLATFORM_VERSION = "2.0.0"


def build_lrs(app: Flask) -> LRS:
    """The LRS service for ``app``: ``more`` tokens signed with a key derived from SECRET_KEY."""
    return LRS(
        secret=credentials.derive_key(app.config["SECRET_KEY"], credentials.MORE_TOKEN_LABEL),
        more_path="/xapi/statements",
        page_size=app.config["ATLAS_LRS_PAGE_SIZE"],
        settle=timedelta(seconds=app.config["ATLAS_LRS_SETTLE_SECONDS"]),
        # a client must not undo the platform's grading, rosters or another client's records
        void_own_only=True,
    )


def platform_lrs() -> LRS:
    """The current app's LRS service (one per app, stateless apart from its settings)."""
    return current_app.extensions["atlas_lrs"]


def platform_authority() -> dict[str, Any]:
    """The authority of statements the platform itself records."""
    return {
        "objectType": "Agent",
        "name": "ATLAS Campus",
        "account": {"homePage": current_app.config["ATLAS_BASE_URL"], "name": PLATFORM_ACCOUNT},
    }


def acting_authority(person: Mapping[str, Any]) -> dict[str, Any]:
    """The authority of a statement the platform stores on behalf of a person (a trainer).

    An anonymous Group of the platform and the person, as xAPI writes an application acting
    for a user (Data 2.4.9). No LRS client can store it: the /xapi/ binding sets every
    client statement's authority from the client's credential, whatever the body says.

    :param person: the person's agent (an account on this platform).
    """
    return {"objectType": "Group", "member": [platform_authority(), dict(person)]}


def platform_client() -> EmbeddedClient:
    """The embedded LRS as an :class:`xapi.client.StatementClient`, on the request's session."""
    return EmbeddedClient(
        platform_lrs(),
        db.session.connection,
        authority=platform_authority(),
        version=PLATFORM_VERSION,
    )


def record_statement(statement: Mapping[str, Any], now: datetime) -> str:
    """Store one statement the platform made, in the current unit of work; return its id.

    See :func:`record_statements`.
    """
    return record_statements([statement], now)[0]


def record_statements(statements: Sequence[Mapping[str, Any]], now: datetime,
                      authority: Mapping[str, Any] | None = None) -> list[str]:
    """Store statements the platform made, in the current unit of work; return their ids.

    They are validated first: a platform statement that breaks the data model is a
    programming error and must fail the action, not be stored. Storing the same statement
    (same id, same content) twice is harmless, so a retried action may resend. One call per
    action (a quiz submission's answers and result) means one store round trip and one fold
    of the progress projection. Announces the statements actually written through
    :func:`announce_stored`.

    :param authority: the platform (default), or :func:`acting_authority` for a statement
        a trainer made through the platform.

    :raises xapi.errors.StatementValidationError: a statement is invalid.
    :raises xapi.store_errors.ConflictError: an id is stored with other content.
    """
    for statement in statements:
        validate_statement(statement, PLATFORM_VERSION)
    now = truncate_ms(now)  # stored is served to the millisecond; keep the column in step
    result = platform_lrs().store(
        db.session.connection(),
        list(statements),
        authority=dict(authority) if authority is not None else platform_authority(),
        version=PLATFORM_VERSION,
        now=now,
    )
    announce_stored(result.statements, now)
    return list(result.ids)


def announce_stored(statements: Sequence[Mapping[str, Any]], now: datetime) -> None:
    """Fire ``lms_statements_stored`` for newly stored statements: the only place that does.

    Called in the storing transaction by :func:`record_statements` (the platform's own)
    and by the /xapi/ binding (any client); the progress projection listens there.
    """
    if statements:
        STATEMENTS_STORED.inc(len(statements))
        hooks().lms_statements_stored(statements=list(statements), now=now)
