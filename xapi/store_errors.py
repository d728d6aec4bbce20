"""Domain errors of the statement and document stores, each with its HTTP status."""


class StoreError(Exception):
    """Base of the storage errors; ``status_code`` is what the HTTP binding answers.

    The message is written for the API client: the binding may return it as is.
    """

    status_code = 500

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BadRequestError(StoreError):
    """The request cannot be served as given (bad parameter, duplicate id in a batch, …)."""

    status_code = 400


class NotFoundError(StoreError):
    """The statement or document asked for does not exist (or is voided, for statementId)."""

    status_code = 404


class ConflictError(StoreError):
    """The request contradicts what is stored: another statement under the same id, or a
    document overwritten without a precondition header."""

    status_code = 409


class PreconditionFailedError(StoreError):
    """An If-Match or If-None-Match precondition did not hold."""

    status_code = 412
