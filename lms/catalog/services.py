"""Catalog rules: importing authoring packages, publishing versions, finding courses.

Services take the acting user and the time, flush but never commit, and raise domain
errors. ``actor=None`` means the platform itself (the command line, demo data): it
may do everything; a user needs administration or, where stated, trainer rights.
"""

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from authoring.build import CourseInvalidError, build_package
from authoring.cache import RenderCache
from authoring.diagnostic import Diagnostic
from authoring.ids import is_valid_id
from authoring.model import DEFAULT_LANGUAGE, GRADED_KINDS, Lesson
from authoring.model import Course as CourseModel
from authoring.package import Package
from lms.accounts.models import User
from lms.catalog.models import Course, CourseMedia, CourseVersion
from lms.catalog.subjects import subject_keys
from lms.catalog.trainers import is_course_trainer
from lms.catalog.version_content import content_for
from lms.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.plugins import hooks

log = logging.getLogger(__name__)


class CourseImportError(ValidationFailedError):
    """A course could not be imported; ``diagnostics`` says where (``file:line:column``)."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.diagnostics = list(diagnostics or [])

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


@dataclass(frozen=True)
class ImportResult:
    """What ``import_course`` did.

    :param is_new: a new version was stored (else the same digest was there already).
    :param is_now_published: this import made the version the course's published one.
    :param warnings: the build's warnings (errors prevent an import).
    """

    version: CourseVersion
    is_new: bool
    is_now_published: bool
    warnings: tuple[Diagnostic, ...] = ()
    #: the published version that stayed current because it is newer than this import
    kept_current: CourseVersion | None = None
    #: ``create_only`` found the course already there and stored nothing
    is_skipped: bool = False

    @property
    def status(self) -> str:
        """``imported``, ``published`` (an existing version became current), ``unchanged``,
        ``stored`` (a new version older than the current one, not published) or ``exists``
        (``create_only`` and the course was there)."""
        if self.is_skipped:
            return "exists"
        if self.is_new:
            return "stored" if self.kept_current is not None else "imported"
        return "published" if self.is_now_published else "unchanged"


@dataclass(frozen=True)
class CatalogFilters:
    """Filters of the public catalogue; empty values do not filter."""

    subject: str = ""
    level: str = ""
    language: str = ""
    max_hours: float | None = None
    query: str = ""


@dataclass(frozen=True)
class ChangedLessons:
    """Lesson ids of a new version compared with an old one, in the new version's order."""

    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


# --- permissions ---------------------------------------------------------------


def _ensure_can_manage(actor: User | None, course: Course | None) -> None:
    """Admins manage every course; trainers the courses they hold rights on."""
    if actor is None or actor.is_admin:
        return
    if course is not None and is_course_trainer(actor, course):
        return
    raise PermissionDeniedError(_("Sie dürfen diesen Kurs nicht verwalten."))


# --- import ----------------------------------------------------------------------


def _build(path: str | Path, cache: RenderCache | None) -> Package:
    try:
        return build_package(path, cache=cache,
                             image_hosts=current_app.config.get("ATLAS_EXTERNAL_IMAGE_HOSTS", ()),
                             subjects=subject_keys())
    except CourseInvalidError as error:
        errors = [d for d in error.diagnostics if d.is_error]
        raise CourseImportError(
            _("Der Kurs hat %(count)d Fehler und wurde nicht importiert.", count=len(errors)),
            error.diagnostics,
        ) from error
    except OSError as error:
        # load_course reports problems in the sources as diagnostics; what is left is
        # the folder itself being unreadable.
        raise CourseImportError(
            _("Der Kursordner %(path)s ist nicht lesbar: %(reason)s", path=str(path),
              reason=error.strerror or str(error))
        ) from error


def build_model(path: str | Path, cache: RenderCache | None = None) -> CourseModel:
    """Build the course folder at ``path`` (without storing it) and return its model, with
    the content hashes that tell which lessons changed.

    :raises CourseImportError: the course has errors.
    """
    return _build(path, cache).course


