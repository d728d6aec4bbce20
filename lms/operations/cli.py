"""`atlas backup FILE` and `atlas restore FILE [--force]`."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.operations.backup import BackupError, create_backup, restore_backup, script_directory


@click.command("backup")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(archive: Path) -> None:
    """Write database, signing keys, media and instance config to ARCHIVE (a tar file)."""
    if archive.exists():
        raise click.ClickException(f"{archive} exists; choose a new file name")
    try:
        manifest = create_backup(archive)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backup written to {archive}: {manifest['database']['dialect']} database at "
               f"revision {manifest['alembic_revision']}, {len(manifest['files'])} files")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="replace a non-empty installation (its database and keys are lost)")
@with_appcontext
def restore_command(archive: Path, force: bool) -> None:
    """Restore ARCHIVE onto this (empty) installation, checking checksums and revision."""
    try:
        manifest = restore_backup(archive, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    heads = script_directory().get_heads()
    click.echo(f"restored {archive}: revision {manifest['alembic_revision']} "
               f"from {manifest['created_at']}")
    if manifest["alembic_revision"] not in heads:
        click.echo("the schema is older than this version: run `atlas db upgrade` next")
