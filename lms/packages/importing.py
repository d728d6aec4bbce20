"""Importing a SCORM/cmi5 zip: check it completely, then hand over the files to write.

The zip is unpacked into a temporary folder and its manifest read there; only a package
without errors becomes files (``packages/<name>/…`` plus the lesson Markdown), so nothing
is half-written. Where the files go is the caller's: the studio draft (through the
``lms_course_draft_*`` hooks, answered by the studio) or a new course folder that the
catalog imports.
"""

import json
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import yaml
from flask_babel import gettext as _

from authoring.ids import is_valid_id, slugify
from authoring.model import PackageRef
from authoring.packages.archive import ArchiveError, ArchiveLimits, common_folder, extract_archive
from authoring.packages.cmi5_structure import STRUCTURE_FILE
from authoring.packages.folder import PACKAGES_DIR, package_files, read_package_folder
from authoring.packages.scorm_manifest import MANIFEST_FILE
from lms.catalog import services as catalog_services
from lms.catalog.models import Course
from lms.errors import ValidationFailedError
from lms.local_time import local_day
from lms.plugins import hooks

MIB = 1024 * 1024
STANDARD_LABELS = {"scorm12": "SCORM 1.2", "scorm2004": "SCORM 2004", "cmi5": "cmi5"}
#: files authoring tools and operating systems leave in zips that are no part of a package
_CLUTTER = re.compile(r"(^|/)(__MACOSX|\.[^/]*|Thumbs\.db|desktop\.ini)(/|$)")
_NUMBER = re.compile(r"^(\d+)-")


class PackageImportError(ValidationFailedError):
    """The package cannot be imported; ``details`` lists what and where (``file:line``)."""

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.details = list(details or [])


def limits_from_config(config) -> ArchiveLimits:
    """The archive limits of ``ATLAS_PACKAGE_MAX_*`` (docs/interoperability.md)."""
    return ArchiveLimits(
        max_total_bytes=int(float(config.get("ATLAS_PACKAGE_MAX_TOTAL_MB", 300)) * MIB),
        max_files=int(config.get("ATLAS_PACKAGE_MAX_FILES", 1500)),
        max_ratio=float(config.get("ATLAS_PACKAGE_MAX_RATIO", 200)),
    )


@dataclass
class UploadedPackage:
    """A checked package: its structure (all items) and its files below the package root."""

    ref: PackageRef
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.ref.version_label or STANDARD_LABELS[self.ref.standard]


def read_package_zip(source: BinaryIO | Path, filename: str, name: str,
                     limits: ArchiveLimits) -> UploadedPackage:
    """Unpack and check the zip ``source``; return the package named ``name``.

    :param filename: the zip's name, for messages.
    :raises PackageImportError: the zip or its manifest is unusable; the message says what
        and where (member name, or manifest file and line).
    """
    with tempfile.TemporaryDirectory(prefix="atlas-package-") as tmp:
        root = Path(tmp) / "zip"
        try:
            paths = extract_archive(source, root, limits)
        except ArchiveError as error:
            raise PackageImportError(
                _("%(file)s ist kein brauchbares Paket: %(reason)s", file=filename,
                  reason=str(error))) from error
        paths = [path for path in paths if not _CLUTTER.search(path)]
        top = common_folder(paths, (MANIFEST_FILE, STRUCTURE_FILE))
        folder = root / top if top else root
        ref, diagnostics = read_package_folder(folder, name, filename + (f"/{top}" if top
                                                                          else ""))
        errors = [d for d in diagnostics if d.is_error]
        if ref is None or errors:
            raise PackageImportError(
                _("%(file)s hat %(count)d Fehler und wurde nicht importiert.",
                  file=filename, count=max(len(errors), 1)),
                [d.format() for d in errors])
        files = {path: (folder / path).read_bytes() for path in sorted(package_files(folder))
                 if not _CLUTTER.search(path)}
    return UploadedPackage(ref, files)


# --- names, ids and texts -------------------------------------------------------------


