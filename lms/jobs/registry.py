"""The registry of jobs and schedules, filled by the ``@job`` and ``every`` declarations.

A job is a plain function taking JSON-serialisable keyword arguments. It runs in an app
context of its own; the runner commits its session when it returns (one unit of work) and
rolls it back when it raises. The modules declaring jobs are named by the areas' plugins
(hook ``lms_job_modules``) and imported by ``create_app``, so a worker finds every job by name.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class JobSpec:
    """A registered job: how often it may be tried and how long to wait between tries."""

    name: str
    func: Callable[..., object]
    max_attempts: int = 1
    backoff_seconds: float = 30.0
    #: called with the job's arguments when it becomes a dead letter (same transaction)
    on_dead: Callable[..., object] | None = None

    def delay_before(self, attempt: int) -> float:
        """Seconds to wait before try number ``attempt`` (2, 3, …): doubling each time."""
        return self.backoff_seconds * 2 ** max(attempt - 2, 0)


@dataclass(frozen=True)
class Schedule:
    """Run job ``job_name`` (without arguments) every ``interval``."""

    name: str
    job_name: str
    interval: timedelta


JOBS: dict[str, JobSpec] = {}
SCHEDULES: dict[str, Schedule] = {}


class UnknownJobError(LookupError):
    """A job name no imported module registered."""


def job(name: str, *, max_attempts: int = 1, backoff_seconds: float = 30.0,
        on_dead: Callable[..., object] | None = None):
    """Register the decorated function as job ``name``.

    :param max_attempts: tries before the job goes to the dead letters (1: no retry).
    :param backoff_seconds: wait before the second try; it doubles for each further try.
    :param on_dead: called with the job's arguments when its last try failed, in the
        transaction that records the dead letter (say "failed" where a user waits).
    """

    def register(func):
        JOBS[name] = JobSpec(name, func, max_attempts, backoff_seconds, on_dead)
        return func

    return register


def every(interval: timedelta, *, name: str | None = None):
    """Register the decorated function as a job and run it every ``interval`` (scheduler)."""

    def register(func):
        job_name = name or f"{func.__module__}.{func.__name__}"
        JOBS[job_name] = JobSpec(job_name, func)
        SCHEDULES[job_name] = Schedule(job_name, job_name, interval)
        return func

    return register


def spec_for(name: str) -> JobSpec:
    try:
        return JOBS[name]
    except KeyError:
        raise UnknownJobError(f"no job is registered as {name!r}") from None
