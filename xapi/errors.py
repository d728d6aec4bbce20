"""Errors of the statement model: invalid statements, versions, attachments and signatures."""


class XapiError(Exception):
    """Base of the model's errors: each knows how to describe itself to an API client.

    The HTTP binding answers every one of them with ``400 Bad Request`` and
    ``to_dict()`` as the JSON body, so messages are written for the client's
    developer and never include a stack trace.
    """

    kind = "invalid request"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, str]:
        return {"error": self.kind, "message": self.message}


class RuleError(XapiError):
    """An error that names the broken rule and the JSON pointer of where it is broken."""

    def __init__(self, rule: str, message: str, *, pointer: str = ""):
        super().__init__(message)
        self.rule = rule
        self.pointer = pointer

    def to_dict(self) -> dict[str, str]:
        return {
            "error": self.kind,
            "rule": self.rule,
            "pointer": self.pointer,
            "message": self.message,
        }


class StatementValidationError(RuleError):
    """A statement breaks a rule of the xAPI data model.

    :param rule: the broken requirement, ``<reference>/<slug>``, where the
        reference is the conformance number (``XAPI-00038``), the anchor in the
        1.0.3 data specification (``Data-2.4.4.3.s8.b4``) or, for rules new in
        2.0, the IEEE standard (``9274.1.1``). Stable: clients may match on it.
    :param pointer: RFC 6901 JSON pointer of the offending value (of the place
        where a missing property belongs).
    :param message: what is wrong, in one sentence.
    """

    kind = "invalid statement"

    def __init__(self, rule: str, pointer: str, message: str):
        super().__init__(rule, message, pointer=pointer)

    def __str__(self) -> str:
        return f"{self.rule} at {self.pointer or '/'}: {self.message}"

    def at(self, prefix: str) -> "StatementValidationError":
        """The same error located below ``prefix`` (a statement's place in a batch)."""
        return type(self)(self.rule, prefix + self.pointer, self.message)


class VersionError(XapiError):
    """The X-Experience-API-Version header is missing or names a version we do not serve.

    :param reason: ``"missing"`` or ``"unsupported"``.
    """

    kind = "unsupported version"

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason

    def to_dict(self) -> dict[str, str]:
        return {"error": self.kind, "reason": self.reason, "message": self.message}


class AttachmentError(RuleError):
    """A multipart/mixed body or its attachment parts do not match the statements.

    :param rule: as for :class:`StatementValidationError`.
    :param pointer: where in the statement batch the offending attachment object is,
        or ``""`` when the fault is in the multipart framing itself.
    """

    kind = "invalid attachments"


class SignatureError(RuleError):
    """A signed statement's JWS is malformed, does not verify or does not match the statement."""

    kind = "invalid signature"
