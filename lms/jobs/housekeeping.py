"""The job layer's own schedule: prepared files past their expiry are deleted."""

from datetime import timedelta

from lms.db import utcnow
from lms.jobs.files import delete_expired
from lms.jobs.registry import every


@every(timedelta(hours=1), name="jobs.delete_expired_files")
def delete_expired_files() -> None:
    delete_expired(utcnow())
