"""`atlas lti …`: the tool key's rotation from the shell."""

from datetime import timedelta

import click
from flask.cli import with_appcontext

from lms.db import utcnow
from lms.extensions import db
from lms.lti import keys


@click.group("lti", help="LTI 1.3 tool: keys.")
def lti_group():
    pass


@lti_group.command("rotate-key")
@click.option("--grace-days", default=7, show_default=True, type=click.IntRange(0, 365),
              help="How long the previous key stays published for verification.")
@with_appcontext
def rotate_key_command(grace_days: int):
    """Add a new signing key; the old one stays in /lti/jwks for the grace period, then
    retires (a later rotation removes its private half)."""
    now = utcnow()
    new, retired = keys.rotate_key(now, timedelta(days=grace_days))
    db.session.commit()
    click.echo(f"new signing key {new.kid}")
    for kid in retired:
        click.echo(f"retired key {kid}")
    published = [key["kid"] for key in keys.published_keys(now)["keys"]]
    click.echo(f"published: {', '.join(published)}")
