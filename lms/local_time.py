"""The platform's local calendar: which Berlin day a moment falls on, and a day's last moment.

Calendar dates (due dates, expiry days) are stored as dates; instants as UTC. Rules
that compare the two ask which day it is in Europe/Berlin, the zone people read and
the app's ``BABEL_DEFAULT_TIMEZONE``: at 23:30 on 21 December a due date of
21 December is still today, not yesterday as it is in UTC.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Europe/Berlin")


def local_day(moment: datetime) -> date:
    """The Berlin calendar day an aware instant falls on."""
    return moment.astimezone(LOCAL_ZONE).date()


def start_of_day(day: date) -> datetime:
    """The first instant (UTC) of ``day`` in Berlin; DST changes are taken into account."""
    return datetime.combine(day, time(0, 0), tzinfo=LOCAL_ZONE).astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """The last second (UTC) of ``day`` in Berlin: shown in Berlin, it is still ``day``."""
    return start_of_day(day + timedelta(days=1)) - timedelta(seconds=1)
