"""The Activities resource (an Activity with its canonical definition) and the Agents resource
(the Person object of an agent).
"""

from lms.extensions import db
from lms.lrs.auth import require_scope
from lms.lrs.blueprint import METHODS, bp, dispatch
from lms.lrs.documents_views import parse_agent_param
from lms.lrs.embedded import platform_lrs
from lms.lrs.headers import json_response
from lms.lrs.incoming import XapiRequest
from lms.lrs.problems import RequestError
from lms.lrs.scopes import DEFINE, STATEMENTS_READ

#: Reading activity definitions needs statement read access, or the define scope.
READ_SCOPES = (STATEMENTS_READ, DEFINE)
#: A Person object is about a learner: only credentials that may read every statement
#: (statements/read, all/read, all) see it; ``define`` alone does not.
PERSON_SCOPES = (STATEMENTS_READ,)


@bp.route("/activities", methods=METHODS)
def activities():
    return dispatch({"GET": get_activity})


@bp.route("/agents", methods=METHODS)
def agents():
    return dispatch({"GET": get_person})


def get_activity(x: XapiRequest):
    """GET activities?activityId=…: the Activity, with the definition the LRS holds for it."""
    require_scope(x, READ_SCOPES)
    params = x.single_params(("activityId",))
    if not params.get("activityId"):
        raise RequestError(
            400, "Communication-2.5/activity-id-required", "activityId is required."
        )
    return json_response(platform_lrs().get_activity(db.session.connection(), params["activityId"]))


def get_person(x: XapiRequest):
    """GET agents?agent=…: the Person object, with every name the agent was seen with."""
    require_scope(x, PERSON_SCOPES)
    params = x.single_params(("agent",))
    agent = parse_agent_param(params.get("agent"))
    if agent is None:
        raise RequestError(400, "Communication-2.4/agent-required", "agent is required.")
    return json_response(platform_lrs().get_person(db.session.connection(), agent))
