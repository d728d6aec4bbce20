"""The course package: canonical JSON of the model plus media listed by hash."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from authoring.diagnostic import Diagnostic
from authoring.model import Course

FORMAT = "atlas-course-package"
FORMAT_VERSION = 1
PACKAGE_FILE = "package.json"
BLOB_DIR = "media"


class PackageError(Exception):
    """A package file that is not a valid ATLAS course package."""


def canonical_json(value: object) -> str:
    """Serialise ``value`` the one way that is hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_of(value: object) -> str:
    """Return the hex SHA-256 of the canonical JSON of ``value``."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def package_digest(document: dict) -> str:
    """Return ``sha256:<hex>`` over the document without its own ``digest`` field."""
    return "sha256:" + sha256_of({key: value for key, value in document.items()
                                  if key != "digest"})


@dataclass
class Package:
    """A built course version, ready for the LMS to import.

    :param document: the JSON written as ``package.json``.
    :param media_files: course-relative path → the file on disk.
    :param diagnostics: the warnings of the build (errors prevent a package).
    """

    course: Course
    document: dict
    media_files: dict[str, Path] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def digest(self) -> str:
        return self.document["digest"]

    def lesson_hashes(self) -> dict[str, str]:
        """Return lesson id → content hash, to tell which lessons changed between versions."""
        return {lesson.id: lesson.content_hash for lesson in self.course.lessons()}

    def write(self, out_dir: str | Path) -> Path:
        """Write ``package.json`` and ``media/<sha256>`` files into ``out_dir``.

        Blobs are named by content, so a directory shared by several versions
        stores each file once.
        """
        out = Path(out_dir)
        blobs = out / BLOB_DIR
        blobs.mkdir(parents=True, exist_ok=True)
        for path, entry in self.document["media"].items():
            target = blobs / entry["sha256"]
            if not target.exists():
                shutil.copyfile(self.media_files[path], target)
        package_file = out / PACKAGE_FILE
        package_file.write_text(
            json.dumps(self.document, sort_keys=True, ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
        return package_file


def load_package(document: dict) -> Course:
    """Check a package document and return its course model.

    :raises PackageError: when the format is unknown or the digest does not match.
    """
    if document.get("format") != FORMAT or document.get("format_version") != FORMAT_VERSION:
        raise PackageError("not an ATLAS course package of a supported version")
    if document.get("digest") != package_digest(document):
        raise PackageError("package digest does not match its content")
    return Course.from_dict(document["course"])


def read_package(path: str | Path) -> tuple[Course, dict]:
    """Read ``package.json`` (or the directory holding it) and return course and document."""
    file = Path(path)
    if file.is_dir():
        file = file / PACKAGE_FILE
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PackageError(f"cannot read {file}: {exc}") from exc
    return load_package(document), document
