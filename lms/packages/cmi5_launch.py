"""Launching a cmi5 AU (cmi5 8.0, 10.0, 11.0): the session, the LMS's statements and
documents, the launch URL, and the one-time fetch of the AU's token.

Before the AU opens, the LMS writes (all in the launch's transaction, with the package's
LRS authority): ``abandoned`` for a session of the learner's registration still open, the
``satisfied`` statements moveOn "NotApplicable" earns at the first launch, ``launched``
with the launch's context, the ``LMS.LaunchData`` State document and, when there is none,
the learner's ``cmi5LearnerPreferences`` agent profile.
"""

import base64
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from lms.errors import NotFoundError, ValidationFailedError
from lms.extensions import db
from lms.learning import statements as builders
from lms.lrs import credentials
from lms.lrs.embedded import PLATFORM_VERSION, record_statements
from lms.lrs.models import LrsClient
from lms.lrs.services import client_pepper
from lms.packages import cmi5_vocabulary as c
from lms.packages.cmi5_models import Cmi5Session, Cmi5UnitState
from lms.packages.cmi5_rules import move_on_met
from xapi import documents
from xapi.store_errors import NotFoundError as DocumentMissing

#: how long a token outlives its launch at most, and a terminated session's grace period
TOKEN_LIFETIME = timedelta(hours=12)
TOKEN_PREFIX = "cmi5-"


@dataclass(frozen=True)
class Unit:
    """One AU of a lesson as the LMS launches it."""

    activity_id: str  # LMS-generated (see cmi5_vocabulary.unit_iri)
    publisher_id: str  # the AU's id in cmi5.xml
    title: str
    url: str  # absolute URL of the AU, without launch parameters
    launch_method: str
    move_on: str
    mastery_score: float | None
    launch_parameters: str
    entitlement_key: str | None = None
    #: LMS-generated ids of the blocks the AU sits in, outermost first
    blocks: tuple[str, ...] = ()


@dataclass(frozen=True)
class LessonUnits:
    """The AUs a lesson plays; the lesson is the cmi5 "course" they belong to."""

    course_slug: str
    lesson_id: str
    lesson_iri: str
    title: str
    units: tuple[Unit, ...]

    def unit(self, publisher_id: str) -> Unit:
        """:raises NotFoundError: the lesson has no such AU."""
        for unit in self.units:
            if unit.publisher_id == publisher_id:
                return unit
        raise NotFoundError(_("Diese Lerneinheit gehört nicht zur Lektion."))


