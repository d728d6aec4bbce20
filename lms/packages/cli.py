"""`atlas course import-package FILE.zip`: a SCORM/cmi5 zip into a course's draft, or as a
course of its own.

Into an existing course the package lands in the studio draft (lesson file and
``packages/<name>/``), to be published like any other change. A new course is built as a
folder and imported through the catalog like `atlas course import`, so it is published at
once and its draft made from it.
"""

import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from lms.catalog import services as catalog
from lms.catalog.cli import course_group, import_cache
from lms.catalog.models import Course
from lms.db import utcnow
from lms.errors import DomainError
from lms.extensions import db
from lms.packages import importing


def _fail(message: str, details: list[str] = ()) -> None:
    db.session.rollback()
    for line in details:
        click.echo(line, err=True)
    click.echo(f"not imported: {message}", err=True)
    click.get_current_context().exit(1)


@course_group.command("import-package")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--course", "course_slug", help="add to this course's draft (with --module)")
@click.option("--module", "module_id", help="id of the module the lesson goes into")
@click.option("--new-course", "new_slug", help="create a course of its own with this id")
@click.option("--title", default="", help="title of the lesson or new course "
                                          "(default: the package's title)")
@with_appcontext
def import_package_command(file, course_slug, module_id, new_slug, title):
    """Import the SCORM 1.2/2004 or cmi5 zip FILE (docs/interoperability.md).

    Either --course SLUG --module MODULE_ID (one lesson playing the whole package, written
    into the course's studio draft) or --new-course SLUG (one module, one lesson per
    SCO/AU, imported and published).
    """
    if bool(course_slug) == bool(new_slug) or (course_slug and not module_id):
        raise click.UsageError("give either --course SLUG --module MODULE_ID or "
                               "--new-course SLUG")
    now = utcnow()
    limits = importing.limits_from_config(current_app.config)
    try:
        with file.open("rb") as handle:
            package = importing.read_package_zip(handle, file.name, "paket", limits)
        if course_slug:
            course = db.session.scalar(select(Course).where(Course.slug == course_slug))
            if course is None:
                _fail(f"no course {course_slug}")
            plan = importing.plan_lesson(course, package, file.name, module_id, now, title)
            importing.write_plan(course, plan, None, now)
            db.session.commit()
            click.echo(f"{course_slug}: package {plan.name} ({package.label}, "
                       f"{len(package.ref.items)} item(s)) written into the draft as "
                       f"{', '.join(plan.lessons)}; publish the draft in the studio")
            return
        catalog.check_new_course_id(new_slug)
        plan = importing.course_files(new_slug, title, _subject(), package, file.name, now)
        with tempfile.TemporaryDirectory(prefix="atlas-package-course-") as tmp:
            root = Path(tmp) / new_slug
            for path, content in plan.files.items():
                target = root / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            result = catalog.import_course(root, None, now, cache=import_cache())
        db.session.commit()
    except importing.PackageImportError as error:
        _fail(error.message, error.details)
        return
    except catalog.CourseImportError as error:
        _fail(error.message, [d.format() for d in error.errors])
        return
    except DomainError as error:
        _fail(error.message)
        return
    click.echo(f"{new_slug}: new course with package {plan.name} ({package.label}), "
               f"{len(plan.lessons)} lesson(s), version {result.version.version} published")


def _subject() -> str:
    from lms.catalog.subjects import active_subjects

    subjects = [subject.key for subject in active_subjects()]
    if not subjects:
        raise DomainError("no subject to file the course under; add one first")
    return subjects[0]
