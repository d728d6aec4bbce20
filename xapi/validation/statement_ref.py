"""Statement references, used as an object and as context.statement (Data 2.4.4.3)."""

from typing import Any

from xapi.validation.core import check_keys, fail, require_dict, wrong_type
from xapi.validation.identifiers import is_uuid

STATEMENT_REF_KEYS = frozenset({"objectType", "id"})

OBJECT_TYPE = "XAPI-00073/statement-ref-object-type"
ID = "XAPI-00072/statement-ref-id"


def check_statement_ref(value: Any, pointer: str, what: str, rule: str = OBJECT_TYPE) -> None:
    """objectType ``"StatementRef"`` (required) and the UUID of a statement."""
    ref = require_dict(value, rule, pointer, what)
    check_keys(ref, STATEMENT_REF_KEYS, pointer, what)
    if ref.get("objectType") != "StatementRef":
        fail(rule, f"{pointer}/objectType", f"{what} must have objectType 'StatementRef'.")
    if "id" not in ref:
        fail(ID, f"{pointer}/id", f"{what} needs the id of the statement it refers to.")
    statement_id = ref["id"]
    if type(statement_id) is not str:
        wrong_type(statement_id, "a UUID string", ID, f"{pointer}/id", f"{what} id")
    if not is_uuid(statement_id):
        fail(ID, f"{pointer}/id", f"{what} id {statement_id!r} is not a UUID.")
