"""Draft source folders in the database: snapshot from a folder, read, write, zip in and out.

Services take the acting user and the time, flush but never commit, and raise domain errors.
"""

import hashlib
import io
import logging
import lzma
import posixpath
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml
from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import User
from lms.catalog.models import Course, CourseVersion
from lms.errors import ValidationFailedError
from lms.extensions import db
from lms.studio.models import CourseDraft, CourseSourceFile

log = logging.getLogger(__name__)

#: Limits for one file, a whole draft and the number of its files.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_DRAFT_BYTES = 500 * 1024 * 1024
MAX_FILES = 2000
MAX_PATH_LENGTH = 300
#: Folders of a course that never belong to its sources.
IGNORED_PARTS = {".atlas-cache", "__pycache__", "__MACOSX"}
TEXT_SUFFIXES = (".md", ".yml", ".yaml")
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: files of an imported SCORM/cmi5 package (``packages/<name>/…``) keep the names their
#: authoring tool gave them (spaces, umlauts, brackets); still no control characters,
#: separators, characters Windows forbids, or leading dots
_PACKAGE_SEGMENT = re.compile(r'^[^\x00-\x1f\x7f/\\:*?"<>|.\s][^\x00-\x1f\x7f/\\:*?"<>|]*$')


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def is_text_path(path: str) -> bool:
    return path.endswith(TEXT_SUFFIXES)


def clean_path(path: str) -> str | None:
    """Return ``path`` as a safe course-relative path, or None when it is not one.

    Refuses absolute paths, ``..``, backslashes, drive letters, hidden files and odd
    characters, so a stored path can never leave the course folder when written out.
    """
    if not path or len(path) > MAX_PATH_LENGTH or "\\" in path or path.startswith("/"):
        return None
    parts = path.split("/")
    pattern = _PACKAGE_SEGMENT if parts[0] == "packages" and len(parts) > 2 else _SEGMENT
    if any(not (_SEGMENT if index < 2 else pattern).match(part) or part in ("..", ".")
           for index, part in enumerate(parts)):
        return None
    return "/".join(parts)


def is_ignored(path: str) -> bool:
    """Hidden files, caches and OS clutter are not part of a course's sources."""
    return any(part.startswith(".") or part in IGNORED_PARTS for part in path.split("/"))


# --- reading ---------------------------------------------------------------------


def find_draft(course: Course) -> CourseDraft | None:
    return db.session.get(CourseDraft, course.id)


def list_files(course: Course) -> list[CourseSourceFile]:
    """Every file of the draft (without content), by path."""
    return list(db.session.scalars(
        select(CourseSourceFile).where(CourseSourceFile.course_id == course.id)
        .order_by(CourseSourceFile.path)
    ))


def read_file(course: Course, path: str) -> CourseSourceFile | None:
    return db.session.scalar(select(CourseSourceFile).where(
        CourseSourceFile.course_id == course.id, CourseSourceFile.path == path))


def read_text(course: Course, path: str) -> str | None:
    row = read_file(course, path)
    if row is None:
        return None
    return row.content.decode("utf-8", errors="replace")


def file_contents(course: Course, paths: list[str]) -> dict[str, bytes]:
    """The bytes of the named draft files (the others are not loaded)."""
    if not paths:
        return {}
    rows = db.session.execute(select(CourseSourceFile.path, CourseSourceFile.content).where(
        CourseSourceFile.course_id == course.id, CourseSourceFile.path.in_(paths)))
    return {path: content for path, content in rows}


# --- writing ---------------------------------------------------------------------


def _touch(course: Course, actor: User | None, now: datetime) -> CourseDraft:
    draft = find_draft(course) or _new_draft(course, actor, now)
    draft.changed_at = now
    draft.changed_by_id = actor.id if actor is not None else None
    draft.validated_at = None
    return draft


def _new_draft(course: Course, actor: User | None, now: datetime,
               base: CourseVersion | None = None) -> CourseDraft:
    draft = CourseDraft(course_id=course.id, base_version=base, created_at=now, changed_at=now,
                        changed_by_id=actor.id if actor is not None else None,
                        published_at=now if base is not None else None,
                        error_count=0, warning_count=0)
    db.session.add(draft)
    return draft


