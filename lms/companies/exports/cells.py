"""Cell values as exports write them: local dates, and text that spreadsheets never evaluate."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

#: Dates in exports are calendar days where the companies are (the platform's default zone).
LOCAL_ZONE = ZoneInfo("Europe/Berlin")

#: A cell starting with one of these is a formula to Excel/LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Offsets and their changes fall on whole quarter hours (in UTC), so every moment in
#: one quarter hour of UTC has the same local calendar day.
QUARTER_HOUR = 900


def neutralise(text: str) -> str:
    """Prefix text a spreadsheet would run as a formula with ``'`` (OWASP's advice)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def local_date(moment: datetime | None) -> date | None:
    return moment.astimezone(LOCAL_ZONE).date() if moment is not None else None


class LocalDays:
    """:func:`local_date` for many moments, converted once per quarter hour of UTC.

    A large export has a few thousand distinct quarter hours among hundreds of
    thousands of dates; the time-zone conversion is the costly part, a lookup is not.
    """

    def __init__(self) -> None:
        self._days: dict[float, date] = {}
        self._texts: dict[float, str] = {}

    def date(self, moment: datetime | None) -> date | None:
        if moment is None:
            return None
        key = moment.timestamp() // QUARTER_HOUR
        day = self._days.get(key)
        if day is None:
            day = self._days[key] = moment.astimezone(LOCAL_ZONE).date()
        return day

    def text(self, moment: datetime | None) -> str:
        """The day as ``YYYY-MM-DD``; ``""`` without a moment."""
        if moment is None:
            return ""
        key = moment.timestamp() // QUARTER_HOUR
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = moment.astimezone(LOCAL_ZONE).date().isoformat()
        return text
