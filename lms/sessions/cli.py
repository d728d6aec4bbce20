"""`atlas sessions …`: closing the rosters of ended sessions from cron."""

import click
from flask.cli import with_appcontext

from lms.db import utcnow
from lms.extensions import db
from lms.sessions.attendance import close_ended_sessions


@click.group("sessions", help="Blended sessions: rosters and attendance.")
def sessions_group():
    pass


@sessions_group.command("close-ended")
@with_appcontext
def close_ended_command():
    """Credit the attendance of sessions that ended without the trainer closing the roster."""
    closed = close_ended_sessions(utcnow())
    db.session.commit()
    click.echo(f"{len(closed)} rosters closed")
