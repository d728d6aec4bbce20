"""What a session token may do: speak for its one learner and registration, nothing else.

A cmi5 AU gets a token for one launch (``lms_lrs_authenticate``). It writes with its
package's authority, which an admin may have granted to credit a course; without these
checks one learner's AU could write statements, or read and change documents, of another
learner under that authority.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from lms.lrs.problems import RequestError
from lms.lrs.services import ActiveClient
from xapi.agents import agent_key
from xapi.vocabulary import VERBS

BINDING_RULE = "ATLAS/session-token-binding"
VOIDED = VERBS["voided"].id


def _refuse(message: str) -> RequestError:
    return RequestError(403, BINDING_RULE, message)


def _same_agent(agent: Any, bound: Mapping[str, Any]) -> bool:
    return isinstance(agent, Mapping) and agent_key(agent) is not None \
        and agent_key(agent) == agent_key(bound)


def check_statements(client: ActiveClient, statements: Sequence[Mapping[str, Any]]) -> None:
    """Refuse statements of a bound token about another actor or registration, and voiding.

    :raises RequestError: 403 naming the statement and what it broke.
    """
    binding = client.binding
    if binding is None:
        return
    for index, statement in enumerate(statements):
        where = f"statement {index}" if len(statements) > 1 else "the statement"
        if not _same_agent(statement.get("actor"), binding.actor):
            raise _refuse(f"{where}: this session token writes only for the learner it was "
                          "launched for; actor must be the launch's actor parameter.")
        registration = (statement.get("context") or {}).get("registration")
        if str(registration or "").lower() != binding.registration:
            raise _refuse(f"{where}: context.registration must be the registration of the "
                          f"launch ({binding.registration}).")
        if (statement.get("verb") or {}).get("id") == VOIDED:
            raise _refuse(f"{where}: a session token may not void statements "
                          "(cmi5 6.3: the LMS gives AUs no voiding permission).")


def check_document(client: ActiveClient, method: str, params: Mapping[str, Any],
                   agent: Any) -> None:
    """Refuse document requests of a bound token for another agent or registration, and
    changes to protected State documents.

    :param agent: the parsed ``agent`` parameter (None for activity profiles).
    :raises RequestError: 403 naming the parameter.
    """
    binding = client.binding
    if binding is None:
        return
    if "agent" in params and not _same_agent(agent, binding.actor):
        raise _refuse("this session token reads and writes documents only of the learner it "
                      "was launched for; agent must be the launch's actor parameter.")
    registration = params.get("registration")
    if registration is not None and str(registration).lower() != binding.registration:
        raise _refuse(f"registration must be the registration of the launch "
                      f"({binding.registration}).")
    if method not in ("GET", "HEAD") and params.get("stateId") in binding.protected_state_ids:
        raise _refuse(f"the State document {params['stateId']} is written by the LMS; an AU "
                      "may read it, never change or delete it (cmi5 10.0).")
    if method == "DELETE" and "stateId" not in params and "activityId" in params:
        raise _refuse("a session token may delete State documents only one by one (stateId), "
                      "so the LMS's launch data stays.")
