"""`atlas companies …`: reminders from cron and the department-assignment sync."""

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.companies.assignments import sync_assignments
from lms.companies.reminders import run_reminders
from lms.db import utcnow
from lms.extensions import db
from lms.sessions.attendance import close_ended_sessions


@click.group("companies", help="Company portal: assignments and reminders.")
def companies_group():
    pass


@companies_group.command("sync")
@with_appcontext
def sync_command():
    """Enrol people who joined a department after a course was assigned to it."""
    created = sync_assignments(utcnow())
    db.session.commit()
    click.echo(f"{created} enrolments created")


@companies_group.command("remind")
@with_appcontext
def remind_command():
    """Close ended sessions' rosters, sync department assignments, then mail due-date
    reminders and weekly digests (cron): the digests then show the credited attendance."""
    now = utcnow()
    closed = close_ended_sessions(now)
    created = sync_assignments(now)
    # mails carry links: build them against the public URL, as a request would
    with current_app.test_request_context("/", base_url=current_app.config["ATLAS_BASE_URL"]):
        counts = run_reminders(now)
    db.session.commit()
    click.echo(f"{len(closed)} rosters closed, {created} enrolments created, "
               f"{counts['learners']} reminders, "
               f"{counts['digests']} digests sent")
