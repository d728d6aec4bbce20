"""Statements and SubStatements: top-level properties, verb, object dispatch, attachments."""

from typing import Any

from xapi.spec import SIGNATURE_CONTENT_TYPE, SIGNATURE_USAGE_TYPE, VOIDED_VERB
from xapi.validation.activities import check_activity
from xapi.validation.actors import IFIS, bad_object_type, check_actor, check_authority
from xapi.validation.context import check_context
from xapi.validation.core import (
    check_iri,
    check_keys,
    check_language_map,
    fail,
    require_dict,
    require_str,
    wrong_type,
)
from xapi.validation.identifiers import is_irl, is_media_type, is_sha2_hex, is_uuid
from xapi.validation.result import check_result
from xapi.validation.statement_ref import check_statement_ref
from xapi.validation.timestamps import timestamp_problem
from xapi.versions import is_statement_version

STATEMENT_KEYS = frozenset(
    {
        "id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
        "authority", "version", "attachments",
    }
)  # fmt: skip
SUBSTATEMENT_KEYS = frozenset(
    {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
)
VERB_KEYS = frozenset({"id", "display"})
ATTACHMENT_KEYS = frozenset(
    {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
)

STATEMENT = "XAPI-00014/statement-object"
STATEMENT_ID = "XAPI-00027/statement-id"
REQUIRED = {
    "actor": "XAPI-00003/actor-required",
    "verb": "XAPI-00004/verb-required",
    "object": "XAPI-00005/object-required",
}
SUBSTATEMENT_FORBIDDEN = {
    "id": "XAPI-00070/substatement-id",
    "stored": "XAPI-00069/substatement-stored",
    "version": "XAPI-00068/substatement-version",
    "authority": "XAPI-00067/substatement-authority",
}
SUBSTATEMENT_TYPE = "Data-2.4.4.3.s8.b1/substatement-object-type"
NESTED_SUBSTATEMENT = "XAPI-00071/nested-substatement"
VERB = "Data-2.4.3/verb-object"
VERB_ID = "Data-2.4.3.s3.table1.row1/verb-id"
VERB_DISPLAY = "Data-2.4.3.s3.table1.row2/verb-display"
OBJECT = "Data-2.4.4/object"
OBJECT_TYPE = "Data-2.4.4.s2/object-type"
AGENT_OBJECT_TYPE = "XAPI-00065/object-agent-object-type"
VOIDING_OBJECT = "Data-2.3.2.s2.b1/voiding-object"
TIMESTAMP = "XAPI-00123/timestamp-format"
TIMESTAMP_2 = "9274.1.1-s19/timestamp-rfc3339"
STORED = "Data-2.4.8.s3.b1/stored-format"
VERSION = "XAPI-00101/statement-version"
ATTACHMENTS = "XAPI-00025/attachments-array"
ATTACHMENT = "Data-2.4.11/attachment-object"
USAGE_TYPE = "XAPI-00107/attachment-usage-type"
DISPLAY = "XAPI-00106/attachment-display"
DESCRIPTION = "Data-2.4.11.s2.table1.row3/attachment-description"
CONTENT_TYPE = "XAPI-00105/attachment-content-type"
LENGTH = "XAPI-00102/attachment-length"
SHA2 = "XAPI-00103/attachment-sha2"
FILE_URL = "XAPI-00104/attachment-file-url"
SIGNATURE_TYPE = "Data-2.6.s4.b1/signature-content-type"
ATTACHMENT_REQUIRED = {
    "usageType": USAGE_TYPE,
    "display": DISPLAY,
    "contentType": CONTENT_TYPE,
    "length": LENGTH,
    "sha2": SHA2,
}


def check_statement(value: Any, pointer: str, *, v2: bool, is_substatement: bool) -> None:
    statement = require_dict(value, STATEMENT, pointer, "a statement")
    if is_substatement:
        for key, rule in SUBSTATEMENT_FORBIDDEN.items():
            if key in statement:
                fail(rule, f"{pointer}/{key}", f"a SubStatement must not have {key!r}.")
        check_keys(statement, SUBSTATEMENT_KEYS, pointer, "a SubStatement")
        if statement.get("objectType") != "SubStatement":
            fail(
                SUBSTATEMENT_TYPE,
                f"{pointer}/objectType",
                "a SubStatement must have objectType 'SubStatement'.",
            )
    else:
        check_keys(statement, STATEMENT_KEYS, pointer, "a statement")
    for key, rule in REQUIRED.items():
        if key not in statement:
            fail(rule, f"{pointer}/{key}", f"a statement needs {key!r}.")

    if "id" in statement:
        _check_uuid(statement["id"], STATEMENT_ID, f"{pointer}/id", "statement id")
    check_actor(statement["actor"], f"{pointer}/actor", "actor")
    verb_id = _check_verb(statement["verb"], f"{pointer}/verb")
    object_type = _check_object(statement["object"], f"{pointer}/object", v2, is_substatement)
    if verb_id == VOIDED_VERB and object_type != "StatementRef" and not is_substatement:
        fail(
            VOIDING_OBJECT,
            f"{pointer}/object",
            "a voiding statement's object must be a StatementRef to the voided statement.",
        )
    if "result" in statement:
        check_result(statement["result"], f"{pointer}/result")
    if "context" in statement:
        check_context(statement["context"], f"{pointer}/context", object_type=object_type, v2=v2)
    if "timestamp" in statement:
        _check_timestamp(
            statement["timestamp"], TIMESTAMP_2 if v2 else TIMESTAMP, f"{pointer}/timestamp", v2
        )
    if "stored" in statement:
        _check_timestamp(statement["stored"], STORED, f"{pointer}/stored", v2)
    if "authority" in statement:
        check_authority(statement["authority"], f"{pointer}/authority")
    if "version" in statement:
        version = require_str(statement["version"], VERSION, f"{pointer}/version", "version")
        if not is_statement_version(version, "2.0.0" if v2 else "1.0.3"):
            allowed = "1.0.x or 2.0.x" if v2 else "1.0.x"
            fail(VERSION, f"{pointer}/version", f"version {version!r} is not {allowed}.")
    if "attachments" in statement:
        _check_attachments(statement["attachments"], f"{pointer}/attachments")


def _check_uuid(value: Any, rule: str, pointer: str, what: str) -> None:
    if type(value) is not str:
        wrong_type(value, "a UUID string", rule, pointer, what)
    if not is_uuid(value):
        fail(rule, pointer, f"{what} {value!r} is not a UUID.")


def _check_verb(value: Any, pointer: str) -> str:
    verb = require_dict(value, VERB, pointer, "verb")
    check_keys(verb, VERB_KEYS, pointer, "verb")
    if "id" not in verb:
        fail(VERB_ID, f"{pointer}/id", "verb needs an id (an IRI).")
    verb_id = verb["id"]
    check_iri(verb_id, VERB_ID, f"{pointer}/id", "verb id")
    if "display" in verb:
        check_language_map(verb["display"], VERB_DISPLAY, f"{pointer}/display", "verb display")
    return verb_id


def _check_object(value: Any, pointer: str, v2: bool, in_substatement: bool) -> str:
    """Dispatch on objectType; return the effective one (absent means Activity)."""
    obj = require_dict(value, OBJECT, pointer, "object")
    if "objectType" not in obj:
        if "member" in obj or any(key in obj for key in IFIS):
            fail(
                AGENT_OBJECT_TYPE,
                f"{pointer}/objectType",
                "an Agent or Group used as the object must state its objectType.",
            )
        check_activity(obj, pointer, "object")
        return "Activity"
    object_type = obj["objectType"]
    if object_type == "Activity":
        check_activity(obj, pointer, "object")
    elif object_type == "Agent" or object_type == "Group":
        check_actor(obj, pointer, "object")
    elif object_type == "StatementRef":
        check_statement_ref(obj, pointer, "object")
    elif object_type == "SubStatement":
        if in_substatement:
            fail(
                NESTED_SUBSTATEMENT, pointer, "a SubStatement cannot contain another SubStatement."
            )
        check_statement(obj, pointer, v2=v2, is_substatement=True)
    else:
        bad_object_type(
            object_type,
            ("Activity", "Agent", "Group", "StatementRef", "SubStatement"),
            OBJECT_TYPE,
            pointer,
            "object",
        )
    return object_type


def _check_timestamp(value: Any, rule: str, pointer: str, v2: bool) -> None:
    if type(value) is not str:
        wrong_type(value, "a timestamp string", rule, pointer, "timestamp")
    problem = timestamp_problem(value, rfc3339=v2)
    if problem:
        fail(rule, pointer, f"{value!r} {problem}.")


def _check_attachments(value: Any, pointer: str) -> None:
    if type(value) is not list:
        wrong_type(value, "an array of attachment objects", ATTACHMENTS, pointer, "attachments")
    for index, item in enumerate(value):
        item_pointer = f"{pointer}/{index}"
        attachment = require_dict(item, ATTACHMENT, item_pointer, "an attachment")
        check_keys(attachment, ATTACHMENT_KEYS, item_pointer, "an attachment")
        for key, rule in ATTACHMENT_REQUIRED.items():
            if key not in attachment:
                fail(rule, f"{item_pointer}/{key}", f"an attachment needs {key!r}.")
        check_iri(attachment["usageType"], USAGE_TYPE, f"{item_pointer}/usageType", "usageType")
        check_language_map(attachment["display"], DISPLAY, f"{item_pointer}/display", "display")
        if "description" in attachment:
            check_language_map(
                attachment["description"], DESCRIPTION, f"{item_pointer}/description", "description"
            )
        content_type = attachment["contentType"]
        content_pointer = f"{item_pointer}/contentType"
        if type(content_type) is not str:
            wrong_type(
                content_type, "a media type string", CONTENT_TYPE, content_pointer, "contentType"
            )
        if not is_media_type(content_type):
            fail(
                CONTENT_TYPE, content_pointer, f"contentType {content_type!r} is not a media type."
            )
        length = attachment["length"]
        if type(length) is not int or length < 0:
            if type(length) is int:
                fail(LENGTH, f"{item_pointer}/length", "length must not be negative.")
            wrong_type(length, "an integer", LENGTH, f"{item_pointer}/length", "length")
        sha2 = attachment["sha2"]
        if type(sha2) is not str:
            wrong_type(sha2, "a hex string", SHA2, f"{item_pointer}/sha2", "sha2")
        if not is_sha2_hex(sha2):
            fail(SHA2, f"{item_pointer}/sha2", "sha2 must be the hex digest of a SHA-2 hash.")
        if "fileUrl" in attachment:
            file_url = attachment["fileUrl"]
            if type(file_url) is not str:
                wrong_type(
                    file_url, "an IRL string", FILE_URL, f"{item_pointer}/fileUrl", "fileUrl"
                )
            if not is_irl(file_url):
                fail(FILE_URL, f"{item_pointer}/fileUrl", f"fileUrl {file_url!r} is not an IRL.")
        if (
            attachment["usageType"] == SIGNATURE_USAGE_TYPE
            and content_type.split(";")[0].strip().lower() != SIGNATURE_CONTENT_TYPE
        ):
            fail(
                SIGNATURE_TYPE,
                content_pointer,
                f"a signature attachment must have contentType '{SIGNATURE_CONTENT_TYPE}'.",
            )
