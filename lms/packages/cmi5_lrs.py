"""The cmi5 runtime's side of the LRS: session tokens, the statement rules, and moveOn.

The LRS (``lms.lrs``) sits below this area and knows nothing of cmi5; it asks through
hooks (``lms_lrs_authenticate``, ``lms_lrs_statements_received``,
``lms_statements_stored``), which :mod:`lms.packages.plugin` answers from here.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from lms.accounts.models import User
from lms.extensions import db
from lms.learning import statements as builders
from lms.lrs.models import LrsClient
from lms.lrs.problems import RequestError
from lms.lrs.scopes import PROFILE, STATE, STATEMENTS_WRITE
from lms.lrs.services import ActiveClient, SessionBinding
from lms.packages import cmi5_vocabulary as c
from lms.packages.cmi5_launch import (
    TOKEN_PREFIX,
    session_for_token,
    settle_move_on,
    unit_state_for,
)
from lms.packages.cmi5_models import Cmi5Session
from lms.packages.cmi5_rules import Cmi5Violation, accept, lms_only_verb, session_id_of
from xapi import vocabulary as v

#: An AU reads its launch data and preferences and writes statements; it reads no
#: statements (the package's authority covers every learner of the package).
TOKEN_SCOPES = [STATEMENTS_WRITE, STATE, PROFILE]
MOVE_ON_VERBS = frozenset(v.VERBS[name].id for name in ("completed", "passed"))


def authenticate(key: str, secret: str, now: datetime) -> ActiveClient | None:
    """The package client, bound to the session, for a cmi5 token; None for anything else."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    session = session_for_token(key, secret, now)
    if session is None:
        return None
    client = db.session.get(LrsClient, session.client_id)
    if client is None or client.is_revoked:
        return None
    user = db.session.get(User, session.user_id)
    return ActiveClient(
        client.id, client.key, client.name, TOKEN_SCOPES, client.authority,
        client.last_used_at, client.xapi_version,
        binding=SessionBinding(
            actor=builders.learner(user), registration=session.registration,
            activity_id=session.activity_id, session_id=session.session_id,
            protected_state_ids=(c.LAUNCH_DATA,)),
    )


def _refuse(violation: Cmi5Violation, index: int, count: int) -> RequestError:
    where = f"statement {index}: " if count > 1 else ""
    return RequestError(403, violation.rule, f"{where}{violation.message}")


def _sessions(ids: set[str]) -> dict[str, Cmi5Session]:
    if not ids:
        return {}
    rows = db.session.scalars(select(Cmi5Session).where(
        Cmi5Session.session_id.in_(sorted(ids))).with_for_update())
    return {row.session_id: row for row in rows}


def _known_registration(statement: Mapping[str, Any]) -> bool:
    registration = (statement.get("context") or {}).get("registration")
    if not isinstance(registration, str):
        return False
    return db.session.scalar(select(Cmi5Session.id).where(
        Cmi5Session.registration == registration.lower()).limit(1)) is not None


def statements_received(client: ActiveClient, statements: Sequence[Mapping[str, Any]],
                        now: datetime) -> None:
    """Enforce the cmi5 rules before statements are stored.

    Checked: every statement of a session token (against its session), and statements of
    other clients that name a cmi5 session id or, with an LMS-only verb (satisfied,
    waived, launched, abandoned), a cmi5 registration. Everything else is plain xAPI.

    :raises RequestError: 403 with the rule's section and what was wrong.
    """
    bound = client.binding.session_id if client.binding is not None else None
    # each statement's session id read once: this runs for every statement of every batch
    session_ids = [bound or session_id_of(s) for s in statements]
    sessions = _sessions({sid for sid in session_ids if sid})
    for index, (statement, session_id) in enumerate(zip(statements, session_ids, strict=True)):
        session = sessions.get(session_id) if session_id else None
        try:
            if session is None:
                verb = lms_only_verb(statement)
                if verb and _known_registration(statement):
                    raise Cmi5Violation(
                        "cmi5-9.3/lms-verbs",
                        f"{verb} statements in a cmi5 registration are made by the LMS only.")
                continue
            accept(statement, session, unit_state_for(session), now)
        except Cmi5Violation as violation:
            raise _refuse(violation, index, len(statements)) from None


def statements_stored(statements: Sequence[Mapping[str, Any]], now: datetime) -> None:
    """After an AU's completed or passed is stored: write ``satisfied`` where moveOn holds."""
    ids = {sid for s in statements
           if (s.get("verb") or {}).get("id") in MOVE_ON_VERBS and (sid := session_id_of(s))}
    if not ids:
        return
    for session in db.session.scalars(select(Cmi5Session).where(
            Cmi5Session.session_id.in_(sorted(ids)))):
        settle_move_on(db.session.get(User, session.user_id), session, now)
