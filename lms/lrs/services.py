"""LRS clients, upstream LRSs and GDPR requests: the rules, over the models and the xapi library.

Services take the acting user (``None`` for the command line) and the time, flush and never
commit, and raise :mod:`lms.errors` domain errors with a message for the operator.
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update

from lms.catalog.models import Course
from lms.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.lrs import credentials
from lms.lrs.models import LrsClient, LrsCreditGrant
from lms.lrs.scopes import SCOPES
from xapi import outbox, privacy
from xapi.agents import require_agent_key
from xapi.store_errors import StoreError
from xapi.versions import LATEST_VERSION, SUPPORTED_VERSIONS
from xapi.vocabulary import learner_actor

log = logging.getLogger(__name__)

#: last_used_at is refreshed at most this often, so reads do not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=15)
VERSIONS = ("1.0.3", "2.0.0")


def _require_admin(actor) -> None:
    """``None`` is the command line, which runs with the operator's authority."""
    if actor is not None and not getattr(actor, "is_admin", False):
        raise PermissionDeniedError(_("Nur die Administration verwaltet den LRS."))


def client_pepper() -> bytes:
    """The pepper of client secrets, derived from SECRET_KEY once per app."""
    pepper = current_app.extensions.get("atlas_lrs_pepper")
    if pepper is None:
        pepper = credentials.derive_key(current_app.config["SECRET_KEY"], credentials.PEPPER_LABEL)
        current_app.extensions["atlas_lrs_pepper"] = pepper
    return pepper


def client_authority(key: str, name: str) -> dict[str, Any]:
    """The Agent a client's statements are stored with as authority (Data 2.4.9).

    An account on the platform's home page, named by the client's key: stable for the
    life of the credential, and never an e-mail address.
    """
    return {
        "objectType": "Agent",
        "name": name,
        "account": {"homePage": current_app.config["ATLAS_BASE_URL"], "name": key},
    }


# --- clients --------------------------------------------------------------------------------


def create_client(
    actor, *, name: str, scopes: list[str], now: datetime, xapi_version: str = LATEST_VERSION
) -> tuple[LrsClient, str]:
    """Create a credential; returns it with its secret, which is stored only as a hash.

    :param xapi_version: the version the client speaks (1.0.3 or 2.0.0).
    :raises ValidationFailedError: empty or too long name, no scope or an unknown one,
        an xAPI version we do not serve.
    """
    _require_admin(actor)
    if xapi_version not in SUPPORTED_VERSIONS:
        raise ValidationFailedError(
            _("Unbekannte xAPI-Version: %(version)s. Erlaubt sind: %(allowed)s.",
              version=xapi_version, allowed=", ".join(SUPPORTED_VERSIONS)),
            field="xapi_version",
        )
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailedError(
            _("Bitte geben Sie einen Namen mit höchstens 100 Zeichen an."), field="name"
        )
    chosen = [scope for scope in SCOPES if scope in scopes]
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValidationFailedError(
            _("Unbekannter Scope: %(scope)s. Erlaubt sind: %(allowed)s.",
              scope=unknown[0], allowed=", ".join(SCOPES)),
            field="scopes",
        )
    if not chosen:
        raise ValidationFailedError(_("Bitte wählen Sie mindestens einen Scope."), field="scopes")
    key = credentials.new_client_key()
    secret = credentials.new_client_secret()
    client = LrsClient(
        name=name,
        key=key,
        secret_hash=credentials.hash_secret(client_pepper(), secret),
        scopes=chosen,
        xapi_version=xapi_version,
        authority=client_authority(key, name),
        created_at=now,
    )
    db.session.add(client)
    db.session.flush()
    log.info("LRS client %s (%s) created with scopes %s", key, name, " ".join(chosen))
    return client, secret


def list_clients() -> list[LrsClient]:
    """Every client, active ones first, newest first."""
    return list(
        db.session.scalars(
            select(LrsClient).order_by(LrsClient.revoked_at.is_not(None), LrsClient.id.desc())
        )
    )


