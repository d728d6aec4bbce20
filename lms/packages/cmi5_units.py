"""A cmi5 package lesson's AUs as the LMS launches them, from the authoring model.

pkgimport parses ``cmi5.xml`` into ``lesson.package`` (``PackageRef`` with
``standard == "cmi5"`` and one ``PackageItem`` per AU). A relative AU URL is a file of the
course version (served by the per-version media route); an absolute one is a remote AU.
"""

from urllib.parse import urlsplit

from flask import current_app, url_for

from lms.catalog.version_content import content_for
from lms.packages import cmi5_vocabulary as c
from lms.packages.cmi5_launch import LessonUnits, Unit, satisfied_units
from xapi import vocabulary as v


def is_cmi5_lesson(lesson) -> bool:
    package = getattr(lesson, "package", None)
    return lesson.kind == "package" and package is not None and package.standard == "cmi5"


def au_url(version, launch: str) -> str:
    """The absolute URL of an AU: remote as given, or the version's file on the host the
    learner reached (the AU calls the LRS and fetch URL there, same origin)."""
    if urlsplit(launch).scheme in ("http", "https"):
        return launch
    path, mark, query = launch.partition("?")  # the AU's own query string stays as written
    return url_for("catalog.serve_version_media", slug=version.course.slug,
                   version_id=version.id, relpath=path, _external=True) + mark + query


def lesson_units(version, model, lesson, language: str) -> LessonUnits:
    """The AUs of a cmi5 lesson, with LMS-generated activity ids (cmi5 8.1 activityId)."""
    base = current_app.config["ATLAS_BASE_URL"]
    lesson_iri = v.lesson_iri(base, model.id, lesson.module_id, lesson.id)
    items = list(lesson.package.items)
    single = len(items) == 1
    units = tuple(
        Unit(
            activity_id=c.unit_iri(lesson_iri, item.identifier, single=single),
            publisher_id=item.identifier,
            title=item.title,
            url=au_url(version, item.launch),
            launch_method=item.launch_method or c.ANY_WINDOW,
            move_on=item.move_on or "NotApplicable",
            mastery_score=item.mastery_score,
            launch_parameters=item.parameters or "",
            entitlement_key=item.entitlement_key,
            blocks=tuple(c.block_iri(lesson_iri, block) for block in item.blocks),
        )
        for item in items
    )
    return LessonUnits(course_slug=model.id, lesson_id=lesson.id, lesson_iri=lesson_iri,
                       title=lesson.variant(language).title, units=units)


def launch_panel(enrolment, lesson, language: str) -> dict:
    """What the lesson page shows of a cmi5 lesson: its AUs and which are satisfied."""
    version = enrolment.course_version
    units = lesson_units(version, content_for(version).course, lesson, language)
    done = satisfied_units(enrolment.registration, [u.activity_id for u in units.units])
    return {"units": [{"publisher_id": u.publisher_id, "title": u.title,
                       "launch_method": u.launch_method, "satisfied": u.activity_id in done}
                      for u in units.units]}
