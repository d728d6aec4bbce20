"""Hashing and typing the media files a package lists."""

from __future__ import annotations

import hashlib
from pathlib import Path

from authoring.cache import RenderCache

# A fixed table rather than ``mimetypes``: the system's MIME database differs
# between machines and would make package digests differ with it.
MEDIA_TYPES = {
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif",
    ".mp4": "video/mp4", ".webm": "video/webm", ".ogv": "video/ogg",
    ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".oga": "audio/ogg",
    ".wav": "audio/wav", ".vtt": "text/vtt", ".pdf": "application/pdf",
    ".zip": "application/zip", ".csv": "text/csv", ".txt": "text/plain",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
#: Further types of files inside an imported package (``packages/<name>/…``): its pages,
#: scripts, styles and fonts. Only there: a course's own ``media/`` never serves HTML or
#: script from the platform's origin.
PACKAGE_TYPES = {
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
    ".xhtml": "application/xhtml+xml", ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".json": "application/json", ".xml": "application/xml", ".xsd": "application/xml",
    ".dtd": "application/xml-dtd", ".woff": "font/woff", ".woff2": "font/woff2",
    ".ttf": "font/ttf", ".otf": "font/otf", ".eot": "application/vnd.ms-fontobject",
    ".ico": "image/vnd.microsoft.icon", ".bmp": "image/bmp", ".wasm": "application/wasm",
    ".txt": "text/plain; charset=utf-8", ".m4v": "video/mp4", ".mov": "video/quicktime",
    ".aac": "audio/aac", ".swf": "application/x-shockwave-flash",
}
PACKAGES_PREFIX = "packages/"
CHUNK = 1 << 20


def media_type(path: str) -> str:
    """Return the media type the LMS serves ``path`` with."""
    suffix = Path(path).suffix.lower()
    if path.startswith(PACKAGES_PREFIX) and suffix in PACKAGE_TYPES:
        return PACKAGE_TYPES[suffix]
    return MEDIA_TYPES.get(suffix, "application/octet-stream")


def hash_file(file: Path, cache: RenderCache | None = None) -> tuple[str, int]:
    """Return the SHA-256 and size of ``file``, cached by path, size and mtime.

    Videos are large; re-hashing them on every warm build would dominate it.
    """
    stat = file.stat()
    key = "media-" + hashlib.sha256(
        f"{file.resolve()}\x00{stat.st_size}\x00{stat.st_mtime_ns}".encode()
    ).hexdigest()
    cached = cache.get(key) if cache is not None else None
    if cached is not None:
        return cached["sha256"], cached["size"]
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    result = digest.hexdigest()
    if cache is not None:
        cache.set(key, {"sha256": result, "size": stat.st_size})
    return result, stat.st_size
