"""Template filters that format numbers, hours and course names the Babel way, in one place.

Shared by every area's templates (registered as filters by the site blueprint), so it sits
beside ``lms/local_time.py`` outside the areas.

Templates never round or join units themselves: "10.0 h" beside "18 Std." was the result.
"""

from datetime import UTC, date, datetime

from babel import Locale, dates
from flask_babel import format_decimal, get_locale, get_timezone, to_user_timezone
from flask_babel import gettext as _

#: one decimal place at most, none when the value is whole (10 → "10", 1.25 → "1,3")
_ONE_DECIMAL = "#,##0.#"


#: English pages are read in Europe: day before month and a 24-hour clock ("21/12/2026",
#: "21 Dec 2026, 14:30"), not Babel's plain ``en`` (en_US: "12/21/26", "2:30 PM").
_FORMAT_LOCALES = {"en": Locale.parse("en_GB")}


def display_locale() -> Locale:
    """The locale dates and times are written in: the user's, English as British English."""
    locale = get_locale() or Locale.parse("de")
    return _FORMAT_LOCALES.get(str(locale), locale)


def format_date(value: date | datetime | None = None, format: str = "medium") -> str:
    """A calendar date in the user's locale; an instant is first moved to Europe/Berlin."""
    if isinstance(value, datetime):
        value = to_user_timezone(value)
    return dates.format_date(value, format, locale=display_locale())


def format_datetime(value: datetime | None = None, format: str = "medium") -> str:
    """An instant in Europe/Berlin in the user's locale (the ``datetimeformat`` filter)."""
    return dates.format_datetime(value, format, tzinfo=get_timezone(), locale=display_locale())


def format_time(value: datetime | None = None, format: str = "medium") -> str:
    """The clock time of an instant in Europe/Berlin (the ``timeformat`` filter)."""
    return dates.format_time(value, format, tzinfo=get_timezone(), locale=display_locale())


def format_number(value: float | int | None, pattern: str = _ONE_DECIMAL) -> str:
    """Return ``value`` in the user's locale (``1,5`` in German, ``1.5`` in English)."""
    if value is None:
        return "–"
    return format_decimal(value, format=pattern)


def format_hours(hours: float | int | None) -> str:
    """Return e.g. ``1,5 Std.`` (German) or ``1.5 h`` (English); ``–`` when unknown."""
    if hours is None:
        return "–"
    return _("%(hours)s Std.", hours=format_number(hours))


def format_minutes_as_hours(minutes: int | None) -> str:
    """Return a number of minutes as hours with one decimal place, e.g. ``2,5 Std.``."""
    return format_hours((minutes or 0) / 60)


def course_title(course) -> str:
    """The title of ``course``'s published version in the user's language, else its slug."""
    if course is None:
        return "–"
    version = course.published_version
    if version is None:
        return course.slug
    return version.title(str(get_locale() or "de"))


def format_iso_date(value, width: str = "medium") -> str:
    """Format a date given as a ``date``, a ``datetime`` or an ISO 8601 string (certificate
    payloads and JSON sections store dates as strings); ``–`` when empty."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        try:
            value = (date.fromisoformat(value) if len(value) == 10
                     else datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return format_date(value, width)
    return format_date(value, width)
