"""Login throttling: failed attempts only, per account with a growing lockout, per address capped.

Successful logins cost nothing, so a plant behind one NAT address or a workshop signing in
for QR check-in is never locked out by its own colleagues. An account (more exactly: the
typed e-mail address, known or not, so the answer reveals nothing) is locked after
``ATLAS_LOGIN_LOCKOUT_AFTER`` failures, for one minute, doubling with every further failure up
to ``ATLAS_LOGIN_LOCKOUT_MAX_MINUTES``, whatever address the attempts come from. A generous
ceiling of failures per client address (``ATLAS_LOGIN_IP_FAILURES`` in 15 minutes) stops one
address from trying many accounts. The counters live in Redis or the database
(``lms.accounts.counters``), shared by all workers.
"""

import hashlib
import logging
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app

from lms.accounts.counters import counters

try:
    from redis.exceptions import RedisError
except ImportError:  # Redis is optional; without the client no Redis error can occur

    class RedisError(Exception):
        pass


log = logging.getLogger(__name__)

STORE_ERRORS = (OSError, RedisError)

FAILURE_MEMORY = timedelta(hours=24)  # failures are forgotten a day after the first one
FIRST_LOCKOUT = timedelta(minutes=1)
IP_WINDOW = timedelta(minutes=15)
MAIL_WINDOW = timedelta(hours=1)


def _canonical(email: str) -> str:
    """The address as login looks it up, so spelling variants share one counter."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return email.strip().lower()


def _account_key(email: str) -> str:
    digest = hashlib.sha256(_canonical(email).encode()).hexdigest()
    return f"login:account:{digest}"


def _ip_key(address: str) -> str:
    return f"login:ip:{address}"


def _store_failed(error: Exception) -> None:
    # Fail open: a broken Redis must not lock everyone out; it is logged loudly instead.
    log.error("throttle counters unavailable: %s", error)


def login_blocked_until(email: str, address: str, now: datetime) -> datetime | None:
    """Return until when a login for ``email`` from ``address`` is refused, or None."""
    store = counters()
    try:
        until = store.locked_until(_account_key(email), now)
        if store.count(_ip_key(address), now) >= current_app.config["ATLAS_LOGIN_IP_FAILURES"]:
            ip_until = store.window_end(_ip_key(address), now)
            if ip_until and (until is None or ip_until > until):
                until = ip_until
    except STORE_ERRORS as error:
        _store_failed(error)
        return None
    return until


def record_login_failure(email: str, address: str, now: datetime) -> datetime | None:
    """Count a failed login; return until when the account is now locked, if it is."""
    store = counters()
    config = current_app.config
    try:
        store.hit(_ip_key(address), IP_WINDOW, now)
        failures = store.hit(_account_key(email), FAILURE_MEMORY, now)
        free = config["ATLAS_LOGIN_LOCKOUT_AFTER"]
        if failures < free:
            return None
        longest = timedelta(minutes=config["ATLAS_LOGIN_LOCKOUT_MAX_MINUTES"])
        lockout = min(FIRST_LOCKOUT * 2 ** min(failures - free, 20), longest)
        store.lock(_account_key(email), now + lockout)
    except STORE_ERRORS as error:
        _store_failed(error)
        return None
    return now + lockout


def record_login_success(email: str) -> None:
    """A right password forgets the account's failures (the address ceiling stays)."""
    try:
        counters().clear(_account_key(email))
    except STORE_ERRORS as error:
        _store_failed(error)


def allow_mail(kind: str, email: str, now: datetime, per_hour: int) -> bool:
    """Whether another ``kind`` mail may go to ``email`` this hour (no mail bombing)."""
    digest = hashlib.sha256(_canonical(email).encode()).hexdigest()
    try:
        return counters().hit(f"mail:{kind}:{digest}", MAIL_WINDOW, now) <= per_hour
    except STORE_ERRORS as error:
        _store_failed(error)
        return True