def _search_text(model: CourseModel) -> str:
    parts: list[str] = []
    for texts in (model.title, model.description, model.target_group):
        parts.extend(texts.values())
    for items in model.objectives.values():
        parts.extend(items)
    for module in model.modules:
        parts.extend(module.title.values())
    return "\n".join(p.strip() for p in parts if p).casefold()


def _store_media(package: Package, now: datetime) -> None:
    """Store each media file the package lists once, by hash; verify what is read."""
    wanted = {entry["sha256"]: (path, entry) for path, entry in package.document["media"].items()}
    if not wanted:
        return
    present = set(db.session.scalars(
        select(CourseMedia.sha256).where(CourseMedia.sha256.in_(list(wanted)))
    ))
    for sha256, (path, entry) in sorted(wanted.items()):
        if sha256 in present:
            continue
        content = package.media_files[path].read_bytes()
        if hashlib.sha256(content).hexdigest() != sha256:
            raise CourseImportError(
                _("Die Datei %(path)s wurde während des Imports geändert. Bitte erneut "
                  "importieren.", path=path)
            )
        db.session.add(CourseMedia(sha256=sha256, media_type=entry["media_type"],
                                   size=len(content), content=content, created_at=now))


def _new_version(course: Course, package: Package, actor: User | None,
                 now: datetime) -> CourseVersion:
    model = package.course
    version = CourseVersion(
        course=course,
        version=model.version,
        digest=package.digest,
        package=json.dumps(package.document, ensure_ascii=False, separators=(",", ":")),
        title_de=model.title.text("de"),
        title_en=model.title.get("en", ""),
        description_de=model.description.text("de"),
        description_en=model.description.get("en", ""),
        search_text=_search_text(model),
        subject=model.subject,
        level=model.level,
        duration_hours=model.duration_hours,
        languages="," + ",".join(model.languages) + ",",
        imported_at=now,
        imported_by=actor,
        is_published=False,
    )
    db.session.add(version)
    return version


def version_key(version: str) -> tuple:
    """Sort key of a semantic version ``1.2.3``; anything else sorts first."""
    parts = version.split(".")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return (-1,)
    return tuple(int(part) for part in parts)


def _keeps_current(course: Course | None, version: str) -> CourseVersion | None:
    """The course's published version when it is newer than ``version`` (which then must
    not replace it), else None."""
    current = course.published_version if course is not None else None
    if current is not None and version_key(current.version) > version_key(version):
        return current
    return None


def import_course(
    path: str | Path, actor: User | None, now: datetime, publish: bool = True,
    cache: RenderCache | None = None, create_only: bool = False,
    learner_policy: str | None = None,
) -> ImportResult:
    """Validate and build the course folder at ``path`` and store it as a course version.

    Idempotent, and never moves the course backwards: a package whose digest the course
    already has creates nothing and changes nothing (not even which version is current:
    rolling back is an explicit ``publish_version``). A new digest becomes a new version;
    it is published unless ``publish`` is false or the course's published version has a
    higher version number (a trainer published 1.0.1 in the studio, the folder still says
    1.0.0): then it is stored but not published, and ``kept_current`` says why. Media files
    are stored once by hash.

    :param cache: an authoring render cache (a directory cache makes re-imports fast).
    :param create_only: import only when the course does not exist yet (demo data).
    :param learner_policy: passed to ``publish_version`` when the import publishes.
    :raises CourseImportError: the course has errors (see ``diagnostics``); nothing is written.
    :raises PermissionDeniedError: ``actor`` is neither admin nor trainer of the course.
    """
    package = _build(path, cache)
    model = package.course
    course = db.session.scalar(select(Course).where(Course.slug == model.id))
    _ensure_can_manage(actor, course)
    warnings = tuple(package.diagnostics)
    if course is not None and create_only:
        current = course.published_version or (course.versions[0] if course.versions else None)
        if current is not None:
            return ImportResult(current, is_new=False, is_now_published=False,
                                warnings=warnings, is_skipped=True)
    if course is not None:
        existing = db.session.scalar(select(CourseVersion).where(
            CourseVersion.course_id == course.id, CourseVersion.digest == package.digest))
        if existing is not None:
            # a course that has no published version at all gets this one
            republish = publish and course.published_version_id is None
            if republish:
                publish_version(existing, actor, now, learner_policy)
            _course_imported(course, existing, path, now)
            return ImportResult(existing, is_new=False, is_now_published=republish,
                                warnings=warnings)
    _store_media(package, now)  # may refuse the import: before any course row is added
    if course is None:
        course = Course(slug=model.id, subject=model.subject, level=model.level,
                        created_at=now, updated_at=now)
        db.session.add(course)
    kept = _keeps_current(course, model.version) if publish else None
    version = _new_version(course, package, actor, now)
    db.session.flush()
    if publish and kept is None:
        publish_version(version, actor, now, learner_policy)
    log.info("imported course %s version %s (%s)%s", model.id, model.version, package.digest,
             f"; {kept.version} stays current" if kept is not None else "")
    _course_imported(course, version, path, now)
    return ImportResult(version, is_new=True, is_now_published=publish and kept is None,
                        warnings=warnings, kept_current=kept)


