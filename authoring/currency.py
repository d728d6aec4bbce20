"""Keeping content current: review intervals, translation stamps, and the new rules' severities."""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from authoring.diagnostic import ERROR, WARNING
from authoring.model import DEFAULT_LANGUAGE, Course

#: Every lesson says when it was last checked and opens with its plain summary. Warnings,
#: not errors: a course written before these rules still imports (its authors see what to
#: add); the ATLAS courses are held to zero warnings by tests/courses.
REVIEWED_MISSING_SEVERITY = WARNING
SUMMARY_MISSING_SEVERITY = WARNING
#: ``:::applies`` is required only where an author marked the lesson ``legal: true``.
APPLIES_MISSING_SEVERITY = ERROR

DEFAULT_REVIEW_MONTHS = 12
CHECK_MINUTES = 20
#: the studio lists lessons this many days before they fall due
SOON_DAYS = 30
REVIEW_EVERY = re.compile(
    r"^\s*(?P<count>\d{1,3})\s*(?P<unit>months?|monate?|years?|jahre?)\s*$", re.IGNORECASE
)
TRANSLATION_STAMP = re.compile(r"^translation_of\s*:.*$", re.MULTILINE)


def parse_review_every(text: str) -> int | None:
    """Return the months of ``6 months`` / ``2 years`` (German units too), or None."""
    match = REVIEW_EVERY.match(text)
    if not match or int(match["count"]) < 1:
        return None
    count = int(match["count"])
    return count * 12 if match["unit"].lower().startswith(("year", "jahr")) else count


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Return ``day`` moved by ``months``, clamped to the month's last day (31 Jan + 1 = 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has 28 days


def review_due(reviewed: datetime.date, months: int) -> datetime.date:
    """The day a lesson reviewed on ``reviewed`` must be reviewed again."""
    return add_months(reviewed, months)


def today() -> datetime.date:
    """Today's date for ``review-due``; tests replace it to stay deterministic."""
    return datetime.date.today()


def source_hash(text: str) -> str:
    """Return the stamp of a German lesson file: 16 hex digits of SHA-256 of its text.

    Line endings and a byte-order mark do not count, so an editor's save does not
    make every translation look outdated.
    """
    normal = text.lstrip("\ufeff").replace("\r\n", "\n")
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def stamp_translation(translated: str, german: str) -> str:
    """Return the translation's text with ``translation_of`` set to the German file's hash.

    Only the one front matter line changes (it is added after ``id:`` when absent),
    so the author's formatting and comments stay as they were.
    """
    line = f"translation_of: {source_hash(german)}"
    text = translated.lstrip("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ValueError("translation has no front matter")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise ValueError("translation front matter is not closed")
    for index in range(1, end):
        if TRANSLATION_STAMP.match(lines[index]):
            lines[index] = line
            return "\n".join(lines)
    after = next((i + 1 for i in range(1, end) if lines[i].startswith("id:")), end)
    lines.insert(after, line)
    return "\n".join(lines)


def stamp_translations(course_dir: str | Path) -> list[Path]:
    """Stamp every ``<stem>.<lang>.md`` in a course folder that has a German ``<stem>.md``.

    :return: the files whose text changed.
    """
    changed: list[Path] = []
    for file in sorted(Path(course_dir).glob("modules/*/*.*.md")):
        stem, _, _ = file.name.rpartition(".")
        base, dot, language = stem.rpartition(".")
        if not dot or not re.fullmatch(r"[a-z]{2}", language):
            continue
        german = file.with_name(f"{base}.md")
        if not german.is_file():
            continue
        before = file.read_text(encoding="utf-8")
        try:
            after = stamp_translation(before, german.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ValueError(f"{file.as_posix()}: {exc}") from exc
        if after != before:
            file.write_text(after, encoding="utf-8")
            changed.append(file)
    return changed


@dataclass(frozen=True)
class ReviewItem:
    """A lesson whose review is due, soon due, or never dated (for the studio's list)."""

    lesson_id: str
    title: str
    source: str
    reviewed: datetime.date | None
    due: datetime.date | None
    status: str  # "missing", "overdue" or "soon"


def review_schedule(course: Course, today: datetime.date,
                    soon_days: int = SOON_DAYS) -> list[ReviewItem]:
    """The lessons of ``course`` to review: overdue first, then missing, then due soon.

    A lesson is overdue when ``reviewed`` + ``review_every`` lies before ``today`` (as
    the validator's ``review-due``), due soon within ``soon_days`` after that.
    """
    items = []
    for lesson in course.lessons():
        original = lesson.variant(DEFAULT_LANGUAGE)
        if not lesson.reviewed:
            items.append(ReviewItem(lesson.id, original.title, original.source, None, None,
                                    "missing"))
            continue
        reviewed = datetime.date.fromisoformat(lesson.reviewed)
        due = review_due(reviewed, lesson.review_every_months)
        if due < today:
            status = "overdue"
        elif due <= today + datetime.timedelta(days=soon_days):
            status = "soon"
        else:
            continue
        items.append(ReviewItem(lesson.id, original.title, original.source, reviewed, due,
                                status))
    order = {"overdue": 0, "missing": 1, "soon": 2}
    return sorted(items, key=lambda item: (order[item.status], item.due or today))
