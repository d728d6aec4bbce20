"""`atlas qualifications …`: the starter catalogue, evidence sync and renewals by hand."""

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.db import utcnow
from lms.extensions import db
from lms.qualifications.catalogue import seed_catalogue
from lms.qualifications.jobs import daily_round


@click.group("qualifications", help="Qualification planning: catalogue, evidence, renewals.")
def qualifications_group():
    pass


@qualifications_group.command("seed-catalogue")
@with_appcontext
def seed_catalogue_command():
    """Load the network's starter catalogue and role templates where missing."""
    added_q, added_r = seed_catalogue(utcnow())
    db.session.commit()
    click.echo(f"{added_q} qualifications, {added_r} role templates added")


@qualifications_group.command("daily")
@with_appcontext
def daily_command():
    """Derive evidence, sync department roles and create due renewal assignments."""
    with current_app.test_request_context("/", base_url=current_app.config["ATLAS_BASE_URL"]):
        counts = daily_round(utcnow())
    db.session.commit()
    click.echo(f"{counts['evidence_people']} people checked, {counts['renewals']} renewals")