def _course_imported(course: Course, version: CourseVersion, path: str | Path,
                     now: datetime) -> None:
    hooks().lms_course_imported(
        course=course, version=version, source_path=Path(path), now=now)


LEARNER_POLICIES = ("move", "stay")


def publish_version(version: CourseVersion, actor: User | None, now: datetime,
                    learner_policy: str | None = None) -> CourseVersion:
    """Make ``version`` the course's published version (also to roll back to an older one).

    The catalogue and new enrolments use this one. Enrolled learners move on to it at their
    next visit when it is newer than theirs and its policy says so (a patch or minor
    version, or a major one published with ``learner_policy="move"``; see
    ``lms.learning.version_move``); rolling back never moves anybody.

    :param learner_policy: ``move``, ``stay`` or None (decided by the version number).
    :raises PermissionDeniedError: ``actor`` is neither admin nor trainer of the course.
    """
    course = version.course
    _ensure_can_manage(actor, course)
    if learner_policy is not None:
        if learner_policy not in LEARNER_POLICIES:
            raise ValidationFailedError(_("Unbekannte Regel für Lernende."),
                                        field="learner_policy")
        version.learner_policy = learner_policy
    if not version.is_published:
        version.is_published = True
        version.published_at = now
    course.published_version = version
    course.subject = version.subject
    course.level = version.level
    course.updated_at = now
    db.session.flush()
    hooks().lms_course_version_published(course=course, version=version, actor=actor, now=now)
    return version


# --- reading -----------------------------------------------------------------------


def published_courses(filters: CatalogFilters | None = None) -> list[CourseVersion]:
    """Return the published version of every course matching ``filters``, by German title.

    The search matches every word of ``filters.query`` (case-insensitively, umlauts
    included) in titles, descriptions, target groups, objectives and module titles.
    Each version's ``course`` is loaded with it.
    """
    filters = filters or CatalogFilters()
    statement = (
        select(CourseVersion)
        .join(Course, Course.published_version_id == CourseVersion.id)
        .options(contains_eager(CourseVersion.course))
        .order_by(CourseVersion.title_de)
    )
    if filters.subject:
        statement = statement.where(CourseVersion.subject == filters.subject)
    if filters.level:
        statement = statement.where(CourseVersion.level == filters.level)
    if filters.language:
        statement = statement.where(
            CourseVersion.languages.contains(f",{filters.language},", autoescape=True))
    if filters.max_hours is not None:
        statement = statement.where(CourseVersion.duration_hours <= filters.max_hours)
    # casefold in Python on both sides: SQLite's lower() leaves Ü and ß alone.
    for word in filters.query.casefold().split()[:10]:
        statement = statement.where(CourseVersion.search_text.contains(word, autoescape=True))
    return list(db.session.scalars(statement).unique())