def get_client(key: str) -> LrsClient:
    """:raises NotFoundError: no client has this key."""
    client = db.session.scalar(select(LrsClient).where(LrsClient.key == key))
    if client is None:
        raise NotFoundError(_("Es gibt keinen LRS-Client mit dem Schlüssel %(key)s.", key=key))
    return client


def revoke_client(actor, key: str, now: datetime) -> LrsClient:
    """Revoke a credential; its requests are refused from the next one on.

    :raises NotFoundError: unknown key.
    :raises ValidationFailedError: the client is already revoked.
    """
    _require_admin(actor)
    client = get_client(key)
    if client.is_revoked:
        raise ValidationFailedError(_("Dieser Client ist bereits gesperrt."))
    client.revoked_at = now
    db.session.flush()
    log.info("LRS client %s (%s) revoked", client.key, client.name)
    return client


@dataclass(frozen=True)
class SessionBinding:
    """What a session token (a cmi5 AU launch) may speak about: one learner, one
    registration, one launch session. Enforced by :mod:`lms.lrs.binding`.

    :param protected_state_ids: State documents the token may read but never change
        (cmi5's ``LMS.LaunchData``, which the LMS writes before the launch).
    """

    actor: dict[str, Any]
    registration: str
    activity_id: str
    session_id: str
    protected_state_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActiveClient:
    """What a request needs of its client; read with one Core query, no ORM object.

    ``binding`` is set for session tokens (``lms_lrs_authenticate``): such a client writes
    with its package's authority, but only for the bound learner and registration.
    """

    id: int
    key: str
    name: str
    scopes: list[str]
    authority: dict[str, Any]
    last_used_at: datetime | None
    xapi_version: str = LATEST_VERSION
    binding: SessionBinding | None = None


_CLIENTS = LrsClient.__table__
#: Built once: constructing the statement costs more than running it from the cache.
_CLIENT_BY_KEY = select(*[_CLIENTS.c[name] for name in (
    "id", "key", "name", "scopes", "authority", "last_used_at", "secret_hash", "revoked_at",
    "xapi_version",
)]).where(_CLIENTS.c.key == bindparam("key"))


def authenticate_client(key: str, secret: str, now: datetime) -> ActiveClient | None:
    """The active client with this key and secret, or ``None``.

    Checked on every request, so it reads one row with Core rather than loading a model.
    A hash is computed even for unknown keys, so timing does not tell which keys exist.
    """
    # on the session's connection: the ORM's execution layer has nothing to add here
    row = db.session.connection().execute(_CLIENT_BY_KEY, {"key": key}).first()
    stored = row.secret_hash if row is not None else "0" * 64
    if not credentials.secret_matches(client_pepper(), secret, stored) or row is None:
        return None
    if row.revoked_at is not None:
        return None
    return ActiveClient(row.id, row.key, row.name, row.scopes, row.authority, row.last_used_at,
                        row.xapi_version)


