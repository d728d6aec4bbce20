"""One LRS writer at a time on SQLite, handed over at once instead of by SQLite's busy sleep.

SQLite has one writer. A second process that wants to write waits in SQLite's busy handler,
which sleeps 1, 2, 5, 10, 15, 20, 25 … ms between retries: with several gunicorn workers
most of the waiting is sleeping after the lock is already free. An exclusive ``flock`` on
a file next to the database queues the writers in the kernel, which wakes the next one the
moment the lock is released. PostgreSQL handles concurrent writers itself: no lock there.
"""

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from lms.extensions import db

_thread_lock = threading.Lock()
# Descriptors per (process, path): a descriptor inherited across fork shares its lock.
_descriptors: dict[tuple[int, str], int] = {}


def _lock_path() -> str | None:
    engine = db.engine
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return f"{database}.write-lock"


def _descriptor(path: str) -> int:
    key = (os.getpid(), path)
    if key not in _descriptors:
        _descriptors[key] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    return _descriptors[key]


@contextmanager
def serialized_writes() -> Iterator[None]:
    """Hold the LRS write lock (SQLite only) around a write and its commit."""
    path = _lock_path()
    if path is None:
        yield
        return
    with _thread_lock:
        descriptor = _descriptor(path)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
