"""Files learners attach to open answers: checked, stored under the instance folder, served.

A file is kept only when its first bytes say it is a JPEG, PNG, WebP image or a PDF (the
name and the browser's claimed type are not trusted) and it is at most
:data:`MAX_FILE_BYTES`. It is stored as ``instance/uploads/answers/<token>`` under a
random token; the learner's file name is kept only for display and the download name, so
no path a client sends ever reaches the file system.
"""

import io
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, send_file
from flask_babel import gettext as _

from lms.errors import ValidationFailedError

#: the default limit; ``ATLAS_ANSWER_FILE_MAX_BYTES`` in the configuration overrides it
MAX_FILE_BYTES = 10 * 1024 * 1024
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it: name and bytes (read with a size cap)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class StoredFile:
    token: str
    name: str
    media_type: str
    size: int


def max_bytes() -> int:
    """The largest file accepted, from the configuration."""
    return int(current_app.config.get("ATLAS_ANSWER_FILE_MAX_BYTES", MAX_FILE_BYTES))


def sniff(data: bytes) -> str | None:
    """The media type the bytes are, among the accepted ones; ``None`` for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def format_size(size: int) -> str:
    """A byte count as people read it (``10 MB``, ``100 KB``)."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB"


def folder() -> Path:
    return Path(current_app.instance_path) / "uploads" / "answers"


def path_of(token: str) -> Path:
    """The file of ``token``; a token that is not one of ours raises, so no path escapes.

    :raises ValueError: ``token`` is not a token this module makes.
    """
    if not _TOKEN.match(token or ""):
        raise ValueError("not an answer file token")
    return folder() / token


def safe_name(name: str, media_type: str) -> str:
    """A display name without path parts or odd characters, with a fitting extension."""
    base = _NAME.sub("_", Path(name.replace("\\", "/")).name).strip(" ._")[:120] or "datei"
    extension = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp",
                 "application/pdf": ".pdf"}[media_type]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem}{extension}"


def check(upload: Upload, question_label: str) -> str:
    """The media type of ``upload``.

    :raises ValidationFailedError: empty, too large, or not a photo or PDF.
    """
    if not upload.data:
        raise ValidationFailedError(
            _("Die Datei zu „%(question)s“ ist leer.", question=question_label))
    limit = max_bytes()
    if len(upload.data) > limit:
        raise ValidationFailedError(
            _("Die Datei zu „%(question)s“ ist größer als %(size)s.",
              question=question_label, size=format_size(limit)))
    media_type = sniff(upload.data)
    if media_type is None:
        raise ValidationFailedError(
            _("Die Datei zu „%(question)s“ ist kein Foto (JPEG, PNG, WebP) und kein PDF.",
              question=question_label))
    return media_type


def store(upload: Upload, media_type: str) -> StoredFile:
    """Write the checked file under a new random token.

    Written before the database commits; a rolled-back submission leaves an unreachable
    file behind, never a row pointing at a missing file.
    """
    token = secrets.token_urlsafe(32)
    target = path_of(token)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as handle:
        handle.write(upload.data)
    return StoredFile(token, safe_name(upload.name, media_type), media_type, len(upload.data))


def send(token: str, media_type: str, name: str):
    """The response with a stored file: inline for images, a download for PDFs; private,
    never stored by caches, never sniffed or run by the browser.

    The caller has checked who may see it.
    """
    try:
        path = path_of(token)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    # read whole (at most the upload limit): no file handle outlives the request
    response = send_file(io.BytesIO(path.read_bytes()), mimetype=media_type, download_name=name,
                         as_attachment=media_type == "application/pdf", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
