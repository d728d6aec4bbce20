"""XLSX export with openpyxl's write-only workbook, written to a temp file and streamed."""

import os
import tempfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from lms.companies.exports.cells import local_date, neutralise
from lms.companies.exports.rows import COLUMNS, CompletionRow

CHUNK = 64 * 1024
DATE_FIELDS = ("enrolled_at", "due_at", "completed_at")


def write_xlsx(rows: Iterable[CompletionRow], headings: list[str], path: str, *,
               status_labels: dict[str, str] | None = None, title: str = "Abschlüsse") -> int:
    """Write ``rows`` to an XLSX file at ``path``; return the number of data rows.

    Write-only mode keeps one row in memory at a time; dates become real date cells,
    text cells are neutralised against formulas.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    keys = [key for key, _label in COLUMNS]
    date_indexes = {keys.index(key) for key in DATE_FIELDS}
    number_indexes = {keys.index("hours_self_paced"), keys.index("hours_synchronous")}
    label_indexes = (keys.index("status"), keys.index("certificate_status"))
    header = []
    for heading in headings:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    width = len(keys)
    for row in rows:
        values = list(row[:width])
        for index in range(width):
            value = values[index]
            if index in date_indexes:
                values[index] = local_date(value)
            elif index not in number_indexes and isinstance(value, str):
                values[index] = neutralise(value)
        if status_labels:
            for index in label_indexes:
                values[index] = status_labels.get(row[index], values[index])
        sheet.append(values)
        count += 1
    workbook.save(path)
    return count


def temp_path() -> str:
    handle, path = tempfile.mkstemp(prefix="atlas-export-", suffix=".xlsx")
    os.close(handle)
    return path


def stream_file(path: str) -> Iterator[bytes]:
    """Yield the file's bytes in chunks and delete it afterwards (also if the client leaves)."""
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)
