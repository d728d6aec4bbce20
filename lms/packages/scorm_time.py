"""SCORM time values: 1.2 timespans (``HHHH:MM:SS.SS``) and 2004 ISO 8601 durations.

The learner's time arrives as ``session_time`` in either form; the server adds it to the
attempt's total and hands ``total_time`` back in the SCO's own form on the next launch.
"""

import re

#: SCORM 1.2 CMITimespan: hours (2–4 digits), minutes, seconds with up to two decimals
TIMESPAN = re.compile(r"^(\d{2,4}):([0-5]\d):([0-5]\d)(\.\d{1,2})?$")
#: SCORM 2004 timeinterval (ISO 8601 duration; years and months as in the RTE book)
DURATION = re.compile(
    r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?"
    r"(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,2})?)S)?)?$"
)


def parse_timespan(value: str) -> float | None:
    """Seconds of a SCORM 1.2 timespan, None when ``value`` is not one."""
    match = TIMESPAN.match(value or "")
    if match is None:
        return None
    hours, minutes, seconds, fraction = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds) + float(fraction or 0)


def parse_duration(value: str) -> float | None:
    """Seconds of an ISO 8601 duration as SCORM 2004 writes it, None when it is not one.

    Years and months count as 365 and 30 days (the RTE book leaves them to the LMS).
    """
    match = DURATION.match(value or "")
    if match is None:
        return None
    years, months, days, hours, minutes, seconds = (float(part or 0) for part in match.groups())
    return ((years * 365 + months * 30 + days) * 24 + hours) * 3600 + minutes * 60 + seconds


def iso_duration(seconds: float) -> str:
    """``seconds`` as an ISO 8601 duration (``PT1H2M3.5S``), as xAPI's result.duration."""
    hundredths = round(max(seconds, 0.0) * 100)
    hours, rest = divmod(hundredths, 360000)
    minutes, rest = divmod(rest, 6000)
    whole, fraction = divmod(rest, 100)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if whole or fraction or text == "PT":
        text += f"{whole}.{fraction:02d}S".replace(".00S", "S")
    return text


def timespan(seconds: float) -> str:
    """``seconds`` as a SCORM 1.2 timespan (``0001:02:03.50``; hours cap at 9999)."""
    hundredths = min(round(max(seconds, 0.0) * 100), 9999 * 360000 + 359999)
    hours, rest = divmod(hundredths, 360000)
    minutes, rest = divmod(rest, 6000)
    whole, fraction = divmod(rest, 100)
    return f"{hours:04d}:{minutes:02d}:{whole:02d}.{fraction:02d}"
