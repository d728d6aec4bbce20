"""Cell values as exports write them: local dates, and text that spreadsheets never evaluate."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

#: Dates in exports are calendar days where the companies are (the platform's default zone).
LOCAL_ZONE = ZoneInfo("Europe/Berlin")

#: A cell starting with one of these is a formula to Excel/LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix text a spreadsheet would run as a formula with ``'`` (OWASP's advice)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def local_date(moment: datetime | None) -> date | None:
    return moment.astimezone(LOCAL_ZONE).date() if moment is not None else None
