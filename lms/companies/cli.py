"""`atlas companies …`: reminders from cron and the department-assignment sync."""

import click
from flask.cli import with_appcontext

from lms.companies.assignments import sync_assignments
from lms.companies.jobs import daily_round
from lms.db import utcnow
from lms.extensions import db


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
    counts = daily_round(utcnow())
    db.session.commit()
    click.echo(f"{counts['closed']} rosters closed, {counts['created']} enrolments created, "
               f"{counts['learners']} reminders, "
               f"{counts['digests']} digests sent")
