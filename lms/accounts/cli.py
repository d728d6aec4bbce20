"""`atlas users …`: create accounts and grant platform roles from the shell."""

import click
from flask.cli import with_appcontext

from lms.accounts import login_sessions, services
from lms.db import utcnow
from lms.errors import DomainError
from lms.extensions import db


@click.group("users", help="Manage user accounts.")
def users_group():
    pass


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--admin", is_flag=True, help="Grant platform administration.")
@click.option("--trainer", is_flag=True, help="Grant the trainer role.")
@with_appcontext
def create_user_command(email, name, password, admin, trainer):
    """Create a user account."""
    try:
        user = services.create_user(
            email=email, name=name, password=password, now=utcnow(), is_admin=admin,
            is_trainer=trainer,
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"created user {user.email} (id {user.id})")


@users_group.command("end-sessions")
@click.option("--email", required=True)
@with_appcontext
def end_sessions_command(email):
    """Sign a user out everywhere (every browser, every remember cookie)."""
    user = services.find_user_by_email(email.strip())
    if user is None:
        raise click.ClickException(f"no user with the address {email}")
    ended = login_sessions.end_all_sessions(user)
    db.session.commit()
    click.echo(f"ended {ended} session(s) of {user.email}")
