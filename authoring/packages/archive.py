"""Unzipping a package upload safely.

A zip from a vendor is untrusted input. Every member name is checked before anything is
written (no absolute paths, no ``..``, no drive letters, no control characters, no names
that are not UTF-8, no duplicates, not even ones that differ only in case), symbolic links
and encrypted members are refused, and the sizes are bounded three ways (total bytes, file
count, compression ratio) both by what the zip declares and by what is actually read,
because the declared sizes of a crafted zip can lie.
"""

from __future__ import annotations

import posixpath
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

#: Defaults of the limits; the LMS passes its configured ones.
MAX_TOTAL_BYTES = 500 * 1024 * 1024
MAX_FILES = 5000
MAX_RATIO = 200
#: members smaller than this are not judged by their ratio (a text file of spaces
#: compresses 1000:1 and is harmless)
RATIO_FLOOR = 1024 * 1024
CHUNK = 1 << 16
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UTF8_FLAG = 0x800


class ArchiveError(Exception):
    """The zip cannot be used; ``member`` names the file inside it when one is to blame."""

    def __init__(self, message: str, member: str | None = None):
        super().__init__(f"{member}: {message}" if member else message)
        self.message = message
        self.member = member


@dataclass(frozen=True)
class ArchiveLimits:
    """How much a package may unpack to."""

    max_total_bytes: int = MAX_TOTAL_BYTES
    max_files: int = MAX_FILES
    max_ratio: float = MAX_RATIO


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def member_path(info: zipfile.ZipInfo) -> str:
    """The member's path as a safe, relative POSIX path.

    :raises ArchiveError: the name escapes the target folder or is unreadable.
    """
    raw = info.filename
    if not info.flag_bits & _UTF8_FLAG:
        # zipfile decoded the bytes as CP437; most tools write UTF-8 without the flag.
        try:
            raw = raw.encode("cp437").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            raise ArchiveError(
                "the file name is not UTF-8 (the zip was made with a legacy encoding); "
                "re-create the zip with UTF-8 names", info.filename) from None
    if _CONTROL.search(raw):
        raise ArchiveError("the file name contains control characters", repr(raw))
    name = raw.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name):
        raise ArchiveError("absolute path: files in a package must be relative", raw)
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ArchiveError("the path leaves the package folder ('..', zip-slip)", raw)
    return posixpath.join(*parts) if parts else ""


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def check_members(archive: zipfile.ZipFile, limits: ArchiveLimits) -> list[tuple[str,
                                                                             zipfile.ZipInfo]]:
    """Check every member before anything is extracted; return (path, info) of the files.

    :raises ArchiveError: the first problem found, naming the member.
    """
    files: list[tuple[str, zipfile.ZipInfo]] = []
    seen: dict[str, str] = {}
    total = 0
    for info in archive.infolist():
        path = member_path(info)
        if _is_symlink(info):
            raise ArchiveError("symbolic links are not allowed in a package", info.filename)
        if info.is_dir() or not path:
            continue
        if info.flag_bits & 0x1:
            raise ArchiveError("the file is encrypted (password-protected zips are not "
                               "supported)", path)
        folded = path.casefold()
        if folded in seen:
            same = "twice" if seen[folded] == path else f"twice (also as {seen[folded]})"
            raise ArchiveError(f"the zip holds this file {same}", path)
        seen[folded] = path
        if len(files) + 1 > limits.max_files:
            raise ArchiveError(f"the zip holds more than {limits.max_files} files (limit)")
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ArchiveError(
                f"the zip unpacks to more than {_megabytes(limits.max_total_bytes)} (limit)")
        if info.file_size > RATIO_FLOOR and \
                info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise ArchiveError(
                f"compressed {info.compress_size} bytes unpack to {info.file_size} bytes "
                f"(more than {limits.max_ratio:g}:1, a zip bomb?)", path)
        files.append((path, info))
    for path, _ in files:
        # a file and a folder of the same name cannot both be written
        parent = path.rsplit("/", 1)[0] if "/" in path else ""
        while parent:
            if parent.casefold() in seen:
                raise ArchiveError(f"'{parent}' is both a file and a folder", path)
            parent = parent.rsplit("/", 1)[0] if "/" in parent else ""
    return files


def open_archive(source: str | Path | BinaryIO) -> zipfile.ZipFile:
    """Open ``source`` as a zip.

    :raises ArchiveError: not a zip, or truncated (the central directory is missing).
    """
    try:
        return zipfile.ZipFile(source)
    except zipfile.BadZipFile as error:
        raise ArchiveError(f"not a zip file, or the zip is truncated ({error})") from error
    except OSError as error:
        raise ArchiveError(f"cannot read the zip: {error.strerror or error}") from error


def extract_archive(source: str | Path | BinaryIO, target: str | Path,
                    limits: ArchiveLimits | None = None) -> list[str]:
    """Extract the zip ``source`` into the (new or empty) folder ``target``.

    All names are checked before the first byte is written. On any error the caller
    should discard ``target`` (extract into a temporary folder, then move it).

    :return: the extracted files' relative paths, sorted.
    :raises ArchiveError: the zip is unusable; the message says what and which member.
    """
    limits = limits or ArchiveLimits()
    root = Path(target)
    root.mkdir(parents=True, exist_ok=True)
    with open_archive(source) as archive:
        files = check_members(archive, limits)
        written = 0
        for path, info in files:
            destination = root.joinpath(*path.split("/"))
            destination.parent.mkdir(parents=True, exist_ok=True)
            size = 0
            try:
                with archive.open(info) as member, destination.open("wb") as out:
                    while chunk := member.read(CHUNK):
                        size += len(chunk)
                        written += len(chunk)
                        if size > info.file_size or written > limits.max_total_bytes:
                            raise ArchiveError(
                                "the file is larger than the zip declares (a zip bomb?)", path)
                        out.write(chunk)
            except zipfile.BadZipFile as error:
                raise ArchiveError(f"the file is damaged or the zip is truncated ({error})",
                                   path) from error
            except (EOFError, zipfile.LargeZipFile, NotImplementedError) as error:
                raise ArchiveError(f"cannot unpack the file ({error or type(error).__name__})",
                                   path) from error
    return sorted(path for path, _ in files)


def common_folder(paths: list[str], marker_names: tuple[str, ...]) -> str:
    """The single top folder that wraps a package (``course/imsmanifest.xml``), or ``""``.

    Many tools zip the folder rather than its content; the package root is then that
    folder, provided one of ``marker_names`` is directly inside it and not at the top.
    """
    if any(path in marker_names for path in paths):
        return ""
    tops = {path.split("/", 1)[0] for path in paths}
    if len(tops) == 1 and all("/" in path for path in paths):
        top = tops.pop()
        if any(f"{top}/{marker}" in paths for marker in marker_names):
            return top
    return ""