@dataclass(frozen=True)
class Launch:
    """What the browser needs: the AU's URL with the launch parameters, and how to open it."""

    session: Cmi5Session
    url: str
    launch_method: str


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _seconds(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds()


def _unit_state(registration: str, activity_id: str, user_id: int, course_id: int,
                lesson_id: str) -> Cmi5UnitState:
    state = db.session.scalar(select(Cmi5UnitState).where(
        Cmi5UnitState.registration == registration,
        Cmi5UnitState.activity_id == activity_id))
    if state is None:
        state = Cmi5UnitState(registration=registration, activity_id=activity_id,
                              user_id=user_id, course_id=course_id, lesson_id=lesson_id)
        db.session.add(state)
        db.session.flush()
    return state


def unit_state_for(session: Cmi5Session) -> Cmi5UnitState:
    """The AU's state row in the session's registration (created on first use)."""
    return _unit_state(session.registration, session.activity_id, session.user_id,
                       session.course_id, session.lesson_id)


def satisfied_units(registration: str, activity_ids: list[str]) -> set[str]:
    """Which of ``activity_ids`` are satisfied in ``registration`` (for the launch panel)."""
    return set(db.session.scalars(select(Cmi5UnitState.activity_id).where(
        Cmi5UnitState.registration == registration,
        Cmi5UnitState.activity_id.in_(activity_ids),
        Cmi5UnitState.satisfied_at.is_not(None))))


def abandon_open_sessions(user, registration: str, now: datetime) -> list[Cmi5Session]:
    """Close the learner's sessions of this registration that never terminated (cmi5 9.3.6).

    Each gets one ``abandoned`` statement with the session's duration (launch to its last
    statement); from then on the LRS refuses statements for it.
    """
    open_sessions = list(db.session.scalars(select(Cmi5Session).where(
        Cmi5Session.user_id == user.id, Cmi5Session.registration == registration,
        Cmi5Session.terminated_at.is_(None), Cmi5Session.abandoned_at.is_(None))))
    for session in open_sessions:
        last = session.last_statement_at or session.launched_at
        template = c.context_template(session.registration, session.session_id,
                                      session.publisher_id)
        statement = c.lms_statement(
            builders.learner(user), "abandoned", c.activity(session.activity_id, ""),
            template, now,
            result={"duration": c.iso_duration(_seconds(session.launched_at, last))})
        statement["object"].pop("definition")
        client = db.session.get(LrsClient, session.client_id)
        record_statements([statement], now, authority=client.authority)
        session.abandoned_at = now
    return open_sessions


def write_satisfied(user, session: Cmi5Session, activity_id: str, title: str, kind: str | None,
                    now: datetime, *, session_id: str | None = None) -> None:
    """Record ``satisfied`` for an AU, a block or the lesson's cmi5 course, once per
    registration."""
    state = _unit_state(session.registration, activity_id, session.user_id,
                        session.course_id, session.lesson_id)
    if state.satisfied_at is not None:
        return
    state.satisfied_at = now
    template = c.context_template(session.registration, session_id or session.session_id,
                                  session.publisher_id)
    statement = c.lms_statement(builders.learner(user), "satisfied",
                                c.activity(activity_id, title, kind), template, now)
    client = db.session.get(LrsClient, session.client_id)
    record_statements([statement], now, authority=client.authority)


def _blocks_innermost_first(units: list[dict]) -> list[str]:
    """Every block the units sit in, deeper blocks before their parents (document order
    among equals): a block's satisfied follows those of the blocks it holds."""
    depth: dict[str, int] = {}
    for unit in units:
        for level, block in enumerate(unit.get("blocks") or ()):
            depth.setdefault(block, level)
    order = list(depth)
    return sorted(order, key=lambda block: (-depth[block], order.index(block)))


def settle_move_on(user, session: Cmi5Session, now: datetime, *,
                   session_id: str | None = None) -> None:
    """Write ``satisfied`` for every AU of the lesson whose moveOn holds, then for each
    block all of whose AUs (nested blocks' included) are satisfied, then for the lesson's
    cmi5 course when all its AUs are (cmi5 9.3.9)."""
    met: dict[str, bool] = {}
    for unit in session.units:
        state = _unit_state(session.registration, unit["activity_id"], session.user_id,
                            session.course_id, session.lesson_id)
        if state.satisfied_at is None and move_on_met(unit["move_on"], state):
            write_satisfied(user, session, unit["activity_id"], unit.get("title", ""), None,
                            now, session_id=session_id)
        met[unit["activity_id"]] = state.satisfied_at is not None
    for block in _blocks_innermost_first(session.units):
        if all(met[u["activity_id"]] for u in session.units if block in (u.get("blocks") or ())):
            write_satisfied(user, session, block, "", c.TYPE_BLOCK, now, session_id=session_id)
    if all(met.values()) and session.course_activity_id not in met:
        write_satisfied(user, session, session.course_activity_id, "", c.TYPE_COURSE, now,
                        session_id=session_id)


def launch_url(unit: Unit, *, endpoint: str, fetch: str, actor: dict, registration: str) -> str:
    """The AU's URL with the five cmi5 launch parameters (cmi5 8.1), URL-encoded."""
    query = urlencode({
        "endpoint": endpoint, "fetch": fetch,
        "actor": json.dumps(actor, separators=(",", ":")),
        "registration": registration, "activityId": unit.activity_id,
    })
    return f"{unit.url}{'&' if '?' in unit.url else '?'}{query}"


def _launch_data(unit: Unit, template: dict, mode: str, return_url: str) -> dict:
    data = {
        "contextTemplate": template,
        "launchMode": mode,
        "launchMethod": unit.launch_method,
        "moveOn": unit.move_on,
        "returnURL": return_url,
    }
    if unit.mastery_score is not None:
        data["masteryScore"] = unit.mastery_score
    if unit.launch_parameters:
        data["launchParameters"] = unit.launch_parameters
    if unit.entitlement_key:
        data["entitlementKey"] = {"courseStructure": unit.entitlement_key}
    return data


def _put_document(key, content: dict, now: datetime, *, replace: bool) -> None:
    """Write a JSON document; an existing one is replaced (launch data) or kept (the
    learner's preferences, which the AU may have changed)."""
    conn = db.session.connection()
    try:
        etag = documents.get_document(conn, key).etag
    except DocumentMissing:
        etag = None
    if etag is not None and not replace:
        return
    documents.put_document(conn, key, json.dumps(content).encode(), "application/json",
                           now=now, if_match=etag, if_none_match=None if etag else "*",
                           version=PLATFORM_VERSION)


def launch(user, enrolment, lesson: LessonUnits, unit: Unit, client: LrsClient, *,
           endpoint: str, fetch_url, return_url: str, language: str,
           now: datetime) -> Launch:
    """Open a session for ``unit`` and write what cmi5 wants before the AU runs.

    :param fetch_url: a function from the one-time fetch code to the absolute fetch URL.
    :param endpoint: the absolute URL of the LRS (``…/xapi/``).
    :raises ValidationFailedError: the package's LRS credential is revoked.
    """
    if client.is_revoked:
        raise ValidationFailedError(
            _("Die Zugangsdaten dieses Pakets sind gesperrt; wenden Sie sich an die "
              "Administration."))
    registration = enrolment.registration
    actor = builders.learner(user)
    abandon_open_sessions(user, registration, now)
    first = db.session.scalar(select(Cmi5Session.id).where(
        Cmi5Session.registration == registration,
        Cmi5Session.course_activity_id == lesson.lesson_iri).limit(1)) is None
    state = _unit_state(registration, unit.activity_id, user.id, enrolment.course_id,
                        lesson.lesson_id)
    mode = c.REVIEW if state.satisfied_at is not None else c.NORMAL
    fetch_code = secrets.token_urlsafe(24)
    session = Cmi5Session(
        session_id=str(uuid.uuid4()), user_id=user.id, course_id=enrolment.course_id,
        lesson_id=lesson.lesson_id, registration=registration, activity_id=unit.activity_id,
        publisher_id=unit.publisher_id, course_activity_id=lesson.lesson_iri,
        units=[{"activity_id": u.activity_id, "move_on": u.move_on, "title": u.title,
                "blocks": list(u.blocks)} for u in lesson.units],
        client_id=client.id, launch_mode=mode, launch_method=unit.launch_method,
        move_on=unit.move_on, mastery_score=unit.mastery_score, launch_url=unit.url,
        fetch_hash=_sha(fetch_code), token_key=TOKEN_PREFIX + secrets.token_hex(12),
        launched_at=now, verbs=[], statement_ids=[])
    db.session.add(session)
    db.session.flush()
    if first:  # moveOn "NotApplicable" is met at registration (cmi5 9.6.1), own session id
        settle_move_on(user, session, now, session_id=str(uuid.uuid4()))
    template = c.context_template(registration, session.session_id, unit.publisher_id)
    extensions = {c.LAUNCH_MODE: mode, c.LAUNCH_URL: unit.url, c.MOVE_ON: unit.move_on}
    if unit.mastery_score is not None:
        extensions[c.MASTERY_SCORE] = unit.mastery_score
    if unit.launch_parameters:
        extensions[c.LAUNCH_PARAMETERS] = unit.launch_parameters
    launched = c.lms_statement(actor, "launched", c.activity(unit.activity_id, unit.title),
                               template, now, extensions=extensions)
    record_statements([launched], now, authority=client.authority)
    _put_document(documents.state_key(unit.activity_id, actor, c.LAUNCH_DATA, registration),
                  _launch_data(unit, template, mode, return_url), now, replace=True)
    _put_document(documents.agent_profile_key(actor, c.LEARNER_PREFERENCES),
                  {"languagePreference": "de-DE,en-US" if language == "de" else "en-US,de-DE",
                   "audioPreference": "on"}, now, replace=False)
    url = launch_url(unit, endpoint=endpoint, fetch=fetch_url(fetch_code), actor=actor,
                     registration=registration)
    return Launch(session=session, url=url, launch_method=unit.launch_method)


# --- the fetch URL and the token ------------------------------------------------------------


@dataclass(frozen=True)
class FetchAnswer:
    """The fetch URL's JSON (always HTTP 200, cmi5 8.2.2)."""

    body: dict


def fetch_token(code: str, now: datetime) -> FetchAnswer:
    """The AU's first POST to its fetch URL gets a Basic auth token; later ones an error
    (cmi5 8.2.3: code 1 used or expired, 2 unknown)."""
    session = db.session.scalar(select(Cmi5Session).where(
        Cmi5Session.fetch_hash == _sha(code)).with_for_update())
    if session is None:
        return FetchAnswer({"error-code": "2", "error-text": "Unknown fetch URL."})
    if session.fetched_at is not None:
        return FetchAnswer({"error-code": "1",
                            "error-text": "The authorization token has already been returned."})
    if not session.is_open or now - session.launched_at > TOKEN_LIFETIME:
        return FetchAnswer({"error-code": "1", "error-text": "The AU session has expired."})
    secret = credentials.new_client_secret()
    session.token_hash = credentials.hash_secret(client_pepper(), secret)
    session.fetched_at = now
    db.session.flush()
    token = base64.b64encode(f"{session.token_key}:{secret}".encode()).decode()
    return FetchAnswer({"auth-token": token})


def session_for_token(key: str, secret: str, now: datetime) -> Cmi5Session | None:
    """The session whose token this is, while it may still be used, else None.

    Usable from the fetch until the session is abandoned, for a short grace after it
    terminated (cmi5 9.3.8: the LMS rejects statements after a period), and never longer
    than :data:`TOKEN_LIFETIME` after the launch.
    """
    session = db.session.scalar(select(Cmi5Session).where(Cmi5Session.token_key == key))
    stored = session.token_hash if session is not None and session.token_hash else "0" * 64
    if not credentials.secret_matches(client_pepper(), secret, stored) or session is None \
            or session.token_hash is None:
        return None
    if session.abandoned_at is not None or now - session.launched_at > TOKEN_LIFETIME:
        return None
    grace = timedelta(seconds=current_app.config.get("ATLAS_CMI5_TERMINATED_GRACE", 60))
    if session.terminated_at is not None and now - session.terminated_at > grace:
        return None
    return session
