"""The hand-written statement validator, one module per part of the data model.

This package's public entry points are :func:`validate_statement` and
:func:`validate_statements`; the modules inside are their parts.
"""


from typing import Any

from xapi import jsontext
from xapi.errors import StatementValidationError
from xapi.validation.statement import check_statement
from xapi.versions import SUPPORTED_VERSIONS, Version


def validate_statement(
    obj: Any, version: Version = "1.0.3", *, is_substatement: bool = False,
    json_checked: bool = False,
) -> None:
    """Check one statement against every MUST of the xAPI data model for ``version``.

    Returns nothing and changes nothing: normalising (ids, stored, authority,
    contextActivities as arrays) is the store's job, after validation.

    :param version: the rule set, as :func:`xapi.versions.negotiate_version` returns it.
    :param is_substatement: validate ``obj`` as a SubStatement (objectType
        ``"SubStatement"``, no id, stored, version or authority).
    :param json_checked: ``obj`` was parsed by :func:`xapi.jsontext.loads`, which already
        refused deep nesting and lone surrogates; skips that walk.
    :raises StatementValidationError: at the first broken rule, with its pointer; nesting
        deeper than 64 levels and lone surrogates in any string or key are broken rules too.
    """
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(f"unknown xAPI version {version!r}; expected one of {SUPPORTED_VERSIONS}")
    if not json_checked:
        check_json_value(obj, "")
    check_statement(obj, "", v2=version == "2.0.0", is_substatement=is_substatement)


def validate_statements(
    statements: Any, version: Version = "1.0.3", *, json_checked: bool = False
) -> None:
    """Check a batch; it fails as a whole at the first invalid statement (Communication 3.2.s3.b9).

    Pointers start with the statement's index: ``/3/actor/mbox``. ``json_checked`` as for
    :func:`validate_statement`.

    :raises StatementValidationError: at the first broken rule.
    """
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(f"unknown xAPI version {version!r}; expected one of {SUPPORTED_VERSIONS}")
    if type(statements) is not list:
        raise StatementValidationError(
            "Communication-2.1.2/statement-batch", "", "a batch of statements must be an array."
        )
    v2 = version == "2.0.0"
    for index, statement in enumerate(statements):
        if not json_checked:
            check_json_value(statement, f"/{index}")
        check_statement(statement, f"/{index}", v2=v2, is_substatement=False)


def check_json_value(obj: Any, pointer: str) -> None:
    """Refuse what no later step could handle: nesting past :data:`xapi.jsontext.MAX_DEPTH`
    (recursion) and lone surrogates (not storable as UTF-8), wherever they are.

    :raises StatementValidationError: with the pointer of the offending value.
    """
    try:
        jsontext.check_value(obj, pointer, what="the statement")
    except jsontext.JsonTextError as error:
        raise StatementValidationError(error.rule, error.pointer, error.message) from None