def unique(base: str, taken: set[str], limit: int = 40) -> str:
    """``base`` cut to ``limit``, or with ``-2``, ``-3`` … when taken."""
    base = base[:limit].strip("-") or "paket"
    candidate, number = base, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate = base[:limit - len(suffix)].strip("-") + suffix
        number += 1
    return candidate


def package_name_for(filename: str, title: str, existing_paths: list[str]) -> str:
    """A folder name under ``packages/`` from the zip's name (else the title), unused."""
    taken = {path.split("/")[1] for path in existing_paths
             if path.startswith(f"{PACKAGES_DIR}/") and path.count("/") >= 2}
    stem = Path(filename or "").stem
    return unique(slugify(stem) if stem and slugify(stem) != "section" else slugify(title),
                  taken)


def lesson_ids_in(paths: list[str]) -> set[str]:
    """The lesson ids a draft's file names show (``modules/01-x/03-<id>.md``)."""
    ids = set()
    for path in paths:
        parts = path.split("/")
        if len(parts) == 3 and parts[0] == "modules" and parts[2].endswith(".md"):
            stem = parts[2].removesuffix(".md")
            if re.search(r"\.[a-z]{2}$", stem):
                continue  # a translation
            ids.add(_NUMBER.sub("", stem))
    return ids


def _yaml_text(text: str) -> str:
    """A YAML scalar holding ``text`` exactly (JSON strings are YAML)."""
    return json.dumps(" ".join(text.split()), ensure_ascii=False)


def lesson_text(lesson_id: str, title: str, package: UploadedPackage, name: str,
                item: str | None, now: datetime) -> str:
    """The Markdown of a ``type: package`` lesson."""
    lines = ["---", f"id: {lesson_id}", f"title: {_yaml_text(title)}", "type: package",
             f"package: {name}"]
    if item is not None:
        lines.append(f"item: {_yaml_text(item)}")
    lines += [f"reviewed: {local_day(now).isoformat()}", "---", "", f"# {title}", "",
              # course content is German whatever the importer's page language
              f"Eingekauftes Lernpaket ({package.label}): {package.ref.title or title}", ""]
    return "\n".join(lines)


# --- into a course's draft ------------------------------------------------------------


def draft_paths(course: Course) -> list[str]:
    paths = hooks().lms_course_draft_paths(course=course)
    if paths is None:
        raise PackageImportError(
            _("Der Kurs %(course)s hat keinen Entwurf im Kursstudio. Öffnen Sie ihn dort "
              "einmal und importieren Sie das Paket dann erneut.", course=course.slug))
    return list(paths)


def module_folders(course: Course, paths: list[str]) -> dict[str, str]:
    """Module id → folder (``modules/01-x``) of the course's draft."""
    folders = {}
    for path in paths:
        match = re.match(r"^(modules/[^/]+)/module\.yml$", path)
        if not match:
            continue
        text = hooks().lms_course_source_text(course=course, path=path) or ""
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            continue
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            folders[data["id"]] = match.group(1)
    return folders


def draft_modules(course: Course) -> dict[str, str]:
    """Module id → folder of the course's draft; empty without a draft."""
    paths = hooks().lms_course_draft_paths(course=course)
    return module_folders(course, list(paths)) if paths is not None else {}


def _next_number(paths: list[str], folder: str) -> int:
    numbers = [int(match.group(1)) for path in paths
               if path.startswith(folder + "/") and path.endswith(".md")
               and (match := _NUMBER.match(path.rsplit("/", 1)[1]))]
    return max(numbers, default=0) + 1


@dataclass
class ImportPlan:
    """The files an import writes, and what they are for the messages."""

    name: str
    files: dict[str, bytes]
    lessons: list[str]


