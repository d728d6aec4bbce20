"""Command functions the LMS's Flask CLI wraps, and ``python -m authoring``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from authoring.build import CourseInvalidError, build_package, load_course
from authoring.cache import DirectoryCache, MemoryCache, RenderCache
from authoring.currency import stamp_translations
from authoring.diagnostic import Diagnostic, has_errors, summarize
from authoring.model import SUBJECTS
from authoring.preview import serve
from authoring.scaffold import ScaffoldError, new_course

CACHE_ENV = "ATLAS_CACHE_DIR"
DEFAULT_CACHE_DIR = ".atlas-cache"
#: The same variable the LMS reads, so ``validate`` judges external images as the import will.
IMAGE_HOSTS_ENV = "ATLAS_EXTERNAL_IMAGE_HOSTS"
#: Subject keys courses may name, comma-separated (the LMS keeps them as a managed list;
#: ``atlas subjects keys`` prints them). Unset: the built-in list.
SUBJECTS_ENV = "ATLAS_SUBJECTS"


def image_hosts_from_env() -> list[str]:
    """Hosts lessons may show images from: ``$ATLAS_EXTERNAL_IMAGE_HOSTS`` (comma-separated)."""
    return [host.strip() for host in os.environ.get(IMAGE_HOSTS_ENV, "").split(",")
            if host.strip()]


def subjects_from_env() -> list[str] | None:
    """Subject keys from ``$ATLAS_SUBJECTS`` (comma-separated), or None for the built-in list."""
    raw = os.environ.get(SUBJECTS_ENV, "")
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    return keys or None


def find_courses(paths: Sequence[str | Path]) -> list[Path]:
    """Expand each path to course folders: itself if it has ``course.yml``, else its
    subfolders that have one (so ``courses/`` means every course)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir() and not (path / "course.yml").exists():
            children = sorted(p for p in path.iterdir() if (p / "course.yml").is_file())
            found.extend(children or [path])
        else:
            found.append(path)
    return found


def _print_diagnostics(diagnostics: list[Diagnostic], out: TextIO) -> None:
    for diagnostic in diagnostics:
        out.write(diagnostic.format() + "\n")


def validate_paths(
    paths: Sequence[str | Path], out: TextIO | None = None, strict: bool = False,
    cache: RenderCache | None = None, image_hosts: Sequence[str] | None = None,
) -> int:
    """Validate course folders and print their diagnostics.

    :param strict: treat warnings as failures (for CI of finished courses).
    :param image_hosts: hosts images may come from (default: ``$ATLAS_EXTERNAL_IMAGE_HOSTS``).
    :return: the exit code: 0 clean (or warnings only), 1 errors.
    """
    out = out or sys.stdout
    hosts = image_hosts_from_env() if image_hosts is None else image_hosts
    failed = False
    for course_dir in find_courses(paths):
        _, diagnostics = load_course(course_dir, cache, image_hosts=hosts,
                                     subjects=subjects_from_env())
        _print_diagnostics(diagnostics, out)
        out.write(f"{course_dir.as_posix()}: {summarize(diagnostics)}\n")
        failed = failed or has_errors(diagnostics) or (strict and bool(diagnostics))
    return 1 if failed else 0


def build_paths(
    paths: Sequence[str | Path], out_dir: str | Path, out: TextIO | None = None,
    cache: RenderCache | None = None, image_hosts: Sequence[str] | None = None,
) -> int:
    """Build each course into ``out_dir/<course-id>/`` and print its digest.

    :param image_hosts: as for :func:`validate_paths`.
    :return: 0 when every course built, 1 when any had errors (nothing is
        written for that course).
    """
    out = out or sys.stdout
    hosts = image_hosts_from_env() if image_hosts is None else image_hosts
    failed = False
    for course_dir in find_courses(paths):
        try:
            package = build_package(course_dir, cache=cache, image_hosts=hosts,
                                    subjects=subjects_from_env())
        except CourseInvalidError as exc:
            _print_diagnostics(exc.diagnostics, out)
            out.write(f"{course_dir.as_posix()}: {summarize(exc.diagnostics)}; not built\n")
            failed = True
            continue
        _print_diagnostics(package.diagnostics, out)
        target = Path(out_dir) / package.course.id
        package.write(target)
        out.write(
            f"{course_dir.as_posix()}: built {package.course.id} {package.course.version} "
            f"{package.digest} -> {target.as_posix()}\n"
        )
    return 1 if failed else 0


