"""Password hashing with argon2id, and the rules a new password must meet."""

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

from lms.accounts.password_strength import weakness
from lms.errors import ValidationFailedError

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the account does not exist, so timing does not reveal it.

    Made on first use, not at import: hashing takes argon2's 64 MiB, which processes that
    never check a password (exports, CLI commands) should not carry.
    """
    return _hasher.hash("atlas-campus-timing-equaliser")

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check ``password``; with no hash, spend the same time and say no."""
    try:
        is_valid = _hasher.verify(password_hash or _dummy_hash(), password)
        return is_valid and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_password_rules(password: str, email: str = "", *, name: str = "") -> None:
    """Raise ValidationFailedError when ``password`` is too weak to accept.

    :param email: the person's address and ``name`` their name: a password made of them
        is refused.
    :raises ValidationFailedError: too short, the e-mail address, or easy to guess
        (``lms.accounts.password_strength``: common breached passwords, own name, keyboard
        runs, repeats, and the breach range API when configured).
    """
    if len(password) < MIN_LENGTH:
        raise ValidationFailedError(
            _("Das Passwort muss mindestens %(n)d Zeichen lang sein.", n=MIN_LENGTH),
            field="password",
        )
    if email and password.strip().lower() == email.strip().lower():
        raise ValidationFailedError(
            _("Das Passwort darf nicht Ihre E-Mail-Adresse sein."), field="password"
        )
    problem = weakness(password, email, name)
    if problem:
        raise ValidationFailedError(problem, field="password")