def write_file(course: Course, path: str, content: bytes, actor: User | None,
               now: datetime) -> bool:
    """Store ``content`` at ``path`` in the draft; return whether anything changed.

    :raises ValidationFailedError: the path is not allowed or the file is too large.
    """
    clean = clean_path(path)
    if clean is None or is_ignored(clean):
        raise ValidationFailedError(_("Der Dateiname %(path)s ist nicht erlaubt.", path=path))
    if len(content) > MAX_FILE_BYTES:
        raise ValidationFailedError(_("Die Datei %(path)s ist größer als %(mb)d MB.",
                                      path=path, mb=MAX_FILE_BYTES // (1024 * 1024)))
    digest = sha256_hex(content)
    row = read_file(course, clean)
    if row is not None and row.sha256 == digest:
        return False
    if row is None:
        row = CourseSourceFile(course_id=course.id, path=clean)
        db.session.add(row)
    row.content, row.sha256, row.size = content, digest, len(content)
    row.updated_at, row.updated_by_id = now, actor.id if actor is not None else None
    _touch(course, actor, now)
    db.session.flush()
    return True


def delete_file(course: Course, path: str, actor: User | None, now: datetime) -> bool:
    row = read_file(course, path)
    if row is None:
        return False
    db.session.delete(row)
    _touch(course, actor, now)
    db.session.flush()
    return True


def record_check(course: Course, errors: int, warnings: int, now: datetime) -> None:
    """Remember the result of checking the whole draft (for the list of courses)."""
    draft = find_draft(course)
    if draft is not None:
        draft.validated_at, draft.error_count, draft.warning_count = now, errors, warnings
        db.session.flush()


def mark_published(course: Course, version: CourseVersion, now: datetime) -> None:
    draft = find_draft(course)
    if draft is not None:
        draft.base_version = version
        draft.published_at = now
        db.session.flush()


# --- folders ---------------------------------------------------------------------


def read_folder(root: Path) -> dict[str, bytes]:
    """Read a course folder into ``{relative path: bytes}``, leaving out hidden files and caches.

    :raises ValidationFailedError: a file is too large, or the folder too large or too full.
    """
    files: dict[str, bytes] = {}
    total = 0
    for file in sorted(root.rglob("*")):
        relative = file.relative_to(root).as_posix()
        if is_ignored(relative) or not file.is_file() or file.is_symlink():
            continue
        if clean_path(relative) is None:
            log.warning("course source %s skipped: name not allowed", relative)
            continue
        size = file.stat().st_size
        total += size
        if size > MAX_FILE_BYTES or total > MAX_DRAFT_BYTES or len(files) >= MAX_FILES:
            raise ValidationFailedError(_("Der Kursordner ist zu groß für den Entwurf."))
        files[relative] = file.read_bytes()
    return files


def snapshot_folder(course: Course, version: CourseVersion | None, root: Path,
                    actor: User | None, now: datetime) -> CourseDraft | None:
    """Take the folder ``root`` as the course's draft, unless the course has one already.

    :return: the new draft, or None when there was one (a trainer's work is never replaced).
    """
    if find_draft(course) is not None:
        return None
    try:
        files = read_folder(root)
    except ValidationFailedError as error:
        log.warning("no draft for %s: %s", course.slug, error.message)
        return None
    draft = _new_draft(course, actor, now, base=version)
    for path, content in files.items():
        db.session.add(CourseSourceFile(
            course_id=course.id, path=path, content=content, sha256=sha256_hex(content),
            size=len(content), updated_at=now,
            updated_by_id=actor.id if actor is not None else None))
    db.session.flush()
    return draft


# --- zip -------------------------------------------------------------------------


def draft_zip(course: Course) -> bytes:
    """The draft as a zip of its source folder (paths below ``<slug>/``)."""
    buffer = io.BytesIO()
    paths = [row.path for row in list_files(course)]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            content = file_contents(course, [path])[path]
            archive.writestr(f"{course.slug}/{path}", content)
    return buffer.getvalue()


@dataclass
class ZipReport:
    """What replacing the draft with a zip changed (paths), or would have."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


@dataclass(frozen=True)
class ZipLimits:
    """What an uploaded course zip may expand to (``ATLAS_STUDIO_ZIP_*``, docs/authoring.md).

    The sizes are counted while members are decompressed, never taken from the headers
    (which may lie), so a zip bomb stops at the limit without being expanded further.

    :param file_bytes: largest member after decompression.
    :param total_bytes: all members together after decompression.
    :param ratio: largest decompressed/compressed ratio of a member and of the archive so
        far; text compresses to about a fifth, a bomb to a thousandth. Below
        ``RATIO_FLOOR`` unpacked bytes the ratio is not checked.
    :param files: most members.
    """

    file_bytes: int = MAX_FILE_BYTES
    total_bytes: int = 200 * 1024 * 1024
    ratio: int = 100
    files: int = MAX_FILES

    @classmethod
    def from_config(cls, config) -> "ZipLimits":
        mib = 1024 * 1024
        return cls(
            file_bytes=min(int(float(config.get("ATLAS_STUDIO_ZIP_MAX_FILE_MB", 50)) * mib),
                           MAX_FILE_BYTES),
            total_bytes=int(float(config.get("ATLAS_STUDIO_ZIP_MAX_TOTAL_MB", 200)) * mib),
            ratio=int(config.get("ATLAS_STUDIO_ZIP_MAX_RATIO", 100)),
        )


#: Members smaller than this once expanded are never refused for their ratio (a
#: whitespace-padded YAML file may compress very well and is still harmless).
RATIO_FLOOR = 1024 * 1024
_CHUNK = 64 * 1024
_SUPPORTED_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                      zipfile.ZIP_LZMA}
#: What zipfile and the decompressors raise for a damaged member (bad CRC, corrupt
#: deflate/bzip2/lzma data, a truncated member, a local header that contradicts the
#: central directory).
_MEMBER_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError,
                  ValueError, NotImplementedError, RuntimeError)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    """Why a member cannot be read at all (before any byte is decompressed)."""
    if info.flag_bits & 0x1:
        return _("Die Datei %(path)s im Archiv ist verschlüsselt. Bitte packen Sie das "
                 "Archiv ohne Passwort.", path=info.filename)
    if info.compress_type not in _SUPPORTED_METHODS:
        return _("Die Datei %(path)s im Archiv ist mit einem nicht unterstützten Verfahren "
                 "komprimiert (Nr. %(method)d). Bitte packen Sie mit „Deflate“ (Standard).",
                 path=info.filename, method=info.compress_type)
    if stat.S_ISLNK(info.external_attr >> 16):
        return _("Die Datei %(path)s im Archiv ist ein symbolischer Link; Links werden nicht "
                 "übernommen.", path=info.filename)
    return None


def _unsafe_name(name: str) -> bool:
    """Zip-slip: absolute paths, drive letters, backslashes and ``..`` leave the folder."""
    return (name.startswith("/") or "\\" in name or bool(re.match(r"^[A-Za-z]:", name))
            or ".." in name.split("/") or "\x00" in name)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits,
                 total: int, packed: int) -> bytes:
    """Decompress one member in chunks, stopping at the first limit it passes.

    :param total: bytes already taken from earlier members.
    :param packed: compressed bytes of the earlier members and this one; the ratio holds
        for the archive as well, so a bomb split into many small members stops too.
    :raises ValidationFailedError: the member is damaged, too large, too compressed, or
        takes the archive past its total.
    """
    name = info.filename
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                size += len(chunk)
                if size > limits.file_bytes:
                    raise ValidationFailedError(_(
                        "Die Datei %(path)s ist entpackt größer als %(mb)s MB.",
                        path=name, mb=_mb(limits.file_bytes)))
                if total + size > limits.total_bytes:
                    raise ValidationFailedError(_(
                        "Das Archiv ist entpackt größer als %(mb)s MB (bei %(path)s).",
                        path=name, mb=_mb(limits.total_bytes)))
                if (size > RATIO_FLOOR and size > limits.ratio * max(info.compress_size, 1)) or (
                        total + size > RATIO_FLOOR
                        and total + size > limits.ratio * max(packed, 1)):
                    raise ValidationFailedError(_(
                        "Die Datei %(path)s ist verdächtig stark komprimiert (mehr als "
                        "%(ratio)d:1); das Archiv wird nicht entpackt.",
                        path=name, ratio=limits.ratio))
                chunks.append(chunk)
    except _MEMBER_ERRORS as error:
        log.info("zip member %s unreadable: %r", name, error)
        raise ValidationFailedError(_(
            "Die Datei %(path)s im Archiv ist beschädigt und kann nicht gelesen werden.",
            path=name)) from error
    return b"".join(chunks)


def read_zip(data: bytes, course: Course, limits: ZipLimits | None = None) -> dict[str, bytes]:
    """Read and check an uploaded zip of a course folder; nothing is written.

    A single top folder (``e-mobility/…``) is taken away. Hidden files and caches are
    left out. Members are decompressed in chunks against ``limits``, so neither a lying
    header nor a zip bomb makes the worker expand more than the limits allow.

    :raises ValidationFailedError: not a zip, a damaged, encrypted or oddly compressed
        member, a path leaving the folder, a link, too large, too compressed or too many
        files, no ``course.yml`` or one with another course id. The message names the file.
    """
    limits = limits or ZipLimits()
    if len(data) > limits.total_bytes:
        raise ValidationFailedError(_("Das Archiv ist größer als %(mb)s MB.",
                                      mb=_mb(limits.total_bytes)))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        all_infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise ValidationFailedError(_("Die Datei ist kein gültiges ZIP-Archiv.")) from error
    infos = [info for info in all_infos if not info.is_dir()]
    if len(infos) > limits.files:
        raise ValidationFailedError(_("Das Archiv enthält mehr als %(count)d Dateien.",
                                      count=limits.files))
    names: list[str] = []
    for info in infos:
        if _unsafe_name(info.filename):
            raise ValidationFailedError(
                _("Das Archiv enthält einen unzulässigen Pfad: %(path)s", path=info.filename))
        names.append(info.filename)
    tops = {name.split("/", 1)[0] for name in names if not is_ignored(name)}
    strip = ""
    if len(tops) == 1 and "course.yml" not in tops:
        strip = tops.pop() + "/"
    files: dict[str, bytes] = {}
    total = packed = 0
    for info, name in zip(infos, names, strict=True):
        relative = name.removeprefix(strip) if strip else name
        if not relative or is_ignored(relative):
            continue
        clean = clean_path(relative)
        if clean is None:
            raise ValidationFailedError(
                _("Das Archiv enthält einen unzulässigen Pfad: %(path)s", path=name))
        if clean in files:
            raise ValidationFailedError(
                _("Die Datei %(path)s steht zweimal im Archiv.", path=name))
        problem = _member_problem(info)
        if problem:
            raise ValidationFailedError(problem)
        if info.file_size > limits.file_bytes:  # early answer; the real count is below
            raise ValidationFailedError(_(
                "Die Datei %(path)s ist entpackt größer als %(mb)s MB.",
                path=name, mb=_mb(limits.file_bytes)))
        packed += info.compress_size
        content = _read_member(archive, info, limits, total, packed)
        total += len(content)
        files[clean] = content
    if "course.yml" not in files:
        raise ValidationFailedError(_("Im Archiv fehlt die Datei course.yml."))
    try:
        data_yml = yaml.safe_load(files["course.yml"].decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ValidationFailedError(_("course.yml im Archiv ist nicht lesbar.")) from error
    course_id = data_yml.get("id") if isinstance(data_yml, dict) else None
    if course_id != course.slug:
        raise ValidationFailedError(
            _("Das Archiv gehört zum Kurs %(other)s, nicht zu %(course)s.",
              other=str(course_id or "?"), course=course.slug))
    return files


def replace_draft(course: Course, files: dict[str, bytes], actor: User | None,
                  now: datetime) -> ZipReport:
    """Make ``files`` the whole draft: add, change and remove files; report what changed."""
    report = ZipReport()
    current = {row.path: row for row in list_files(course)}
    for path, content in sorted(files.items()):
        row = current.get(path)
        if row is None:
            report.added.append(path)
        elif row.sha256 != sha256_hex(content):
            report.changed.append(path)
        else:
            report.unchanged += 1
            continue
        write_file(course, path, content, actor, now)
    for path in sorted(set(current) - set(files)):
        report.removed.append(path)
        delete_file(course, path, actor, now)
    return report


def course_version_in(course_yml: str) -> str:
    """The ``version:`` of a course.yml text ("" when there is none)."""
    match = re.search(r"^version:\s*['\"]?([^'\"\s#]+)", course_yml, re.MULTILINE)
    return match.group(1) if match else ""


def with_version(course_yml: str, version: str) -> str:
    """Return course.yml text with its ``version:`` line set to ``version`` (comments kept)."""
    line = f"version: {version}"
    if re.search(r"^version:.*$", course_yml, re.MULTILINE):
        return re.sub(r"^version:.*$", line, course_yml, count=1, flags=re.MULTILINE)
    if re.search(r"^id:.*$", course_yml, re.MULTILINE):
        return re.sub(r"^(id:.*)$", rf"\1\n{line}", course_yml, count=1, flags=re.MULTILINE)
    return f"{line}\n{course_yml}"


def next_patch(version: str) -> str:
    """``1.0.0`` → ``1.0.1``; anything else gets ``.1`` appended to what it has."""
    parts = version.split(".")
    if parts and parts[-1].isdigit():
        parts[-1] = str(int(parts[-1]) + 1)
        return ".".join(parts)
    return f"{version or '0.1'}.1" if version else "0.1.0"


def posix_parent(path: str) -> str:
    return posixpath.dirname(path)
