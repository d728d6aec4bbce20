"""`atlas progress …`: rebuild the progress projection from the LRS's statements."""

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.db import utcnow
from lms.extensions import db
from lms.learning.projection import rebuild


@click.group("progress", help="The learning progress projection (built from the LRS).")
def progress_group():
    pass


@progress_group.command("rebuild")
@click.option("--user", "email", help="only this learner (e-mail address)")
@click.option("--course", "slug", help="only this course (slug)")
@with_appcontext
def rebuild_command(email, slug):
    """Delete the progress rows in scope and fold the LRS's statements into them again.

    Completions already recorded keep their date and fire nothing again.
    """
    user_ids = course_ids = None
    if email:
        user_id = db.session.scalar(
            select(User.id).where(func.lower(User.email) == email.strip().lower()))
        if user_id is None:
            raise click.ClickException(f"no user with e-mail address {email}")
        user_ids = [user_id]
    if slug:
        course_id = db.session.scalar(select(Course.id).where(Course.slug == slug))
        if course_id is None:
            raise click.ClickException(f"no course {slug}")
        course_ids = [course_id]
    result = rebuild(utcnow(), user_ids=user_ids, course_ids=course_ids)
    db.session.commit()
    click.echo(f"statements folded: {result.statements}")
    click.echo(f"learner-course progress rows: {result.pairs}")
    click.echo(f"completions newly recorded: {result.completed_now}")
