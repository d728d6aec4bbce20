"""`atlas course export-package SLUG --format cmi5|scorm12 -o FILE.zip`.

The command joins the catalogue's ``course`` group (a lower layer, so importing it is
allowed) instead of a group of its own: course commands stay in one place.
"""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.catalog.cli import course_group
from lms.errors import DomainError
from lms.packages import export_services


@click.command("export-package")
@click.argument("slug")
@click.option("--format", "package_format", required=True,
              type=click.Choice(export_services.FORMATS), help="package standard")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="the zip file to write")
@click.option("--version-id", type=int, help="a version that was published (default: the "
              "published one)")
@with_appcontext
def export_package_command(slug, package_format, output, version_id):
    """Write the course SLUG as a SCORM 1.2 or cmi5 package for another LMS.

    cmi5 AUs point at ATLAS_BASE_URL: export from the configuration the platform runs with.
    """
    try:
        version = export_services.exportable_version(slug, version_id)
        content = export_services.export_package(
            version, package_format, current_app.config["ATLAS_BASE_URL"],
            current_app.config["SECRET_KEY"])
    except DomainError as error:
        raise click.ClickException(error.message) from error
    output.write_bytes(content)
    click.echo(f"{output}: {package_format}, {version.course.slug} {version.version}, "
               f"{len(content)} bytes")


def register_export_command() -> None:
    """Add the command to ``atlas course`` (once; the hook may run for several apps)."""
    if "export-package" not in course_group.commands:
        course_group.add_command(export_package_command)
