"""The export formats of completion records: one registry entry per format, looked up by key.

Each format turns the same stream of completion rows into the bytes of a download. Adding a
format means adding an entry here (and a choice in ``forms.FORMATS``), not a branch in a view.
"""

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from flask_babel import gettext as _

from lms.companies.exports.csv_export import csv_chunks
from lms.companies.exports.json_export import json_chunks
from lms.companies.exports.xapi_export import xapi_chunks
from lms.companies.exports.xlsx_export import stream_file, temp_path, write_xlsx


@dataclass(frozen=True)
class ExportOptions:
    """What every writer may need besides the rows: column headings, labels, CSV separator."""

    headings: list[str]
    status_labels: dict[str, str]
    semicolon: bool = False


@dataclass(frozen=True)
class ExportFormat:
    key: str
    media_type: str
    extension: str
    write: Callable[[Iterable, ExportOptions], Iterator]


def _csv(stream: Iterable, options: ExportOptions) -> Iterator:
    return csv_chunks(stream, options.headings, semicolon=options.semicolon,
                      status_labels=options.status_labels)


def _xlsx(stream: Iterable, options: ExportOptions) -> Iterator:
    # The workbook is written to a temp file first (a zip needs its central directory
    # at the end); memory stays flat because write-only mode holds one row at a time.
    path = temp_path()
    try:
        write_xlsx(stream, options.headings, path, status_labels=options.status_labels,
                   title=_("Abschlüsse"))
    except Exception:
        os.unlink(path)
        raise
    return stream_file(path)


def _json(stream: Iterable, options: ExportOptions) -> Iterator:
    return json_chunks(stream)


def _xapi(stream: Iterable, options: ExportOptions) -> Iterator:
    return xapi_chunks(stream)


EXPORT_FORMATS: dict[str, ExportFormat] = {fmt.key: fmt for fmt in (
    ExportFormat("csv", "text/csv; charset=utf-8", "csv", _csv),
    ExportFormat("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "xlsx", _xlsx),
    ExportFormat("json", "application/json", "json", _json),
    ExportFormat("xapi", "application/json", "xapi.json", _xapi),
)}
