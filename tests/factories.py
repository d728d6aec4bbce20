"""Test factories: flush-only builders with sensible defaults, overridable per test."""

import itertools

from lms.accounts.models import Department, Membership, Organisation, User
from lms.accounts.passwords import hash_password
from lms.db import utcnow
from lms.extensions import db

DEFAULT_PASSWORD = "correct horse battery"
_sequence = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _hashed(password: str) -> str:
    # argon2 is slow on purpose; reuse one hash per password within the test run.
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def make_user(password: str = DEFAULT_PASSWORD, **overrides) -> User:
    n = next(_sequence)
    now = utcnow()
    values = {
        "email": f"user{n}@example.org",
        "name": f"Test User {n}",
        "password_hash": _hashed(password),
        "created_at": now,
        "updated_at": now,
    }
    values.update(overrides)
    user = User(**values)
    db.session.add(user)
    db.session.flush()
    return user


def make_organisation(**overrides) -> Organisation:
    n = next(_sequence)
    now = utcnow()
    values = {"name": f"Firma {n} GmbH", "city": "Siegen", "created_at": now, "updated_at": now}
    values.update(overrides)
    organisation = Organisation(**values)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def make_department(organisation: Organisation, **overrides) -> Department:
    n = next(_sequence)
    now = utcnow()
    values = {"name": f"Abteilung {n}", "cost_centre": str(1000 + n), "created_at": now,
              "updated_at": now}
    values.update(overrides)
    department = Department(organisation=organisation, **values)
    db.session.add(department)
    db.session.flush()
    return department


def make_member(organisation: Organisation, role: str = "employee", **user_overrides) -> User:
    user = make_user(**user_overrides)
    now = utcnow()
    db.session.add(
        Membership(user=user, organisation=organisation, role=role, created_at=now,
                   updated_at=now)
    )
    db.session.flush()
    return user
