"""A session as an iCalendar file (RFC 5545) for the learner's calendar.

Written by hand, it is a dozen lines: CRLF line endings, lines folded at 75 octets
(never inside a UTF-8 sequence), TEXT values escaped, times in UTC with ``Z``.
"""

from datetime import datetime

from lms.sessions.models import CourseSession

PRODID = "-//ATLAS Campus//Termine//DE"
LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets joined by CRLF + space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= LINE_OCTETS:
        return line
    parts: list[str] = []
    current = b""
    limit = LINE_OCTETS
    for char in line:
        octets = char.encode("utf-8")
        if len(current) + len(octets) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
            limit = LINE_OCTETS - 1  # continuation lines start with one space
        current += octets
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def utc_stamp(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%SZ")


def session_ics(session: CourseSession, *, uid_host: str, course_title: str, course_url: str,
                now: datetime) -> bytes:
    """Return the calendar file of ``session`` (one VEVENT), as UTF-8 bytes.

    :param uid_host: the platform's host name, making the UID globally unique.
    :param course_url: the course page; the video link, where there is one, goes to URL.
    """
    description = [course_title]
    if session.video_url:
        description.append(session.video_url)
    if session.notes:
        description.append(session.notes)
    description.append(course_url)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:session-{session.id}@{uid_host}",
        f"DTSTAMP:{utc_stamp(now)}",
        f"DTSTART:{utc_stamp(session.starts_at)}",
        f"DTEND:{utc_stamp(session.ends_at)}",
        f"SUMMARY:{escape_text(session.title)}",
        f"LOCATION:{escape_text(session.location or session.video_url)}",
        f"URL:{session.video_url or course_url}",
        f"DESCRIPTION:{escape_text(chr(10).join(description))}",
        f"STATUS:{'CANCELLED' if session.cancelled_at else 'CONFIRMED'}",
        f"SEQUENCE:{int(session.updated_at.timestamp()) if session.updated_at else 0}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
