"""Paths inside a course folder: normalising media references and lesson links."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def is_external(url: str) -> bool:
    """Tell whether ``url`` carries a scheme (``https:``, ``mailto:`` …) or is protocol-relative."""
    return bool(_SCHEME.match(url)) or url.startswith("//")


def course_path(src: str, base: str = "") -> tuple[str | None, str | None]:
    """Normalise a path written in a lesson to a course-relative POSIX path.

    :param src: the path as written, e.g. ``./media/a.svg``.
    :param base: the course-relative folder ``src`` is relative to (``""`` for media).
    :return: ``(path, None)`` or ``(None, problem)`` when the path leaves the
        course folder or is not a relative path at all.
    """
    raw = unquote(src.strip())
    if not raw:
        return None, "is empty"
    if is_external(raw):
        return None, "must be a file in the course folder, not a URL"
    if raw.startswith("/") or "\\" in raw:
        return None, "must be a relative path with '/' (e.g. media/file.svg)"
    path = posixpath.normpath(posixpath.join(base, raw))
    if path == ".." or path.startswith("../") or path == ".":
        return None, "points outside the course folder"
    return path, None
