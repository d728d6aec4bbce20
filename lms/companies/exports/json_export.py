"""JSON export: one array streamed object by object, ISO 8601 timestamps in UTC."""

import json
from collections.abc import Iterable, Iterator
from datetime import date

from lms.companies.exports.rows import COLUMNS, CompletionRow
from lms.local_time import end_of_day

KEYS = [key for key, _label in COLUMNS]


def due_moment(day: date | None) -> str | None:
    """A due date as the API and JSON export have always given it, a UTC date-time: the
    last second of the day in Berlin (``2026-12-21`` → ``2026-12-21T22:59:59Z``), so a
    client reading it in Berlin, or taking the date of the UTC value, gets the due day."""
    if day is None:
        return None
    return end_of_day(day).isoformat().replace("+00:00", "Z")


def row_object(row: CompletionRow) -> dict:
    """The exported fields of ``row`` (no scores), with ids for matching in HR systems."""
    data = {key: row[index] for index, key in enumerate(KEYS)}
    for key in ("enrolled_at", "completed_at"):
        value = data[key]
        data[key] = value.isoformat().replace("+00:00", "Z") if value is not None else None
    data["due_at"] = due_moment(data["due_at"])
    data["person_id"] = row.person_id
    data["course_slug"] = row.course_slug
    data["certificate_number"] = row.certificate_number or None
    data["certificate_status"] = row.certificate_status or None
    return data


def json_chunks(rows: Iterable[CompletionRow], batch: int = 200) -> Iterator[bytes]:
    """Yield ``[``, the objects separated by commas, ``]`` in chunks: valid JSON when done."""
    yield b"["
    parts: list[str] = []
    first = True
    for row in rows:
        text = json.dumps(row_object(row), ensure_ascii=False, separators=(",", ":"))
        parts.append(text if first else "," + text)
        first = False
        if len(parts) >= batch:
            yield "\n".join(parts).encode("utf-8")
            parts = []
    if parts:
        yield "\n".join(parts).encode("utf-8")
    yield b"]\n"