def note_client_use(client: ActiveClient | LrsClient, now: datetime) -> bool:
    """Record that the client was used, at most every 15 minutes; True when it wrote.

    A conditional UPDATE rather than an ORM change: two concurrent requests cannot
    both think the value is stale, and most requests write nothing.
    """
    if client.last_used_at is not None and now - client.last_used_at < LAST_USED_RESOLUTION:
        return False
    result = db.session.execute(
        update(LrsClient)
        .where(LrsClient.id == client.id)
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


# --- crediting grants ----------------------------------------------------------------------


def _grant_target(
    course_slug: str | None, activity_prefix: str | None
) -> tuple[str | None, str | None]:
    """Check what a grant covers: one course by slug, or an absolute IRI prefix.

    :raises ValidationFailedError: neither or both given, an unknown course, a prefix that
        is not an absolute IRI.
    """
    course_slug = (course_slug or "").strip() or None
    activity_prefix = (activity_prefix or "").strip() or None
    if (course_slug is None) == (activity_prefix is None):
        raise ValidationFailedError(
            _("Geben Sie entweder einen Kurs oder ein Aktivitäts-IRI-Präfix an."), field="course"
        )
    if course_slug is not None:
        if db.session.scalar(select(Course.id).where(Course.slug == course_slug)) is None:
            raise ValidationFailedError(
                _("Es gibt keinen Kurs mit der Kennung %(slug)s.", slug=course_slug),
                field="course",
            )
        return course_slug, None
    parts = urlsplit(activity_prefix)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(activity_prefix) > 500 \
            or any(c.isspace() for c in activity_prefix):
        raise ValidationFailedError(
            _("Das Präfix muss ein absolutes http(s)-IRI mit höchstens 500 Zeichen sein, "
              "z. B. https://campus.example/xapi/activities/course/kurs/module/m1."),
            field="activity_prefix",
        )
    return None, activity_prefix


def grant_credit(
    actor, key: str, *, now: datetime, course_slug: str | None = None,
    activity_prefix: str | None = None,
) -> LrsCreditGrant:
    """Let a client's statements count toward progress in one course or under one IRI prefix.

    Only statements stored from now on count; quiz and assessment results and attendance
    never count from a client (see :mod:`lms.lrs.crediting`).

    :raises NotFoundError: unknown client key.
    :raises ValidationFailedError: a revoked client, a bad target, or a grant that exists.
    """
    _require_admin(actor)
    client = get_client(key)
    if client.is_revoked:
        raise ValidationFailedError(_("Dieser Client ist gesperrt."))
    course_slug, activity_prefix = _grant_target(course_slug, activity_prefix)
    for grant in client.grants:
        if (grant.course_slug, grant.activity_prefix) == (course_slug, activity_prefix):
            raise ValidationFailedError(
                _("Der Client hat diese Freigabe bereits: %(target)s.", target=grant.target)
            )
    grant = LrsCreditGrant(
        client=client, course_slug=course_slug, activity_prefix=activity_prefix, granted_at=now
    )
    db.session.add(grant)
    db.session.flush()
    log.info("LRS client %s may credit %s from %s", client.key, grant.target, now.isoformat())
    return grant


def withdraw_credit(
    actor, key: str, *, course_slug: str | None = None, activity_prefix: str | None = None,
) -> LrsCreditGrant:
    """Withdraw a grant: the client's statements stop counting (a rebuild drops what counted).

    :raises NotFoundError: unknown client key, or the client has no such grant.
    """
    _require_admin(actor)
    client = get_client(key)
    wanted = ((course_slug or "").strip() or None, (activity_prefix or "").strip() or None)
    for grant in client.grants:
        if (grant.course_slug, grant.activity_prefix) == wanted:
            client.grants.remove(grant)
            db.session.flush()
            log.info("LRS client %s may no longer credit %s", client.key, grant.target)
            return grant
    raise NotFoundError(_("Der Client hat keine solche Freigabe."))


def course_slugs() -> list[str]:
    """Every course's slug, for the grant form."""
    return list(db.session.scalars(select(Course.slug).order_by(Course.slug)))


def get_grant(key: str, grant_id: int) -> LrsCreditGrant:
    """:raises NotFoundError: no grant with this id on this client."""
    client = get_client(key)
    for grant in client.grants:
        if grant.id == grant_id:
            return grant
    raise NotFoundError(_("Der Client hat keine solche Freigabe."))


# --- upstream LRSs --------------------------------------------------------------------------


@dataclass(frozen=True)
class UpstreamStatus:
    """An upstream with its outbox counts and the newest error, for the admin page and CLI."""

    upstream: outbox.Upstream
    counts: dict[str, int]
    last_error: str | None


def add_upstream(
    actor,
    *,
    name: str,
    endpoint: str,
    username: str,
    password: str,
    now: datetime,
    verbs: list[str] | tuple[str, ...] = (),
    activity_prefixes: list[str] | tuple[str, ...] = (),
    include_results: bool = True,
    version: str = "2.0.0",
) -> outbox.Upstream:
    """Register an upstream LRS: statements stored from now on are queued for it.

    :raises ValidationFailedError: empty or taken name, endpoint not http(s), unknown version.
    """
    _require_admin(actor)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailedError(_("Bitte geben Sie einen Namen mit höchstens 100 Zeichen an."))
    if version not in VERSIONS:
        raise ValidationFailedError(_("Die xAPI-Version muss 1.0.3 oder 2.0.0 sein."))
    try:
        upstream = outbox.add_upstream(
            db.session.connection(),
            name,
            endpoint,
            now=now,
            username=username,
            password=password,
            version=version,
            verbs=[v for v in verbs if v],
            activity_prefixes=[p for p in activity_prefixes if p],
            include_results=include_results,
        )
    except StoreError as error:
        raise ValidationFailedError(error.message) from error
    log.info("upstream LRS %s added: %s", name, upstream.endpoint)
    return upstream


def upstream_statuses() -> list[UpstreamStatus]:
    """Every upstream with its pending/sent/failed counts and last error."""
    conn = db.session.connection()
    statuses = []
    for upstream in outbox.list_upstreams(conn):
        statuses.append(UpstreamStatus(
            upstream, outbox.queue_counts(conn, upstream), outbox.last_error(conn, upstream)))
    return statuses


# --- GDPR: erasure and export ---------------------------------------------------------------


def parse_agent(text: str) -> dict[str, Any]:
    """An agent given on the command line: JSON, or a learner's pseudonym.

    A pseudonym becomes the platform's learner agent (account on the base URL), the only
    form in which learners appear in the LRS.

    :raises ValidationFailedError: neither a JSON object nor a usable pseudonym.
    """
    text = (text or "").strip()
    if text.startswith("{"):
        try:
            agent = json.loads(text)
        except ValueError as error:
            raise ValidationFailedError(_("Der Agent ist kein gültiges JSON.")) from error
        if not isinstance(agent, dict):
            raise ValidationFailedError(_("Der Agent muss ein JSON-Objekt sein."))
        return agent
    if not text or "@" in text or any(c.isspace() for c in text):
        raise ValidationFailedError(
            _("Geben Sie ein Pseudonym oder einen Agenten als JSON an, "
              'z. B. {"mbox": "mailto:name@example.org"}.')
        )
    return learner_actor(current_app.config["ATLAS_BASE_URL"], text)


def agent_fingerprint(agent: dict[str, Any]) -> str:
    """A stable hash of the agent's identifier for the logs.

    The log of an erasure must not keep the identifier it erased (an e-mail address, a
    pseudonym); the hash still lets an auditor confirm the erasure of a given person.
    """
    try:
        key = require_agent_key(agent)
    except StoreError:
        key = json.dumps(agent, sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def erase_agent(actor, agent: dict[str, Any], now: datetime) -> privacy.ErasureReport:
    """Delete every statement and document of one learner (GDPR Art. 17), and log it.

    :raises ValidationFailedError: the agent has no single identifier.
    """
    _require_admin(actor)
    try:
        report = privacy.erase_agent(db.session.connection(), agent)
    except StoreError as error:
        raise ValidationFailedError(error.message) from error
    log.warning(
        "GDPR erasure at %s by %s: agent %s (sha256 of its identifier), %d statements and "
        "%d documents deleted, %d statements kept where the agent is only the authority",
        now.isoformat(), getattr(actor, "email", "command line"), agent_fingerprint(agent),
        report.statements, report.documents, report.authority_only,
    )
    return report


def export_agent(actor, agent: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Everything the LRS holds about one learner, as JSON (GDPR Art. 15 and 20).

    :raises ValidationFailedError: the agent has no single identifier.
    """
    _require_admin(actor)
    try:
        export = privacy.export_agent(db.session.connection(), agent)
    except StoreError as error:
        raise ValidationFailedError(error.message) from error
    log.info(
        "GDPR export at %s by %s: agent %s (sha256 of its identifier), %d statements, "
        "%d documents",
        now.isoformat(), getattr(actor, "email", "command line"), agent_fingerprint(agent),
        len(export["statements"]), len(export["documents"]),
    )
    return export
