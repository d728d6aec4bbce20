"""Drafts written out as course folders, so the authoring library can check, render and build them.

Each course gets a working folder under ``instance/cache/studio/<slug>/``: ``<slug>/`` holds the
draft's files, ``manifest.json`` their hashes, ``render/`` the authoring render cache. Only
files whose hash changed are rewritten, so after one edit the library re-renders one lesson
and re-reads nothing else; that keeps the live preview well under half a second. The folder is
a cache of the database: deleting it loses nothing. A file lock serialises the requests (and
worker processes) that use the same course folder.
"""

import contextlib
import fcntl
import json
import logging
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from authoring import DirectoryCache, load_course
from authoring.diagnostic import Diagnostic
from authoring.model import Course as CourseModel
from lms.catalog.models import Course
from lms.catalog.subjects import subject_keys
from lms.extensions import db
from lms.studio.drafts import file_contents, sha256_hex
from lms.studio.models import CourseSourceFile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DraftCheck:
    """The draft read by the authoring library: model and diagnostics (course-relative paths)."""

    model: CourseModel
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    def for_file(self, path: str) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.path == path]


def course_folder(course: Course) -> Path:
    return Path(current_app.instance_path) / "cache" / "studio" / course.slug


def render_cache(course: Course) -> DirectoryCache:
    return DirectoryCache(course_folder(course) / "render")


@contextlib.contextmanager
def materialized(course: Course, override: tuple[str, str] | None = None) -> Iterator[Path]:
    """Write the draft to its working folder and yield the folder, locked.

    :param override: ``(path, text)`` to check unsaved text of one file instead of the
        stored one (the live preview); the stored draft is not changed.
    """
    folder = course_folder(course)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield _sync(course, folder, override)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _sync(course: Course, folder: Path, override: tuple[str, str] | None) -> Path:
    # named like the course: the validator warns when folder name and course id differ
    src = folder / course.slug
    manifest_file = folder / "manifest.json"
    try:
        manifest: dict[str, str] = json.loads(manifest_file.read_text())
    except (OSError, ValueError):
        manifest = {}
    if not manifest or not src.is_dir():
        manifest = {}
        shutil.rmtree(src, ignore_errors=True)
    wanted = dict(db.session.execute(
        select(CourseSourceFile.path, CourseSourceFile.sha256)
        .where(CourseSourceFile.course_id == course.id)).all())
    override_bytes = None
    if override is not None:
        override_bytes = override[1].encode("utf-8")
        wanted[override[0]] = sha256_hex(override_bytes)
    for path in set(manifest) - set(wanted):
        with contextlib.suppress(FileNotFoundError):
            (src / path).unlink()
        del manifest[path]
    stale = [path for path, digest in wanted.items() if manifest.get(path) != digest]
    contents = file_contents(course, [p for p in stale if override is None or p != override[0]])
    if override is not None and override[0] in stale:
        contents[override[0]] = override_bytes
    for path in stale:
        target = src / path
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(contents[path])
        tmp.replace(target)
        manifest[path] = wanted[path]
    _remove_empty_folders(src)
    manifest_file.write_text(json.dumps(manifest))
    return src


def _remove_empty_folders(src: Path) -> None:
    for folder in sorted((p for p in src.rglob("*") if p.is_dir()), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only succeeds when empty


def check_draft(course: Course, override: tuple[str, str] | None = None) -> DraftCheck:
    """Read and validate the draft (with ``override`` for one unsaved file)."""
    with materialized(course, override) as src:
        model, diagnostics = load_course(
            src, render_cache(course),
            image_hosts=current_app.config.get("ATLAS_EXTERNAL_IMAGE_HOSTS", ()),
            subjects=subject_keys())
    prefix = f"{src}/"
    # messages may name another file by its full path; the server's folders are no one's business
    relative = [Diagnostic(d.path.removeprefix(prefix), d.line, d.column, d.severity, d.code,
                           d.message.replace(prefix, "")) for d in diagnostics]
    return DraftCheck(model, relative)
