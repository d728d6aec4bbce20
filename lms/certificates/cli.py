"""`atlas certificates …`: verify a certificate PDF offline, render PDFs in bulk."""

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from lms.certificates import services, signing
from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.extensions import db


@click.group("certificates", help="Certificates: verify PDFs, render PDFs, send reminders.")
def certificates_group():
    pass


@certificates_group.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def verify_command(file):
    """Check FILE's embedded payload against the signature and the platform's records.

    Exit 0 when the certificate is genuine and known, 1 otherwise.
    """
    from lms.certificates.pdf import EmbeddedPayloadError, read_embedded

    try:
        payload, signature = read_embedded(file)
    except EmbeddedPayloadError as error:
        click.echo(f"INVALID: {error}", err=True)
        sys.exit(1)
    if not signing.verify(payload, signature):
        click.echo("INVALID: signature does not match the certificate data "
                   "(the file was altered or not issued by this platform)", err=True)
        sys.exit(1)
    number = payload.get("number", "")
    certificate = services.get_by_number(number)
    if certificate is None or certificate.payload != payload:
        click.echo(f"INVALID: certificate {number} is unknown to this platform", err=True)
        sys.exit(1)
    status = services.certificate_status(certificate, utcnow())
    click.echo(f"OK: {number} signature valid; {payload['learner_name']} – "
               f"{payload['course']['title']} ({payload['course']['version']}); status {status}")
    sys.exit(0)


@certificates_group.command("render")
@click.option("--all", "render_all", is_flag=True, help="render every certificate")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.argument("numbers", nargs=-1)
@with_appcontext
def render_command(render_all, out, numbers):
    """Write NUMBER.pdf into OUT for the given numbers, or for all with --all."""
    if not render_all and not numbers:
        raise click.UsageError("give certificate numbers or --all")
    from lms.certificates.pdf import render_certificate_pdf
    query = select(Certificate).order_by(Certificate.id)
    if not render_all:
        query = query.where(Certificate.number.in_(numbers))
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for certificate in db.session.scalars(query):
        (out / f"{certificate.number}.pdf").write_bytes(render_certificate_pdf(certificate))
        count += 1
    click.echo(f"{count} certificate(s) written to {out}")


@certificates_group.command("remind")
@with_appcontext
def remind_command():
    """Mail reminders for certificates expiring within 30 days (run daily from cron).

    Each certificate is reminded once; the learner and, for members of an organisation,
    its company managers get a mail.
    """
    from lms.certificates.reminders import send_expiry_reminders

    count = send_expiry_reminders(utcnow())
    db.session.commit()
    click.echo(f"{count} reminder(s) sent")