def plan_lesson(course: Course, package: UploadedPackage, filename: str, module_id: str,
                now: datetime, title: str = "") -> ImportPlan:
    """The files that add ``package`` to module ``module_id`` of ``course``'s draft as one
    lesson playing all its SCOs/AUs in order.

    :raises PackageImportError: no draft, or no such module.
    """
    paths = draft_paths(course)
    folders = module_folders(course, paths)
    folder = folders.get(module_id)
    if folder is None:
        raise PackageImportError(
            _("Der Kurs %(course)s hat kein Modul %(module)s. Vorhanden: %(modules)s.",
              course=course.slug, module=module_id,
              modules=", ".join(sorted(folders)) or "–"))
    name = package_name_for(filename, package.ref.title, paths)
    title = " ".join((title or package.ref.title or name).split())
    lesson_id = unique(slugify(title) if is_valid_id(slugify(title)) else name,
                       lesson_ids_in(paths), 60)
    path = f"{folder}/{_next_number(paths, folder):02d}-{lesson_id}.md"
    files = {f"{PACKAGES_DIR}/{name}/{relative}": content
             for relative, content in package.files.items()}
    files[path] = lesson_text(lesson_id, title, package, name, None, now).encode("utf-8")
    return ImportPlan(name, files, [path])


def write_plan(course: Course, plan: ImportPlan, actor, now: datetime) -> list[str]:
    """Write the planned files into the course's draft (the studio keeps drafts)."""
    written = hooks().lms_course_draft_write(course=course, files=plan.files, actor=actor,
                                             now=now)
    if written is None:
        raise PackageImportError(_("Das Kursstudio ist nicht installiert; es gibt keinen "
                                   "Entwurf, in den das Paket geschrieben werden könnte."))
    return list(written)


# --- a course of its own --------------------------------------------------------------


def course_files(slug: str, title: str, subject: str, package: UploadedPackage,
                 filename: str, now: datetime) -> ImportPlan:
    """A whole course folder around ``package``: one module, one lesson per SCO/AU."""
    name = package_name_for(filename, package.ref.title, [])
    title = " ".join((title or package.ref.title or slug).split())
    module_id = unique(slugify(package.ref.title or title), set(), 40)
    folder = f"modules/01-{module_id}"
    course_yml = "\n".join([
        f"id: {slug}", "version: 0.1.0", "title:", f"  de: {_yaml_text(title)}",
        "description:",
        f"  de: {_yaml_text(f'Eingekauftes Lernpaket ({package.label})')}",
        f"subject: {subject}", "level: beginner", "languages: [de]", "completion:",
        "  lessons: all", ""])
    module_yml = "\n".join([f"id: {module_id}", "title:",
                            f"  de: {_yaml_text(package.ref.title or title)}", ""])
    files = {"course.yml": course_yml.encode(), f"{folder}/module.yml": module_yml.encode()}
    files |= {f"{PACKAGES_DIR}/{name}/{relative}": content
              for relative, content in package.files.items()}
    taken: set[str] = set()
    lessons = []
    for number, item in enumerate(package.ref.items, start=1):
        lesson_id = unique(slugify(item.title) if is_valid_id(slugify(item.title))
                           else f"teil-{number}", taken, 60)
        taken.add(lesson_id)
        path = f"{folder}/{number:02d}-{lesson_id}.md"
        files[path] = lesson_text(lesson_id, item.title, package, name, item.identifier,
                                  now).encode("utf-8")
        lessons.append(path)
    return ImportPlan(name, files, lessons)


def create_package_course(actor, slug: str, title: str, package: UploadedPackage,
                          filename: str, now: datetime) -> tuple[Course, ImportPlan]:
    """A new course (without version) whose draft is a course folder around ``package``;
    it is published like any draft. Admins only, as every new course.

    :raises ValidationFailedError: malformed or taken id, no subject to file it under.
    """
    from lms.catalog.subjects import active_subjects
    from lms.errors import NotFoundError
    from lms.extensions import db

    if actor is not None and not actor.is_admin:
        raise NotFoundError(_("Seite nicht gefunden"))
    catalog_services.check_new_course_id(slug)
    subjects = [subject.key for subject in active_subjects()]
    if not subjects:
        raise ValidationFailedError(_("Es gibt kein Themenfeld, dem der Kurs angehören "
                                      "könnte. Legen Sie zuerst eines an."))
    course = Course(slug=slug, subject=subjects[0], level="", created_at=now, updated_at=now)
    db.session.add(course)
    db.session.flush()
    plan = course_files(slug, title, subjects[0], package, filename, now)
    write_plan(course, plan, actor, now)
    return course, plan
