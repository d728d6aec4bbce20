"""Which authority may credit which activity: the rule the progress projection applies.

Every statement is stored and can be queried, but only some move a learner's progress:

- Statements stored by the platform itself (authority ``atlas-campus``) count: the
  platform's player, grading and rosters wrote them.
- Quiz and assessment results and session attendance count **only** from the platform.
  No grant covers them: a certificate rests on the platform's own grading and rosters.
- A client's statements count for the activities an admin granted to that client (a whole
  course, or the activities under an IRI prefix), when stored while the grant existed and
  the client was not revoked. Everything else a client sends is stored and never counted.

The same rule serves the live fold and ``atlas progress rebuild``, so both agree.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from lms.extensions import db
from lms.lrs.embedded import platform_authority
from lms.lrs.models import LrsClient, LrsCreditGrant
from xapi import vocabulary as v
from xapi.agents import agent_key
from xapi.isotime import parse_timestamp

PLATFORM = "platform"
GRANTED = "granted"


def course_prefix_of(slug: str) -> str:
    """The IRI prefix a course grant covers: every activity below the course's IRI."""
    return v.course_iri(current_app.config["ATLAS_BASE_URL"], slug) + "/"


def covers(prefix: str, iri: str) -> bool:
    """Whether a granted prefix covers ``iri``: the IRI itself, or below it at a path step.

    ``…/lesson/l1`` covers ``…/lesson/l1`` and ``…/lesson/l1/question/q``, but not
    ``…/lesson/l10``.
    """
    if iri == prefix or iri == prefix.rstrip("/"):
        return True
    if prefix.endswith(("/", "#", "?")):
        return iri.startswith(prefix)
    return iri.startswith(prefix + "/") or iri.startswith(prefix + "#")


@dataclass(frozen=True)
class _Window:
    prefix: str
    since: datetime
    until: datetime | None


@dataclass
class CreditRule:
    """The crediting rule with the grants of every client, loaded once per fold."""

    platform_key: str
    windows: dict[str, list[_Window]] = field(default_factory=dict)

    def authority_of(self, statement: Mapping[str, Any]) -> str | None:
        """:data:`PLATFORM`, :data:`GRANTED` or None (stored, never counted).

        ``GRANTED`` means a client holds a grant covering the statement's object; the
        caller still refuses it for graded lessons and sessions (see :meth:`credits`).
        """
        authority = statement.get("authority")
        if not isinstance(authority, Mapping):
            return None
        key = agent_key(authority)
        if key is None:
            return None
        if key == self.platform_key:
            return PLATFORM
        windows = self.windows.get(key)
        if not windows:
            return None
        iri = (statement.get("object") or {}).get("id")
        stored = statement.get("stored")
        if not isinstance(iri, str) or not isinstance(stored, str):
            return None
        at = parse_timestamp(stored)
        for window in windows:
            if covers(window.prefix, iri) and window.since <= at and (
                window.until is None or at < window.until
            ):
                return GRANTED
        return None

    def may_credit(self, statement: Mapping[str, Any]) -> bool:
        """Whether ``statement`` could move anyone's progress at all (the early decision).

        False for the usual statement of a client without a grant covering it: the
        projection then has nothing to load or fold for it.
        """
        return self.authority_of(statement) is not None

    def credits(self, statement: Mapping[str, Any], *, platform_only: bool) -> bool:
        """Whether ``statement`` may move progress.

        :param platform_only: the activity is graded by the platform or is a session
            (quiz and assessment results, attendance): only the platform credits it.
        """
        found = self.authority_of(statement)
        if found == PLATFORM:
            return True
        return found == GRANTED and not platform_only


#: Built once, run on the session's connection: the live fold reads it on every store.
_GRANTS = (
    select(LrsClient.authority, LrsClient.revoked_at, LrsCreditGrant.course_slug,
           LrsCreditGrant.activity_prefix, LrsCreditGrant.granted_at)
    .join(LrsCreditGrant, LrsCreditGrant.client_id == LrsClient.id)
)


def load_credit_rule() -> CreditRule:
    """The rule with every client's grants, read in one query."""
    rule = CreditRule(platform_key=agent_key(platform_authority()))
    rows = db.session.connection().execute(_GRANTS)
    for row in rows:
        key = agent_key(row.authority)
        if key is None or key == rule.platform_key:
            continue
        prefix = course_prefix_of(row.course_slug) if row.course_slug else row.activity_prefix
        rule.windows.setdefault(key, []).append(_Window(prefix, row.granted_at, row.revoked_at))
    return rule


def is_platform_statement(statement: Mapping[str, Any]) -> bool:
    """Whether the platform itself stored ``statement`` (its authority is the platform)."""
    authority = statement.get("authority")
    return isinstance(authority, Mapping) and agent_key(authority) == agent_key(
        platform_authority()
    )
