"""The statement browser's rules: who sees which statements, and how actors are shown.

Admins see every statement and the learner behind a pseudonym. Trainers see only the
statements about their courses' activities (the course IRI and everything below it) and
learners by pseudonym only (see docs/privacy.md). Everyone else sees nothing.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import User
from lms.catalog.trainers import trainer_courses
from lms.errors import PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from xapi.activities import activity_ids
from xapi.query import StatementQuery, parse_statement_params
from xapi.store_errors import BadRequestError
from xapi.vocabulary import course_iri, learner_actor

PAGE_SIZE = 25
FILTERS = ("actor", "verb", "activity", "registration", "since", "until")


@dataclass(frozen=True)
class BrowserScope:
    """What one user may browse: everything (``prefixes`` None) or under these IRIs."""

    prefixes: tuple[str, ...] | None
    shows_names: bool

    def covers(self, iri: str) -> bool:
        if self.prefixes is None:
            return True
        return any(iri == p or iri.startswith(p.rstrip("/") + "/") for p in self.prefixes)

    def allows(self, statement: Mapping[str, Any]) -> bool:
        """Whether the statement is about an activity in scope (object, context, SubStatement)."""
        return self.prefixes is None or any(self.covers(i) for i in activity_ids(statement))


def browser_scope(user, base_url: str) -> BrowserScope:
    """The user's view of the LRS.

    :raises PermissionDeniedError: neither admin nor trainer.
    """
    if user.is_admin:
        return BrowserScope(prefixes=None, shows_names=True)
    if user.is_trainer:
        courses = trainer_courses(user)
        return BrowserScope(tuple(course_iri(base_url, c.slug) for c in courses), False)
    raise PermissionDeniedError(_("Nur Administratoren und Trainer sehen xAPI-Statements."))


def build_query(scope: BrowserScope, filters: Mapping[str, str], base_url: str) -> StatementQuery:
    """A statement query from the browser's form, narrowed to the scope.

    A trainer's query always has an activity: the one asked for if it lies in one of
    their courses, else their first course, with related activities so that lessons and
    questions below the course are found.

    :raises ValidationFailedError: a filter is malformed or outside the scope.
    """
    params: dict[str, str] = {"limit": str(PAGE_SIZE)}
    actor = (filters.get("actor") or "").strip()
    if actor:
        try:
            params["agent"] = json.dumps(learner_actor(base_url, actor))
        except ValueError:
            raise ValidationFailedError(
                _("Lernende werden über ihr Pseudonym gesucht, nicht über eine E-Mail-Adresse."),
                field="actor",
            ) from None
    for name in ("verb", "activity", "registration", "since", "until"):
        value = (filters.get(name) or "").strip()
        if value:
            params[name] = value
    if scope.prefixes is not None:
        if not scope.prefixes:
            raise PermissionDeniedError(_("Sie sind für keinen Kurs als Trainer eingetragen."))
        activity = params.get("activity") or scope.prefixes[0]
        if not scope.covers(activity):
            raise ValidationFailedError(
                _("Sie sehen nur Statements zu Aktivitäten Ihrer Kurse."), field="activity"
            )
        params["activity"] = activity
    if "activity" in params:
        params["related_activities"] = "true"
    try:
        query = parse_statement_params(params)
    except BadRequestError as error:
        raise ValidationFailedError(
            _("Ungültiger Filter: %(message)s", message=error.message)
        ) from None
    assert isinstance(query, StatementQuery)
    return query


def check_more_query(scope: BrowserScope, query: StatementQuery) -> None:
    """Refuse a ``more`` link whose query leaves the user's scope (e.g. an admin's link).

    :raises PermissionDeniedError: the query is not limited to the user's courses.
    """
    if scope.prefixes is not None and not (query.activity and scope.covers(query.activity)):
        raise PermissionDeniedError(_("Sie sehen nur Statements zu Aktivitäten Ihrer Kurse."))


def actor_label(actor: Mapping[str, Any] | None, scope: BrowserScope, base_url: str,
                names: Mapping[str, str]) -> str:
    """How the browser shows an actor: the learner's name for admins, else the pseudonym."""
    if not isinstance(actor, Mapping):
        return "–"
    account = actor.get("account") or {}
    if account.get("homePage") == base_url and account.get("name"):
        pseudonym = account["name"]
        if scope.shows_names and pseudonym in names:
            return f"{names[pseudonym]} ({pseudonym})"
        return pseudonym
    if scope.shows_names:
        for key in ("name", "mbox", "openid"):
            if actor.get(key):
                return str(actor[key])
        if account.get("name"):
            return f"{account['name']} @ {account.get('homePage', '')}"
    return _("(externer Akteur)")


def learner_names(statements: Sequence[Mapping[str, Any]], scope: BrowserScope,
                  base_url: str) -> dict[str, str]:
    """Names of the platform's learners among these actors, for the roles that see them."""
    if not scope.shows_names:
        return {}
    pseudonyms = {
        s["actor"]["account"]["name"] for s in statements
        if isinstance(s.get("actor"), Mapping)
        and (s["actor"].get("account") or {}).get("homePage") == base_url
    }
    if not pseudonyms:
        return {}
    rows = db.session.execute(
        select(User.pseudonym, User.name).where(User.pseudonym.in_(sorted(pseudonyms)))
    )
    return {row.pseudonym: row.name for row in rows}
