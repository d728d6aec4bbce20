"""Writing package zips the same way every time (fixed dates, sorted names)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

#: Zip entries carry this date, so the same input gives the same bytes.
FIXED_DATE = (2026, 1, 1, 0, 0, 0)


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    """A deflated zip of ``files`` (archive path → content), entries sorted by name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()