def stamp_paths(paths: Sequence[str | Path], out: TextIO | None = None) -> int:
    """Write ``translation_of`` into every translation of the course folders.

    Run it after checking that each translation matches its German lesson: the
    stamp records which German text the translation follows, and ``validate``
    reports ``translation-outdated`` when the German file changes afterwards.

    :return: 0, or 1 when a folder is not a course or a translation cannot be stamped.
    """
    out = out or sys.stdout
    failed = False
    for course_dir in find_courses(paths):
        if not (course_dir / "course.yml").is_file():
            out.write(f"error: {course_dir.as_posix()} is not a course folder (no course.yml)\n")
            failed = True
            continue
        try:
            changed = stamp_translations(course_dir)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            out.write(f"error: {course_dir.as_posix()}: {exc}\n")
            failed = True
            continue
        for file in changed:
            out.write(f"stamped {file.as_posix()}\n")
        out.write(f"{course_dir.as_posix()}: {len(changed)} translation(s) stamped\n")
    return 1 if failed else 0


def new_path(dest: str | Path, course_id: str | None = None, out: TextIO | None = None,
             subject: str | None = None, languages: Sequence[str] = ("de",),
             title: str | None = None) -> int:
    """Create a course folder from the scaffold; return the exit code."""
    out = out or sys.stdout
    subjects = subjects_from_env() or list(SUBJECTS)
    subject = subject or subjects[0]
    if subject not in subjects:
        out.write(f"error: unknown subject '{subject}' (expected one of: {', '.join(subjects)})\n")
        return 1
    try:
        root = new_course(dest, course_id, subject=subject, languages=languages,
                          title=title or "Neuer Kurs")
    except ScaffoldError as exc:
        out.write(f"error: {exc}\n")
        return 1
    out.write(f"created {root.as_posix()}\n")
    return 0


def make_cache(cache_dir: str | None, enabled: bool = True) -> RenderCache:
    """Return a directory cache (``--cache-dir``, ``$ATLAS_CACHE_DIR`` or ``.atlas-cache``)."""
    if not enabled:
        return MemoryCache()
    return DirectoryCache(cache_dir or os.environ.get(CACHE_ENV) or DEFAULT_CACHE_DIR)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m authoring",
                                     description="ATLAS course authoring tools")
    parser.add_argument("--cache-dir", help=f"render cache (default ${CACHE_ENV} or "
                                            f"{DEFAULT_CACHE_DIR})")
    parser.add_argument("--no-cache", action="store_true", help="do not use a disk cache")
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check course folders")
    validate.add_argument("paths", nargs="+")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    build = commands.add_parser("build", help="build course packages")
    build.add_argument("paths", nargs="+")
    build.add_argument("--out", default="build/packages", help="output folder")
    stamp = commands.add_parser("stamp-translations",
                                help="record in each translation which German text it follows")
    stamp.add_argument("paths", nargs="+")
    new = commands.add_parser("new", help="create a course folder")
    new.add_argument("dest")
    new.add_argument("--id", dest="course_id")
    new.add_argument("--title", help="German title")
    new.add_argument("--subject", help=f"subject key (${SUBJECTS_ENV} or the built-in list)")
    new.add_argument("--language", dest="languages", action="append", default=None,
                     help="a language of the course (repeat: --language de --language en)")
    preview = commands.add_parser("preview", help="serve a course folder as plain HTML")
    preview.add_argument("path")
    preview.add_argument("--port", type=int, default=8001)
    preview.add_argument("--host", default="127.0.0.1")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m authoring``; return the exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    cache = make_cache(args.cache_dir, not args.no_cache)
    if args.command == "validate":
        return validate_paths(args.paths, strict=args.strict, cache=cache)
    if args.command == "build":
        return build_paths(args.paths, args.out, cache=cache)
    if args.command == "stamp-translations":
        return stamp_paths(args.paths)
    if args.command == "new":
        return new_path(args.dest, args.course_id, subject=args.subject,
                        languages=args.languages or ("de",), title=args.title)
    serve(args.path, args.host, args.port)
    return 0
