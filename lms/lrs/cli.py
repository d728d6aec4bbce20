"""`atlas lrs …`: client credentials, upstream LRSs, the forwarding worker, GDPR requests."""

import json
import logging
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.db import utcnow
from lms.errors import DomainError
from lms.extensions import db
from lms.lrs import services
from lms.lrs.embedded import platform_lrs
from lms.lrs.forwarding import forward_round
from lms.lrs.scopes import SCOPES
from xapi.versions import LATEST_VERSION, SUPPORTED_VERSIONS

log = logging.getLogger(__name__)


class _DomainErrors:
    """Turn a domain error into a clean CLI error, after rolling the unit of work back."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if isinstance(error, DomainError):
            db.session.rollback()
            raise click.ClickException(error.message) from error
        return False


@click.group("lrs", help="Manage the LRS: clients, upstream LRSs, forwarding, GDPR requests.")
def lrs_group():
    pass


@lrs_group.command("create-client")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, required=True,
              type=click.Choice(SCOPES), help="A scope to grant; repeat for several.")
@click.option("--xapi-version", "xapi_version", type=click.Choice(SUPPORTED_VERSIONS),
              default=LATEST_VERSION, show_default=True,
              help="The xAPI version the client speaks: the version header of answers to "
                   "its requests without a valid one (those stay 400).")
@click.option("--json", "as_json", is_flag=True, help="Print key and secret as JSON.")
@with_appcontext
def create_client_command(name, scopes, xapi_version, as_json):
    """Create a client credential; its secret is shown this once."""
    with _DomainErrors():
        client, secret = services.create_client(
            None, name=name, scopes=list(scopes), now=utcnow(), xapi_version=xapi_version
        )
    db.session.commit()
    endpoint = f"{current_app.config['ATLAS_BASE_URL']}/xapi/"
    if as_json:
        click.echo(json.dumps({"name": client.name, "key": client.key, "secret": secret,
                               "scopes": client.scopes, "endpoint": endpoint,
                               "xapi_version": client.xapi_version}))
        return
    click.echo(f"created LRS client {client.name!r}")
    click.echo(f"  endpoint: {endpoint}")
    click.echo(f"  key:      {client.key}")
    click.echo(f"  secret:   {secret}")
    click.echo(f"  scopes:   {' '.join(client.scopes)}")
    click.echo(f"  xAPI:     {client.xapi_version}")
    click.echo("The secret is not stored and cannot be shown again.")


@lrs_group.command("list-clients")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def list_clients_command(as_json):
    """List client credentials (never their secrets)."""
    clients = services.list_clients()
    rows = [{
        "key": c.key, "name": c.name, "scopes": c.scopes, "xapi_version": c.xapi_version,
        "created_at": c.created_at.isoformat(),
        "last_used_at": c.last_used_at.isoformat() if c.last_used_at else None,
        "status": "revoked" if c.is_revoked else "active",
        "credits": [g.target for g in c.grants],
    } for c in clients]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no LRS clients yet; create one with `atlas lrs create-client NAME --scope …`")
    for row in rows:
        used = row["last_used_at"][:16] if row["last_used_at"] else "never"
        click.echo(f"{row['key']}  {row['status']:7}  {row['name']}  [{' '.join(row['scopes'])}]"
                   f"  xAPI {row['xapi_version']}"
                   f"  last used: {used}")
        if row["credits"]:
            click.echo(f"  may credit: {', '.join(row['credits'])}")


def _grant_options(command):
    command = click.option(
        "--activity-prefix", "activity_prefix",
        help="Activities under this IRI (the IRI itself and below it at a path step).",
    )(command)
    return click.option("--course", "course_slug", help="Every ungraded lesson of this course.")(
        command
    )


@lrs_group.command("grant")
@click.argument("key")
@_grant_options
@with_appcontext
def grant_command(key, course_slug, activity_prefix):
    """Let client KEY's statements count toward progress in a course or under an IRI prefix.

    Only statements stored from now on count. Quiz and assessment results and session
    attendance never count from a client: only the platform's grading and rosters credit them.
    """
    with _DomainErrors():
        grant = services.grant_credit(
            None, key, now=utcnow(), course_slug=course_slug, activity_prefix=activity_prefix
        )
    db.session.commit()
    click.echo(f"LRS client {key} may now credit {grant.target} (statements stored from now on)")


@lrs_group.command("ungrant")
@click.argument("key")
@_grant_options
@with_appcontext
def ungrant_command(key, course_slug, activity_prefix):
    """Withdraw a grant; run `atlas progress rebuild` to drop what it counted so far."""
    with _DomainErrors():
        grant = services.withdraw_credit(
            None, key, course_slug=course_slug, activity_prefix=activity_prefix
        )
    db.session.commit()
    click.echo(f"LRS client {key} may no longer credit {grant.target}")


@lrs_group.command("revoke-client")
@click.argument("key")
@with_appcontext
def revoke_client_command(key):
    """Revoke a client credential at once."""
    with _DomainErrors():
        client = services.revoke_client(None, key, utcnow())
    db.session.commit()
    click.echo(f"revoked LRS client {client.key} ({client.name})")


@lrs_group.command("erase-agent")
@click.argument("agent")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase_agent_command(agent, yes):
    """Erase every statement and document of one learner (GDPR Art. 17).

    AGENT is a learner's pseudonym or an Agent as JSON, e.g. '{"mbox": "mailto:a@example.org"}'.
    Upstream LRSs keep their copies: ask their operators to erase them too.
    """
    with _DomainErrors():
        parsed = services.parse_agent(agent)
        if not yes:
            click.confirm(f"Erase everything the LRS holds about {json.dumps(parsed)}?", abort=True)
        report = services.erase_agent(None, parsed, utcnow())
    db.session.commit()
    click.echo(f"erased {report.statements} statements and {report.documents} documents; "
               f"kept {report.authority_only} statements where the agent is only the authority")


@lrs_group.command("export-agent")
@click.argument("agent")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the JSON to this file instead of standard output.")
@with_appcontext
def export_agent_command(agent, out):
    """Export every statement and document of one learner as JSON (GDPR Art. 15, 20)."""
    with _DomainErrors():
        export = services.export_agent(None, services.parse_agent(agent), utcnow())
    db.session.rollback()
    text = json.dumps(export, ensure_ascii=False, indent=2)
    if out is None:
        click.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    click.echo(f"wrote {len(export['statements'])} statements and "
               f"{len(export['documents'])} documents to {out}")


@lrs_group.group("upstream", help="Upstream LRSs that receive a copy of every statement.")
def upstream_group():
    pass


@upstream_group.command("add")
@click.argument("name")
@click.argument("url")
@click.option("--user", default="", help="Basic auth user (key) at the upstream.")
@click.option("--password", default="", envvar="ATLAS_UPSTREAM_PASSWORD",
              help="Basic auth password; or set ATLAS_UPSTREAM_PASSWORD.")
@click.option("--verbs", multiple=True,
              help="Forward only these verb IRIs (repeat, or separate with commas).")
@click.option("--activity-prefix", "prefixes", multiple=True,
              help="Forward only statements about activities starting with this IRI.")
@click.option("--no-results", is_flag=True, help="Leave the result out of forwarded statements.")
@click.option("--xapi-version", default="2.0.0", type=click.Choice(services.VERSIONS))
@with_appcontext
def add_upstream_command(name, url, user, password, verbs, prefixes, no_results, xapi_version):
    """Register an upstream LRS at URL (its xAPI endpoint, e.g. https://lrs.example/xapi/)."""
    verb_list = [v.strip() for item in verbs for v in item.split(",") if v.strip()]
    with _DomainErrors():
        upstream = services.add_upstream(
            None, name=name, endpoint=url, username=user, password=password, now=utcnow(),
            verbs=verb_list, activity_prefixes=list(prefixes), include_results=not no_results,
            version=xapi_version,
        )
    db.session.commit()
    click.echo(f"added upstream {upstream.name} at {upstream.endpoint}; statements stored from "
               f"now on are queued for it (send them with `atlas lrs forward`)")


@upstream_group.command("list")
@with_appcontext
def list_upstreams_command():
    """Upstreams with their queue: pending, sent and failed statements, and the last error."""
    statuses = services.upstream_statuses()
    db.session.rollback()
    if not statuses:
        click.echo("no upstream LRSs; add one with `atlas lrs upstream add NAME URL`")
    for status in statuses:
        upstream, counts = status.upstream, status.counts
        state = "enabled" if upstream.is_enabled else "disabled"
        click.echo(f"{upstream.name}  {state}  {upstream.endpoint}  pending {counts['pending']}, "
                   f"sent {counts['sent']}, failed {counts['failed']}")
        if status.last_error:
            click.echo(f"  last error: {status.last_error[:300]}")


@lrs_group.command("forward")
@click.option("--once", is_flag=True, help="One round over all upstreams, then exit.")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between rounds.")
@click.option("--upstream", "names", multiple=True, help="Only this upstream (repeatable).")
@with_appcontext
def forward_command(once, interval, names):
    """Send queued statements to the upstream LRSs, retrying failures with back-off."""
    engine, lrs = db.engine, platform_lrs()
    try:
        while True:
            reports = forward_round(engine, lrs, names=tuple(names))
            if not reports and once:
                click.echo("no enabled upstream LRSs to forward to")
            for name, report in reports.items():
                click.echo(f"{name}: {report.sent} sent, {report.retrying} to retry, "
                           f"{report.failed} failed")
            if once:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        log.info("forwarding worker stopped")
