"""Which authority may credit which activity: the rule the progress projection applies.

Every statement is stored and can be queried, but only some move a learner's progress:

- Statements stored by the platform itself (authority ``atlas-campus``) count: the
  platform's player, grading and rosters wrote them.
- Quiz and assessment results and session attendance count **only** from the platform.
  No grant covers them: a certificate rests on the platform's own grading and rosters.
- A client's statements count for the activities an admin granted to that client (a whole
  course, or the activities under an IRI prefix), when stored while the grant existed and
  the client was not revoked. Everything else a client sends is stored and never counted.
- A trainer's override (verb ``waived``: a lesson, module or course marked complete with
  a reason) counts when its authority is the Group of the platform and a person
  (``embedded.acting_authority``) who is a trainer of that course or an admin. Only the
  platform stores such an authority: the /xapi/ binding replaces a client's body authority
  with the client's credential, so a forged "trainer" authority is never credited.

The same rule serves the live fold and ``atlas progress rebuild``, so both agree.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from lms.accounts.models import User
from lms.catalog.models import CourseTrainer
from lms.extensions import db
from lms.lrs.embedded import PLATFORM_ACCOUNT, platform_authority
from lms.lrs.models import LrsClient, LrsCreditGrant
from xapi import vocabulary as v
from xapi.agents import agent_key
from xapi.isotime import parse_timestamp

PLATFORM = "platform"
GRANTED = "granted"
TRAINER = "trainer"
#: the one verb a trainer's authority credits: cmi5's "waived" (requirements met otherwise)
OVERRIDE_VERB = v.VERBS["waived"].id


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
    home_page: str = ""
    _overriders: dict[int, set[str]] = field(default_factory=dict)
    _admins: dict[str, bool] = field(default_factory=dict)

    def authority_of(self, statement: Mapping[str, Any]) -> str | None:
        """:data:`PLATFORM`, :data:`GRANTED` or None (stored, never counted).

        ``GRANTED`` means a client holds a grant covering the statement's object; the
        caller still refuses it for graded lessons and sessions (see :meth:`credits`).
        """
        authority = statement.get("authority")
        if not isinstance(authority, Mapping):
            return None
        if authority.get("objectType") == "Group":
            return TRAINER if self.acting_person(statement) is not None else None
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

    def acting_person(self, statement: Mapping[str, Any]) -> str | None:
        """The account name of the person the platform stored an override for, else None.

        Only a ``waived`` statement whose authority is the anonymous Group of the platform
        and one account of this platform qualifies; whether that person is a trainer of the
        course is :meth:`may_override`'s question.
        """
        if (statement.get("verb") or {}).get("id") != OVERRIDE_VERB:
            return None
        members = (statement.get("authority") or {}).get("member")
        if not isinstance(members, list) or len(members) != 2:
            return None
        keys = [agent_key(m) if isinstance(m, Mapping) else None for m in members]
        if keys[0] != self.platform_key:
            return None
        account = members[1].get("account") if isinstance(members[1], Mapping) else None
        if not isinstance(account, Mapping) or not isinstance(account.get("homePage"), str):
            return None
        try:
            if v.platform_base(account["homePage"]) != self.home_page:
                return None
        except ValueError:
            return None
        name = account.get("name")
        return name if isinstance(name, str) and name != PLATFORM_ACCOUNT else None

    def may_override(self, statement: Mapping[str, Any], course_id: int) -> bool:
        """Whether the person behind a trainer's override is a trainer of the course or an
        admin (read once per course and fold)."""
        person = self.acting_person(statement)
        if person is None:
            return False
        if course_id not in self._overriders:
            self._overriders[course_id] = set(db.session.scalars(
                select(User.pseudonym).join(CourseTrainer, CourseTrainer.user_id == User.id)
                .where(CourseTrainer.course_id == course_id)))
        if person in self._overriders[course_id]:
            return True
        if person not in self._admins:
            user = db.session.scalar(select(User).where(User.pseudonym == person))
            self._admins[person] = bool(user is not None and user.is_admin)
        return self._admins[person]

    def may_credit(self, statement: Mapping[str, Any]) -> bool:
        """Whether ``statement`` could move anyone's progress at all (the early decision).

        False for the usual statement of a client without a grant covering it: the
        projection then has nothing to load or fold for it. A trainer's override counts here
        (``TRAINER``); whether that person may override is :meth:`may_override`'s question.
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


_ANY_GRANT = f"SELECT 1 FROM {LrsCreditGrant.__tablename__} LIMIT 1"


def load_credit_rule() -> CreditRule:
    """The rule with every client's grants, read in one query."""
    rule = CreditRule(platform_key=agent_key(platform_authority()),
                      home_page=v.platform_base(current_app.config["ATLAS_BASE_URL"]))
    conn = db.session.connection()
    # Most stores meet no grant at all: a fixed one-row probe (prepared once by the driver)
    # spares building and running the join. Read in the request's transaction, never cached.
    rows = conn.execute(_GRANTS) if conn.exec_driver_sql(_ANY_GRANT).first() else ()
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