def check_new_course_id(slug: str, field: str = "slug") -> None:
    """The one rule for the id of a new course (studio form, package import, CLI).

    :raises ValidationFailedError: malformed (``authoring.ids``, at most 64 characters) or
        taken; ``field`` names the form field the message belongs to.
    """
    if not is_valid_id(slug) or len(slug) > 64:
        raise ValidationFailedError(
            _("Die Kurs-ID darf nur Kleinbuchstaben, Ziffern und einzelne Bindestriche "
              "enthalten."), field=field)
    if db.session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        raise ValidationFailedError(_("Die Kurs-ID %(id)s ist schon vergeben.", id=slug),
                                    field=field)


def find_published_course(slug: str) -> CourseVersion:
    """Return the published version of the course ``slug``.

    :raises NotFoundError: no such course, or none of its versions is published.
    """
    version = db.session.scalar(
        select(CourseVersion)
        .join(Course, Course.published_version_id == CourseVersion.id)
        .options(contains_eager(CourseVersion.course))
        .where(Course.slug == slug)
    )
    if version is None:
        raise NotFoundError(_("Diesen Kurs gibt es nicht oder nicht mehr."))
    return version


def load_version_model(version: CourseVersion) -> CourseModel:
    """Return the course model of ``version``, parsed once per process and digest.

    The model still holds the quiz solutions: never hand questions to a browser
    except through ``authoring.learner_view``. Treat the model as read-only.
    """
    return content_for(version).course


def version_media(version: CourseVersion) -> dict[str, dict]:
    """Return the media table of ``version``: course-relative path → sha256, size, type."""
    return content_for(version).media


def media_content(sha256: str) -> bytes | None:
    """Return the stored bytes of the media file ``sha256``, or None."""
    return db.session.scalar(select(CourseMedia.content).where(CourseMedia.sha256 == sha256))


def _progress_key(lesson: Lesson) -> tuple:
    # Position (module, order) and attempt limits do not change what a learner did. The
    # German original's hash covers text, questions, minutes and media bytes; translations
    # follow the original (the validator checks they match it), so a new or corrected
    # translation alone reopens nobody's progress (see docs/authoring.md).
    pass_mark = lesson.pass_mark if lesson.kind in GRADED_KINDS else None
    original = lesson.content.get(DEFAULT_LANGUAGE)
    return (lesson.kind, pass_mark, original.content_hash if original else "")


def compare_lessons(old_version: CourseVersion, new_version: CourseVersion) -> ChangedLessons:
    """Compare the lessons of two versions of a course by content hash.

    A lesson counts as changed when its content in any language, its kind or its
    pass mark differs; moving it to another place or module does not change it.
    """
    return compare_models(load_version_model(old_version), load_version_model(new_version))


def compare_models(old_model: CourseModel, new_model: CourseModel) -> ChangedLessons:
    """``compare_lessons`` on two course models (e.g. a built draft against a version)."""
    old = {lesson.id: lesson for lesson in old_model.lessons()}
    new = list(new_model.lessons())
    new_ids = {lesson.id for lesson in new}
    return ChangedLessons(
        changed=[lesson.id for lesson in new
                 if lesson.id in old and _progress_key(old[lesson.id]) != _progress_key(lesson)],
        added=[lesson.id for lesson in new if lesson.id not in old],
        removed=[lesson_id for lesson_id in old if lesson_id not in new_ids],
    )


def changed_lessons(old_version: CourseVersion, new_version: CourseVersion) -> list[str]:
    """Return the ids of lessons of ``new_version`` whose progress cannot carry over.

    That is every lesson that changed or is new; lessons not listed are unchanged and
    progress on them stays valid. Removed lessons are not listed.
    """
    changes = compare_lessons(old_version, new_version)
    wanted = set(changes.changed) | set(changes.added)
    return [lesson.id for lesson in load_version_model(new_version).lessons()
            if lesson.id in wanted]
