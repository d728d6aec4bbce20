"""The document resources: activities/state, activities/profile and agents/profile.

The library keeps the rules (ETags, If-Match / If-None-Match, 409 for blind overwrites in
2.0, JSON merge on POST); this module maps parameters and headers onto it.
"""

from collections.abc import Callable
from typing import Any

from flask import Response

from lms.extensions import db
from lms.lrs import binding
from lms.lrs.auth import require_scope
from lms.lrs.blueprint import METHODS, bp, dispatch
from lms.lrs.headers import json_response, last_modified, no_content
from lms.lrs.incoming import XapiRequest
from lms.lrs.problems import RequestError
from lms.lrs.scopes import PROFILE, STATE
from lms.lrs.write_lock import serialized_writes
from lms.unit_of_work import unit_of_work
from xapi import documents, jsontext
from xapi.isotime import parse_timestamp, utcnow

AGENT_RULE = "Communication-2.3/agent-parameter"


def parse_agent_param(value: str | None, name: str = "agent") -> Any:
    """The JSON of an ``agent`` parameter; the library checks it has exactly one IFI.

    :raises RequestError: not JSON (400).
    """
    if value is None:
        return None
    try:
        return jsontext.loads(value, what=f"the {name} parameter")
    except jsontext.JsonTextError as error:
        if error.rule == jsontext.SYNTAX_RULE:
            raise RequestError(400, AGENT_RULE, f"{name} must be an Agent as JSON.") from None
        raise RequestError(400, error.rule, error.message, pointer=error.pointer) from None


class DocumentResource:
    """One of the three document resources: its parameters, key and scope."""

    def __init__(self, kind: str, id_param: str, params: tuple[str, ...], scope: str,
                 make_key: Callable[[dict[str, str], str | None], documents.DocumentKey]):
        self.kind = kind
        self.id_param = id_param
        self.params = (*params, id_param)
        self.scope = scope
        self.make_key = make_key

    def handlers(self) -> dict[str, Callable[[XapiRequest], Response]]:
        return {"GET": self.get, "PUT": self.put, "POST": self.post, "DELETE": self.delete}

    def _params(self, x: XapiRequest, *, since: bool = False) -> dict[str, str]:
        require_scope(x, (self.scope,))
        params = x.single_params((*self.params, "since") if since else self.params)
        if x.client.binding is not None:
            binding.check_document(x.client, x.method, params,
                                   parse_agent_param(params.get("agent")))
        return params

    def _key(self, params: dict[str, str]) -> documents.DocumentKey:
        return self.make_key(params, params.get(self.id_param))

    def get(self, x: XapiRequest) -> Response:
        params = self._params(x, since=True)
        conn = db.session.connection()
        if self.id_param in params:
            # "since" means nothing for one document (Communication 2.3.s3): ignored.
            document = documents.get_document(conn, self._key(params))
            headers = {"ETag": document.etag, **last_modified(document.updated)}
            return Response(document.content, content_type=document.content_type, headers=headers)
        since = parse_timestamp(params["since"], name="since") if "since" in params else None
        found = documents.list_document_ids(
            conn,
            self.kind,
            activity_id=params.get("activityId", ""),
            agent=parse_agent_param(params.get("agent")),
            registration=params.get("registration"),
            since=since,
        )
        return json_response(found.ids, headers=last_modified(found.last_modified))

    def put(self, x: XapiRequest) -> Response:
        params = self._params(x)
        key, body = self._key(params), x.body
        with serialized_writes():
            with unit_of_work(refusals=()):
                document = documents.put_document(
                    db.session.connection(), key, body, x.content_type,
                    now=utcnow(), if_match=x.header("If-Match"),
                    if_none_match=x.header("If-None-Match"), version=x.version,
                )
        return no_content({"ETag": document.etag})

    def post(self, x: XapiRequest) -> Response:
        params = self._params(x)
        key, body = self._key(params), x.body
        with serialized_writes():
            with unit_of_work(refusals=()):
                document = documents.post_document(
                    db.session.connection(), key, body, x.content_type,
                    now=utcnow(), if_match=x.header("If-Match"),
                    if_none_match=x.header("If-None-Match"),
                )
        return no_content({"ETag": document.etag})

    def delete(self, x: XapiRequest) -> Response:
        params = self._params(x)
        with serialized_writes(), unit_of_work(refusals=()):
            conn = db.session.connection()
            if self.id_param in params or self.kind != documents.STATE:
                documents.delete_document(conn, self._key(params), if_match=x.header("If-Match"))
            else:
                documents.delete_documents(
                    conn,
                    activity_id=params.get("activityId") or "",
                    agent=parse_agent_param(params.get("agent")),
                    registration=params.get("registration"),
                )
        return no_content()


STATE_RESOURCE = DocumentResource(
    documents.STATE, "stateId", ("activityId", "agent", "registration"), STATE,
    lambda p, doc_id: documents.state_key(
        p.get("activityId"), parse_agent_param(p.get("agent")), doc_id, p.get("registration")
    ),
)
ACTIVITY_PROFILE_RESOURCE = DocumentResource(
    documents.ACTIVITY_PROFILE, "profileId", ("activityId",), PROFILE,
    lambda p, doc_id: documents.activity_profile_key(p.get("activityId"), doc_id),
)
AGENT_PROFILE_RESOURCE = DocumentResource(
    documents.AGENT_PROFILE, "profileId", ("agent",), PROFILE,
    lambda p, doc_id: documents.agent_profile_key(parse_agent_param(p.get("agent")), doc_id),
)


@bp.route("/activities/state", methods=METHODS)
def activity_state():
    return dispatch(STATE_RESOURCE.handlers())


@bp.route("/activities/profile", methods=METHODS)
def activity_profile():
    return dispatch(ACTIVITY_PROFILE_RESOURCE.handlers())


@bp.route("/agents/profile", methods=METHODS)
def agent_profile():
    return dispatch(AGENT_PROFILE_RESOURCE.handlers())
