"""Public entry points of the statement validator: one statement or a batch, per xAPI version."""

from typing import Any

from xapi.errors import StatementValidationError
from xapi.validation.statement import check_statement
from xapi.versions import SUPPORTED_VERSIONS, Version


def validate_statement(
    obj: Any, version: Version = "1.0.3", *, is_substatement: bool = False
) -> None:
    """Check one statement against every MUST of the xAPI data model for ``version``.

    Returns nothing and changes nothing: normalising (ids, stored, authority,
    contextActivities as arrays) is the store's job, after validation.

    :param version: the rule set, as :func:`xapi.versions.negotiate_version` returns it.
    :param is_substatement: validate ``obj`` as a SubStatement (objectType
        ``"SubStatement"``, no id, stored, version or authority).
    :raises StatementValidationError: at the first broken rule, with its pointer.
    """
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(f"unknown xAPI version {version!r}; expected one of {SUPPORTED_VERSIONS}")
    check_statement(obj, "", v2=version == "2.0.0", is_substatement=is_substatement)


def validate_statements(statements: Any, version: Version = "1.0.3") -> None:
    """Check a batch; it fails as a whole at the first invalid statement (Communication 3.2.s3.b9).

    Pointers start with the statement's index: ``/3/actor/mbox``.

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
        check_statement(statement, f"/{index}", v2=v2, is_substatement=False)
