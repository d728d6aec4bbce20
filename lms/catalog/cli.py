"""`atlas course …`: create, check, build, preview and import course folders.

Thin wrappers: the authoring library does the work (``authoring.cli``), the import
goes through the catalog services like every other change to the platform.
"""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from authoring import cli as authoring_cli
from authoring.cache import DirectoryCache
from authoring.diagnostic import summarize
from lms.catalog import services
from lms.db import utcnow
from lms.errors import DomainError
from lms.extensions import db

_paths = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
_cache_dir = click.option(
    "--cache-dir", type=click.Path(file_okay=False),
    help=f"render cache (default ${authoring_cli.CACHE_ENV} or {authoring_cli.DEFAULT_CACHE_DIR})",
)
_no_cache = click.option("--no-cache", is_flag=True, help="do not use a disk cache")


def import_cache() -> DirectoryCache:
    """The render cache of imports: under the instance folder, shared by all imports."""
    return DirectoryCache(Path(current_app.instance_path) / "cache" / "authoring")


def _exit(code: int) -> None:
    click.get_current_context().exit(code)


@click.group("course", help="Course folders: create, validate, build, preview, import.")
def course_group():
    pass


@course_group.command("new")
@click.argument("course_id")
@click.option("--dest", default="courses", show_default=True, type=click.Path(file_okay=False),
              help="folder in which the course folder is created")
@click.option("--title", help="German title")
@click.option("--subject", help="subject key (default: the first of the list)")
@click.option("--language", "languages", multiple=True, help="a language (repeat: de, en)")
def new_command(course_id, dest, title, subject, languages):
    """Create the course folder DEST/COURSE_ID from a template that validates clean.

    The studio's "Neuen Kurs anlegen" uses the same template (authoring.scaffold).
    """
    _exit(authoring_cli.new_path(Path(dest) / course_id, course_id, out=sys.stdout,
                                 subject=subject, languages=languages or ("de",), title=title))


@course_group.command("validate")
@_paths
@click.option("--strict", is_flag=True, help="fail on warnings too")
@_cache_dir
@_no_cache
def validate_command(paths, strict, cache_dir, no_cache):
    """Check course folders; print file:line:column: error: … (exit status 1 on errors).

    A folder without course.yml stands for every course folder in it (courses/).
    """
    cache = authoring_cli.make_cache(cache_dir, not no_cache)
    _exit(authoring_cli.validate_paths(paths, out=sys.stdout, strict=strict, cache=cache))


@course_group.command("build")
@_paths
@click.option("--out", default="build/packages", show_default=True,
              type=click.Path(file_okay=False), help="output folder")
@_cache_dir
@_no_cache
def build_command(paths, out, cache_dir, no_cache):
    """Build course packages into OUT/<course-id>/ (package.json and media/<sha256>)."""
    cache = authoring_cli.make_cache(cache_dir, not no_cache)
    _exit(authoring_cli.build_paths(paths, out, out=sys.stdout, cache=cache))


@course_group.command("stamp-translations")
@_paths
def stamp_translations_command(paths):
    """Write translation_of (the German file's hash) into every <lesson>.<lang>.md.

    Run it once the translations match their German lessons; validate then warns
    (translation-outdated) when a German lesson changes after its translation.
    """
    _exit(authoring_cli.stamp_paths(paths, out=sys.stdout))


@course_group.command("preview")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
def preview_command(path, port, host):
    """Serve a course folder as plain HTML, re-read on every request (with solutions)."""
    click.echo(f"Preview of {path} at http://{host}:{port}/ (Ctrl+C ends it)")
    authoring_cli.serve(path, host, port)


@course_group.command("import")
@_paths
@click.option("--no-publish", is_flag=True,
              help="store new versions without publishing them")
@with_appcontext
def import_command(paths, no_publish):
    """Import course folders into the platform (idempotent); publish new versions.

    An unchanged folder changes nothing. A version older than the course's published one
    (e.g. the folder says 1.0.0 while 1.0.1 was published in the studio) is stored but not
    published. Each course is its own transaction: one broken course does not stop the others.
    """
    failed = False
    cache = import_cache()
    for course_dir in authoring_cli.find_courses(paths):
        label = course_dir.as_posix()
        try:
            result = services.import_course(course_dir, None, utcnow(),
                                            publish=not no_publish, cache=cache)
        except services.CourseImportError as error:
            db.session.rollback()
            for diagnostic in error.diagnostics:
                click.echo(diagnostic.format())
            summary = summarize(error.diagnostics) if error.diagnostics else error.message
            click.echo(f"{label}: {summary}; not imported")
            failed = True
            continue
        except DomainError as error:
            db.session.rollback()
            click.echo(f"{label}: {error.message}; not imported")
            failed = True
            continue
        db.session.commit()
        for diagnostic in result.warnings:
            click.echo(diagnostic.format())
        version = result.version
        what = {
            "imported": "imported version" + ("" if version.is_published else " (not published)"),
            "stored": "stored version",
            "published": "published existing version",
            "unchanged": "unchanged, version",
        }[result.status]
        line = f"{label}: {version.course.slug} {what} {version.version} ({version.digest})"
        if result.kept_current is not None:
            line += (f"; not published: the current version {result.kept_current.version} "
                     "is newer (publish an older version explicitly to roll back)")
        click.echo(line)
    _exit(1 if failed else 0)
