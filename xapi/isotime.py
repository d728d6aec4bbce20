"""ISO 8601 timestamps as the LRS reads and writes them: UTC, millisecond precision."""

from datetime import UTC, datetime

from xapi.store_errors import BadRequestError
from xapi.validation.timestamps import parse_timestamp as validated_timestamp


def utcnow() -> datetime:
    """The current time in UTC, truncated to milliseconds.

    Stored timestamps are served with millisecond precision; truncating at the
    source means a client that passes a served ``stored`` value back as ``since``
    does not receive the same statement again.
    """
    return truncate_ms(datetime.now(UTC))


def truncate_ms(value: datetime) -> datetime:
    """``value`` without its sub-millisecond part."""
    return value.replace(microsecond=value.microsecond - value.microsecond % 1000)


def parse_timestamp(text: str, *, name: str = "timestamp") -> datetime:
    """Parse an ISO 8601 timestamp (as the validator accepts them) into aware UTC.

    :raises BadRequestError: when ``text`` is not an ISO 8601 date-time.
    """
    try:
        return validated_timestamp(text)
    except (TypeError, ValueError) as exc:
        raise BadRequestError(f"{name} is not an ISO 8601 timestamp: {text!r}") from exc


def format_timestamp(value: datetime) -> str:
    """Render ``value`` as ``YYYY-MM-DDTHH:MM:SS.mmmZ`` in UTC."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
