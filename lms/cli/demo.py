"""`atlas demo seed`: demo organisations and accounts, with passwords generated per install.

Passwords are random and kept in ``instance/demo-logins.json`` (never in the repo);
running the command again changes nothing and prints the same logins.
"""

import json
import secrets
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from lms.accounts import services
from lms.accounts.models import Organisation
from lms.db import utcnow
from lms.extensions import db
from lms.plugins import hooks

DEMO_ACCOUNTS = (
    # key, name, email, flags, organisation role
    ("admin", "Anna Admin", "admin@atlas-campus.example", {"is_admin": True}, None),
    ("trainer", "Tobias Trainer", "trainer@atlas-campus.example", {"is_trainer": True}, None),
    ("manager", "Maria Meister", "manager@sauerland-metall.example", {}, "manager"),
    ("learner", "Lena Lernwig", "lena@sauerland-metall.example", {}, "employee"),
    ("works_council", "Bernd Betriebsrat", "betriebsrat@sauerland-metall.example", {},
     "works_council"),
)

DEMO_ORGANISATION = ("Sauerland Metallwerke GmbH", "Lüdenscheid")
DEMO_DEPARTMENTS = (("Stanzerei", "4100"), ("Instandhaltung", "4300"), ("Qualität", "4500"))


def _logins_path() -> Path:
    return Path(current_app.instance_path) / "demo-logins.json"


def _load_or_create_passwords() -> dict:
    """The demo logins file: ``{key: password, ..., "emails": {key: email}}``.

    Passwords stay top-level by role key (scripts and tests read ``logins["learner"]``);
    the e-mail addresses sit beside them so the file alone is enough to log in. An older
    file without them gets them added, passwords unchanged.
    """
    path = _logins_path()
    emails = {key: email for key, _name, email, *_ in DEMO_ACCOUNTS}
    if path.exists():
        logins = json.loads(path.read_text())
        if logins.get("emails") == emails:
            return logins
    else:
        logins = {key: secrets.token_urlsafe(9) for key, *_ in DEMO_ACCOUNTS}
    logins["emails"] = emails
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(logins, indent=2, ensure_ascii=False))
    path.chmod(0o600)
    return logins


def seed_demo(now) -> list[str]:
    """Create the demo data that is missing; return the lines to print."""
    passwords = _load_or_create_passwords()
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == DEMO_ORGANISATION[0])
    ) or services.create_organisation(
        name=DEMO_ORGANISATION[0], city=DEMO_ORGANISATION[1], now=now
    )
    departments = {d.name: d for d in organisation.departments}
    for name, cost_centre in DEMO_DEPARTMENTS:
        if name not in departments:
            departments[name] = services.add_department(
                organisation, name=name, cost_centre=cost_centre, now=now
            )
    lines = ["Demo-Zugänge / demo logins (http://127.0.0.1:5000/login):"]
    for key, name, email, flags, org_role in DEMO_ACCOUNTS:
        user = services.find_user_by_email(email)
        if user is None:
            user = services.create_user(
                email=email, name=name, password=passwords[key], now=now, **flags
            )
        if org_role and user.membership is None:
            services.add_member(
                organisation, user, role=org_role, department=departments["Stanzerei"], now=now
            )
        lines.append(f"  {key:<14} {email:<40} {passwords[key]}")
    for extra in hooks().lms_demo_data(now=now):
        lines.extend(extra or [])
    return lines


@click.group("demo", help="Demo data for trying the platform.")
def demo_group():
    pass


@demo_group.command("seed")
@with_appcontext
def seed_command():
    """Create demo organisations, accounts and course data (idempotent)."""
    lines = seed_demo(utcnow())
    db.session.commit()
    for line in lines:
        click.echo(line)
