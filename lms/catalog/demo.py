"""Demo courses: the repository's courses/ folders, imported and given to the demo trainer."""

import logging
from pathlib import Path

import lms
from authoring.cli import find_courses
from lms.accounts.services import find_user_by_email
from lms.catalog import services, trainers
from lms.catalog.cli import import_cache

log = logging.getLogger(__name__)

#: Created by ``atlas demo seed`` (lms/cli/demo.py) before the plugins' demo data.
DEMO_TRAINER_EMAIL = "trainer@atlas-campus.example"


def courses_folder() -> Path:
    """The ``courses/`` folder of a source checkout; an installed wheel has none."""
    return Path(lms.__file__).resolve().parent.parent / "courses"


def seed_demo_courses(now, folder: Path | None = None) -> list[str]:
    """Import the course folders under ``folder`` whose course does not exist yet, and make
    the demo trainer their trainer.

    Seeding only creates what is missing: a course already on the platform is left as it is,
    so a version a trainer published in the studio survives ``make run``. ``atlas course
    import`` brings changed folders in on purpose. Flush only.
    """
    folder = folder or courses_folder()
    if not folder.is_dir():
        return []
    trainer = find_user_by_email(DEMO_TRAINER_EMAIL)
    cache = import_cache()
    lines = ["Demo-Kurse / demo courses (/courses):"]
    for course_dir in find_courses([folder]):
        try:
            result = services.import_course(course_dir, None, now, cache=cache,
                                            create_only=True)
        except services.CourseImportError as error:
            # A course being edited must not stop the demo; say what is wrong with it.
            log.warning("demo course %s not imported: %s", course_dir, error.message)
            lines.append(f"  {course_dir.name:<20} not imported: {error.message}")
            lines.extend(f"    {d.format()}" for d in error.errors[:5])
            continue
        version = result.version
        if trainer is not None and trainer.is_trainer:
            trainers.grant_course_trainer(None, version.course, trainer, now)
        lines.append(f"  {version.course.slug:<20} {version.version:<8} {result.status}")
    return lines
