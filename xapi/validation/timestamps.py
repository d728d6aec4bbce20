"""ISO 8601 timestamps and durations as xAPI 1.0.3 and 2.0 each accept them.

1.0.3 (Data 4.5): a timestamp MUST be ISO 8601 and SHOULD* be RFC 3339 with a
time zone, so we accept ISO 8601 combined date-times in extended or basic format
(the conformance suite's wording, XAPI-00123), with or without an offset.
2.0 (IEEE 9274.1.1, change s19/s20/s22): a timestamp shall be RFC 3339, which
makes the offset mandatory; LRSs convert other offsets to UTC rather than
reject them. Both reject the "unknown offset" forms -00, -0000 and -00:00.
"""

import re
from datetime import UTC, datetime, timedelta, timezone

_OFFSET = r"(?P<offset>[Zz]|[+-]\d{2}(?::?\d{2})?)"
_ISO_EXTENDED = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})[Tt ](?P<h>\d{2}):(?P<mi>\d{2})"
    r"(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?" + _OFFSET + "?"
)
_ISO_BASIC = re.compile(
    r"(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})[Tt](?P<h>\d{2})(?P<mi>\d{2})"
    r"(?:(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?(?P<offset>[Zz]|[+-]\d{2}(?:\d{2})?)?"
)
_RFC3339 = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})[Tt ](?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})"
    r"(?:\.(?P<f>\d+))?(?P<offset>[Zz]|[+-]\d{2}:\d{2})"
)

#: The form nearly every client sends (UTC, "Z"): read by datetime.fromisoformat, which
#: gives the same instant as the general path for every value it accepts, in a fifth of
#: the time (it refuses hour 24, second 60 and impossible dates: those take the general path).
_PLAIN_UTC = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?Z")

_NUM = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(
    rf"P(?:{_NUM}W|(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}D)?(?:(T)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?)"
)


def timestamp_problem(value: str, *, rfc3339: bool) -> str | None:
    """What is wrong with ``value`` as a timestamp, or ``None`` if it is fine.

    :param rfc3339: apply the 2.0 rule (RFC 3339, offset required) instead of
        1.0.3's ISO 8601.
    """
    match = _match(value, rfc3339)
    if match is None:
        if rfc3339 and _match(value, False) is not None:
            return "must be an RFC 3339 date-time with seconds and a time zone offset"
        return "is not an ISO 8601 date-time"
    offset = match["offset"]
    if offset and offset[0] == "-" and offset.strip("-:0") == "":
        return "uses the offset -00:00, which means 'unknown' and is not allowed"
    if not _in_range(match) or (rfc3339 and match["h"] == "24"):
        return "is not a valid calendar date and time"
    return None


def parse_timestamp(value: str) -> datetime:
    """Read a timestamp that passed validation as an aware UTC datetime.

    Without an offset (1.0.3 allows that) the time is taken as UTC.

    :raises ValueError: when ``value`` is not a timestamp at all.
    """
    if _PLAIN_UTC.fullmatch(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    match = _match(value, False) or _match(value, True)
    moment = _to_datetime(match) if match else None
    if moment is None:
        raise ValueError(f"not an ISO 8601 timestamp: {value!r}")
    return moment


def is_duration(value: str) -> bool:
    """An ISO 8601:2004 4.4.3.2 duration: ``PnYnMnDTnHnMnS`` or ``PnW``.

    At least one component; ``T`` only with a time component; a decimal
    fraction only on the last component given (ISO 8601 4.4.3.2).
    """
    match = _DURATION.fullmatch(value)
    if match is None:
        return False
    groups = match.groups()
    numbers = [g for i, g in enumerate(groups) if g is not None and i != 4]
    if not numbers:
        return False
    if groups[4] is not None and groups[5] is None and groups[6] is None and groups[7] is None:
        return False
    return not any("." in n or "," in n for n in numbers[:-1])


def _match(value: str, rfc3339: bool) -> re.Match | None:
    if rfc3339:
        return _RFC3339.fullmatch(value)
    return _ISO_EXTENDED.fullmatch(value) or _ISO_BASIC.fullmatch(value)


def _in_range(match: re.Match) -> bool:
    """Field ranges, without building a datetime: this runs for every statement.

    The fields are fixed-width digit strings, so string comparison is numeric
    comparison, and several times cheaper than ``int()``.
    """
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if not "01" <= month <= "12" or day < "01":
        return False
    if day > "28" and int(day) > _days_in(int(year), int(month)):
        return False
    if minute > "59" or (second is not None and second > "60"):
        return False
    if hour > "23" and (
        hour != "24" or minute != "00" or second not in (None, "00") or (fraction or "0").strip("0")
    ):
        return False
    if offset and len(offset) > 1:
        return offset[1:3] <= "23" and (len(offset) == 3 or offset[-2:] <= "59")
    return True


def _days_in(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return _MONTH_DAYS[month - 1]


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _to_datetime(match: re.Match) -> datetime | None:
    if not _in_range(match):
        return None
    year, month, day = int(match["y"]), int(match["mo"]), int(match["d"])
    hour, minute = int(match["h"]), int(match["mi"])
    second = int(match["s"] or 0)
    fraction = match["f"] or ""
    end_of_day = hour == 24
    offset = match["offset"]
    if offset and offset not in "Zz":
        digits = offset[1:].replace(":", "")
        off_h, off_m = int(digits[:2]), int(digits[2:] or 0)
        sign = -1 if offset[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=off_h, minutes=off_m))
    else:
        tz = UTC
    micro = int((fraction + "000000")[:6]) if fraction else 0
    # A leap second (:60) is a valid instant; datetime cannot hold it.
    moment = datetime(
        year, month, day, 0 if end_of_day else hour, minute, min(second, 59), micro, tzinfo=tz
    )
    if end_of_day:
        moment += timedelta(days=1)
    return moment.astimezone(UTC)
